"""The layout of a notice and the plan it issues, found by rules of the genre.

A notice (通知) carries a header: issuing bodies, a document number such as 津教职函〔2025〕1号,
a title 关于印发…的通知, addressees ending in a colon, a short body, a signature and a date. The
plan follows with its title, often an unnumbered paragraph of general requirements (总体要求,
指导思想), and numbered sections. Sections use the marker ranks of Chinese official writing:
第一章 > 一、 > （一） > 1. > （1）; whichever ranks a document uses, a lower rank nests under the
nearest higher one.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .errors import InputError
from .reader import SourceText
from .text import HAN, MappedText, normalise, squeeze_spaces

CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_NUM = "一二三四五六七八九十百〇零"

_MARKERS: list[tuple[int, re.Pattern[str]]] = [
    (0, re.compile(rf"^第([{CN_NUM}\d]+)[章部分]+\s*")),
    (1, re.compile(rf"^([{CN_NUM}]+)[、，.．]\s*")),
    (2, re.compile(rf"^[（(]([{CN_NUM}]+)[）)]\s*")),
    (3, re.compile(r"^(\d+)[.．、](?!\d)\s*")),
    (4, re.compile(r"^[（(](\d+)[）)]\s*")),
]
DOC_NUMBER = re.compile(
    rf"[{HAN}]{{1,12}}\s*[〔\[［（(【]\s*(?:19|20)\d{{2}}\s*[〕\]］）)】]\s*第?\s*\d+\s*号"
)
_DATE = re.compile(r"^((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
_CN_DATE = re.compile(rf"^([{CN_NUM}]{{4}})年([{CN_NUM}]{{1,3}})月([{CN_NUM}]{{1,3}})日$")
_NOTICE_TITLE_END = re.compile(r"(通知|意见|决定|通报|函|批复|规划|方案|要点|办法)$")
_PLAN_TITLE_END = re.compile(r"(工作要点|要点|规划|计划|方案|意见|纲要|实施细则|办法|任务)$")
_REQUIREMENTS = re.compile(r"(总体要求|指导思想|总体目标|总体思路|工作思路)")
_SENTENCE = re.compile(r"[^。！？!?]+(?:[。！？!?]+[”’」』]?|$)")
# Lines after the plan in the genre's footer: copies, the printing office, the public-release note.
_FOOTER = re.compile(r"^(抄送|抄报|印发|（此件|\(此件|此件|附件[:：]?\s*$)|印发$")
_ORG_END = re.compile(r"(委员会|委|局|厅|部|办公室|政府|办|中心|学校|学院|大学)$")


def cn_number(s: str) -> int:
    """Value of a Chinese or Arabic numeral up to the hundreds (二十三, 十, 2025, 二〇二五)."""
    if s.isdigit():
        return int(s)
    if all(c in CN_DIGITS for c in s):  # digit by digit, as in years: 二〇二五
        return int("".join(str(CN_DIGITS[c]) for c in s))
    total, current = 0, 0
    for c in s:
        if c == "百":
            total += (current or 1) * 100
            current = 0
        elif c == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = CN_DIGITS[c]
    return total + current


@dataclass
class Section:
    rank: int
    number: int
    marker: str
    heading: MappedText | None
    body: list[MappedText] = field(default_factory=list)  # paragraphs after the heading
    children: list[Section] = field(default_factory=list)
    is_part: bool = False

    @property
    def is_requirements(self) -> bool:
        return self.heading is not None and bool(_REQUIREMENTS.search(self.heading.text))

    def sentences(self) -> list[MappedText]:
        return [s for para in self.body for s in split_sentences(para)]


@dataclass
class Document:
    source: SourceText
    text: MappedText
    issuers: list[MappedText]
    number: MappedText | None
    notice_title: MappedText | None
    addressees: list[MappedText]
    notice_body: list[MappedText]
    date: dt.date | None
    date_text: MappedText | None
    plan_title: MappedText | None
    requirements: list[MappedText]
    sections: list[Section]

    def walk(self) -> list[Section]:
        out: list[Section] = []

        def visit(secs: list[Section]) -> None:
            for s in secs:
                out.append(s)
                visit(s.children)

        visit(self.sections)
        return out


def split_sentences(para: MappedText) -> list[MappedText]:
    return [s for m in _SENTENCE.finditer(para.text) if (s := para[m.start() : m.end()].strip()).text]


def _lines(text: MappedText) -> list[MappedText]:
    return [line for piece in text.split(re.compile(r"\n")) if (line := piece.strip()).text]


def _match_marker(line: MappedText) -> tuple[int, int, str, MappedText] | None:
    for rank, pattern in _MARKERS:
        m = pattern.match(line.text)
        if m:
            return rank, cn_number(m.group(1)), m.group(0).strip(), line[m.end() :]
    return None


def _parse_date(line: str) -> dt.date | None:
    compact = re.sub(r"\s+", "", line)
    m = _DATE.match(compact) or _CN_DATE.match(compact)
    if not m:
        return None
    try:
        return dt.date(*(cn_number(g) for g in m.groups()))
    except ValueError:
        return None


def _is_heading_line(line: MappedText) -> bool:
    t = line.text
    return len(t) <= 40 and not re.search("[。；，]", t)


def _split_heading(rest: MappedText) -> tuple[MappedText | None, MappedText]:
    """A section's heading is its first sentence when that is short, or the whole line if it is
    a bare title (二、主要任务)."""
    if _is_heading_line(rest):
        return squeeze_spaces(rest), MappedText("", ())
    m = re.match(r"[^。！？]{2,40}?[。！？]", rest.text)
    # a lone sentence is a measure, not a title: 2.推动…发展。 has no heading
    if m and rest.text[m.end() :].strip() and not re.search("[，；]", m.group(0)[:-1]):
        head = squeeze_spaces(rest[: m.end() - 1].strip())
        return head, rest[m.end() :].strip()
    return None, rest


def parse(source: SourceText) -> Document:
    text = normalise(source.text)
    lines = _lines(text)
    name = source.name

    number_idx = next((i for i, ln in enumerate(lines[:15]) if DOC_NUMBER.fullmatch(ln.text.strip())), None)
    number = squeeze_spaces(lines[number_idx]) if number_idx is not None else None

    # The notice title may run over several lines until its closing word.
    title_idx, title_end = None, None
    for i, ln in enumerate(lines[:20]):
        if re.match(r"^关于", ln.text) and not _match_marker(ln):
            j = i
            while j < len(lines) - 1 and j < i + 3 and not _NOTICE_TITLE_END.search(lines[j].text):
                j += 1
            if _NOTICE_TITLE_END.search(lines[j].text):
                # 关于印发…工作要点 / 的通知: the closing word may itself stand on the next line
                if j + 1 < len(lines) and re.fullmatch(r"的(通知|意见|决定|通报|函|批复)", lines[j + 1].text.strip()):
                    j += 1
                title_idx, title_end = i, j
                break
    notice_title = None
    if title_idx is not None:
        parts = lines[title_idx : title_end + 1]
        joined = MappedText("".join(p.text for p in parts), tuple(o for p in parts for o in p.offsets))
        notice_title = _strip_all_spaces(joined)

    header_end = title_idx if title_idx is not None else number_idx
    issuers: list[MappedText] = []
    if header_end is not None:
        for ln in lines[:header_end]:
            if DOC_NUMBER.fullmatch(ln.text.strip()):
                continue
            for part in ln.split(re.compile(r"[\s\u3000、，]+")):
                if part.text.endswith("文件"):  # the red head: 天津市教育委员会文件
                    part = part[:-2]
                if len(part.text) >= 3 and _ORG_END.search(part.text):
                    issuers.append(part)

    date_idx = next((i for i, ln in enumerate(lines[:40]) if _parse_date(ln.text)), None)
    date = _parse_date(lines[date_idx].text) if date_idx is not None else None

    addressees: list[MappedText] = []
    notice_body: list[MappedText] = []
    after_title = (title_end + 1) if title_end is not None else None
    if after_title is not None and date_idx is not None and after_title < date_idx:
        first = lines[after_title]
        if re.search("[：:]$", first.text) and len(first.text) < 80:
            addressees = [
                squeeze_spaces(p).strip() for p in first[:-1].split(re.compile("[，,、；;]")) if p.text.strip()
            ]
            after_title += 1
        for ln in lines[after_title:date_idx]:
            if _is_heading_line(ln) and not re.search("[《》]", ln.text):
                # the signature: the issuer named again above the date
                if not issuers and _ORG_END.search(ln.text.strip()):
                    issuers.append(ln)
                continue
            if re.match(r"^附件", ln.text):
                continue
            notice_body.append(squeeze_spaces(ln))

    body_start = (date_idx + 1) if date_idx is not None else (title_end + 1 if title_end is not None else 0)
    plan_title = None
    if body_start < len(lines) and _is_heading_line(lines[body_start]) and not _match_marker(lines[body_start]):
        plan_title = _strip_all_spaces(lines[body_start])
        body_start += 1
    elif notice_title is not None:
        m = re.match(r"关于印发《?(.+?)》?的通知$", notice_title.text)
        if m:
            plan_title = notice_title[m.start(1) : m.end(1)]

    requirements: list[MappedText] = []
    sections: list[Section] = []
    stack: list[Section] = []
    for ln in lines[body_start:]:
        if _FOOTER.search(ln.text) or (stack and _parse_date(ln.text)):
            break  # the footer, or a signature date after the plan
        marker = _match_marker(ln)
        if marker is None:
            para = squeeze_spaces(ln)
            if stack:
                stack[-1].body.append(para)
            else:
                requirements.append(para)
            continue
        rank, num, mark, rest = marker
        heading, body = _split_heading(rest)
        sec = Section(rank=rank, number=num, marker=mark, heading=heading)
        if body.text:
            sec.body.append(squeeze_spaces(body))
        while stack and stack[-1].rank >= rank:
            stack.pop()
        (stack[-1].children if stack else sections).append(sec)
        stack.append(sec)

    doc = Document(
        source=source,
        text=text,
        issuers=[squeeze_spaces(i) for i in issuers],
        number=number,
        notice_title=notice_title,
        addressees=addressees,
        notice_body=notice_body,
        date=date,
        date_text=lines[date_idx] if date_idx is not None else None,
        plan_title=plan_title,
        requirements=requirements,
        sections=sections,
    )
    _mark_parts(doc)
    if plan_title is None and notice_title is None:
        raise InputError(f"{name}: no document structure found (no notice or plan title)")
    if not any(s.body or s.children for s in doc.walk()) and not requirements:
        raise InputError(f"{name}: no document structure found (no numbered sections or paragraphs)")
    if not sections:
        raise InputError(f"{name}: no document structure found (no numbered work areas)")
    return doc


def _strip_all_spaces(t: MappedText) -> MappedText:
    return t.filter(lambda i: not t.text[i].isspace())


def _mark_parts(doc: Document) -> None:
    """Sections of a rank that has sub-sections anywhere are parts; the others are work areas."""
    ranks_with_children = {s.rank for s in doc.walk() if s.children}
    for s in doc.walk():
        s.is_part = s.rank in ranks_with_children
