"""The numbering of Chinese official writing: which marker opens a unit, at which rank.

The genre nests 第X编 > 第X章 > 第X节 > 第X条 > 一、 > （一） > 1. > （1） > ①; a document uses
some of these ranks, and a lower rank nests under the nearest higher one. Each rank has a short
name that becomes its segment in the IRI of a unit (``ch2/s1/3``), so that a unit's IRI is the
path of ranks that leads to it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .text import MappedText

CN_NUM = "一二三四五六七八九十百千〇零两"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
# the round zeros the genre writes in years: ○ (white circle), Ｏ, O and 0 typed for 〇
_ZEROS = str.maketrans({"○": "〇", "Ｏ": "〇", "O": "〇", "0": "〇", "零": "〇"})
_DIGIT = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"两": 2}
# 一 … 九十九, the numbers of nearly every marker: read here, since importing cn2an costs a
# fifth of a second of a cold build (it compiles its patterns at import)
_UP_TO_99 = re.compile("([二三四五六七八九])?十([一二三四五六七八九])?|([一二三四五六七八九两])")


def cn_number(s: str) -> int:
    """Value of a Chinese or Arabic numeral: 二十三, 十, 两, 2025, 二〇二五 / 二○二五 (digit by
    digit, as years are written). Raises ValueError for anything else."""
    s = s.strip()
    if s.isdigit():
        return int(s)
    if s and all(c in "〇○Ｏ零一二三四五六七八九" for c in s) and len(s) > 1 and s[0] != "零":
        return int("".join(str(_DIGIT[c]) for c in s.translate(_ZEROS)))  # a year, digit by digit
    small = _UP_TO_99.fullmatch(s)
    if small:
        tens, ones, digit = small.groups()
        if digit:
            return _DIGIT[digit]
        return (_DIGIT[tens] if tens else 1) * 10 + (_DIGIT[ones] if ones else 0)
    import cn2an

    return int(cn2an.cn2an(s, "smart"))


@dataclass(frozen=True)
class Rank:
    level: int  # smaller is higher
    kind: str  # the name the ingest and the graph use
    segment: str  # IRI segment prefix: the unit ``ch`` 2 is ``ch2``
    pattern: re.Pattern[str]


# 第X部分 / 编 / 篇 are parts of a long 规划 above its chapters; 第X条 an article of a 办法.
RANKS: tuple[Rank, ...] = (
    Rank(0, "part", "pt", re.compile(rf"^第([{CN_NUM}\d]+)(?:部分|编|篇)\s*")),
    Rank(10, "chapter", "ch", re.compile(rf"^第([{CN_NUM}\d]+)章\s*")),
    Rank(20, "section", "s", re.compile(rf"^第([{CN_NUM}\d]+)节\s*")),
    Rank(25, "article", "art", re.compile(rf"^第([{CN_NUM}\d]+)条\s*")),
    Rank(30, "heading", "", re.compile(rf"^([{CN_NUM}]+)[、，.．]\s*")),
    Rank(40, "subheading", "p", re.compile(rf"^[（(]([{CN_NUM}]+)[）)]\s*")),
    Rank(50, "item", "i", re.compile(r"^(\d{1,3})[.．、](?!\d)\s*")),
    Rank(60, "subitem", "pi", re.compile(r"^[（(](\d{1,3})[）)]\s*")),
    Rank(70, "circled", "c", re.compile(rf"^([{_CIRCLED}])\s*")),
)
# an unnumbered heading line sits just above the numbered rank that follows it
PLAIN_SEGMENT = "h"
BOX_SEGMENT = "box"


@dataclass(frozen=True)
class Marker:
    rank: Rank
    number: int
    text: str  # the marker as written: 第三章, （一）, 1.
    rest: MappedText  # the line after the marker


def match_marker(line: MappedText) -> Marker | None:
    for rank in RANKS:
        m = rank.pattern.match(line.text)
        if m is None:
            continue
        number = _CIRCLED.index(m.group(1)) + 1 if rank.kind == "circled" else _number(m.group(1))
        if number is None or number < 1:
            continue
        return Marker(rank, number, m.group(0).strip(), line[m.end() :])
    return None


def _number(s: str) -> int | None:
    try:
        return cn_number(s)
    except ValueError:
        return None
