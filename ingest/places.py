"""Places a sentence names: China's administrative divisions from the gazetteer (ingest/gazetteer.py)
and the countries and regions of the lexicon (ingest/lexicon/places.txt), matched over characters,
longest first (中亚 inside 中亚地区, 河北区 not 河北)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import ahocorasick

from .gazetteer import gazetteer
from .lexicon import lexicon

_LEXICON_CLASS = {
    "continent": "Region",
    "region": "Region",
    "country": "Country",
    "province": "AdministrativeArea",
    "city": "AdministrativeArea",
    "district": "AdministrativeArea",
    "zone": "EconomicZone",
}


@dataclass(frozen=True)
class PlaceName:
    name: str
    cls: str  # vet class local name
    codes: tuple[str, ...]  # gazetteer codes it may denote; () for a place of the lexicon
    short: bool  # a short form (长沙 for 长沙市), matched only on word boundaries below a province


@cache
def place_names() -> dict[str, PlaceName]:
    gaz = gazetteer()
    out = {}
    for name, kind in lexicon().places.items():
        out[name] = PlaceName(name, _LEXICON_CLASS[kind], (), False)
    for name, codes in gaz.names.items():
        out[name] = PlaceName(name, "AdministrativeArea", codes, name in gaz.short_names)
    return out


@cache
def _automaton() -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for name in place_names():
        automaton.add_word(name, name)
    automaton.make_automaton()
    return automaton


def needs_boundary(p: PlaceName) -> bool:
    """Short forms of prefectures are ordinary words as often as not (白银, 阿里, 大同), and so
    are some counties' full names (新建区 in 新建区域, 城区, 矿区): they count only where jieba,
    which knows every division's name, sees a word. A province (湖南, 浙江) is always the
    province; a prefecture's full name (长沙市) is never anything else."""
    if not p.codes:
        return False
    level = gazetteer().division(p.codes[0]).level
    return level == "county" or (p.short and level != "province")


def place_occurrences(s: str) -> list[tuple[PlaceName, int, int]]:
    """Every occurrence of a place name in ``s``, overlapping ones included (the caller keeps the
    longest): (place, start, end)."""
    names = place_names()
    return [(names[name], end + 1 - len(name), end + 1) for end, name in _automaton().iter(s)]
