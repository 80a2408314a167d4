"""The layout of a notice and the plan it issues, found by rules of the genre.

A notice (通知) carries a header (header.py). The plan follows with its title, often an
unnumbered paragraph of general requirements (总体要求, 指导思想), and numbered units of the
ranks of Chinese official writing (markers.py): 第X章 > 第X节 > 一、 > （一） > 1. > （1） > ①;
whichever ranks a document uses, a lower rank nests under the nearest higher one. Besides the
numbered units the genre has unnumbered heading lines, 专栏 boxes (their items restart at 1),
tables turned to text (cells separated by tabs or runs of spaces) and 附件 attachments after the
plan. A unit's IRI segment (``ch2``, ``s1``, ``3``) is unique among its siblings, so the path
of segments is unique in the document.

What the parser cannot place is kept as text and named in ``Document.warnings``; only a text
with no title at all, or nothing after its title, is refused as not of the genre.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .errors import InputError
from .header import (
    DOC_NUMBER,
    ORG_END,
    Header,
    is_heading_line,
    joined,
    looks_like_date,
    parse_date,
    plan_title_of,
    read_header,
    split_issuers,
    strip_all_spaces,
)
from .markers import BOX_SEGMENT, CN_NUM, PLAIN_SEGMENT, Marker, cn_number, match_marker
from .reader import SourceText
from .text import MappedText, normalise, squeeze_spaces

__all__ = ["Attachment", "Document", "Row", "Section", "cn_number", "parse", "split_sentences"]

_PLAN_TITLE_END = re.compile(r"(工作要点|要点|规划|计划|方案|意见|纲要|实施细则|办法|任务|通知)$")
# the general requirements; a section of goals (发展目标, 总体目标) is a work area of its own
_REQUIREMENTS = re.compile(r"(总体要求|指导思想|总体思路|工作思路|基本原则)")
# a chapter that states where things stand, not what to do (第一章 发展基础)
_BASELINE = re.compile(r"(发展基础|基本情况|发展现状|现状|基础与形势|面临形势|发展环境|主要成就|工作回顾)")
_SENTENCE = re.compile(r"[^。！？!?]+(?:[。！？!?]+[”’」』]?|$)")
_COPIES = re.compile(r"^(?:抄送|抄报|报送|分送)\s*[:：]")
_RELEASE_NOTE = re.compile(r"^[（(]?\s*(?:此件|本件)[^）)]{0,20}[）)]?$")
_PRINTED = re.compile(r"(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*(?:印发|印制)$")
_CONTACT = re.compile(r"^(?:联系人|联系电话|电话|邮箱|电子邮箱|传真|地址|联系方式)\s*[:：]")
_ATTACHMENT_LABEL = re.compile(rf"^附\s*件\s*([\d{CN_NUM}]*)\s*[:：]?\s*")
# 附件：1.…名单 lists the attachments; the attachment itself opens with 附件 / 附件1 alone
_ATTACHMENT_START = re.compile(rf"^附\s*件\s*([\d{CN_NUM}]*)\s*$")
_ATTACHMENT_LIST = re.compile(r"^附\s*件\s*\d*\s*[:：]")
_BOX = re.compile(rf"^专\s*栏\s*([\d{CN_NUM}]*)\s*[:：]?\s*")
_CELL_GAP = re.compile(r"\t+|[ \u3000]{2,}")
_PLAIN_HEADING_MAX = 25
_LEAD_IN = re.compile(r"[^，。；]{0,12}[：:]")
# a responsibility line under an item: （牵头单位：教务处；配合单位：各二级学院）
_RESPONSIBLE = re.compile(r"^[（(]\s*(?:牵头|责任|配合|参与|主责|协办|承办)(?:单位|部门|处室)?\s*[：:].*[）)]$")
_NOTE_DATE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")


@dataclass
class Row:
    """One row of a table turned to text: its cells, and its text with the gaps between cells
    as single tabs (each tab is the first character of the original gap)."""

    cells: list[MappedText]
    text: MappedText


@dataclass
class Section:
    rank: int  # the level of its marker (markers.RANKS); smaller is higher
    kind: str  # a rank's kind, "plain" (an unnumbered heading line) or "box" (a 专栏)
    number: int
    marker: str
    heading: MappedText | None
    body: list[MappedText] = field(default_factory=list)  # paragraphs after the heading
    rows: list[Row] = field(default_factory=list)
    notes: list[MappedText] = field(default_factory=list)  # （牵头单位：…）: who is responsible
    children: list[Section] = field(default_factory=list)
    is_part: bool = False  # it divides the plan: it holds units, or stands beside units that do
    is_area: bool = False  # it holds measures of its own (a part may too: 三、保障措施)
    segment: str = ""  # its IRI segment, unique among its siblings

    @property
    def is_requirements(self) -> bool:
        return self.kind != "box" and self.heading is not None and bool(_REQUIREMENTS.search(self.heading.text))

    @property
    def is_background(self) -> bool:
        """基本情况, 发展基础: where things stand, whose sentences report and commit to nothing."""
        return self.kind != "box" and self.heading is not None and bool(_BASELINE.match(self.heading.text))

    @property
    def is_box(self) -> bool:
        return self.kind == "box"

    def sentences(self) -> list[MappedText]:
        # a lead-in (具体包括：) is not a measure: the clauses after it are
        return [s for para in self.body for s in split_sentences(para) if not _LEAD_IN.fullmatch(s.text)]


@dataclass
class Attachment:
    number: int
    title: MappedText | None
    segment: str = ""
    body: list[MappedText] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)


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
    rows: list[Row] = field(default_factory=list)  # tables before the first unit
    copies: list[MappedText] = field(default_factory=list)  # 抄送
    attachment_titles: list[MappedText] = field(default_factory=list)  # named on the 附件 lines
    attachments: list[Attachment] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # lines read only for the bodies they name: a forwarded notice's own addressee line, the
    # printing office (山东省教育厅办公室 2025年4月21日印发), a signature beside a header's issuers
    named_lines: list[MappedText] = field(default_factory=list)

    def walk(self) -> list[Section]:
        out: list[Section] = []

        def visit(secs: list[Section]) -> None:
            for s in secs:
                out.append(s)
                visit(s.children)

        visit(self.sections)
        for att in self.attachments:
            visit(att.sections)
        return out


def split_sentences(para: MappedText) -> list[MappedText]:
    return [s for m in _SENTENCE.finditer(para.text) if (s := para[m.start() : m.end()].strip()).text]


def _lines(text: MappedText) -> list[MappedText]:
    return [line for piece in text.split(re.compile(r"\n")) if (line := piece.strip()).text]


# ---------------------------------------------------------------- lines


def table_row(line: MappedText) -> Row | None:
    """A line of two or more cells separated by tabs or runs of spaces (a table turned to text)."""
    gaps = list(_CELL_GAP.finditer(line.text))
    if not gaps or match_marker(line) or re.search("[。；]$", line.text):
        return None
    cells, last = [], 0
    for g in gaps:
        cells.append(line[last : g.start()])
        last = g.end()
    cells.append(line[last:])
    cells = [squeeze_spaces(c) for c in cells if c.text.strip()]
    if len(cells) < 2:
        return None
    return Row(cells, joined(_tabbed(cells)))


def _split_heading(rest: MappedText) -> tuple[MappedText | None, MappedText]:
    """A unit's heading is its first sentence when that is short, or the whole line if it is a
    bare title (二、主要任务)."""
    if is_heading_line(rest):
        return squeeze_spaces(rest), MappedText("", ())
    m = re.match(r"[^。！？]{2,40}?[。！？]", rest.text)
    # a lone sentence is a measure, not a title: 2.推动…发展。 has no heading
    if m and rest.text[m.end() :].strip() and not re.search("[，；]", m.group(0)[:-1]):
        head = squeeze_spaces(rest[: m.end() - 1].strip())
        return head, rest[m.end() :].strip()
    return None, rest


@dataclass
class _Footer:
    copies: list[MappedText] = field(default_factory=list)
    signature: list[MappedText] = field(default_factory=list)
    printed: list[MappedText] = field(default_factory=list)
    dates: list[MappedText] = field(default_factory=list)


def _drop_footer(lines: list[MappedText]) -> tuple[list[MappedText], _Footer]:
    """The lines of the plan without the genre's footer lines, wherever they fall: 抄送 lists,
    the printing office (…2026年3月5日印发), the release note (此件公开发布), contacts, and the
    signature with its date after a plan."""
    footer = _Footer()
    kept: list[MappedText] = []
    listing = False
    for ln in lines:
        t = ln.text
        item = match_marker(ln)
        if _ATTACHMENT_LIST.match(t) or (listing and item is not None and item.rank.kind == "item" and is_heading_line(ln)):
            listing = True  # 附件：1.…名单 / 2.…: the list of attachments, not units
            continue
        listing = False
        if copies := _COPIES.match(t):
            rest = ln[copies.end() :]
            footer.copies += [squeeze_spaces(p).strip() for p in rest.split(re.compile("[，,、；;。]")) if p.text.strip()]
        elif _PRINTED.search(t):
            footer.printed.append(ln)
        elif _RELEASE_NOTE.match(t) or _CONTACT.match(t):
            continue
        elif looks_like_date(t):
            footer.dates.append(ln)
            while kept and is_heading_line(kept[-1]) and ORG_END.search(kept[-1].text) and not match_marker(kept[-1]):
                footer.signature[:0] = split_issuers(kept.pop())
        else:
            kept.append(ln)
    return kept, footer


def _split_attachments(lines: list[MappedText]) -> tuple[list[MappedText], list[tuple[MappedText, list[MappedText]]]]:
    """The lines of the main text, and (label line, lines) of each 附件 after it."""
    main: list[MappedText] = []
    chunks: list[tuple[MappedText, list[MappedText]]] = []
    for ln in lines:
        if _ATTACHMENT_START.match(ln.text):
            chunks.append((ln, []))
        else:
            (chunks[-1][1] if chunks else main).append(ln)
    return main, chunks


# ---------------------------------------------------------------- the body


class _Body:
    """Units, paragraphs and rows of one run of lines (the plan, or one attachment)."""

    def __init__(self, in_attachment: bool = False) -> None:
        self.sections: list[Section] = []
        self.loose: list[MappedText] = []  # paragraphs before the first unit
        self.rows: list[Row] = []  # rows before the first unit
        self.stack: list[Section] = []
        self.box: Section | None = None
        self.box_rank: int | None = None
        self.box_last = 0
        self.in_attachment = in_attachment
        self.folding: int | None = None  # the rank of an enumeration folded into its unit

    def read(self, lines: list[MappedText]) -> _Body:
        numbered = any(match_marker(ln) for ln in lines)
        for k, ln in enumerate(lines):
            nxt = lines[k + 1] if k + 1 < len(lines) else None
            self.line(ln, nxt, numbered)
        return self

    def line(self, ln: MappedText, nxt: MappedText | None, numbered: bool) -> None:
        box = _BOX.match(ln.text)
        if box and is_heading_line(ln) and len(ln.text) <= 40:
            self.open_box(ln, box)
            return
        marker = match_marker(ln)
        if marker is not None:
            if self.box is not None and self.in_box(marker):
                self.box_item(self.box, marker)
                return
            self.close_box()
            if self.in_attachment and self.listed(marker, ln, nxt):
                return
            self.unit(marker)
            return
        if _RESPONSIBLE.match(ln.text) and self.stack:
            self.stack[-1].notes.append(squeeze_spaces(ln))
            return
        row = table_row(ln)
        if row is not None:
            self.add_row(row)
            return
        level = self.plain_level(ln, nxt, numbered)
        if level is not None:
            self.close_box()
            self.push(Section(level, "plain", 0, "", strip_all_spaces(ln)))
            return
        self.paragraph(squeeze_spaces(ln))

    # units

    def push(self, sec: Section) -> None:
        while self.stack and self.stack[-1].rank >= sec.rank:
            self.stack.pop()
        (self.stack[-1].children if self.stack else self.sections).append(sec)
        self.stack.append(sec)

    def unit(self, marker: Marker) -> None:
        heading, body = _split_heading(marker.rest)
        if self.enumerates(marker, heading):
            self.stack[-1].body.append(squeeze_spaces(marker.rest.strip()))
            return
        self.folding = None
        sec = Section(marker.rank.level, marker.rank.kind, marker.number, marker.text, heading)
        if body.text:
            sec.body.append(squeeze_spaces(body))
        self.push(sec)

    def enumerates(self, marker: Marker, heading: MappedText | None) -> bool:
        """（1）…；（2）…。 after 具体包括： are clauses of the unit that leads into them, not units."""
        if heading is not None or not self.stack or marker.rank.level <= self.stack[-1].rank:
            return False
        if self.folding is not None:
            return marker.rank.level == self.folding
        body = self.stack[-1].body
        lead_in = bool(body) and bool(re.search("[：:]$", body[-1].text))
        # 9.服务终身学习。 then （1）…（2）…: clauses of a unit that is only a heading
        unit = self.stack[-1]
        titled = unit.heading is not None or _title_sentence(body)
        bare = titled and len(body) <= 1 and not unit.children and marker.rank.kind in {"subitem", "circled"}
        if bare and unit.heading is None:
            unit.heading, unit.body = squeeze_spaces(body[0][:-1]), []
        if lead_in or bare:
            self.folding = marker.rank.level
            return True
        return False

    def plain_level(self, ln: MappedText, nxt: MappedText | None, numbered: bool) -> int | None:
        """An unnumbered heading line: short, no sentence punctuation, and followed by the
        numbered units it heads (one rank above them) or, in a text with no numbers at all, by
        a paragraph (at the rank of 一、)."""
        if self.in_attachment or nxt is None or len(ln.text) > _PLAIN_HEADING_MAX or not is_heading_line(ln):
            return None
        if re.search("[：:、（(]$|^[“《]", ln.text) or looks_like_date(ln.text) or self.box is not None:
            return None
        below = match_marker(nxt)
        if below is not None:
            return below.rank.level - 5  # the numbered units below nest under it
        if not numbered and not is_heading_line(nxt) and (self.stack or self.loose):
            return 30
        return None

    def listed(self, marker: Marker, ln: MappedText, nxt: MappedText | None) -> bool:
        """In an attachment, a numbered line that is only a name (1.天津职业大学) is a row of a
        list, not a unit."""
        if marker.rank.kind in {"part", "chapter", "section", "article"} or not is_heading_line(marker.rest):
            return False
        below = match_marker(nxt) if nxt is not None else None
        if nxt is not None and table_row(nxt) is None and (below is None or below.rank != marker.rank):
            return False
        rest = marker.rest.strip()
        inner = table_row(rest)
        cells = [ln[: len(ln) - len(marker.rest)].strip(), *(inner.cells if inner else [squeeze_spaces(rest)])]
        self.add_row(Row(cells, joined(_tabbed(cells))))
        return True

    # boxes

    def open_box(self, ln: MappedText, m: re.Match[str]) -> None:
        self.close_box()
        number = cn_number(m.group(1)) if m.group(1) else 0
        title = strip_all_spaces(ln[m.end() :]) if ln.text[m.end() :].strip() else None
        box = Section(self.stack[-1].rank + 1 if self.stack else 0, "box", number, strip_all_spaces(ln[: m.end()]).text.rstrip("：:"), title)
        (self.stack[-1].children if self.stack else self.sections).append(box)
        self.box, self.box_rank, self.box_last = box, None, 0

    def in_box(self, marker: Marker) -> bool:
        if self.box_rank is None:
            return not self.stack or marker.rank.level > self.stack[-1].rank
        return marker.rank.level > self.box_rank or (marker.rank.level == self.box_rank and marker.number == self.box_last + 1)

    def box_item(self, box: Section, marker: Marker) -> None:
        if self.box_rank is None:
            self.box_rank = marker.rank.level
        if marker.rank.level == self.box_rank:
            self.box_last = marker.number
            box.body.append(squeeze_spaces(marker.rest.strip()))
        elif box.body:  # a lower rank inside an item continues it
            box.body[-1] = joined([box.body[-1], squeeze_spaces(marker.rest)])

    def close_box(self) -> None:
        self.box, self.box_rank, self.box_last = None, None, 0

    # text

    def add_row(self, row: Row) -> None:
        if self.box is not None and self.box_rank is not None:
            self.close_box()  # a table after a box of numbered items belongs to the unit
        target = self.box or (self.stack[-1] if self.stack else None)
        (target.rows if target is not None else self.rows).append(row)

    def paragraph(self, para: MappedText) -> None:
        self.folding = None
        if self.box is not None:
            if self.box_rank is None:
                self.box.body.append(para)  # a box of unnumbered items: one a line
                return
            self.close_box()
        if self.stack:
            self.stack[-1].body.append(para)
        else:
            self.loose.append(para)


def _tabbed(cells: list[MappedText]) -> list[MappedText]:
    out: list[MappedText] = []
    for k, cell in enumerate(cells):
        if k:
            out.append(MappedText("\t", (cell.offsets[0],)))
        out.append(cell)
    return out


# ---------------------------------------------------------------- segments


def assign_segments(units: list[Section], where: str, warnings: list[str]) -> None:
    """Give each unit an IRI segment unique among its siblings: its rank and number (``ch2``,
    ``3``, ``p1``); a number written twice at one rank gets ``-2`` and a warning."""
    used: set[str] = set()
    plain = boxes = 0
    for sec in units:
        if sec.kind == "plain":
            plain += 1
            base = f"{PLAIN_SEGMENT}{plain}"
        elif sec.kind == "box":
            boxes += 1
            base = f"{BOX_SEGMENT}{sec.number or boxes}"
        else:
            base = f"{_segment_prefix(sec.kind)}{sec.number}"
        seg = _unique_segment(base, used)
        if seg != base:
            warnings.append(f"{sec.marker or sec.kind} is numbered twice under {where or 'the plan'}: the second is {seg}")
        sec.segment = seg
        if sec.kind == "plain" and not sec.number:
            sec.number = plain
        if sec.kind == "box" and not sec.number:
            sec.number = boxes
        assign_segments(sec.children, f"{where}/{seg}" if where else seg, warnings)


def _segment_prefix(kind: str) -> str:
    from .markers import RANKS

    return next(r.segment for r in RANKS if r.kind == kind)


def _title_sentence(body: list[MappedText]) -> bool:
    """Is ``body`` one short sentence without commas, the title of its unit (服务终身学习。)?"""
    if len(body) != 1:
        return False
    only = body[0].text
    return len(only) <= 41 and only.endswith(("。", "！")) and len(split_sentences(body[0])) == 1 and not re.search("[，；]", only)


def _promote_headings(sections: list[Section]) -> None:
    """A unit whose line is one short sentence (（二）加强“双师型”教师队伍建设。) and that holds
    sub-units is headed by that sentence: it is their title, not a measure."""
    for s in sections:
        if s.children and s.heading is None and not s.is_box and _title_sentence(s.body):
            s.heading, s.body = squeeze_spaces(s.body[0][:-1]), []
        _promote_headings(s.children)


def _mark_parts(sections: list[Section], top: bool = True) -> None:
    """A unit that holds sub-units is a part. Every other unit is a work area, but for the
    general requirements and a chapter of where things stand (第一章 发展基础); a top-level one
    beside parts (三、保障措施 after 二、主要任务 and its （一）（二）) is also a part."""

    def nested(s: Section) -> bool:
        return any(not c.is_box for c in s.children)

    divided = top and any(nested(s) for s in sections)
    for s in sections:
        if s.is_box:
            continue
        leaf = not nested(s)
        baseline = s.heading is not None and bool(_BASELINE.search(s.heading.text))
        s.is_area = leaf and not s.is_requirements and not s.is_background and not (divided and baseline)
        s.is_part = not leaf or divided or not s.is_area
        _mark_parts(s.children, top=False)


# ---------------------------------------------------------------- the document


def _plan_title(lines: list[MappedText], header: Header) -> tuple[MappedText | None, list[MappedText]]:
    """The plan's title line(s) at the head of ``lines``, and the lines after it. A note under
    the title that dates it (（2025年2月17日…审议通过）) dates a plan that has no notice."""
    if not lines or not is_heading_line(lines[0]) or match_marker(lines[0]) or _BOX.match(lines[0].text):
        return None, lines
    end = 1
    if (
        len(lines) > 1
        and not _PLAN_TITLE_END.search(lines[0].text)
        and is_heading_line(lines[1])
        and not match_marker(lines[1])
        and _PLAN_TITLE_END.search(lines[1].text)
    ):
        end = 2  # a title broken over two lines
    title = strip_all_spaces(joined(lines[:end]))
    if end < len(lines) and re.fullmatch(r"[（(][^（）()]{2,40}[）)]", lines[end].text.strip()):
        if re.search(r"\d{4}\s*[—–\-－~～至]+\s*\d{4}\s*年", lines[end].text):
            title = strip_all_spaces(joined(lines[: end + 1]))  # its period: （2025—2030年）
        note = _NOTE_DATE.search(lines[end].text)
        if note is not None and header.date is None:
            try:
                header.date = dt.date(*(int(g) for g in note.groups()))
                header.date_text = lines[end]
            except ValueError:
                header.warnings.append(f"the date in {lines[end].text.strip()} is not a calendar day: no date recorded")
        end += 1  # or a note: （2025年2月17日学校党委常委会审议通过）, （征求意见稿）
    rest = _skip_forwarded_header(lines[end:])
    header.named_lines += lines[end : len(lines) - len(rest)]
    return title, rest


def _skip_forwarded_header(lines: list[MappedText]) -> list[MappedText]:
    """A forwarded notice (转发) repeats its own number and addressees under its title."""
    k = 0
    if k < len(lines) and DOC_NUMBER.fullmatch(lines[k].text.strip()):
        k += 1
    if k < len(lines) and re.search("[：:]$", lines[k].text) and len(lines[k].text) < 120 and not match_marker(lines[k]):
        k += 1
    return lines[k:] if k else lines


def _is_plan(chunk: list[MappedText], label: MappedText, header: Header) -> bool:
    """Is the first attachment the plan the notice issues (附件 / 2025年…工作要点 / 一、…)?"""
    title, _ = _plan_title(_label_rest(label) + chunk, header)
    if title is None:
        return False
    issued = plan_title_of(header.notice_title) if header.notice_title is not None else None
    if issued is not None:
        return _same_title(title.text, issued.text)
    return bool(_PLAN_TITLE_END.search(title.text)) and any(match_marker(ln) for ln in chunk)


def _same_title(a: str, b: str) -> bool:
    strip = re.compile(r"[《》“”\s]")
    a, b = strip.sub("", a), strip.sub("", b)
    return a == b or a in b or b in a


def _label_rest(label: MappedText) -> list[MappedText]:
    """附件1：XXX名单 carries its title on the label line."""
    m = _ATTACHMENT_LABEL.match(label.text)
    assert m is not None  # a label matched _ATTACHMENT_START, which this pattern extends
    rest = label[m.end() :].strip()
    return [rest] if rest.text else []


def _attachment(label: MappedText, lines: list[MappedText], index: int) -> Attachment:
    m = _ATTACHMENT_LABEL.match(label.text)
    assert m is not None  # a label matched _ATTACHMENT_START, which this pattern extends
    number = cn_number(m.group(1)) if m.group(1) else index
    lines = _label_rest(label) + lines
    title = None
    if lines and is_heading_line(lines[0]) and not match_marker(lines[0]) and not table_row(lines[0]):
        title, lines = strip_all_spaces(lines[0]), lines[1:]
    body = _Body(in_attachment=True).read(lines)
    return Attachment(number, title, body=body.loose, rows=body.rows, sections=body.sections)


def parse(source: SourceText) -> Document:
    text = normalise(source.text)
    lines = _lines(text)
    header = read_header(lines)
    rest, footer = _drop_footer(lines[header.end :])
    main, extra = _split_attachments(rest)
    if extra and _is_plan(extra[0][1], extra[0][0], header) and not _has_units(main):
        label, chunk = extra.pop(0)
        main = _label_rest(label) + chunk
    plan_title, main = _plan_title(main, header)
    notice_body = header.body
    if not _has_units(main) and _has_units(notice_body):
        # a notice whose own body holds the numbered tasks, with no plan after it
        first = next(k for k, ln in enumerate(notice_body) if match_marker(ln))
        notice_body, main = notice_body[:first], notice_body[first:] + main
    if plan_title is None and header.notice_title is not None:
        plan_title = plan_title_of(header.notice_title)
    warnings = list(header.warnings)
    body = _Body().read(main)
    assign_segments(body.sections, "", warnings)
    _promote_headings(body.sections)
    _mark_parts(body.sections)
    attachments = _attachments(extra, warnings)
    doc = Document(
        source=source,
        text=text,
        issuers=[squeeze_spaces(i) for i in (header.issuers or footer.signature)],
        number=header.number,
        notice_title=header.notice_title,
        addressees=header.addressees,
        notice_body=notice_body,
        date=header.date,
        date_text=header.date_text,
        plan_title=plan_title,
        requirements=body.loose,
        sections=body.sections,
        rows=body.rows,
        copies=footer.copies,
        attachment_titles=header.attachment_titles,
        attachments=attachments,
        warnings=warnings,
        named_lines=header.named_lines + footer.printed + (footer.signature if header.issuers else []),
    )
    _date_from_footer(doc, footer)
    _check(doc)
    return doc


def _has_units(lines: list[MappedText]) -> bool:
    return any(match_marker(ln) for ln in lines)


def _unique_segment(base: str, used: set[str]) -> str:
    """``base``, or ``base-2``, ``base-3``… when a sibling already took it (a number written twice)."""
    seg, k = base, 1
    while seg in used:
        k += 1
        seg = f"{base}-{k}"
    used.add(seg)
    return seg


def _attachments(chunks: list[tuple[MappedText, list[MappedText]]], warnings: list[str]) -> list[Attachment]:
    out: list[Attachment] = []
    used: set[str] = set()
    for k, (label, lines) in enumerate(chunks, start=1):
        att = _attachment(label, lines, k)
        seg = _unique_segment(f"att{att.number}", used)
        if seg != f"att{att.number}":
            warnings.append(f"附件{att.number} is numbered twice: the second is {seg}")
        att.segment = seg
        assign_segments(att.sections, seg, warnings)
        _promote_headings(att.sections)
        _mark_parts(att.sections)
        if not (att.body or att.rows or att.sections):
            warnings.append(f"附件{att.number} has no text after its title: kept as its title only")
        out.append(att)
    return out


def _date_from_footer(doc: Document, footer: _Footer) -> None:
    """A plan with no notice is dated by its signature (or the line under its title)."""
    if doc.date is not None or not footer.dates:
        return
    line = footer.dates[0]
    doc.date, doc.date_text = parse_date(line.text), line
    if doc.date is None:
        doc.warnings.append(f"the date {line.text.strip()} is not a calendar day: no date recorded")


def _check(doc: Document) -> None:
    """Refuse a text that is not of the genre; warn about what could not be structured."""
    name = doc.source.name
    if doc.plan_title is None and doc.notice_title is None:
        raise InputError(f"{name}: no document structure found (no notice or plan title)")
    content = doc.sections or doc.requirements or doc.rows or doc.notice_body or doc.attachments
    if not content:
        raise InputError(f"{name}: no document structure found (no numbered sections or paragraphs)")
    if not doc.sections and doc.requirements:
        doc.warnings.append(f"no numbered work areas: {len(doc.requirements)} paragraph(s) kept as text")
    if doc.attachment_titles and len(doc.attachments) < len(doc.attachment_titles) - 1:
        doc.warnings.append(
            f"the notice lists {len(doc.attachment_titles)} attachment(s) but {len(doc.attachments)} follow it"
        )
