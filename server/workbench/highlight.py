"""Marking the query's words in the original text of a hit, and cutting long text to a snippet.

The index matched segmented words; every one of them is a substring of the original text, so
the marks are found in the original directly (longest term first, overlapping marks merged).
The result is a list of (text, marked) pieces: templates escape each piece and wrap the marked
ones in ``<mark>``, so nothing from the data is ever trusted as HTML.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup, escape

from .segment import QueryWord


@dataclass(frozen=True)
class Piece:
    text: str
    marked: bool


def _spans(text: str, words: list[QueryWord]) -> list[tuple[int, int]]:
    terms = sorted({t for w in words for t in w.terms() if t}, key=len, reverse=True)
    if not terms:
        return []
    pattern = re.compile("|".join(map(re.escape, terms)), re.IGNORECASE)
    spans: list[tuple[int, int]] = []
    for m in pattern.finditer(text):
        if spans and m.start() <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], m.end()))
        else:
            spans.append((m.start(), m.end()))
    return spans


def highlight(text: str, words: list[QueryWord], width: int = 0) -> list[Piece]:
    """``text`` in pieces, the query's words marked; with ``width``, only about ``width``
    characters around the first mark, with an ellipsis where text was cut."""
    spans = _spans(text, words)
    start, end = 0, len(text)
    if width and len(text) > width:
        first = spans[0][0] if spans else 0
        start = max(0, first - width // 4)
        end = min(len(text), start + width)
    pieces: list[Piece] = []
    if start > 0:
        pieces.append(Piece("…", False))
    at = start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        if s > at:
            pieces.append(Piece(text[at:s], False))
        pieces.append(Piece(text[s:e], True))
        at = e
    if at < end:
        pieces.append(Piece(text[at:end], False))
    if end < len(text):
        pieces.append(Piece("…", False))
    return pieces


def as_html(pieces: list[Piece]) -> Markup:
    """The pieces as HTML: every piece escaped, the marked ones in ``<mark>``."""
    return Markup("").join(Markup("<mark>{}</mark>").format(p.text) if p.marked else escape(p.text) for p in pieces)
