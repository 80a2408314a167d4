"""Find what a sentence names: institutions, programmes, platforms, industries, places, laws,
events, publications, and the numeric and ordinal targets it sets.

Patterns find the names (suffixes of institution names, 《…》 titles, “…” quoted names, numbers
with classifiers); jieba's word boundaries, with the domain lexicon, tell where a name begins.
Bracketed spans are taken out first, because jieba splits text at punctuation before it looks
words up.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import cache

from .lexicon import NAME_INTERNAL_VERBS, lexicon, tokenizer, tokens, word_index
from .organisations import GAZETTEER, LEXICON, RULE, head_end, is_generic, org_class, org_names
from .places import needs_boundary, place_occurrences
from .targets import Target, find_targets
from .text import HAN

PUNCT = set("，。；：、！？（）()“”‘’《》〈〉「」『』【】,.;:!? ·\n")
_CN_ORD = "一二三四五六七八九十百"
# Words that end a name when searching leftwards for its start, besides verbs and punctuation.
_STOP_WORDS = frozenset(
    "在 对 以 按照 通过 围绕 基于 借助 依托 面向 以及 及其 为 把 将 与 和 并 等 的 是 向 从 由 于 "
    "各 全面 持续 深入 积极 切实 着力 高质量 高水平 大力 稳步 不断 进一步 定期 "
    # the writer's own region and year (我省活动周, 今年活动周) name none
    "我省 我市 我区 我县 我校 今年 明年 本年度".split()
)
_NAME_JOINERS = frozenset("和 与 及".split())  # may sit inside a platform name: 国家和天津…平台


@dataclass
class Mention:
    kind: str  # org, place, industry, programme, platform, law, event, publication
    name: str  # the label
    start: int
    end: int
    cls: str  # vet class (or programme kind) local name
    role: str | None = None
    publisher: str | None = None
    sources: tuple[str, ...] = (RULE,)  # which recognisers found it (organisations.RULE, …)
    codes: tuple[str, ...] = ()  # a place: the gazetteer codes its name may denote
    aliases: tuple[str, ...] = ()  # a programme: other forms of its name in the text (skos:altLabel)


@dataclass
class Extraction:
    mentions: list[Mention] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    verbs: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- organisations

_zone_re: re.Pattern[str] | None = None


def _zone_pattern() -> re.Pattern[str]:
    global _zone_re
    if _zone_re is None:
        _zone_re = re.compile(
            rf"[{HAN}]{{0,10}}?(保税区|经济技术开发区|开发区|高新区|高新技术产业开发区|自贸区|自由贸易试验区|自由贸易区|自由贸易港|"
            r"产业园区|工业园区|新区|合作区|实验区|试验区|示范区|经济区|空港经济区)"
        )
    return _zone_re


# Companies are named without a place as often as with one (华为技术有限公司).
_COMPANY = re.compile("(股份有限公司|有限责任公司|有限公司|集团有限公司)")


_BRACKETED = re.compile(rf"（[{HAN}]{{1,6}}）$")
_COMPANY_END = re.compile("(公司|集团)$")
# a named consortium is an alliance of its members (钢铁冶金行业产教融合共同体); the bare kind
# word, an enumeration (智能供应链、新能源等…) or a batch (第二批…) is the programme
_CONSORTIUM = re.compile("(行业产教融合共同体|产教融合共同体|市域产教联合体|产教联合体)")


def _consortium_start(s: str, end: int, toks) -> int:
    """A consortium's name is the industries and places before its kind word, 全国 first:
    钢铁冶金行业产教融合共同体, 全国轨道交通装备行业产教融合共同体."""
    lex = lexicon()
    start = end
    for word, ws, we in reversed(toks):
        if we > start:
            continue
        if we < start or not (word in lex.industries or word == "全国" or _is_place(word)):
            break
        start = ws
    # 全国 before words the lexicon does not hold: 全国智慧港口行业产教融合共同体
    national = s.rfind("全国", max(0, start - 8), start)
    if national >= 0 and re.fullmatch(f"[{HAN}]*", s[national:start]) and not s.startswith("全国性", national):
        if not any(w in _stops("org") for w, ws, we in toks if national <= ws and we <= start):
            start = national
    return start


def _company_start(s: str, start: int, toks) -> int:
    before = [(w, ws) for w, ws, we in toks if we == start]
    if not before or not re.fullmatch(f"[{HAN}]{{2,4}}", before[0][0]):
        return start
    word, ws = before[0]
    if word in _stops("org") or _is_place(word) or tokenizer().FREQ.get(word, 0) >= _COMMON_WORD:
        return start  # a brand is a rare word (中车); 跟随, 支持 are not
    return ws


def _before_bracket(s: str, pos: int) -> int:
    """阿里巴巴（中国）有限公司, 成都飞机工业（集团）有限责任公司: a bracketed place or 集团 inside
    a company's name belongs to it."""
    m = _BRACKETED.search(s, 0, pos)
    return m.start() if m else pos


# 省教育厅, 市委, 经省人民政府同意: a body of the document's own region, named relative to it,
# where a name may begin (after a mark or a verb that takes a body); not 市场, 省级, 市域 …
RELATIVE_BODY = re.compile(
    rf"(?:^|(?<=[，、。；：（由经与和及同为向请])|(?<=落实|会同|联合|支持|报送))[省市](?![场级域内外属直])"
    rf"(?:人民政府|政府|委|[{HAN}]{{1,10}}?(?:厅|局|委员会|委|办公室|办))(?![{HAN}]*?(?:学院|学校|大学|中心))"
)


def find_orgs(s: str, toks=None) -> list[Mention]:
    toks = tokens(s) if toks is None else toks
    found = []
    for a, b, src in org_names(s, toks):
        if _COMPANY_END.search(s, a, b) and not is_generic(s[_company_start(s, a, toks) : b]):
            a = _company_start(s, a, toks)  # 中车株洲电力机车有限公司: a brand before the place
        found.append(Mention("org", s[a:b], a, b, org_class(s[a:b]), sources=src))
    for m in _COMPANY.finditer(s):
        if any(f.start < m.end() and m.start() < f.end for f in found):
            continue
        head = _before_bracket(s, m.start())
        start = name_start(s, head, "org", toks)
        if head - start >= 2 and not any(f.start < m.end() and start < f.end for f in found):
            found.append(Mention("org", s[start : m.end()], start, m.end(), "Enterprise", sources=(RULE,)))
    for m in _CONSORTIUM.finditer(s):
        start = _consortium_start(s, m.start(), toks)
        if s[start - 1 : start] == "、":
            continue  # 有色冶金、钢铁行业产教融合共同体: sectors enumerated before the kind word, which is the programme
        if m.start() - start >= 2 and not any(f.start < m.end() and start < f.end for f in found):
            found.append(Mention("org", s[start : m.end()], start, m.end(), "Alliance", sources=(RULE, LEXICON)))
    for m in _QUOTE.finditer(s):  # 共建“中柬电力技术培训中心”: a quoted institution is one
        a, b = m.start(), m.end()  # the quotes with it, as a quoted programme's span
        if len(m.group(1)) >= 4 and _INSTITUTION_END.search(m.group(1)) and not any(f.start < b and a < f.end for f in found):
            found.append(Mention("org", m.group(1), a, b, org_class(m.group(1)), sources=(RULE,)))
    for m in RELATIVE_BODY.finditer(s):
        if not any(f.start < m.end() and m.start() < f.end for f in found):
            found.append(Mention("org", m.group(0), m.start(), m.end(), org_class(m.group(0)), sources=(RULE,)))
    bodies = lexicon().bodies
    for name, start in word_index("bodies").occurrences(s):
        end = head_end(s, start + len(name))  # 国家发展改革委办公厅
        cls = bodies[name] if end == start + len(name) else org_class(s[start:end])
        found.append(Mention("org", s[start:end], start, end, cls, sources=(LEXICON,)))
    return found


# ---------------------------------------------------------------- helpers


@cache
def _stops(kind: str) -> frozenset[str]:
    verbs = lexicon().verbs
    if kind in {"programme", "platform"}:
        verbs = verbs - NAME_INTERNAL_VERBS
    return verbs | _STOP_WORDS - (_NAME_JOINERS if kind == "platform" else frozenset())


_QUANTITY_WORD = re.compile(r"\d+|[一两每]?[个所家项批轮]|每年|每")


def name_start(s: str, end: int, kind: str, toks: list[tuple[str, int, int]]) -> int:
    """Where the name ending at ``end`` begins: walk left over words until punctuation, a
    verb, a preposition or a quantity word."""
    stops = _stops(kind)
    start = end
    for word, ws, we in reversed(toks):
        if we > end:
            if ws < end:  # jieba knows the whole name as one word (华为技术有限公司)
                start = ws
            continue
        if word in stops or any(c in PUNCT for c in word) or _QUANTITY_WORD.fullmatch(word):
            break
        if kind == "event" and len(word) > 2 and word[-2:] in stops:
            break  # jieba's 积极参与, 组织参加: an adverb and a verb, no part of a name
        start = ws
    return start


def _inside(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= start and end <= b for a, b in spans)


# ---------------------------------------------------------------- bracketed names

_BOOK = re.compile(r"《([^《》]{2,60})》")
_QUOTE = re.compile(r"“([^“”]{1,30})”")
# laws and regulations, and the policy documents of the Party and the State a plan rests on
# (…的意见, …规划纲要, …的建议); a period in brackets after the title (（2024—2035年）) is no part of its kind
_LAW_END = re.compile(r"(条例|法|规定|办法|规程|细则|决定|章程|意见|纲要|建议)(?:[（(][^（）()]*[）)])?$")
_PERIODICAL_AFTER = re.compile(r"^(国际刊物|刊物|期刊|杂志|学报)")
_KIND_WORDS = {
    "行动计划": "kindPlan",
    "激励政策": "kindInitiative",  # “金融+财政+土地+信用”组合式激励政策
    "专项行动": "kindAction",
    "计划": "kindPlan",
    "行动": "kindAction",
    "项目": "kindProject",
    "工程": "kindUndertaking",
    "模式": "kindModel",
    "体系": "kindSystem",
    "制度": "kindSystem",  # “学历证书+职业技能等级证书”制度
    "产业集群": "kindSystem",  # “20+8”产业集群: a named framework of industrial policy
    "清单": "kindList",
    "方案": "kindPlan",
    "工坊": "kindWorkshop",
    "产业学院": "kindIndustryCollege",
}
_KIND_ALT = "|".join(sorted(_KIND_WORDS, key=len, reverse=True))
_QUOTE_TAIL = re.compile(rf"^(?:[{HAN}A-Za-z0-9+]|“[^“”]{{1,15}}”){{0,14}}?({_KIND_ALT})")
_QUOTE_SERIES = re.compile(
    rf"(?P<quotes>(?:“[^“”]{{1,15}}”[、和]?){{2,}})(?:[{_CN_ORD}两\d]+(?:项|大|个))(?P<kind>{_KIND_ALT})"
)
_ACRONYM = re.compile(r"^[（(]([A-Za-z][A-Za-z0-9+\-]{1,12})[）)]")


def find_books(s: str, plan_titles: set[str]) -> tuple[list[Mention], list[tuple[int, int]]]:
    mentions, spans = [], []
    for m in _BOOK.finditer(s):
        spans.append((m.start(), m.end()))
        title = m.group(1)
        if title in plan_titles:
            continue
        if _LAW_END.search(title):
            mentions.append(Mention("law", title, m.start(), m.end(), "Law"))
        elif _PERIODICAL_AFTER.match(s[m.end() :]):
            mentions.append(Mention("publication", title, m.start(), m.end(), "Periodical"))
        else:
            mentions.append(Mention("publication", title, m.start(), m.end(), "Publication"))
    return mentions, spans


def find_quoted_programmes(s: str, toks: list[tuple[str, int, int]]) -> tuple[list[Mention], list[tuple[int, int]]]:
    mentions: list[Mention] = []
    spans = [(m.start(), m.end()) for m in _QUOTE.finditer(s)]
    covered: list[tuple[int, int]] = []
    verbs = lexicon().verbs
    for m in _QUOTE.finditer(s):
        if _inside(m.start(), m.end(), covered):
            continue
        content = m.group(1)
        series = _QUOTE_SERIES.match(s, m.start())
        if series:  # “粤菜师傅”“广东技工”“南粤家政”三项工程: each quoted name is one of them
            kind = _KIND_WORDS[series.group("kind")]
            for q in _QUOTE.finditer(s, m.start(), series.end("quotes")):
                mentions.append(Mention("programme", q.group(1), q.start(), q.end(), kind))
            mentions.append(Mention("programme", series.group(0), m.start(), series.end(), kind))  # and all of them
            covered.append((m.start(), series.end()))
            continue
        tail = _QUOTE_TAIL.match(s[m.end() :])
        if tail and _clause_in(s, m.end(), m.end() + tail.start(1), toks):
            tail = None  # “一带一路”国家建设鲁班工坊: a verb makes a clause, not one name
        if tail and not s[m.end() : m.end() + 1] == "的":
            end = m.end() + tail.end()
            end = _extend_kind(s, end)
            kind = _kind_of(s[m.start() : end])
            end = _with_acronym(s, end)
            mentions.append(Mention("programme", s[m.start() : end], m.start(), end, kind))
            covered.append((m.start(), end))
            continue
        own = re.search(f"({_KIND_ALT})$", content)
        if own and s.startswith(_CITED_AFTER, m.end()):
            continue  # 关于“国家实行职业教育活动周制度”的规定: a provision quoted, not a name
        if own:
            mentions.append(Mention("programme", content, m.start(), m.end(), _KIND_WORDS[own.group(1)]))
            covered.append((m.start(), m.end()))
            continue
        before = [w for w, _, we in toks if we <= m.start()]
        acted_on = bool(before) and (before[-1] in verbs or before[-1] in _QUOTE_TAKERS or _field_after_verb(before))
        # a phrase with 的 inside (守护师生“舌尖上的安全”) describes, a name does not
        if acted_on and "的" not in content and s[m.end() : m.end() + 1] != "的" and not _modifies_next(s, m) and not _names_other_kind(s, m):
            mentions.append(Mention("programme", content, m.start(), m.end(), "kindInitiative"))
            covered.append((m.start(), m.end()))
    return mentions, spans


def _clause_in(s: str, start: int, end: int, toks) -> bool:
    """A verb with its own object before the kind word (国家|建设|鲁班|工坊), not one that
    qualifies the kind word right after it (教学|指导|方案)."""
    stops = _stops("programme")
    return any(w in stops and end - we >= 2 for w, ws, we in toks if start <= ws and we <= end)


_MODIFIER_END = re.compile("[型式化性]$")
_CITED_AFTER = ("的规定", "的要求", "的精神")
# words of official writing, besides the action verbs, that take a programme as their object
# (聚焦“数智萧山”建设, 做好“技能展示进社区”全省联动活动)
_QUOTE_TAKERS = frozenset("聚焦 做好 围绕 紧扣".split())
# what a quoted word qualifies when it describes people, items or a rate, not a programme
# (“9+3”学生, “一网通办”事项, “楚怡工匠”典型人物, “双证书”获取率, “…深圳样板”建设目标)
_QUALIFIED_NOUN = re.compile(f"(?:[{HAN}]{{0,2}}(?:学生|教师|人才|人物|典型|事项|目标|率|占比))")
# a quoted institution (共建“中柬电力技术培训中心”) is an organisation, not a programme
_INSTITUTION_END = re.compile("(中心|联盟|大学|学校|研究院|研究所|公司|集团|协会|学会)$")


def _field_after_verb(before: list[str]) -> bool:
    """推进基层党建“对标争先”, 实施党建“双创”工作: a verb, then the field the quoted campaign is of
    (at most two words, four characters, no quantity or mark)."""
    verbs = lexicon().verbs
    for k in (2, 3):
        if len(before) >= k and before[-k] in verbs:
            field_words = before[-k + 1 :]
            return len("".join(field_words)) <= 4 and all(
                re.fullmatch(f"[{HAN}]+", w) and w not in verbs and w not in _STOP_WORDS and not _QUANTITY_WORD.fullmatch(w)
                for w in field_words
            )
    return False


def _names_other_kind(s: str, m: re.Match[str]) -> bool:
    """A quoted word that describes the people or items after it, or names an institution."""
    return bool(_QUALIFIED_NOUN.match(s, m.end())) or bool(_INSTITUTION_END.search(m.group(1)))


_MORE_QUOTES = re.compile(r"(?:[、和]?“[^“”]{1,10}”)*")


def _modifies_next(s: str, m: re.Match[str]) -> bool:
    """“双师型”教师, “订单式”培养: a quoted word that qualifies the noun after it is no programme."""
    more = _MORE_QUOTES.match(s, m.end())  # “订单式”“菜单式”培训
    after = more.end() if more else m.end()
    return bool(_MODIFIER_END.search(m.group(1))) and bool(re.match(f"[{HAN}]", s[after : after + 1]))


def _extend_kind(s: str, end: int) -> int:
    """Take in a following kind word (…提升行动 + 计划)."""
    m = re.match(rf"({_KIND_ALT})", s[end:])
    return end + m.end() if m else end


def programme_kind(name: str) -> str:
    """The programme kind its name's last word gives (…计划: kindPlan), kindInitiative if none."""
    return _kind_of(name)


def _kind_of(name: str) -> str:
    m = re.search(f"({_KIND_ALT})$", name)
    return _KIND_WORDS[m.group(1)] if m else "kindInitiative"


def _with_acronym(s: str, end: int) -> int:
    m = _ACRONYM.match(s[end:])
    return end + m.end() if m else end


# ---------------------------------------------------------------- names by head word

# 工程 in 常州工程职业技术学院 is part of an institution's name, not a programme's kind word
_PROGRAMME_HEAD = re.compile(r"(行动计划|计划|项目|工程|产业学院)(?![式制化师]|职业|技术|学院|大学|学校|有限|公司|集团)")
_PLATFORM_HEAD = re.compile(r"平台")
_EVENT_HEAD = re.compile(r"(大会|峰会|论坛|活动周|大赛|竞赛|博览会|展览会|交易会|交流会|年会|研讨会|运动会|技能节)")
_REPORT_HEAD = re.compile(r"(蓝皮书|白皮书|年度报告|质量报告|发展报告|报告|年报)(?![制书])")


def _headed(s: str, toks, head: re.Pattern[str], kind: str, min_core: int) -> list[tuple[int, int, str]]:
    out = []
    for m in head.finditer(s):
        start = name_start(s, m.start(), kind, toks)
        if m.start() - start < min_core:
            continue
        out.append((start, m.end(), m.group(1) if m.groups() else m.group(0)))
    return out


def _with_quoted_head(s: str, start: int, head: int) -> int:
    """Where a name begins that a quoted word shortly before its head word opens
    (“技能兴鲁”职业技能大赛, “一带一路”产教协同联盟年会), or ``start``."""
    close = s.rfind("”", max(0, head - 10), head)
    if close < 0 or not re.fullmatch(f"[{HAN}]*", s[close + 1 : head]):
        return start
    opening = s.rfind("“", max(0, close - 15), close)
    return opening if opening >= 0 and opening < start else start


# the words before an event's head that make a kind of event, not one event
_GENERIC_EVENT_CORES = re.compile("技能|联盟|学术|专题|工作|国际|学生|教师")


_WORKS_PHASE = re.compile(f"[{_CN_ORD}\\d]期")


def _generic_work(s: str, start: int, head: int, word: str, toks) -> bool:
    """校企合作项目, 虚拟仿真实训项目: a kind of project, named by what is done in it, with
    nothing of its own (a place, a quote, a figure, a sector or a programme of the lexicon);
    园区一期主体工程: a construction works."""
    core = s[start:head]
    if word == "工程":
        return bool(_WORKS_PHASE.search(core))
    if word == "计划":
        return bool(re.fullmatch("(?:年度|工作|实施|招生|培训)+", core))  # 年度工作计划, 招生计划
    if word != "项目" or re.match(r"[（(][A-Za-z]", s[head + len(word) :]):
        return False  # 工程实践创新项目（EPIP）: an acronym is a name's
    if core.endswith("建设") and any(m.start == start and m.end == head - 2 for m in find_places(s, toks)):
        return True  # 哈尔滨新区建设项目: the building of a place, which is what the text names
    # 服务河北企业海外项目: a serving verb, a place and those who take part are no name of its own
    words = [w for w, ws, we in toks if start <= ws and we <= head]
    while words and (words[0] in NAME_INTERNAL_VERBS or _is_place(words[0])):
        words = words[1:]
    return bool(_ACTIVITY_WORDS.fullmatch("".join(words)))


# what is done in a project of no name of its own: 校企合作项目, 虚拟仿真实训项目, 海外办学项目
_ACTIVITY_WORDS = re.compile(
    "(?:校企|产教|国际|海外|企业|横向|纵向|短期|长期|真实|虚拟仿真|合作|融合|交流|实训|培训|科研|研发|"
    "工艺|改进|技术|攻关|办学|专业群|专业|建设|服务|示范|试点|重点|相关|有关)+"
)


# what 实施 or 启动 launches, to the end of its clause, is a programme by its whole name, verbs
# and quotes inside it included (实施台湾教师引进计划, 实施“楚怡”高水平学校和专业群建设)
_LAUNCHED = re.compile(
    rf"(?:实施|启动)(?!第|实施)(?P<name>(?:“[^“”]{{1,15}}”|[{HAN}A-Za-z0-9+]){{3,24}}?"
    rf"(?P<kind>行动计划|专项行动|行动|计划|工程|项目|建设))(?=[，。；、]|$)"
)
# a count right after a name (培育…培育项目10项, 建设省级示范性产业学院100个, 申报省级科研项目二十项):
# the text counts the projects of a kind, it names no one programme
_COUNTED = re.compile(rf"[\d{_CN_ORD}两]+(?:项|个|所|家)")


def _industry_college_start(s: str, start: int, head: int, toks) -> int:
    """An industry college is named by what lies between the last verb and its kind word
    (…链主企业牵头组建产业学院 names none; 共建新能源汽车产业学院 names one)."""
    verbs = lexicon().verbs
    for w, ws, we in toks:
        if start <= ws and we <= head and w in verbs:
            start = we
    return start


def find_headed_names(s: str, toks) -> list[Mention]:
    found = []
    for m in _LAUNCHED.finditer(s):
        kind = "kindProject" if m.group("kind") == "建设" else _KIND_WORDS[m.group("kind")]
        if _generic_work(s, m.start("name"), m.start("kind"), m.group("kind"), toks):
            continue  # 实施校企合作项目: a kind of project, launched or not
        name = m.group("name")
        # the quoted core is how the name is also cited: 就业能力提升“双千”计划, “双千”计划
        quoted = name[name.find("“") :] if name.find("“") > 0 else None
        found.append(Mention("programme", name, m.start("name"), m.end("name"), kind, aliases=(quoted,) if quoted else ()))
    for start, end, word in _headed(s, toks, _PROGRAMME_HEAD, "programme", 3):
        if word == "产业学院":
            start = _industry_college_start(s, start, end - len(word), toks)
            if end - len(word) - start < 2:
                continue
        if _generic_work(s, start, end - len(word), word, toks) or _COUNTED.match(s, end):
            continue
        end = _with_acronym(s, end)
        found.append(Mention("programme", s[start:end], start, end, _kind_of(s[start:end].split("（")[0].split("(")[0])))
    for start, end, _ in _headed(s, toks, _PLATFORM_HEAD, "platform", 3):
        found.append(Mention("platform", s[start:end], start, end, "Platform"))
    for start, end, word in _headed(s, toks, _EVENT_HEAD, "event", 2):
        start = _with_quoted_head(s, start, end - len(word))
        if not re.sub(_GENERIC_EVENT_CORES, "", s[start : end - len(word)]):
            continue  # 技能大赛, 联盟年会, 国际技能竞赛: a kind of event
        year = re.search(r"(?:19|20)\d{2}(?:年$|$(?=年))", s[:start] if s[start] != "年" else s[: start + 1])
        start = year.start() if year else start
        found.append(Mention("event", s[start:end], start, end, "Event"))
    for m in _REPORT_HEAD.finditer(s):
        # a report's title runs from the verb that publishes it (发布…蓝皮书) and may itself hold verbs
        clause = max(s.rfind(p, 0, m.start()) for p in "，。；：") + 1
        verb = next(reversed(list(re.finditer("(发布|编制|编写|出版|形成)", s[clause : m.start()]))), None)
        start = clause + verb.end() if verb else name_start(s, m.start(), "programme", toks)
        if m.start() - start >= 3:
            found.append(Mention("publication", s[start : m.end()], start, m.end(), "Report"))
    return found


_HEADING_NAME = re.compile(rf"^(?:“[^“”]{{1,12}}”|[{HAN}A-Za-z0-9+])+?(行动|工程|计划|项目)$")


def heading_programme(heading: str) -> Mention | None:
    """The programme a unit's heading names (（一）专业布局优化行动, 专栏1 职业教育办学能力提升工程,
    （四）实施民族地区职业教育振兴行动): the heading is the name, after the verb that launches it."""
    text = heading.strip()
    start = 0
    toks = tokens(text)
    if toks and toks[0][0] in lexicon().verbs and toks[0][0] not in NAME_INTERNAL_VERBS:
        start = toks[0][2]
    name = text[start:]
    m = _HEADING_NAME.match(name)
    if m is None or len(name) < 6 or not re.search(f"[{HAN}]", name[: -len(m.group(1))]):
        return None
    offset = heading.find(name)
    return Mention("programme", name, offset, offset + len(name), _KIND_WORDS[m.group(1)])


# ---------------------------------------------------------------- lexicon words


def _lexicon_hits(
    s: str, part: str, kind: str, cls_of: Callable[[str], str], toks: list[tuple[str, int, int]] | None = None
) -> list[Mention]:
    """Occurrences of the words of one part of the lexicon; with ``toks``, only those on word
    boundaries, so that 教育 is not found inside 职业教育."""
    bounds = None if toks is None else ({ws for _, ws, _ in toks}, {we for _, _, we in toks})
    out = []
    for word, start in word_index(part).occurrences(s):
        end = start + len(word)
        if bounds is not None and (start not in bounds[0] or end not in bounds[1]):
            continue
        out.append(Mention(kind, word, start, end, cls_of(word), sources=(LEXICON,)))
    return out


# an enumeration of sectors before the kind word that sums it up: …、…等产业, …、…等重点领域,
# …、…六大优势产业, …、…等战略性产业集群 (a bare 专业 sums up specialties, not sectors)
_SECTOR_KIND = (
    rf"(?:第[{_CN_ORD}]+批|\d+(?:个|家)|[{_CN_ORD}两\d]+大)?(?:重点|优势|战略性|新兴|支柱|主导|特色|民生紧缺|紧缺|相关)*"
    r"(?:行业|产业|领域|企业|专业群|紧缺专业|紧缺岗位|岗位|市域产教联合体|行业产教融合共同体|产教融合共同体|产业链|产业集群)"
)
_INDUSTRY_TAIL = re.compile(
    rf"(?P<list>(?:[{HAN}]{{2,10}}、)*[{HAN}]{{2,10}}?)(?<![高中])等{_SECTOR_KIND}"
    rf"|(?P<long>(?:[{HAN}]{{2,10}}、)+[{HAN}]{{2,10}}?){_SECTOR_KIND}"
)
# what makes an industry's word name a specialty, a subject or a tool instead (护理专业,
# 交通运输类专业群, 工业机器人技术, 人工智能通识课程, 人工智能赋能…)
_SUBJECT_AFTER = re.compile("(类|专业(?!群)|技术|课程|通识|助教|赋能|教育)")
# a broad sector narrowed by a standard qualifier of industrial policy: 现代商贸, 特色农业, 绿色食品
_SECTOR_QUALIFIERS = frozenset("现代 特色 绿色 高端 先进 清洁 智能 新一代".split())


def find_places(s: str, toks) -> list[Mention]:
    """Places over characters, longest first (resolve keeps the longest): 中亚 in 中亚地区."""
    token_starts = {ws for _, ws, _ in toks}
    token_ends = {we for _, _, we in toks}
    found = []
    for place, a, b in place_occurrences(s):
        if needs_boundary(place) and (a not in token_starts or b not in token_ends):
            continue
        if place.name == "中国" and re.match("(特色|式)", s[b:]):
            continue
        if _DESIGNATION.match(s, b):
            continue  # 浙江省高水平中职学校: a rank the province awards, not a place the text names
        source = GAZETTEER if place.codes else LEXICON
        found.append(Mention("place", place.name, a, b, place.cls, sources=(source,), codes=place.codes))
    for m in _NATIONAL_ZONE.finditer(s):
        found.append(Mention("place", m.group(0), m.start(), m.end(), "EconomicZone", sources=(RULE,)))
    for m in _zone_pattern().finditer(s):
        start = _zone_start(s, m, toks)
        if start is not None:
            found.append(Mention("place", s[start : m.end()], start, m.end(), "EconomicZone", sources=(RULE, GAZETTEER)))
    return found


_ORG_WORD = re.compile("(学院|大学|学校|公司|集团|中心|委员会|局)")
_DESIGNATION = re.compile("[省市区县]?(?:高水平|示范性|一流|优质|骨干|卓越)")
# the pilot free-trade zones and their areas (中国（山东）自由贸易试验区, …哈尔滨片区) and the
# free-trade areas of China with a partner (中国—东盟自由贸易区)
_NATIONAL_ZONE = re.compile(
    rf"中国(?:（[{HAN}]{{2,4}}）|[—－\-][{HAN}]{{2,4}})自由贸易(?:试验)?区(?:[{HAN}]{{2,6}}?片区)?"
)
_ZONE_OWN_NAME = 8  # characters between a zone's place and its kind word (郑州|航空港经济综合|实验区)


@cache
def _county_short_names() -> frozenset[str]:
    """Counties and districts by their name without 区/县/市 (萧山, 曹妃甸, 平潭): matched only
    where a zone's kind word follows, which tells them from ordinary words."""
    from .gazetteer import gazetteer

    out = set()
    for d in gazetteer().divisions.values():
        if d.level == "county" and len(d.name) >= 3 and d.name[-1] in "区县市":
            out.add(d.name[:-1])
    return frozenset(out)


@cache
def _clause_verbs() -> frozenset[str]:
    return lexicon().verbs - NAME_INTERNAL_VERBS


def _zone_start(s: str, m: re.Match[str], toks) -> int | None:
    """A zone's name begins with a place (天津港保税区, 四川天府新区) and is no division itself
    (天津市滨海新区 is the district 滨海新区 of 天津市, not a zone)."""
    occurrences = place_occurrences(s[m.start() : m.end()])
    if any(b == m.end() - m.start() and place.codes and not place.short for place, _, b in occurrences):
        return None
    head = m.end() - m.start() - len(m.group(1))
    verbs = _clause_verbs()  # 曹妃甸协同发展示范区: a zone's name may hold 协同, 发展…
    for place, a, b in occurrences:
        if needs_boundary(place) and not place.short:
            continue
        # what lies between the place and the zone word is the zone's own name, not a clause
        # (海南职业技术学院对接自由贸易港 names no zone)
        between = [w for w, ws, we in toks if m.start() + b <= ws and we <= m.start() + head]
        if head - b <= _ZONE_OWN_NAME and not any(w in verbs for w in between) and not _ORG_WORD.search(s, m.start() + b, m.start() + head):
            return m.start() + a
    starts = {ws for _, ws, _ in toks}
    shorts = _county_short_names()
    for i in range(head - 1):
        for size in (3, 2):
            a, b = m.start() + i, m.start() + i + size
            if a in starts and s[a:b] in shorts and head - i - size <= _ZONE_OWN_NAME:
                between = [w for w, ws, we in toks if b <= ws and we <= m.start() + head]
                if not any(w in verbs for w in between) and not _ORG_WORD.search(s, b, m.start() + head):
                    return a
    return None


def _with_modifier(s: str, m: Mention, toks) -> Mention:
    """港航物流, 冷链物流: a specialised word before a lexicon industry narrows it and is part of its
    name. Specialised means rare in jieba's general dictionary (港航, 冷链, 跨境); common words
    (现代, 新区, 重点) describe rather than name, and verbs, places and industries of their own
    (发展物流, 天津物流) are never part of it."""
    before = [(w, ws) for w, ws, we in toks if we == m.start]
    if not before:
        return m
    word, ws = before[0]
    if word in _SECTOR_QUALIFIERS and len(m.name) <= 3:
        return Mention("industry", word + m.name, ws, m.end, m.cls, sources=(RULE, LEXICON))
    if not (len(word) == 2 and re.fullmatch(f"[{HAN}]+", word)):
        return m  # 比亚迪新能源汽车: a brand, not a narrower sector
    lex = lexicon()
    if word in _list_head_stops() or word in lex.industries or word in lex.programmes or _is_place(word):
        return m
    if tokenizer().FREQ.get(word, 0) >= _COMMON_WORD:
        return m
    return Mention("industry", word + m.name, ws, m.end, m.cls, sources=(RULE, LEXICON))


_COMMON_WORD = 100  # jieba's dictionary counts: 港航 8, 跨境 38, 新区 145, 现代 9035


def _is_place(word: str) -> bool:
    return any(a == 0 and b == len(word) for _, a, b in place_occurrences(word))


def find_industries(s: str, toks) -> list[Mention]:
    hits = _lexicon_hits(s, "industries", "industry", lambda w: "Industry", toks)
    subjects = [(m.start, m.end) for m in hits if _SUBJECT_AFTER.match(s, m.end)]
    found = [_with_modifier(s, m, toks) for m in hits if not _inside(m.start, m.end, subjects)]
    for m in _INDUSTRY_TAIL.finditer(s):
        group = "list" if m.group("list") is not None else "long"
        # without 等, or summed up as 领域/岗位 (招生、基建、采购等重点领域), a list is of sectors
        # only when the lexicon knows one of them
        vague = group == "long" or m.group(0).endswith(("领域", "岗位"))
        if vague and not word_index("industries").occurrences(m.group(group)):
            continue
        pos = m.start(group)
        for item in m.group(group).split("、"):
            start, name = pos, item.split("等")[0]  # …汽车零部件等园区主导产业
            if pos == m.start(group):  # the first item may begin with the clause that governs the list
                item_toks = tokens(item)
                stops = _list_head_stops()
                last = max((k for k, (w, _, _) in enumerate(item_toks) if w in stops or w in {"在", "对", "重点"}), default=-1)
                known = [a for _, a in word_index("industries").occurrences(name)]
                if known:  # 加快发展家政服务, 吸纳汽车及零部件: the sector begins with the word the lexicon knows
                    first = min(known)
                    qualifier = next((q for q in _SECTOR_QUALIFIERS if name.endswith(q, 0, first)), "")
                    start, name = pos + first - len(qualifier), name[first - len(qualifier) :]
                elif 0 <= last < len(item_toks) - 1:
                    start, name = pos + item_toks[last + 1][1], item[item_toks[last + 1][1] :]
                elif last == len(item_toks) - 1:
                    name = ""
            if 2 <= len(name) <= 8 and not _SUBJECT_AFTER.search(name[-2:]):
                found.append(Mention("industry", name, start, start + len(name), "Industry"))
            pos += len(item) + 1
    return found


@cache
def _list_head_stops() -> frozenset[str]:
    return lexicon().verbs | _STOP_WORDS


def find_lexicon_programmes(s: str) -> list[Mention]:
    """The programmes of the lexicon; a bare kind of institution (产业学院, 产教融合型企业)
    names none, though a name may end with it (现代港口物流产业学院)."""
    lex = lexicon()
    hits = _lexicon_hits(s, "programmes", "programme", lambda w: lex.programmes[w])
    return [m for m in hits if m.name not in lex.generic_institutions]


# ---------------------------------------------------------------- overlaps

# A name inside a longer one is part of it (天津 in 天津理工大学), except industries and
# programmes inside a programme or an institution name, which are what that name is about
# (港口物流 in 现代港口物流产业学院, 鲁班工坊 in 鲁班工坊专业教学标准).
_KEEP_NESTED = {("industry", "programme"), ("industry", "platform"), ("programme", "programme")}
# …but a programme that ends its container is the container's kind word: 产教融合共同体 in
# 行业产教融合共同体 is the same thing, 五年一贯制 in 五年一贯制人才培养项目 is not.
_PRIORITY = {"law": 0, "publication": 1, "org": 2, "place": 3, "event": 4, "programme": 5, "platform": 6, "industry": 7}


def resolve(mentions: list[Mention], protected: list[tuple[int, int]]) -> list[Mention]:
    # longest first, then by kind priority, so containers are seen before what they contain
    ordered = sorted(mentions, key=lambda m: (-(m.end - m.start), _PRIORITY[m.kind], m.start))
    kept: list[Mention] = []
    for m in ordered:
        if any(k.start == m.start and k.end == m.end for k in kept):
            continue
        clash = False
        for k in kept:
            if k.end <= m.start or m.end <= k.start:
                continue
            inside = k.start <= m.start and m.end <= k.end
            same = m.kind == k.kind and (m.end == k.end or m.name == k.name.strip("“”"))
            if inside and (m.kind, k.kind) in _KEEP_NESTED and not same:
                continue
            clash = True
            break
        if clash:
            continue
        # quoted or titled text is one unit: a name may not cut through it
        if any(a < m.start < b or a < m.end < b for a, b in protected) and m.kind not in {"programme", "law", "publication"}:
            continue
        kept.append(m)
    return sorted(kept, key=lambda m: (m.start, m.end))


# ---------------------------------------------------------------- roles and publishers

_LIST_GLUE = re.compile(r"^[、和与及等\s]*$")


@cache
def _roles_longest_first() -> tuple[tuple[str, str], ...]:
    roles = lexicon().roles
    return tuple((verb, roles[verb]) for verb in sorted(roles, key=len, reverse=True))


def assign_roles(s: str, mentions: list[Mention]) -> None:
    roles = _roles_longest_first()
    orgs = [m for m in mentions if m.kind == "org"]
    for i, org in enumerate(orgs):
        clause_start = max((s.rfind(p, 0, org.start) for p in "，。；："), default=-1) + 1
        left = s[clause_start : org.start]
        # skip back over an enumeration of institutions (推动A、B、C等…)
        j = i - 1
        while j >= 0 and orgs[j].end >= clause_start and _LIST_GLUE.match(s[orgs[j].end : org.start if j == i - 1 else orgs[j + 1].start]):
            left = s[clause_start : orgs[j].start]
            j -= 1
        org.role = "roleImplement"
        for verb, role in roles:
            if left.endswith(verb):
                org.role = role
                break


def assign_publishers(s: str, mentions: list[Mention]) -> None:
    orgs = [m for m in mentions if m.kind == "org"]
    for pub in (m for m in mentions if m.kind == "publication"):
        before = s[: pub.start]
        m = re.search(r"(发布|编制|编写|出版|办好|主办)$", before)
        if not m:
            continue
        candidates = [o for o in orgs if o.end <= m.start() and not re.search("[，。；]", s[o.end : m.start()])]
        if candidates:
            pub.publisher = candidates[-1].name


# ---------------------------------------------------------------- sentence


def action_verbs(s: str, toks, mentions: list[Mention]) -> list[str]:
    verbs = lexicon().verbs
    spans = [(m.start, m.end) for m in mentions]
    out: list[str] = []
    for word, ws, we in toks:
        if word in verbs and not _inside(ws, we, spans) and word not in out:
            out.append(word)
    return out


_OWN_TITLE_DROPS = frozenset({"programme", "platform", "event", "publication"})


def extract(s: str, plan_titles: AbstractSet[str] = frozenset()) -> Extraction:
    """Everything ``s`` (one sentence of normalised text) names."""
    toks = tokens(s)
    books, book_spans = find_books(s, set(plan_titles))
    quoted, quote_spans = find_quoted_programmes(s, toks)
    candidates = (
        books
        + quoted
        + find_orgs(s)
        + find_places(s, toks)
        + find_lexicon_programmes(s)
        + find_headed_names(s, toks)
        + find_industries(s, toks)
    )
    org_names = {m.name for m in candidates if m.kind == "org"}
    # 联盟平台: the platform of an institution is that institution at work, not a second thing
    # …and that of an event (中国—非洲经贸博览会平台) is the event
    event_names = {m.name for m in candidates if m.kind == "event"}
    candidates = [m for m in candidates if not (m.kind == "platform" and m.name[:-2] in org_names | event_names)]
    # the title of the plan itself, cited in its notice, names the document, not a programme
    own = [(m.start(), m.end()) for m in _BOOK.finditer(s) if m.group(1) in plan_titles]
    candidates = [m for m in candidates if m.kind not in _OWN_TITLE_DROPS or not _inside(m.start, m.end, own)]
    protected = book_spans + quote_spans
    mentions = resolve(candidates, protected)
    assign_roles(s, mentions)
    assign_publishers(s, mentions)
    targets = find_targets(s, toks, mentions, quote_spans + book_spans)
    return Extraction(mentions=mentions, targets=targets, verbs=action_verbs(s, toks, mentions))
