"""Scoring an ingest against the ground truth of the genre corpus (tests/data/genre/README.md).

Pure functions over plain data: what the ground-truth file expects, what the graph holds (as
:class:`Found`), and the counts that make recall and precision. ``bench/extraction.py`` fills
:class:`Found` from the graph and prints the tables; ``tests/test_extraction_bench.py`` checks
the scoring on small hand-made cases.
"""
from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

# The kinds scored, in the order of the tables. A named kind is matched by name (and, for
# organisations, class); the others have their own rules below.
NAMED_KINDS = ("organisations", "places", "programmes", "industries", "laws", "events")
KINDS = (*NAMED_KINDS, "targets", "header", "work_areas", "measures", "boxes", "attachments", "departments")
CLASSED_KINDS = {"organisations"}  # "an organisation counts only with its class"
HEADER_SCALARS = ("notice_title", "plan_title", "number", "date")
HEADER_LISTS = ("issuers", "addressees", "cc")

# quotes and brackets of every script, ASCII ones included after NFKC
_DROP = re.compile(r"[“”‘’\"'《》〈〉「」『』【】()\[\]{}〔〕［］]|\s")
_LEADING_YEAR = re.compile(r"^(?:19|20)\d{2}年")


@cache
def _to_simplified():
    import opencc  # a test dependency: the scorer reads names written in either script

    return opencc.OpenCC("t2s.json")


def normalise(name: str) -> str:
    """The form two names are compared in: NFKC, traditional→simplified, quotes, brackets and
    spaces dropped, a leading year (2025年…) dropped."""
    text = unicodedata.normalize("NFKC", name)
    text = _to_simplified().convert(text)
    text = _DROP.sub("", text)
    return _LEADING_YEAR.sub("", text)


# ------------------------------------------------------------------ counts


@dataclass
class Score:
    """True positives as seen from each side: ``hit_expected`` of ``expected`` were found,
    ``hit_found`` of ``found`` were right. They differ when two found things match one expected
    (an alias and its full name) or for measures (see :func:`score_measures`)."""

    expected: int = 0
    found: int = 0
    hit_expected: int = 0
    hit_found: int = 0
    missed: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float | None:
        return self.hit_expected / self.expected if self.expected else None

    @property
    def precision(self) -> float | None:
        return self.hit_found / self.found if self.found else None

    def __iadd__(self, other: Score) -> Score:
        self.expected += other.expected
        self.found += other.found
        self.hit_expected += other.hit_expected
        self.hit_found += other.hit_found
        self.missed += other.missed
        self.wrong += other.wrong
        return self


# ------------------------------------------------------------------ what the graph holds


@dataclass(frozen=True)
class FoundName:
    name: str
    classes: frozenset[str] = frozenset()  # local names of the ontology classes (HigherVocationalCollege)
    other_names: frozenset[str] = frozenset()  # its other labels (skos:altLabel …): any of them may match

    @property
    def keys(self) -> set[str]:
        return {normalise(n) for n in (self.name, *self.other_names)}


@dataclass(frozen=True)
class FoundTarget:
    value: float
    unit: str
    counted: str


@dataclass
class Found:
    """What one document's graph holds, in the terms of the ground truth. A kind set to
    ``None`` is one the graph cannot express (reported as n/a)."""

    names: dict[str, list[FoundName] | None] = field(default_factory=dict)
    targets: list[FoundTarget] = field(default_factory=list)
    header: dict[str, str | list[str] | None] = field(default_factory=dict)
    work_areas: dict[str, int] = field(default_factory=dict)  # title → number of measures
    boxes: dict[str, int] | None = None  # title → number of items
    attachments: list[str] | None = None
    departments: list[FoundName] | None = None


# ------------------------------------------------------------------ the ground truth


def load_expected(path: Path) -> dict:
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    if "file" not in data:
        raise ValueError(f"{path}: the ground truth names no `file`")
    return data


def expected_for(text: Path) -> Path | None:
    """The ground-truth file of a document: ``NN_slug.txt`` → ``NN_slug.expected.toml``."""
    candidate = text.with_name(text.stem + ".expected.toml")
    return candidate if candidate.is_file() else None


# ------------------------------------------------------------------ matching


def _names_of(entry: dict) -> set[str]:
    return {normalise(n) for n in (entry["name"], *entry.get("aliases", ()))}


def score_names(expected: list[dict], found: list[FoundName], with_class: bool) -> Score:
    """Named things: an expected entry is found when a found name equals its name or one of its
    aliases (after :func:`normalise`) and, ``with_class``, carries its class; a found name is
    right when it is some expected entry's."""
    entries = [(_names_of(e), e.get("class"), e["name"]) for e in expected]

    def matches(f: FoundName, names: set[str], cls: str | None) -> bool:
        return bool(f.keys & names) and (not with_class or cls is None or cls in f.classes)

    unique = {(frozenset(f.keys), f.classes): f for f in found}.values()
    score = Score(expected=len(entries), found=len(unique))
    for names, cls, label in entries:
        if any(matches(f, names, cls) for f in unique):
            score.hit_expected += 1
        else:
            score.missed.append(f"{label} ({cls})" if with_class and cls else label)
    for f in unique:
        if any(matches(f, names, cls) for names, cls, _ in entries):
            score.hit_found += 1
        else:
            shown = f"{f.name} ({'/'.join(sorted(f.classes))})" if with_class else f.name
            score.wrong.append(shown)
    return score


def _target_matches(e: dict, f: FoundTarget) -> bool:
    counted, found_counted = normalise(e["counted"]), normalise(f.counted)
    return (
        abs(float(e["value"]) - float(f.value)) < 1e-9
        and normalise(e["unit"]) == normalise(f.unit)
        and bool(found_counted)
        and (counted in found_counted or found_counted in counted)
    )


def score_targets(expected: list[dict], found: list[FoundTarget]) -> Score:
    """Each expected target is paired with at most one found one (a maximum matching, so the
    order of the lists does not decide): value and unit equal, counted things contain one another."""
    edges = [[j for j, f in enumerate(found) if _target_matches(e, f)] for e in expected]
    owner: dict[int, int] = {}  # found index → expected index

    def augment(i: int, seen: set[int]) -> bool:
        for j in edges[i]:
            if j not in seen:
                seen.add(j)
                if j not in owner or augment(owner[j], seen):
                    owner[j] = i
                    return True
        return False

    for i in range(len(expected)):
        augment(i, set())
    paired = set(owner.values())
    score = Score(expected=len(expected), found=len(found), hit_expected=len(paired), hit_found=len(owner))
    score.missed = [f"{e['value']}{e['unit']} {e['counted']}" for i, e in enumerate(expected) if i not in paired]
    score.wrong = [f"{f.value:g}{f.unit} {f.counted}" for j, f in enumerate(found) if j not in owner]
    return score


def score_header(expected: dict, found: dict[str, str | list[str] | None]) -> Score:
    """Header fields: each scalar is one item, each member of a list one item. An expected ""
    or [] says the document has none, so anything found there is wrong. A field the graph cannot
    express (``None`` in ``found``) is left out."""
    score = Score()
    for key in HEADER_SCALARS:
        if key not in expected or found.get(key, "") is None:
            continue
        want, got = expected[key], found.get(key) or ""
        want_n, got_n = normalise(str(want)), normalise(str(got))
        score.expected += bool(want_n)
        score.found += bool(got_n)
        if want_n and want_n == got_n:
            score.hit_expected += 1
            score.hit_found += 1
        else:
            if want_n:
                score.missed.append(f"{key}={want}")
            if got_n:
                score.wrong.append(f"{key}={got}")
    for key in HEADER_LISTS:
        if key not in expected or found.get(key, []) is None:
            continue
        sub = score_names([{"name": n} for n in expected[key]], [FoundName(n) for n in found.get(key) or []], False)
        sub.missed = [f"{key}: {m}" for m in sub.missed]
        sub.wrong = [f"{key}: {w}" for w in sub.wrong]
        score += sub
    return score


def score_work_areas(expected: list[dict], found: dict[str, int]) -> tuple[Score, Score]:
    """(work areas, measures). Work areas match by title; measures count per matched work area,
    the smaller of the found and expected numbers being right."""
    want = {normalise(a["title"]): a for a in expected}
    got: dict[str, int] = {}
    for title, n in found.items():
        got[normalise(title)] = got.get(normalise(title), 0) + n
    areas = Score(expected=len(want), found=len(got))
    measures = Score(expected=sum(a.get("measures", 0) for a in expected), found=sum(got.values()))
    for key, area in want.items():
        if key in got:
            areas.hit_expected += 1
            areas.hit_found += 1
            right = min(got[key], area.get("measures", 0))
            measures.hit_expected += right
            measures.hit_found += right
            if got[key] != area.get("measures", 0):
                measures.missed.append(f"{area['title']}: found {got[key]}, expected {area.get('measures', 0)}")
        else:
            areas.missed.append(area["title"])
    areas.wrong = [t for t in found if normalise(t) not in want]
    return areas, measures


def score_document(expected: dict, found: Found | None) -> dict[str, Score | None]:
    """Every kind the ground truth states, scored; ``None`` for a kind the graph cannot express.
    ``found=None`` is a document the ingest refused: everything expected is missed."""
    if found is None:
        found = Found(names={k: [] for k in NAMED_KINDS}, boxes={}, attachments=[], departments=[])
    out: dict[str, Score | None] = {}
    for kind in NAMED_KINDS:
        if kind in expected:
            got = found.names.get(kind, [])
            out[kind] = None if got is None else score_names(expected[kind], got, kind in CLASSED_KINDS)
    if "targets" in expected:
        out["targets"] = score_targets(expected["targets"], found.targets)
    if "header" in expected:
        out["header"] = score_header(expected["header"], found.header)
    if "work_areas" in expected:
        out["work_areas"], out["measures"] = score_work_areas(expected["work_areas"], found.work_areas)
    if "boxes" in expected:
        out["boxes"] = None if found.boxes is None else score_work_areas(
            [{"title": b["title"], "measures": b.get("items", 0)} for b in expected["boxes"]], found.boxes)[0]
    if "attachments" in expected:
        out["attachments"] = None if found.attachments is None else score_names(
            [{"name": a["title"]} for a in expected["attachments"]], [FoundName(t) for t in found.attachments], False)
    if "departments" in expected:
        out["departments"] = None if found.departments is None else score_names(
            expected["departments"], found.departments, False)
    return out
