"""Traditional script to simplified, for matching only.

Plans from Hong Kong, Macao and Taiwan, or typed by hand in traditional script (教育廳, 條例, 號),
are read in simplified script, so that the lexicon, the gazetteer and the patterns, all written in
simplified characters, find their names. The stored source text (``vet:sourceText``) and every
span keep the original characters: the conversion is a :class:`MappedText` step, each converted
character carrying the offset of the original one.

OpenCC's ``t2s`` works on phrases (乾隆 stays, 頭髮 becomes 头发) but every entry of its
dictionaries maps a phrase to one of the same length, so the text keeps its length and the offsets
stay as they are. Should a dictionary ever change the length of a phrase, the text is converted
character by character instead, which keeps a map to the original whatever the lengths.

Traditional-script texts quote with corner brackets (「雙高計劃」); they are read as the curly
quotes of simplified texts (“双高计划”), which the extractors know, one character for one.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # text.py calls this module: no import back at run time
    from .text import MappedText


_CORNER_QUOTES = str.maketrans("「」『』", "“”‘’")


@cache
def _t2s() -> Callable[[str], str]:
    import opencc

    return opencc.OpenCC("t2s").convert


def to_simplified(text: MappedText, convert: Callable[[str], str] | None = None) -> MappedText:
    """``text`` in simplified script, each character mapped to the original it came from.
    Simplified text comes back as it is (t2s leaves simplified characters alone)."""
    convert = convert or _t2s()
    out = convert(text.text).translate(_CORNER_QUOTES)
    if out == text.text:
        return text
    if len(out) == len(text.text):
        return type(text)(out, text.offsets)
    # a conversion that changed a length: one character at a time, each output character
    # pointing at the character it came from
    chars, offsets = [], []
    for ch, offset in zip(text.text, text.offsets, strict=False):
        converted = (convert(ch) or ch).translate(_CORNER_QUOTES)
        chars.append(converted)
        offsets.extend([offset] * len(converted))
    return type(text)("".join(chars), tuple(offsets))
