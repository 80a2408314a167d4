"""Text that remembers where each character came from.

Normalisation (full-width digits, words broken across lines, stray spaces) changes the text the
extractors see, but every fact must point at the exact characters of the original document, so
each character carries its offset in the original.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from .script import to_simplified

HAN = "\u4e00-\u9fff\u3400-\u4dbf"
_TERMINAL = "。；！？：:;!?"


def is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


@dataclass(frozen=True)
class MappedText:
    """``text`` with ``offsets[i]`` the original offset of ``text[i]``."""

    text: str
    offsets: tuple[int, ...]

    @classmethod
    def original(cls, text: str) -> MappedText:
        return cls(text, tuple(range(len(text))))

    def __len__(self) -> int:
        return len(self.text)

    def __getitem__(self, key: slice) -> MappedText:
        return MappedText(self.text[key], self.offsets[key])

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of ``text[start:end]`` (end exclusive)."""
        return self.offsets[start], self.offsets[end - 1] + 1

    def filter(self, keep: Callable[[int], bool]) -> MappedText:
        idx = [i for i in range(len(self.text)) if keep(i)]
        return MappedText("".join(self.text[i] for i in idx), tuple(self.offsets[i] for i in idx))

    def strip(self) -> MappedText:
        s = self.text
        start = len(s) - len(s.lstrip())
        end = len(s.rstrip())
        return self[start:end]

    def finditer(self, pattern: re.Pattern[str]) -> Iterator[re.Match[str]]:
        return pattern.finditer(self.text)

    def split(self, pattern: re.Pattern[str]) -> list[MappedText]:
        """Pieces between matches of ``pattern`` (the matches themselves dropped)."""
        pieces, last = [], 0
        for m in pattern.finditer(self.text):
            pieces.append(self[last : m.start()])
            last = m.end()
        pieces.append(self[last:])
        return pieces


def nfkc_safe(ch: str) -> str:
    """NFKC for full-width ASCII letters, digits and a few signs; Chinese punctuation is kept,
    since （ ） ， ： carry structure that NFKC would flatten into ASCII."""
    code = ord(ch)
    if 0xFF10 <= code <= 0xFF19 or 0xFF21 <= code <= 0xFF3A or 0xFF41 <= code <= 0xFF5A:
        return unicodedata.normalize("NFKC", ch)
    if ch in "\uff05\uff0b\uff0e\u3000\u00a0":  # ％ ＋ ． ideographic and no-break spaces
        return unicodedata.normalize("NFKC", ch)
    return ch


def _nfkc_table() -> dict[int, str]:
    """``nfkc_safe`` as a translation table: it maps each character it changes to one
    character, so that the offsets stay as they are."""
    changed = [chr(c) for c in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B))]
    changed += list("\uff05\uff0b\uff0e\u3000\u00a0")
    table = {ord(ch): nfkc_safe(ch) for ch in changed}
    assert all(len(out) == 1 for out in table.values()), "an NFKC mapping that changes the length"
    return table


_NFKC_TABLE = _nfkc_table()


def nfkc(text: MappedText) -> MappedText:
    return MappedText(text.text.translate(_NFKC_TABLE), text.offsets)


_MARKER = re.compile(
    rf"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、](?!\d)|第[{HAN}\d]+[章节条部分])"
)
_BREAK = re.compile(r"[ \t]*\n[ \t\n\f]*")
# cells of a table turned to text: tabs or runs of spaces between them (structure.table_row)
_TABLE_CELLS = re.compile(r"\S(?:\t+|[ \u3000]{2,})\S")


def rejoin_lines(text: MappedText) -> MappedText:
    """Remove line and page breaks that split a prose line in the middle of a word.

    A break is a split when the line before it is prose (it has sentence punctuation and is
    long), does not end a sentence, and the next line does not open a new numbered item.
    Header lines (issuers, dates, titles) have no punctuation and stay as they are.
    """
    s = text.text
    drop: set[int] = set()
    for m in _BREAK.finditer(s):
        line_start = s.rfind("\n", 0, m.start()) + 1
        line = s[line_start : m.start()].strip()
        nxt_end = s.find("\n", m.end())
        nxt = s[m.end() : nxt_end if nxt_end >= 0 else len(s)]
        if not line or not nxt.strip() or line[-1] in _TERMINAL:
            continue
        if len(line) < 12 or not re.search("[，、。；]", line):
            continue
        if _MARKER.match(nxt) or not (is_han(line[-1]) or line[-1].isalnum()):
            continue
        if _TABLE_CELLS.search(line) or _TABLE_CELLS.search(nxt.strip()):
            continue  # a row of a table turned to text ends at its line, however long its cells
        if _MARKER.match(line) and not re.search("[。；！？]", line):
            continue  # a numbered heading on its own line (一、深化产教融合、推进校企合作)
        drop.update(range(m.start(), m.end()))
    return text.filter(lambda i: i not in drop) if drop else text


_SPACE = re.compile("[ \t\u3000]")


def squeeze_spaces(text: MappedText) -> MappedText:
    """Drop spaces that sit between Chinese characters or between Chinese and digits.

    Chinese uses no spaces between words; typesetting puts them around numbers (``2025 年``,
    ``依托 6 个``) and PDF extraction inside titles. Spaces next to Latin words are kept, so a
    stray English word stays a word.
    """
    s = text.text
    if not _SPACE.search(s):
        return text

    def keep(i: int) -> bool:
        if s[i] not in " \t\u3000":
            return True
        j = i - 1
        while j >= 0 and s[j] in " \t\u3000":
            j -= 1
        k = i + 1
        while k < len(s) and s[k] in " \t\u3000":
            k += 1
        if j < 0 or k >= len(s):
            return False
        left, right = s[j], s[k]
        latin = re.compile("[A-Za-z]")
        if latin.match(left) or latin.match(right):
            return True
        return True if left == "\n" or right == "\n" else False

    return text.filter(keep)


_DASHES = "—–\\-－―"
_PAGE_NUMBER = re.compile(
    rf"^[ \t]*(?:[{_DASHES}]+[ \t]*\d{{1,3}}[ \t]*[{_DASHES}]+|第\s*\d+\s*页(?:\s*[，,]?\s*共\s*\d+\s*页)?"
    rf"|\d{{1,3}}\s*/\s*\d{{1,3}}|·\s*\d{{1,3}}\s*·)[ \t]*$",
    re.M,
)
# a page number left inside a line by the extraction: …校企合作 — 2 — 企业…
_INLINE_PAGE_NUMBER = re.compile(rf"(?<=\S)[ \t]+[{_DASHES}]{{1,2}}[ \t]*\d{{1,3}}[ \t]*[{_DASHES}]{{1,2}}(?=[ \t]|$)", re.M)
_LINE = re.compile(r"[^\n]+")
_HEAD_MAX = 40  # a running head is a short line: the document's title or its issuer


def _running_heads(text: str, pages: list[re.Match[str]]) -> set[int]:
    """Offsets of running heads: a short line without sentence punctuation that stands next to
    a page number and is written earlier too (the title repeated at the top of each page). A
    line repeated away from page numbers is kept: an issuer is named in the red head, above the
    title and in the signature."""
    lines = [m for m in _LINE.finditer(text) if m.group(0).strip()]
    counts: dict[str, int] = {}
    for m in lines:
        counts[m.group(0).strip()] = counts.get(m.group(0).strip(), 0) + 1

    def head(m: re.Match[str]) -> bool:
        t = m.group(0).strip()
        return len(t) <= _HEAD_MAX and not re.search("[。；，：:]", t) and any(is_han(c) for c in t)

    drop: set[int] = set()
    starts = [m.start() for m in lines]
    page_starts = {p.start() for p in pages}
    for k, m in enumerate(lines):
        near_page = (k > 0 and lines[k - 1].start() in page_starts) or (k + 1 < len(lines) and lines[k + 1].start() in page_starts)
        t = m.group(0).strip()
        first = starts.index(next(x.start() for x in lines if x.group(0).strip() == t))
        if head(m) and counts[t] >= 2 and m.start() != starts[first] and near_page:
            drop.update(range(m.start(), m.end()))
    return drop


def drop_page_numbers(text: MappedText) -> MappedText:
    """Remove page-number lines (— 3 —, - 3 -, 第3页, 3/10) and the running heads beside them,
    wherever PDF extraction left them (inside paragraphs too), so that the words around them can
    be rejoined."""
    pages = [m for m in _PAGE_NUMBER.finditer(text.text) if m.group(0).strip()]
    drop: set[int] = set()
    for m in pages:
        drop.update(range(m.start(), m.end()))
    for m in _INLINE_PAGE_NUMBER.finditer(text.text):
        drop.update(range(m.start(), m.end()))
    drop |= _running_heads(text.text, pages)
    return text.filter(lambda i: i not in drop) if drop else text


def normalise(raw: str) -> MappedText:
    """The text the extractors read: NFKC where safe, page numbers gone, broken lines rejoined."""
    return rejoin_lines(drop_page_numbers(to_simplified(nfkc(MappedText.original(raw)))))
