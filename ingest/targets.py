"""The numbers a sentence commits to, and the numbers it only reports.

A *target* is a quantity the plan sets out to reach (建设10个实训基地, 升学比例达到60%以上,
培训教师1.2万人次) or an ordinal (第二轮“双高计划”, 美洲首个鲁班工坊). A *baseline* is a quantity
the text reports as already there, an existing means the plan builds on (依托6个…实践中心, 现有…,
已建成…, 目前…, 截至…): a researcher compares the two, so baselines are kept, as their own kind.

A quantity is a number (Arabic or Chinese: 两个, 三所, 二十五项, 百分之八十; cn2an reads the
Chinese ones), an optional 万/亿 that belongs to the unit (12万人次: value 12, unit 万人次), a unit
(人, 人次, 元, 万元, 个, 所, 门, 项, 课时, 学分, 平方米, %, …), the words around it that bound it
(不少于, 以上: at least; 不超过, 以内: at most; 约, 左右: approximately) and the verb that says
whether the number is a level to reach (达到, 提高到, 提升至) or a change (增长10%, 提高5个百分点).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from .lexicon import NAME_INTERNAL_VERBS, lexicon, tokenizer

if TYPE_CHECKING:
    from .entities import Mention

Token = tuple[str, int, int]

# the characters that end a noun phrase when it is read leftwards or rightwards
_PHRASE_BREAK = set("，。；：、！？（）()“”‘’《》〈〉「」『』【】,.;:!? ·\n\t")
_CLAUSE_MARKS = "，。；：\t"


@dataclass
class Target:
    kind: str  # "quantified", "ordinal", or "baseline" (a quantity that already exists)
    start: int
    end: int
    value: float | int
    unit: str = ""
    counted: str = ""
    approximate: bool = False
    comparator: str = "exactly"  # exactly | atLeast | atMost | approximately
    action: str = ""
    concerns: Mention | None = None
    place: Mention | None = None
    value_kind: str = ""  # level (达到…), increase (增长…), decrease (降低…), or "" when unsaid
    year: int | None = None  # the year it is due (到2027年), or of a baseline the year it describes


# ---------------------------------------------------------------- numbers

_CN_DIGIT = "零〇一二两三四五六七八九"
_CN_NUMERAL = rf"[{_CN_DIGIT}十百千][{_CN_DIGIT}十百千点]*"
_ARABIC = r"\d+(?:\.\d+)?"
# Longest first: 人次 before 人, 个百分点 before 个. A 万 or 亿 in front is part of the unit.
_UNITS = (
    "个百分点|个月|平方米|人次|课时|学时|学分|小时|人|元|个|所|门|项|家|支|名|套|本|部|种|类|场|期|天|批|条|台|次|件|篇|份|年|%"
)
_QUANTITY = re.compile(
    rf"(?:(?P<pct>百分之)(?P<pnum>{_ARABIC}|{_CN_NUMERAL})"
    rf"|(?P<num>{_ARABIC}|{_CN_NUMERAL})(?P<more>余|多)?(?P<scale>万|亿)?(?P<more2>余|多)?(?P<unit>{_UNITS})?)"
    r"(?P<post>及以上|以上|以内|以下|左右|上下)?"
)
# what stands right before a number: the nearest wins (增长不低于10%: at least, and an increase)
_BOUND_BEFORE = [
    ("最少", "atLeast"),
    ("不少于", "atLeast"), ("不低于", "atLeast"), ("至少", "atLeast"), ("超过", "atLeast"),
    ("多于", "atLeast"), ("高于", "atLeast"), ("大于", "atLeast"),
    ("不超过", "atMost"), ("不高于", "atMost"), ("不多于", "atMost"), ("最多", "atMost"),
    ("低于", "atMost"), ("少于", "atMost"),
    ("大约", "approximately"), ("约", "approximately"), ("近", "approximately"),
]
_BOUND_AFTER = {
    "以上": "atLeast", "及以上": "atLeast",
    "以内": "atMost", "以下": "atMost",
    "左右": "approximately", "上下": "approximately",
}
_LEVEL = re.compile(r"(达到|达|调整到|调整为|压减到|压缩到|减少到|提高到|提高至|提升到|提升至|增长到|增长至|增加到|增加至|扩大到|扩大至|增至|降到|降至|降低到|降低至|下降到|下降至|控制在|保持在|稳定在)$")
_INCREASE = re.compile(r"(增长|增加|提高|提升|扩大|新增|增|翻)$")
_CONDITION = re.compile(r"(?<!不)(不足|低于|小于|少于|高于|大于|超过)$")
_ADDS = re.compile(r"(新增|增加|增设|新建)$")
_DECREASE = re.compile(r"(降低|下降|减少|压减|缩减)$")
# a unit in brackets ends the header cell of a table row; the number after it is a cell
_TABLE_UNIT = re.compile(rf"[（(](?:万|亿)?(?:{_UNITS}|万|亿|元)[）)]\s*$")


_ONE_CHARACTER = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2, "十": 10}


@cache
def _cn2an():
    # cn2an takes a tenth of a second to import: only documents with Chinese numerals pay it
    import cn2an

    return cn2an


def cn_number(text: str) -> int | float | None:
    """The value of a Chinese numeral (二十五, 两, 十五点五, 一百二十), or None if it is not one."""
    if text.isdigit():
        return int(text)
    if len(text) == 1 and text in _ONE_CHARACTER:  # 第二轮, 三所: no need to load cn2an
        return _ONE_CHARACTER[text]
    try:
        value = _cn2an().cn2an(text, "normal")
    except (ValueError, KeyError, IndexError):
        return None
    if isinstance(value, float) and value.is_integer() and "点" not in text:
        value = int(value)
    return value


def _number(text: str) -> int | float | None:
    if re.fullmatch(_ARABIC, text):
        return _arabic(text)
    return cn_number(text)


def _arabic(text: str) -> int | float:
    """The number an _ARABIC match writes."""
    return float(text) if "." in text else int(text)


# ---------------------------------------------------------------- what a number counts


# Verbs that govern amounts of money, space and people, besides the lexicon's verbs of action.
_QUANTITY_VERBS = frozenset(
    "争取 新建 组建 安排 资助 拨付 筹措 设立 扶持 发放 参加 参与 覆盖 招收 开设 形成 入选 获批 给予 力争 确保 实现 有 共".split()
)


@cache
def _verbs() -> frozenset[str]:
    return lexicon().verbs | _QUANTITY_VERBS


@cache
def _counted_stops() -> frozenset[str]:
    return _verbs() - NAME_INTERNAL_VERBS


def _counted_after(s: str, pos: int, toks: list[Token]) -> str:
    """The noun phrase a number counts, read rightwards: up to a clause mark, the next number
    or a verb; of a phrase with 的 the head after it."""
    stops = _counted_stops()
    clause_end = min([x for x in (s.find(p, pos) for p in _CLAUSE_MARKS) if x >= 0] + [len(s)])
    quote_free = re.sub("“[^”]*”", lambda m: "“" * len(m.group(0)), s[pos:clause_end])
    if "的" in quote_free:
        # 遴选第三批产教融合效益好、办学质量优的产教融合专业: what is counted is the head after 的
        pos = pos + quote_free.rindex("的") + 1
    end = pos
    i = pos
    while i < len(s):
        if s[i] in "，。；：、！？\t" or s[i] == "等":
            break
        if s[i] == "“":
            close = s.find("”", i)
            i = close + 1 if close > 0 else i + 1
            end = i
            continue
        if s[i] in "和及与" and i + 1 < len(s) and (s[i + 1].isdigit() or s[i + 1] in _CN_DIGIT):
            break
        word = next((w for w, ws, _ in toks if ws == i), None)
        if word and word in stops and i > pos and s[i + len(word) : i + len(word) + 1] not in _NOUN_SUFFIX:
            break  # …but 推进会, 培训班, 指导员 are things, not actions
        i += len(word) if word else 1
        end = i
    phrase = s[pos:end]
    if "的" in phrase:
        phrase = phrase.rsplit("的", 1)[1]
    return _unquoted(phrase)


def _phrase_end(s: str, pos: int, counted: str) -> int:
    """Where the counted phrase read rightwards from ``pos`` ends (撤并3个就业率较低的专业: after
    专业, not three characters on)."""
    at = s.find(counted, pos)
    return at + len(counted) if at >= 0 else pos + len(counted)


def _unquoted(phrase: str) -> str:
    """A phrase wholly in quotes loses them (“双高计划”); a quoted part keeps its pair
    (“双师型”教师)."""
    if phrase.startswith("“") and phrase.endswith("”") and phrase.count("“") == 1:
        return phrase[1:-1]
    if phrase.count("“") == phrase.count("”"):
        return phrase
    return phrase.strip("“”")


_CLOSERS = {"）": "（", ")": "(", "”": "“"}
_NOUN_SUFFIX = set("会班组站室员者师库")


_MODALS = frozenset("应 要 须 需 必须 应当 将 均".split())
_RATE_WORDS = frozenset("年均 同比 每年 平均 累计 比上年 总计 合计".split())
_RATE_TAIL = re.compile(r"(年均|同比|每[生人年月季所个]|每学期|每半年|平均|累计|比上年|比20\d\d年)+$")


@cache
def _before_stops() -> frozenset[str]:
    return _verbs() | _MODALS | {"等", "每年", "年", "年均", "同比", "比上年"}


def _counted_before(s: str, pos: int, toks: list[Token]) -> tuple[str, int]:
    """The noun phrase before a post-posed number (新增校企合作企业40家), read leftwards; a
    bracketed or quoted part inside it (职业教育集团（联盟）, “双师型”教师) belongs to it."""
    stops = _before_stops() | _BASELINE_WORDS
    for word, ws, we in reversed(toks):
        if we == pos and (word in _RATE_WORDS or word[0] == "每"):  # 生均经费年均增长10%, 每学期2次
            pos = ws
    start = pos
    after_de = False
    for word, ws, we in reversed(toks):
        if we > start:
            continue
        if word == "的" and start < pos:
            after_de = True  # 参加职业技能等级认定的学生: what is before 的 says which ones
            start = ws
            continue
        if after_de and not (any(c in _PHRASE_BREAK for c in word) or word in _BASELINE_WORDS or word in {"等", "为", "对"}
                             or _QUANTITY.fullmatch(word)):
            start = ws
            continue
        if we == pos and word in _verbs() and word not in _BASELINE_WORDS | _QUANTITY_VERBS:
            start = ws  # an activity counted in its units (专业培训不少于24课时)
            continue
        if word in _CLOSERS:
            opener = s.rfind(_CLOSERS[word], 0, ws)
            if opener >= 0 and start - opener <= 20:
                start = opener
                continue
        if word in stops or any(c in _PHRASE_BREAK for c in word) or _QUANTITY.fullmatch(word) or word[0] == "每":
            break  # 每名学生发放交通补贴500元: 每名 begins a phrase of its own
        start = ws
    if after_de:
        # 参加职业技能等级认定的学生: the verb that opens the modifier is the action, not the thing
        opening = next(((w, we) for w, ws, we in toks if ws == start), None)
        if opening and opening[0] in _verbs() and opening[1] < pos:
            start = opening[1]
    if start == pos:
        # 专项经费安排不低于1.5亿元: the verb right before the number stands after what it counts
        verb = next(((ws, we) for w, ws, we in toks if we == pos and (w in _verbs() or w in _MODALS)), None)
        if verb and verb[0] < pos:
            return _counted_before(s, verb[0], toks)
    return s[start:pos], start


def _clause_start(s: str, pos: int) -> int:
    return max(s.rfind(p, 0, pos) for p in _CLAUSE_MARKS) + 1


def _action_before(s: str, pos: int, toks: list[Token]) -> str:
    verbs = _verbs() - {"有", "共"}
    clause = _clause_start(s, pos)
    words = [w for w, ws, we in toks if clause <= ws and we <= pos and not any(c in _PHRASE_BREAK for c in w)]
    out: list[str] = []
    for w in reversed(words):
        if w in verbs:
            out.insert(0, w)
        elif out:
            break
        else:
            # the verb must govern the target, not a word several positions away
            if len("".join(words[-3:])) > 12:
                break
    return "".join(out)


# ---------------------------------------------------------------- baselines

# Words that make the quantity after them one that exists already. 累计 (cumulative) is not one:
# 到2027年累计培训5万人次 is a target; 已累计… is a baseline through 已.
_BASELINE_WORDS = frozenset(
    "依托 现有 已有 已建成 已建 已经 已 业已 现已 目前 当前 截至 截止 截至目前 共有 拥有 建有 现存 了".split()
)
# A clause of time that puts what follows it in the sentence in the past or present, unless a
# later word moves it to the future (截至2024年底，…；到2027年，…).
_PAST_CLAUSE = re.compile(r"(?:^|[，。；：])(?:目前|当前|现阶段|截至|截止|近年来|近\S{1,2}年来|过去|此前|“十四五”以来|以来)")
_FUTURE = re.compile(r"到20\d\d年|力争|确保|争取|预计|计划|届时|将")


def _is_baseline(s: str, pos: int, toks: list[Token]) -> bool | None:
    """Whether the quantity at ``pos`` is reported rather than set: the verb that governs it, or
    the word right before that verb, says it exists (依托, 现有, 已建成, 建成了, 目前共有), or a
    clause of time before it does (截至2024年底，…). None when nothing in its clause governs it
    (…，高职院校60所): it is what the quantity before it was."""
    verbs = _verbs()
    clause = _clause_start(s, pos)
    words = [w for w, ws, we in toks if clause <= ws and we <= pos]
    seen_verb = False
    for w in reversed(words):
        if w in _BASELINE_WORDS or (len(w) > 1 and w[0] == "已" and w[1:] in verbs):
            return True
        if w in _RATE_WORDS:  # 已累计培养…: 累计 sits inside the verb chain
            continue
        if w in verbs:
            seen_verb = True
        elif seen_verb:
            break  # past the verb chain
    past = list(_PAST_CLAUSE.finditer(s, 0, clause))
    if past and not _FUTURE.search(s, past[-1].end(), pos):
        return True
    return False if seen_verb or _FUTURE.search(s, clause, pos) else None


# ---------------------------------------------------------------- reading quantities


def _value_kind(before: str) -> tuple[str, str]:
    """(level | increase | decrease | "", the text before that verb) for the words before a
    number, once a bound (不低于) is taken off them."""
    for pattern, kind in ((_LEVEL, "level"), (_DECREASE, "decrease"), (_INCREASE, "increase")):
        m = pattern.search(before)
        if m:
            return kind, before[: m.start()]
    return "", before


def _bound_before(before: str) -> tuple[str, str]:
    """(comparator, text before it) for the words right before a number."""
    for word, comparator in sorted(_BOUND_BEFORE, key=lambda x: -len(x[0])):
        if before.endswith(word):
            return comparator, before[: -len(word)]
    return "", before


def _bound_over_verbs(before: str) -> str:
    """The comparator of a bound that governs the verb phrase before the number (至少配备2名,
    每所职业院校至少面向社会开放校园1天): 至少, 不少于, 最多 earlier in the clause, with no other
    number between."""
    m = next(reversed(list(re.finditer("(至少|最少|不少于|最多|不超过)", before))), None)
    if m is None or re.search(r"\d|[两二三四五六七八九十百千万]", before[m.end() :]):
        return ""
    return dict(_BOUND_BEFORE)[m.group(1)]


def _crosses_a_word(start: int | None, end: int, toks: list[Token]) -> bool:
    """A number and unit that begin or end inside a word are not a quantity: 三门峡, 进一步,
    815 glued to the 所属 of the next column."""
    known = tokenizer().FREQ  # a word jieba's HMM made up (个产教) is no evidence of a word
    return any(((start is not None and ws < start < we) or ws < end < we) and known.get(w) for w, ws, we in toks)


def _skip(s: str, m: re.Match[str], toks: list[Token], blocked: list[tuple[int, int]]) -> bool:
    start, end = m.start(), m.end()
    if any(a <= start < b for a, b in blocked):
        return True
    prev = s[start - 1] if start else ""
    if prev.isdigit() or prev in "〔[+.第" or (prev.isascii() and prev.isalpha()):
        return True
    if re.match(r"[年月日号届级]", s[end : end + 1]) and not m.group("post"):
        return True
    if _TABLE_UNIT.search(s[:start]) or prev == "\t" or s[max(0, start - 2) : start] == "  ":
        return True  # a cell of a table row: its unit is in the header, its thing in another column
    num = m.group("num") or m.group("pnum")
    if not m.group("pct") and not m.group("unit") and not m.group("scale"):
        return True  # a bare number counts nothing
    if not re.fullmatch(_ARABIC, num):
        if num in {"百", "千"} and not m.group("pct"):
            return True  # 百校, 千人 are names
        unit_end = m.end("unit") if m.group("unit") else m.end("scale") if m.group("scale") else m.end("pnum")
        if _crosses_a_word(start, unit_end, toks):
            return True
    elif m.group("unit") and m.group("unit") != "%" and not m.group("post") and _crosses_a_word(None, m.end("unit"), toks):
        return True
    return False


# the year a quantity is due or describes: 到2027年, 至2025年, 截至2024年底, 2025年底前
_YEAR = re.compile(r"(?:到|至|截至|截止)(20\d\d)年|(20\d\d)年(?:底|末)")


def _year_before(s: str, pos: int) -> int | None:
    years = list(_YEAR.finditer(s, 0, pos))
    return int(years[-1].group(1) or years[-1].group(2)) if years else None


def _post_posed(after: str, end: int, toks: list[Token]) -> bool:
    """Whether the number stands after what it counts: nothing but punctuation or a verb follows
    it (新增校企合作企业40家。安排专项资金800万元支持…)."""
    if not after or after[0] in "，。；、：）)" or after.startswith("等") or after.startswith("用于"):
        return True
    if re.match("(赴|前往|到)", after):
        return True  # 选派骨干教师十名赴港研修: the teachers go, the number counts them
    word = next((w for w, ws, _ in toks if ws == end), "")
    if _MONEY_OF.match(after, len(word)):
        return False  # 给予50万元建设经费: 建设 names what the money is for
    return word in _verbs() - {"有", "共"}


_MONEY_OF = re.compile("(经费|补助|资金|补贴|奖励|奖补)")


def find_quantities(s: str, toks: list[Token], mentions: list[Mention], quoted: list[tuple[int, int]]) -> list[Target]:
    """Quantified targets and baselines of sentence ``s``."""
    # numbers inside names (天津市第一商业学校) or quotes (“1+3+4”) are not quantities
    blocked = list(quoted) + [(x.start, x.end) for x in mentions if x.kind in {"org", "place", "law", "publication", "event"}]
    out: list[Target] = []
    for m in _QUANTITY.finditer(s):
        if _skip(s, m, toks, blocked):
            continue
        num = m.group("num") or m.group("pnum")
        value = _number(num)
        if value is None:
            continue
        unit = "%" if m.group("pct") else (m.group("scale") or "") + (m.group("unit") or "")
        if _CONDITION.search(s, 0, m.start()) and s[m.end() : m.end() + 1] == "的":
            continue  # 招生不足30人的专业: a threshold that picks things out, not a target
        if unit == "期" and re.match("(工程|建设|项目)", s[m.end() :]):
            continue  # 二期建设: a phase
        if s[m.start() - 1 : m.start()] == "”" and not re.fullmatch(_ARABIC, m.group("num") or "0"):
            continue  # “粤菜师傅”“广东技工”“南粤家政”三项工程: the count of a list just named
        post = m.group("post") or ""
        clause = _clause_start(s, m.start())
        comparator, before = _bound_before(_RATE_TAIL.sub("", s[clause : m.start()]))
        value_kind, before = _value_kind(before)
        head = clause + len(before)  # where the words that bound or move the number begin
        more = bool(m.group("more") or m.group("more2"))  # 40余家, 300多人: more than, roughly
        comparator = comparator or _bound_over_verbs(s[clause : m.start()])
        if not comparator and value_kind == "level" and not _DECREASE.search(s[clause : m.start()]):
            comparator = "atLeast"  # 达到95%, 提高到1.5万元: a level to reach is a floor
        comparator = _BOUND_AFTER.get(post) or comparator or ("atLeast" if more else "exactly")
        approximate = comparator == "approximately" or more
        span_of_time = s[clause : m.start()].endswith("为期")  # 为期一年的支教帮扶
        if unit == "年" and comparator not in {"atLeast", "atMost"} and not span_of_time:
            continue  # 3年行动计划, 五年: a span of years is a target only when bounded (不少于1年)
        if num == "一" and comparator not in {"atLeast", "atMost"} and not span_of_time and ("每" not in s[clause : m.start()] or unit == "批"):
            continue  # 一个, 一项: an article, unless bounded (至少一家) or a frequency (每半年召开一次)
        after = s[m.end() :]
        if _post_posed(after, m.end(), toks):
            counted, cstart = _counted_before(s, head, toks)
            action = _action_before(s, cstart, toks)
            start = cstart
            anchor = cstart
        else:
            clause_end = min([x for x in (s.find(p, m.end()) for p in _CLAUSE_MARKS) if x >= 0] + [len(s)])
            de = s.find("的", m.end(), clause_end)
            if de >= 0 and any(q.group("unit") for q in _QUANTITY.finditer(s, de, clause_end)):
                continue  # 两个联盟的成员单位合计达到120家: the count is the later one
            counted = _counted_after(s, m.end(), toks)
            action = _action_before(s, m.start(), toks)
            start = m.start()
            anchor = m.start()
        if not counted:
            continue
        end = m.end() if start < m.start() else _phrase_end(s, m.end(), counted)
        baseline = _is_baseline(s, anchor, toks)
        if baseline is None:  # 现有中职学校350所，高职院校60所: the enumeration goes on
            baseline = (
                bool(out) and out[-1].kind == "baseline" and not s[clause:anchor].strip()
                and _clause_start(s, out[-1].start) == _clause_start(s, clause - 1)
            )
        if re.match(r"(入选|获批|获评|获得|荣获)", s[end:]):
            baseline = True  # 14所学校入选首轮…: a result reported, not one to reach
        kind = "baseline" if baseline else "quantified"
        if not value_kind and _ADDS.search(action):
            value_kind = "increase"  # 新增校企合作企业40家: forty more
        out.append(
            Target(kind, start, max(end, m.end()), value, unit, counted, approximate, comparator, action,
                   value_kind=value_kind, year=_year_before(s, m.start()))
        )
    return out


# ---------------------------------------------------------------- ordinals

_CN_ORD = "一二三四五六七八九十百"
_ORDINAL = re.compile(rf"(首个|首批|首届|第([{_CN_ORD}\d]+)(批|轮|个|届|期|次))")


def _inside(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= start and end <= b for a, b in spans)


def find_ordinals(s: str, toks: list[Token], mentions: list[Mention], quoted: list[tuple[int, int]]) -> list[Target]:
    out = []
    for m in _ORDINAL.finditer(s):
        if _inside(m.start(), m.end(), quoted) and not any(a == m.end() for a, _ in quoted):
            if _inside(m.start(), m.end(), [(a + 1, b - 1) for a, b in quoted]):
                continue
        number = 1 if m.group(1).startswith("首") else _number(m.group(2))
        if number is None:
            continue
        unit = m.group(1)[1:] if m.group(1).startswith("首") else m.group(3)
        concerns = next((x for x in mentions if x.start >= m.end() and x.start - m.end() <= 1 and x.kind == "programme"), None)
        counted = concerns.name if concerns else _counted_after(s, m.end(), toks)
        # 美洲首个鲁班工坊, 在马来西亚建设首个鲁班工坊: the nearest place earlier in the clause
        clause = _clause_start(s, m.start())
        places = [x for x in mentions if x.kind == "place" and clause <= x.start and x.end <= m.start()]
        place = places[-1] if places else None
        end = concerns.end if concerns else _phrase_end(s, m.end(), counted)
        out.append(
            Target("ordinal", m.start(), end, int(number), unit, counted, action=_action_before(s, m.start(), toks),
                   concerns=concerns, place=place)
        )
    return out


def find_targets(s: str, toks: list[Token], mentions: list[Mention], quoted: list[tuple[int, int]]) -> list[Target]:
    """Quantified targets, baselines and ordinal targets of sentence ``s`` (normalised text),
    given its tokens, the names found in it and its quoted or titled spans."""
    return find_quantities(s, toks, mentions, quoted) + find_ordinals(s, toks, mentions, quoted)


# ---------------------------------------------------------------- indicator tables

# 主要发展指标 tables: a header of years (2024年（基期） | 2025年 | 2027年) or of 现状/目标 columns,
# then one row per indicator, its unit in brackets (市级高水平专业群（个）) or in a 单位 column.
_HEADER_YEAR = re.compile(r"(20\d\d)\s*年")
_BASE_COLUMN = re.compile(r"基期|基数|基准|现状|现值|基础值")
_GOAL_COLUMN = re.compile(r"目标")
_UNIT_COLUMN = re.compile(r"^(?:计量)?单位$")
_CELL_VALUE = re.compile(rf"^(?P<pre>[≥>＞≤<＜]|不少于|不低于|不超过|约)?\s*(?P<num>{_ARABIC})\s*(?P<post>以上|以下|以内|左右)?$")
_CELL_BOUND = {"≥": "atLeast", ">": "atLeast", "＞": "atLeast", "不少于": "atLeast", "不低于": "atLeast",
               "≤": "atMost", "<": "atMost", "＜": "atMost", "不超过": "atMost", "约": "approximately"}
_ROW_UNIT = re.compile(r"[（(]([^（）()]{1,6})[）)]\s*$")


def _cells(row: str) -> list[tuple[str, int]]:
    """(cell, start) of a row whose cells are separated by tabs."""
    out, pos = [], 0
    for cell in row.split("\t"):
        if cell.strip():
            out.append((cell.strip(), pos + len(cell) - len(cell.lstrip())))
        pos += len(cell) + 1
    return out


def _columns(header: list[str]) -> list[tuple[str, int | None]] | None:
    """What each column of a header holds: ("target" | "baseline" | "unit" | "", year), or None
    when the row is no header of an indicator table."""
    cols: list[tuple[str, int | None]] = []
    for cell in header:
        year = _HEADER_YEAR.search(cell)
        if _UNIT_COLUMN.match(cell):
            cols.append(("unit", None))
        elif _BASE_COLUMN.search(cell):
            cols.append(("baseline", int(year.group(1)) if year else None))
        elif year or _GOAL_COLUMN.search(cell):
            cols.append(("target", int(year.group(1)) if year else None))
        else:
            cols.append(("", None))
    if not any(kind == "target" for kind, _ in cols[1:]):
        return None
    return cols


def table_targets(rows: list[str]) -> list[list[Target]]:
    """The targets and baselines of each row of a table turned to text (cells separated by
    tabs), with offsets into that row's text (the span is the cell of the value). A table whose header names no target column (a
    list of institutions, say) gives none: its numbers are not quantities."""
    out: list[list[Target]] = [[] for _ in rows]
    columns = None
    for k, row in enumerate(rows):
        cells = _cells(row)
        if not cells:
            continue
        if all(_CELL_VALUE.match(c) is None for c, _ in cells[1:]):
            columns = _columns([c for c, _ in cells]) or columns
            continue
        if columns is None:
            continue
        name = next((c for c, _ in cells if _CELL_VALUE.match(c) is None), "")  # not the 序号
        unit_m = _ROW_UNIT.search(name)
        counted = name[: unit_m.start()].strip() if unit_m else name
        unit = unit_m.group(1) if unit_m else ""
        for (kind, _), (cell, _) in zip(columns, cells, strict=False):
            if kind == "unit":
                unit = cell
        if not unit or not counted:
            continue
        for (kind, year), (cell, start) in zip(columns, cells, strict=False):
            m = _CELL_VALUE.match(cell)
            if kind not in {"target", "baseline"} or m is None:
                continue
            value = _arabic(m.group("num"))
            comparator = _CELL_BOUND.get(m.group("pre") or "") or _BOUND_AFTER.get(m.group("post") or "") or "exactly"
            out[k].append(
                Target("quantified" if kind == "target" else "baseline", start, start + len(cell), value, unit,
                       counted, comparator == "approximately", comparator, year=year)
            )
    return out
