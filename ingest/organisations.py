"""Organisation names: where they begin, where they end, and their class.

A name begins with a place of the gazetteer (长沙民政职业技术学院, 宁波市发展和改革委员会), a
university's short name (浙大宁波理工学院), or, for the strong endings of school names
(…职业技术学院), wherever the words before the ending begin, once the statistical recogniser
(ingest/recogniser.py) agrees that those words name an organisation. A name ends at its head
word: the last institution word of the name, not the first one found (集团 in
天津市职业教育集团化办学联盟 and 中心 in 宁波市职业技术教育中心学校 modify what follows), and the
head word gives the class.
"""
from __future__ import annotations

import re
from functools import cache
from importlib import resources

from .lexicon import WordIndex, lexicon
from .places import needs_boundary, place_occurrences
from .text import HAN

RULE, GAZETTEER, LEXICON, LAC = "rule", "gazetteer", "lexicon", "lac"

# longest first: an alternation takes the first that matches
ORG_SUFFIX = (
    "职业技术师范大学|师范大学|大学|学院|学校|职业高级中学|职业中学|研究院|研究所|研究中心|中心|联盟|委员会|教育体育局|局|厅|"
    "办公厅|办公室|督导室|教委|集团|股份有限公司|有限责任公司|有限公司|公司|协会|学会|联合会|研究会|基金会|"
    "人民政府|政府|产教融合共同体|产教联合体"
)
_CLASSES: list[tuple[re.Pattern[str], str]] = [
    (re.compile("师范大学$"), "University"),
    (
        re.compile("(职业技术大学|职业大学|职业技术学院|职业学院|高等专科学校|专科学校|高等职业技术学校)$"),
        "HigherVocationalCollege",
    ),
    (
        # a county's 职业技术教育中心 (职教中心) is its secondary vocational school
        re.compile("(中等专业学校|中等职业学校|职业中专|职业学校|技工学校|技师学院|职业中学|职教中心|职业技术教育中心|职业教育中心|职业高级中学)$"),
        "SecondaryVocationalSchool",
    ),
    (re.compile("(大学|学院)$"), "University"),
    # a named 学校 in a vocational plan that is not 高等 or 大学 is a secondary vocational school
    (re.compile("(?<![中小])学校$"), "SecondaryVocationalSchool"),
    (re.compile("(研究院|研究所|科学院)$"), "ResearchInstitute"),
    (re.compile("中心$"), "Centre"),
    (re.compile("(联盟|协会|学会|联合会|研究会|基金会|共同体|联合体)$"), "Alliance"),
    (re.compile("(委员会|局|厅|部|办公室|办|督导室|政府|委|(?<!公)司)$"), "GovernmentBody"),
    (re.compile("(公司|集团|企业)$"), "Enterprise"),
]


def org_class(name: str) -> str:
    """The class of an organisation from the head word its name ends with (a bracketed campus
    after it, 哈尔滨工业大学（深圳）, does not count)."""
    name = re.sub("（[^（）]*）$", "", name)
    for pattern, cls in _CLASSES:
        if pattern.search(name):
            return cls
    return "Organization"


_REST = re.compile(rf"(?:市委)?[{HAN}]{{0,24}}?(?:{ORG_SUFFIX})")
# after an institution word, what makes it a modifier of a longer name: 集团化办学联盟,
# 中心学校, 研究院附属…
_NOT_HEAD = re.compile(rf"(?:[化式型制]|附属|(?:{ORG_SUFFIX}))")
_NEXT_SUFFIX = re.compile(rf"[{HAN}]{{0,12}}?(?:{ORG_SUFFIX})")
_JOINER = re.compile("[和与及]")
_BODY_END = re.compile("(?:人民政府|管理委员会|委员会|政府|教育部|国家发展改革委|部|委)$")
# a body's own office or department: …办公厅, 教育部职业教育与成人教育司 (a 司 that ends the name)
_UNIT = re.compile(f"(?:[{HAN}]{{0,6}}?(?:办公厅|督导室|服务局|管理局|事务局|办公室)|[{HAN}]{{2,10}}?(?<!公)司(?![{HAN}]))")
_CAMPUS = re.compile(f"（[{HAN}]{{2,4}}）")
# strong endings: a name with one of these is an institution even without a place before it
STRONG_SUFFIX = re.compile(
    "(职业技术师范大学|职业技术大学|职业技术学院|职业学院|职业大学|高等专科学校|技师学院|职业技术学校|中等专业学校|理工学院|师范学院|师范大学)"
)


@cache
def _prefixes() -> frozenset[str]:
    text = (resources.files(__package__) / "lexicon" / "org-prefixes.txt").read_text(encoding="utf-8")
    return frozenset(n for n in (line.split("#", 1)[0].strip() for line in text.splitlines()) if n)


def strip_place(name: str) -> str:
    """``name`` without the places it begins with (天津市河北区职业学校 → 职业学校)."""
    while True:
        ends = [b for _, a, b in place_occurrences(name) if a == 0]
        if not ends or max(ends) == len(name):
            return name
        name = name[max(ends) :]


def is_generic(name: str) -> bool:
    """A kind of institution (天津市职业院校, 各区教育局), not one institution."""
    core = strip_place(name)
    if re.search("[各的、]|(?<![高中])等", core) or len(core) < 2 or _DESCRIPTIVE.search(core):
        return True
    return core in lexicon().generic_institutions


# 高水平中职学校, 世界一流职业技术大学: what a plan wants an institution to be, not its name
_DESCRIPTIVE = re.compile("(高水平|一流|优质|示范性|骨干|卓越)")
# 省教育厅, 市人社局, 以上市人民政府: a body of the document's own region, named relative to it
_RELATIVE = re.compile("^(省|市|县|区|州|以上|全省|全市)")


def _name_end(s: str, start: int) -> int | None:
    """Where the name whose place (or prefix) ends at ``start`` ends: its last head word."""
    m = _REST.match(s, start)
    if not m:
        return None
    return head_end(s, m.end())


def head_end(s: str, end: int) -> int:
    """Past an institution word that modifies what follows (集团化办学联盟, 中心学校), a body's own
    office or bureau (人民政府办公厅, 管理委员会公共服务局), a bracketed campus (（深圳）)."""
    while True:
        if _NOT_HEAD.match(s, end) and (nxt := _NEXT_SUFFIX.match(s, end)):
            end = nxt.end()
        elif _BODY_END.search(s, 0, end) and (unit := _UNIT.match(s, end)):
            end = unit.end()
        elif campus := _CAMPUS.match(s, end):
            if not any(a == 1 and b == len(campus.group(0)) - 1 for _, a, b in place_occurrences(campus.group(0))):
                return end
            end = campus.end()
        else:
            return end


def _starts(s: str, toks) -> list[tuple[int, int, str]]:
    """(start of the name, end of its place or prefix, source) for each place or university
    short name that may begin an organisation's name; the longest at each position."""
    token_starts = {ws for _, ws, _ in toks}
    best: dict[int, tuple[int, str]] = {}
    for place, a, b in place_occurrences(s):
        # a word may begin with the place (武汉东湖, 哈尔滨工业大学) but not run across its end
        # from inside it (新建|区域 is no 新建区)
        if needs_boundary(place) and (a not in token_starts or any(ws < b < we and ws != a for _, ws, we in toks)):
            continue
        if place.name == "中国" and re.match("(特色|式)", s[b:]):
            continue  # 中国特色高水平高职学校 is a kind of school, not one in China
        if b > best.get(a, (0, ""))[0]:
            best[a] = (b, GAZETTEER if place.codes else LEXICON)
    for prefix, a in word_index_prefixes().occurrences(s):
        b = a + len(prefix)
        if b > best.get(a, (0, ""))[0]:
            best[a] = (b, LEXICON)
    out = []
    for a, (b, source) in sorted(best.items()):
        if s.startswith("中共", a - 2) and a >= 2:
            a -= 2
        elif a >= 3 and _SINO.fullmatch(s, a - 3, a):
            a -= 3  # 中国—东盟职业教育研究中心, 中国—赞比亚职业技术学院
        out.append((a, b, source))
    return out


_SINO = re.compile("中国[—\\-－]")


@cache
def word_index_prefixes() -> WordIndex:
    return WordIndex(_prefixes())


def _splits_at_joiner(s: str, start: int, end: int) -> bool:
    """宁波市发展和改革委员会 is one name; 天津市和河北省职业院校 and 天津大学与华为公司 are not:
    after the joiner a new name begins."""
    return any(_begins_name(s, m.end()) for m in _JOINER.finditer(s, start, end))


@cache
def _clause_verbs() -> frozenset[str]:
    from .lexicon import NAME_INTERNAL_VERBS

    return lexicon().verbs - NAME_INTERNAL_VERBS


def _holds_a_verb(start: int, end: int, after_place: int, toks) -> bool:
    """老挝建设海外职业技能培训中心: a verb right after the place makes a clause, not a name
    (verbs further in may belong to it: 京津冀职业教育协同发展联盟)."""
    verbs = _clause_verbs()
    return any(w in verbs for w, ws, we in toks if ws == after_place and we <= end)


def _begins_name(s: str, pos: int) -> bool:
    if any(a == 0 for _, a, _ in place_occurrences(s[pos : pos + 12])):
        return True
    return any(s.startswith(p, pos) for p in _prefixes())


def rule_names(s: str, toks) -> list[tuple[int, int, tuple[str, ...]]]:
    """(start, end, sources) of the names that begin with a place or a university short name."""
    found: list[tuple[int, int, tuple[str, ...]]] = []
    taken_end = -1
    for a, b, source in _starts(s, toks):
        if a < taken_end:
            continue  # 滨海新区 inside 天津市滨海新区教育体育局
        end = _name_end(s, b)
        if end is None:
            continue
        name = s[a:end]
        # a college's name may hold a verb (浙江建设职业技术学院); a centre's then is a clause
        verb = not STRONG_SUFFIX.search(name) and _holds_a_verb(a, end, b, toks)
        if is_generic(name) or _splits_at_joiner(s, a, end) or verb:
            continue
        found.append((a, end, (RULE, source)))
        taken_end = end
    return found


def _lac_names(s: str, found: list[tuple[int, int, tuple[str, ...]]]) -> list[tuple[int, int, tuple[str, ...]]]:
    from .recogniser import org_spans

    def free(a: int, b: int) -> bool:
        return all(b <= x or y <= a for x, y, _ in found)

    out: list[tuple[int, int, tuple[str, ...]]] = []
    lac = org_spans(s)
    for m in STRONG_SUFFIX.finditer(s):
        if not free(m.start(), m.end()):
            continue
        # the rules know the ending, LAC where the words before it begin
        span = next(((a, b) for a, b in lac if a < m.start() and m.end() <= b), None)
        if span is None:
            continue
        a = span[0]
        end = _name_end(s, a) or m.end()
        if end < m.end() or not free(a, end) or is_generic(s[a:end]):
            continue
        out.append((a, end, (RULE, LAC)))
    for a, b in lac:
        name = s[a:b]
        if not _lac_only_name(name):
            continue
        if free(a, b) and all(b <= x or y <= a for x, y, _ in out):
            out.append((a, b, (LAC,)))
    return out


_ANY_SUFFIX = re.compile(ORG_SUFFIX)
_LAC_ONLY_END = re.compile(f"(?:{STRONG_SUFFIX.pattern}|大学|集团|公司|办公厅)$")


def _lac_only_name(name: str) -> bool:
    """A name LAC found with no help from the rules: kept when it ends like an institution's
    name (…职业技术学院, …大学, …集团, …办公厅), and names no relative body (省教育厅) or kind
    (世界一流职业技术大学)."""
    if not _LAC_ONLY_END.search(name) or name.endswith("产业学院") or _RELATIVE.match(name):
        return False
    return not is_generic(name) and len(name) >= 4


def org_names(s: str, toks) -> list[tuple[int, int, tuple[str, ...]]]:
    """(start, end, sources) of the organisations named in ``s``: the rules first; LAC for the
    institution words the rules left without a name."""
    from . import recogniser

    found = rule_names(s, toks)
    if recogniser.enabled and any(_worth_asking(s, m, toks, found) for m in _LAC_END.finditer(s)):
        found += _lac_names(s, found)
    return found


# the endings of the names LAC may add (_lac_only_name, the strong endings)
_LAC_END = re.compile(f"(?:{STRONG_SUFFIX.pattern}|大学|集团|公司|办公厅)")


def _worth_asking(s: str, m: re.Match[str], toks, found) -> bool:
    """Whether LAC may find a name ending at ``m`` that the rules did not: the ending is not
    inside a name found already, and a word that could begin a name comes before it (not a verb
    or a mark: 深化职业技术学院建设 names no college). LAC loads only when some sentence needs it."""
    if any(a < m.end() and m.start() < b for a, b, _ in found):
        return False
    if m.start() == 0:
        return False
    before = [w for w, _, we in toks if we == m.start()]
    if not before:
        return True  # jieba sees the ending inside a longer word (东南大学, 工商职业|技术学院)
    if any(c in "，。；：、（）“”《》 " for c in before[0]):
        return False
    return before[0] not in _clause_verbs() and before[0] not in _NAME_STOPS


_NAME_STOPS = frozenset("在 对 以 为 把 将 与 和 并 等 的 是 向 从 由 于 各 及 或 其 该 本 我 有关 相关 优质 一流 高水平".split())
