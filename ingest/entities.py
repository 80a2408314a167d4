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
    "各 全面 持续 深入 积极 切实 着力 高质量 高水平 大力 稳步 不断 进一步 定期".split()
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
            rf"[{HAN}]{{0,10}}?(保税区|经济技术开发区|开发区|高新区|高新技术产业开发区|自贸区|自由贸易试验区|自由贸易港|"
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
        if m.start() - start >= 2 and not any(f.start < m.end() and start < f.end for f in found):
            found.append(Mention("org", s[start : m.end()], start, m.end(), "Alliance", sources=(RULE, LEXICON)))
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


_QUANTITY_WORD = re.compile(r"\d+|[个所家项批轮]")


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
        start = ws
    return start


def _inside(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= start and end <= b for a, b in spans)


# ---------------------------------------------------------------- bracketed names

_BOOK = re.compile(r"《([^《》]{2,60})》")
_QUOTE = re.compile(r"“([^“”]{1,30})”")
_LAW_END = re.compile(r"(条例|法|规定|办法|规程|细则|决定|章程)$")
_PERIODICAL_AFTER = re.compile(r"^(国际刊物|刊物|期刊|杂志|学报)")
_KIND_WORDS = {
    "行动计划": "kindPlan",
    "专项行动": "kindAction",
    "计划": "kindPlan",
    "行动": "kindAction",
    "项目": "kindProject",
    "工程": "kindUndertaking",
    "模式": "kindModel",
    "体系": "kindSystem",
    "清单": "kindList",
    "方案": "kindPlan",
    "工坊": "kindWorkshop",
    "产业学院": "kindIndustryCollege",
}
_KIND_ALT = "|".join(sorted(_KIND_WORDS, key=len, reverse=True))
_QUOTE_TAIL = re.compile(rf"^(?:[{HAN}A-Za-z0-9+]|“[^“”]{{1,15}}”){{0,14}}?({_KIND_ALT})")
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
        tail = _QUOTE_TAIL.match(s[m.end() :])
        if tail and not s[m.end() : m.end() + 1] == "的":
            end = m.end() + tail.end()
            end = _extend_kind(s, end)
            kind = _kind_of(s[m.start() : end])
            end = _with_acronym(s, end)
            mentions.append(Mention("programme", s[m.start() : end], m.start(), end, kind))
            covered.append((m.start(), end))
            continue
        own = re.search(f"({_KIND_ALT})$", content)
        if own:
            mentions.append(Mention("programme", content, m.start(), m.end(), _KIND_WORDS[own.group(1)]))
            covered.append((m.start(), m.end()))
            continue
        before = [w for w, _, we in toks if we <= m.start()]
        if before and before[-1] in verbs and s[m.end() : m.end() + 1] != "的" and not _modifies_next(s, m):
            mentions.append(Mention("programme", content, m.start(), m.end(), "kindInitiative"))
            covered.append((m.start(), m.end()))
    return mentions, spans


_MODIFIER_END = re.compile("[型式化性]$")


def _modifies_next(s: str, m: re.Match[str]) -> bool:
    """“双师型”教师, “订单式”培养: a quoted word that qualifies the noun after it is no programme."""
    return bool(_MODIFIER_END.search(m.group(1))) and bool(re.match(f"[{HAN}]", s[m.end() : m.end() + 1]))


def _extend_kind(s: str, end: int) -> int:
    """Take in a following kind word (…提升行动 + 计划)."""
    m = re.match(rf"({_KIND_ALT})", s[end:])
    return end + m.end() if m else end


def _kind_of(name: str) -> str:
    m = re.search(f"({_KIND_ALT})$", name)
    return _KIND_WORDS[m.group(1)] if m else "kindInitiative"


def _with_acronym(s: str, end: int) -> int:
    m = _ACRONYM.match(s[end:])
    return end + m.end() if m else end


# ---------------------------------------------------------------- names by head word

# 工程 in 常州工程职业技术学院 is part of an institution's name, not a programme's kind word
_PROGRAMME_HEAD = re.compile(r"(行动计划|计划|项目|工程|产业学院)(?![式制化]|职业|技术|学院|大学|学校|有限|公司|集团)")
_PLATFORM_HEAD = re.compile(r"平台")
_EVENT_HEAD = re.compile(r"(大会|峰会|论坛|活动周|大赛|博览会|展览会|交流会|年会|研讨会|运动会|技能节)")
_REPORT_HEAD = re.compile(r"(蓝皮书|白皮书|年度报告|质量报告|发展报告|报告|年报)(?![制书])")


def _headed(s: str, toks, head: re.Pattern[str], kind: str, min_core: int) -> list[tuple[int, int, str]]:
    out = []
    for m in head.finditer(s):
        start = name_start(s, m.start(), kind, toks)
        if m.start() - start < min_core:
            continue
        out.append((start, m.end(), m.group(1) if m.groups() else m.group(0)))
    return out


def find_headed_names(s: str, toks) -> list[Mention]:
    found = []
    for start, end, _word in _headed(s, toks, _PROGRAMME_HEAD, "programme", 3):
        end = _with_acronym(s, end)
        found.append(Mention("programme", s[start:end], start, end, _kind_of(s[start:end].split("（")[0].split("(")[0])))
    for start, end, _ in _headed(s, toks, _PLATFORM_HEAD, "platform", 3):
        found.append(Mention("platform", s[start:end], start, end, "Platform"))
    for start, end, _ in _headed(s, toks, _EVENT_HEAD, "event", 2):
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


_INDUSTRY_TAIL = re.compile(
    rf"((?:[{HAN}]{{2,10}}、)*[{HAN}]{{2,10}}?)(?<![高中])等(?:第[{_CN_ORD}]+批|\d+(?:个|家))?"
    r"(行业|产业|领域|专业|紧缺岗位|岗位|市域产教联合体|行业产教融合共同体|产教融合共同体|产业链|产业集群)"
)


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
        source = GAZETTEER if place.codes else LEXICON
        found.append(Mention("place", place.name, a, b, place.cls, sources=(source,), codes=place.codes))
    for m in _zone_pattern().finditer(s):
        start = _zone_start(s, m, toks)
        if start is not None:
            found.append(Mention("place", s[start : m.end()], start, m.end(), "EconomicZone", sources=(RULE, GAZETTEER)))
    return found


_ORG_WORD = re.compile("(学院|大学|学校|公司|集团|中心|委员会|局)")


def _zone_start(s: str, m: re.Match[str], toks) -> int | None:
    """A zone's name begins with a place (天津港保税区, 四川天府新区) and is no division itself
    (天津市滨海新区 is the district 滨海新区 of 天津市, not a zone)."""
    occurrences = place_occurrences(s[m.start() : m.end()])
    if any(b == m.end() - m.start() and place.codes and not place.short for place, _, b in occurrences):
        return None
    head = m.end() - m.start() - len(m.group(1))
    verbs = lexicon().verbs
    for place, a, b in occurrences:
        if needs_boundary(place) and not place.short:
            continue
        # what lies between the place and the zone word is the zone's own name, not a clause
        # (海南职业技术学院对接自由贸易港 names no zone)
        between = [w for w, ws, we in toks if m.start() + b <= ws and we <= m.start() + head]
        if head - b <= 6 and not any(w in verbs for w in between) and not _ORG_WORD.search(s, m.start() + b, m.start() + head):
            return m.start() + a
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
    if not (2 <= len(word) <= 3 and re.fullmatch(f"[{HAN}]+", word)):
        return m
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
    found = [_with_modifier(s, m, toks) for m in _lexicon_hits(s, "industries", "industry", lambda w: "Industry", toks)]
    for m in _INDUSTRY_TAIL.finditer(s):
        pos = m.start(1)
        for item in m.group(1).split("、"):
            start, name = pos, item
            if pos == m.start(1):  # the first item may begin with the verb that governs the list
                toks = tokens(item)
                stops = _list_head_stops()
                while toks and (toks[0][0] in stops or toks[0][0] in {"在", "对"}):
                    toks = toks[1:]
                if toks:
                    start, name = pos + toks[0][1], item[toks[0][1] :]
            if 2 <= len(name) <= 8:
                found.append(Mention("industry", name, start, start + len(name), "Industry"))
            pos += len(item) + 1
    return found


@cache
def _list_head_stops() -> frozenset[str]:
    return lexicon().verbs | _STOP_WORDS


def find_lexicon_programmes(s: str) -> list[Mention]:
    lex = lexicon()
    return _lexicon_hits(s, "programmes", "programme", lambda w: lex.programmes[w])


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
    candidates = [m for m in candidates if not (m.kind == "platform" and m.name[:-2] in org_names)]
    protected = book_spans + quote_spans
    mentions = resolve(candidates, protected)
    assign_roles(s, mentions)
    assign_publishers(s, mentions)
    targets = find_targets(s, toks, mentions, quote_spans + book_spans)
    return Extraction(mentions=mentions, targets=targets, verbs=action_verbs(s, toks, mentions))
