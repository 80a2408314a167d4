"""The header of a notice (通知), found by rules of the genre.

A notice opens with its issuing bodies (the red head, 天津市教育委员会文件), a document number
(津教职函〔2025〕1号, with 〔〕, [], ［］, （） or 【】), a title that may start with the issuer
(河北省教育厅关于印发…的通知) and run over several lines, the addressees ending in a colon, a
short body (现将《…》印发给你们), the 附件 lines naming its attachments, a signature and a date
(2025年4月18日, or 二〇二五年二月二十八日 with 〇 or ○). A plan may also come with no notice at
all; then there is no header and the document starts with the plan's title.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .markers import CN_NUM, cn_number, match_marker
from .text import HAN, MappedText, squeeze_spaces

DOC_NUMBER = re.compile(
    rf"[{HAN}]{{1,12}}\s*[〔\[［（(【]\s*(?:19|20)\d{{2}}\s*[〕\]］）)】]\s*第?\s*\d+\s*号"
)
_YEAR_CN = "〇○Ｏ零一二三四五六七八九"
_DATE = re.compile(r"^[（(]?((?:19|20)\d{2})年(\d{1,2})月(\d{1,2})日[）)]?$")
_CN_DATE = re.compile(rf"^[（(]?([{_YEAR_CN}0O]{{4}})年([{CN_NUM}]{{1,3}})月([{CN_NUM}]{{1,3}})日[）)]?$")
NOTICE_KINDS = "通知|意见|决定|通报|函|批复|公告|通告"
_NOTICE_TITLE_END = re.compile(rf"(?:{NOTICE_KINDS}|规划|方案|要点|办法)$")
_NOTICE_WORD = re.compile(r"关于|印发|转发")
ORG_END = re.compile(r"(委员会|委|局|厅|部|办公室|政府|办|中心|学校|学院|大学|研究院)$")
_ATTACHMENT_LINE = re.compile(r"^附\s*件\s*(?:[:：]|\d+[:：]?|$)")
_TITLE_LINES = 4  # a notice title runs over at most this many lines


@dataclass
class Header:
    issuers: list[MappedText] = field(default_factory=list)
    number: MappedText | None = None
    notice_title: MappedText | None = None
    addressees: list[MappedText] = field(default_factory=list)
    body: list[MappedText] = field(default_factory=list)  # the notice's own paragraphs
    attachment_titles: list[MappedText] = field(default_factory=list)  # named on its 附件 lines
    date: dt.date | None = None
    date_text: MappedText | None = None
    end: int = 0  # index of the first line after the header
    warnings: list[str] = field(default_factory=list)
    named_lines: list[MappedText] = field(default_factory=list)  # read for the bodies they name only


def is_heading_line(line: MappedText) -> bool:
    t = line.text
    return len(t) <= 40 and not re.search("[。；，]", t)


def strip_all_spaces(t: MappedText) -> MappedText:
    return t.filter(lambda i: not t.text[i].isspace())


def joined(parts: list[MappedText]) -> MappedText:
    return MappedText("".join(p.text for p in parts), tuple(o for p in parts for o in p.offsets))


def parse_date(line: str) -> dt.date | None:
    """The date of a line that is only a date, in Arabic or Chinese numerals."""
    compact = re.sub(r"\s+", "", line)
    m = _DATE.match(compact) or _CN_DATE.match(compact)
    if not m:
        return None
    try:
        return dt.date(*(cn_number(g) for g in m.groups()))
    except ValueError:
        return None


def looks_like_date(line: str) -> bool:
    """A date line, whether or not it is a real calendar day (2025年2月30日)."""
    compact = re.sub(r"\s+", "", line)
    return bool(_DATE.match(compact) or _CN_DATE.match(compact))


def find_number(lines: list[MappedText]) -> tuple[int, MappedText] | None:
    for i, ln in enumerate(lines[:15]):
        if len(ln.text) > 60:
            continue
        m = DOC_NUMBER.search(ln.text)
        if m is not None and not _NOTICE_WORD.search(ln.text[: m.start()]):
            return i, squeeze_spaces(ln[m.start() : m.end()])
    return None


def find_notice_title(lines: list[MappedText]) -> tuple[int, int] | None:
    """(first, last) line of the notice title: a line naming 关于 / 印发 / 转发, read on up to its
    closing word (…的通知), which may stand alone on the next line."""
    for i, ln in enumerate(lines[:25]):
        k = _NOTICE_WORD.search(ln.text)
        if k is None or k.start() > 40 or match_marker(ln) or (not is_heading_line(ln) and len(ln.text) > 60):
            continue
        if re.search("[。；]", ln.text) or re.search("[：:]$", ln.text):
            continue  # a sentence of a body (现将…印发给你们。), or the addressees
        for j in range(i, min(i + _TITLE_LINES, len(lines))):
            if j > i and (re.search("[。；：:]", lines[j].text) or match_marker(lines[j])):
                break
            if _NOTICE_TITLE_END.search(lines[j].text.strip()):
                if j + 1 < len(lines) and re.fullmatch(rf"的?(?:{NOTICE_KINDS})", lines[j + 1].text.strip()):
                    j += 1
                return i, j
    return None


_GLUED_ISSUER = re.compile(r".+?(?:委员会|教育厅|厅|局|办公室|人民政府)(?=$|[^\s]{4,})")


def split_issuers(text: MappedText) -> list[MappedText]:
    """The bodies named on a red-head line or before 关于: separated by spaces or 、, or glued
    (中共天津市委教育工作委员会天津市教育委员会, 甘肃省教育厅甘肃省发展和改革委员会)."""
    out: list[MappedText] = []
    for part in text.split(re.compile(r"[\s\u3000、，,]+")):
        if part.text.endswith("文件"):  # the red head: 天津市教育委员会文件
            part = part[:-2]
        pieces = list(_GLUED_ISSUER.finditer(part.text))
        if pieces and pieces[-1].end() == len(part.text) and len(pieces) > 1:
            names = [part[m.start() : m.end()] for m in pieces]
        else:
            names = [part]
        out += [p for p in names if len(p.text) >= 3 and ORG_END.search(p.text)]
    return out


def _unique(names: list[MappedText]) -> list[MappedText]:
    seen: set[str] = set()
    out = []
    for n in names:
        if n.text not in seen:
            seen.add(n.text)
            out.append(n)
    return out


def _addressees(lines: list[MappedText], i: int) -> tuple[list[MappedText], int]:
    """The addressees on the line(s) after the title, up to the one ending in a colon."""
    for j in range(i, min(i + 2, len(lines))):
        t = lines[j].text
        if len(t) >= 100 or re.search("[。；]", t):
            break
        if re.search("[：:]$", t):
            text = joined(lines[i : j + 1])[:-1]
            # 、 joins the bodies of one group (各区（市）县教育局、发展改革局): only ， and ； part groups
            parts = [squeeze_spaces(p).strip() for p in text.split(re.compile("[，,；;]"))]
            return [p for p in parts if p.text], j + 1
    return [], i


def _attachment_titles(lines: list[MappedText]) -> list[MappedText]:
    """附件：1.…名单 / 2.…方案 (one a line), or 附件：…名单."""
    titles: list[MappedText] = []
    listing = False
    for ln in lines:
        m = _ATTACHMENT_LINE.match(ln.text)
        if m:
            listing = True
            rest = ln[m.end() :].strip()
        elif listing and (marker := match_marker(ln)) is not None and marker.rank.kind == "item":
            rest = marker.rest.strip()
        else:
            listing = False
            continue
        marker = match_marker(rest)
        if marker is not None and marker.rank.kind == "item":
            rest = marker.rest.strip()
        if rest.text:
            titles.append(strip_all_spaces(rest))
    return titles


def read_header(lines: list[MappedText]) -> Header:
    header = Header()
    number = find_number(lines)
    title = find_notice_title(lines)
    if number is not None:
        header.number = number[1]
    if title is None:
        header.issuers = _red_head(lines[: number[0]] if number else [])
        header.end = number[0] + 1 if number else 0
        return header
    first, last = title
    if first > 0 and (number is None or not first - 1 <= number[0] <= last) and _only_issuers(lines[first - 1]):
        first -= 1  # 山东省教育厅 / 转发…的通知: the issuers open the title on a line of their own
    header.notice_title, prefix = _title_and_issuer(joined(lines[first : last + 1]))
    header.issuers = _red_head([ln for k, ln in enumerate(lines[:first]) if number is None or k != number[0]])
    header.issuers = _unique(header.issuers + prefix)
    after = last + 1
    if number is not None and number[0] == after:
        after += 1  # the number under an issuer-first title
    header.addressees, start = _addressees(lines, after)
    date_idx = next((k for k in range(start, len(lines)) if looks_like_date(lines[k].text)), None)
    if date_idx is None:
        header.end = start
        return header
    header.date = parse_date(lines[date_idx].text)
    header.date_text = lines[date_idx]
    if header.date is None:
        header.warnings.append(f"the date {lines[date_idx].text.strip()} is not a calendar day: no date recorded")
    between = lines[start:date_idx]
    body = between[: len(between) - _signature_lines(between)]
    if not header.issuers:  # the issuers named again above the date
        header.issuers = _unique([i for ln in between[len(body) :] for i in split_issuers(ln)])
    header.attachment_titles = _attachment_titles(body)
    header.body = [squeeze_spaces(ln) for ln in body if not _in_attachment_list(ln, body)]
    header.end = date_idx + 1
    return header


def _only_issuers(line: MappedText) -> bool:
    if not is_heading_line(line) or line.text.endswith("文件") or _NOTICE_WORD.search(line.text):
        return False
    names = split_issuers(line)
    return bool(names) and sum(len(n.text) for n in names) == len(re.sub(r"[\s、，,]", "", line.text))


def _signature_lines(lines: list[MappedText]) -> int:
    """How many lines above the date are the signature (the issuers named again)."""
    n = 0
    for ln in reversed(lines):
        if not (is_heading_line(ln) and ORG_END.search(ln.text.strip()) and not _NOTICE_WORD.search(ln.text)):
            break
        n += 1
    return n


def _in_attachment_list(line: MappedText, body: list[MappedText]) -> bool:
    """Is ``line`` one of the 附件 lines (the 附件： line or a numbered title under it)?"""
    if _ATTACHMENT_LINE.match(line.text):
        return True
    k = body.index(line)
    while k > 0:
        k -= 1
        if _ATTACHMENT_LINE.match(body[k].text):
            return all((mk := match_marker(b)) is not None and mk.rank.kind == "item" for b in body[k + 1 : body.index(line) + 1])
        if not ((mk := match_marker(body[k])) is not None and mk.rank.kind == "item" and is_heading_line(body[k])):
            return False
    return False


def _red_head(lines: list[MappedText]) -> list[MappedText]:
    out: list[MappedText] = []
    for ln in lines:
        if DOC_NUMBER.search(ln.text) or looks_like_date(ln.text):
            continue
        out += split_issuers(ln)
    return [squeeze_spaces(i) for i in out]


def _title_and_issuer(title: MappedText) -> tuple[MappedText, list[MappedText]]:
    """The notice title without spaces, and the issuers written before its 关于."""
    title = strip_all_spaces(title)
    m = re.search("关于|印发|转发", title.text)  # 山东省教育厅转发教育部办公厅关于…: the first
    k = m.start() if m else 0
    return title, split_issuers(title[:k]) if k > 0 else []


def plan_title_of(notice_title: MappedText) -> MappedText | None:
    """What a 印发 / 转发 notice issues: 关于印发《X》的通知 → X."""
    t = notice_title.text
    m = re.search(rf"(?:印发|转发)[^《]*《(.+)》的?(?:{NOTICE_KINDS})$", t) or re.search(
        rf"(?:印发|转发)(.+?)的(?:{NOTICE_KINDS})$", t
    )
    return notice_title[m.start(1) : m.end(1)] if m else None
