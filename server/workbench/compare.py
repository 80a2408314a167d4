"""Comparing two plans, or the plans of one or two regions over the years.

Every table comes from one of the query page's example queries (``server/queries/06…09``), run
with the documents or regions in place of ``UNDEF`` in its ``VALUES`` clause; the report keeps
that exact text so each table links to the query page with it filled in (YASGUI reads the query
from the ``#query=`` fragment). What SPARQL does not do is done here: matching work areas by the
similarity of their titles, and targets by what they count.
"""
from __future__ import annotations

import itertools
import re
from collections import defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox

from vetkg.ontology import ONTOLOGY_IRI
from vetkg.store import Store

from ..linked_data.examples import load_examples
from ..linked_data.iris import path_for_iri

AREA_QUERY = "06-work-areas-side-by-side"
ENTITY_QUERY = "07-things-each-document-names"
TARGET_QUERY = "08-targets-of-each-document"
REGION_QUERY = "09-plans-of-a-region-by-year"
#: Two work areas are the same line of work when their titles are at least this similar
#: (difflib's ratio: matching characters over all characters).
AREA_SIMILARITY = 0.5
VET = ONTOLOGY_IRI + "#"


class NotFound(ValueError):
    """A document or region named in the request is not in the store."""


@cache
def _query_text(name: str) -> str:
    for example in load_examples():
        if example.name == name:
            return example.query
    raise LookupError(f"server/queries/{name}.rq is missing")


def bound_query(name: str, variable: str, iris: list[str]) -> str:
    """The example query ``name`` restricted to ``iris`` for ``?variable``."""
    marker = f"VALUES ?{variable} {{ UNDEF }}"
    text = _query_text(name)
    if marker not in text:
        raise LookupError(f"server/queries/{name}.rq has no {marker!r} to fill in")
    values = " ".join(str(ox.NamedNode(i)) for i in iris)
    return text.replace(marker, f"VALUES ?{variable} {{ {values} }}")


def href(base: str, iri: str) -> str | None:
    """Our page for ``iri``, else the IRI itself if it is a web address; None for any other
    scheme (a written IRI such as ``javascript:…`` must never become a link)."""
    local = path_for_iri(base, iri)
    if local is not None:
        return local
    return iri if iri.startswith(("http://", "https://")) else None


def query_link(text: str) -> str:
    """The query page with ``text`` in its editor."""
    return "/#query=" + quote(text, safe="")


def _rows(store: Store, text: str) -> list[dict[str, str]]:
    result = store.query(text)
    names = [v.value for v in result.variables]
    return [{n: row[n].value for n in names if row[n] is not None} for row in result]


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


# --- what can be compared -----------------------------------------------------------------------

def documents(store: Store, base: str) -> list[dict[str, Any]]:
    """Every notice with its number, title, plan, year and region, by region and year."""
    rows = _rows(store, f"""
PREFIX vet: <{VET}>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?doc ?number ?title ?plan ?planTitle ?year ?region ?regionLabel WHERE {{
  ?doc a vet:Notice .
  OPTIONAL {{ ?doc vet:documentNumber ?number }}
  OPTIONAL {{ ?doc dcterms:title ?title }}
  OPTIONAL {{ ?doc vet:issues ?plan .
    OPTIONAL {{ ?plan dcterms:title ?planTitle }}
    OPTIONAL {{ ?plan vet:year ?year }}
    OPTIONAL {{ ?plan vet:locatedIn ?region OPTIONAL {{ ?region rdfs:label ?regionLabel FILTER(lang(?regionLabel) = "zh") }} }} }}
}} ORDER BY ?regionLabel ?year ?doc""")
    out: dict[str, dict[str, Any]] = {}
    for row in rows:
        doc = row["doc"]
        if doc in out:
            continue
        out[doc] = {
            "iri": doc,
            "href": href(base, doc),
            "key": doc[len(base) + len("doc/"):] if doc.startswith(base + "doc/") else doc,
            "number": row.get("number"),
            "title": row.get("planTitle") or row.get("title") or _local(doc),
            "plan": row.get("plan"),
            "year": row.get("year"),
            "region": row.get("region"),
            "region_label": row.get("regionLabel") or (_local(row["region"]) if "region" in row else None),
        }
    return list(out.values())


def regions(store: Store, base: str) -> list[dict[str, Any]]:
    """The places plans are located in, with how many plans each has."""
    counts: dict[str, dict[str, Any]] = {}
    for doc in documents(store, base):
        if doc["region"]:
            entry = counts.setdefault(doc["region"], {"iri": doc["region"], "label": doc["region_label"],
                                                      "href": href(base, doc["region"]), "plans": 0})
            entry["plans"] += 1
    return sorted(counts.values(), key=lambda r: r["label"] or "")


def _find_document(docs: list[dict[str, Any]], base: str, name: str) -> dict[str, Any]:
    wanted = name.strip()
    if wanted.startswith("/"):
        wanted = base + wanted.lstrip("/")
    for doc in docs:
        if wanted in (doc["iri"], doc["plan"], doc["key"], doc["number"]):
            return doc
    raise NotFound(f"no document {name[:200]!r} in the store: give a notice's IRI, its path (/doc/…), "
                   "its key (津教职函-2025-1号) or its document number")


def _find_region(store: Store, base: str, name: str) -> dict[str, Any]:
    wanted = name.strip()
    if wanted.startswith("/"):
        wanted = base + wanted.lstrip("/")
    known = regions(store, base)
    for region in known:
        if wanted in (region["iri"], region["label"], _local(region["iri"])):
            return region
    # A place no plan is located in directly may still hold districts that have plans.
    iri = wanted if wanted.startswith(("http://", "https://")) else base + "id/place/" + wanted
    try:
        node = ox.NamedNode(iri)
    except ValueError:
        raise NotFound(f"{name[:200]!r} names no place") from None
    if not bool(store.query(f"ASK {{ {node} ?p ?o }}")):
        raise NotFound(f"no place {name[:200]!r} in the store; places with plans: "
                       + "、".join(r["label"] or r["iri"] for r in known))
    return {"iri": iri, "label": _local(iri), "href": href(base, iri), "plans": 0}


# --- two documents ------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Area:
    iri: str
    title: str


def _similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def match_areas(left: list[_Area], right: list[_Area]) -> list[tuple[_Area | None, _Area | None, float]]:
    """Pairs of work areas, best-matching titles first claimed; unmatched ones stand alone.
    Rows follow the order of ``left``, with the unmatched of ``right`` after."""
    candidates = sorted(
        ((_similarity(a.title, b.title), i, j) for i, a in enumerate(left) for j, b in enumerate(right)),
        key=lambda c: (-c[0], c[1], c[2]),
    )
    pair_of: dict[int, tuple[int, float]] = {}
    taken: set[int] = set()
    for score, i, j in candidates:
        if score < AREA_SIMILARITY:
            break
        if i in pair_of or j in taken:
            continue
        pair_of[i] = (j, score)
        taken.add(j)
    rows: list[tuple[_Area | None, _Area | None, float]] = []
    for i, a in enumerate(left):
        if i in pair_of:
            j, score = pair_of[i]
            rows.append((a, right[j], score))
        else:
            rows.append((a, None, 0.0))
    rows.extend((None, b, 0.0) for j, b in enumerate(right) if j not in taken)
    return rows


def _link(base: str, iri: str | None, label: str | None = None) -> dict[str, Any] | None:
    if iri is None:
        return None
    return {"iri": iri, "href": href(base, iri), "label": label or _local(iri)}


def _area_table(store: Store, base: str, a: str, b: str) -> dict[str, Any]:
    text = bound_query(AREA_QUERY, "doc", [a, b])
    by_doc: dict[str, list[_Area]] = defaultdict(list)
    for row in _rows(store, text):
        by_doc[row["doc"]].append(_Area(row["area"], row.get("title", "")))
    rows = []
    for left, right, score in match_areas(by_doc[a], by_doc[b]):
        rows.append({
            "a": _link(base, left.iri, left.title) if left else None,
            "b": _link(base, right.iri, right.title) if right else None,
            "similarity": round(score, 3),
            "same_title": bool(left and right and left.title == right.title),
        })
    return {"rows": rows, "query": text, "query_href": query_link(text)}


def _entity_table(store: Store, base: str, a: str, b: str) -> dict[str, Any]:
    text = bound_query(ENTITY_QUERY, "doc", [a, b])
    named: dict[str, dict[str, Any]] = {}
    for row in _rows(store, text):
        entity = named.setdefault(row["entity"], {
            **(_link(base, row["entity"], row.get("label")) or {}), "kind": _local(row["kind"]), "a": 0, "b": 0,
        })
        side = "a" if row["doc"] == a else "b"
        entity[side] = max(entity[side], int(row["mentions"]))
    groups: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for entity in sorted(named.values(), key=lambda e: (e["kind"], e["label"])):
        where = "both" if entity["a"] and entity["b"] else "only_a" if entity["a"] else "only_b"
        groups.setdefault(entity["kind"], {"both": [], "only_a": [], "only_b": []})[where].append(entity)
    return {"groups": groups, "query": text, "query_href": query_link(text)}


def _number(lexical: str) -> float | int:
    try:
        return int(lexical)
    except ValueError:
        return float(lexical)


def _counted_key(counted: str, unit: str) -> tuple[str, str]:
    # Spaces and quotation marks differ between plans without changing what is counted.
    return (re.sub(r"[\s“”\"'‘’「」《》]", "", counted), unit)


def _target_table(store: Store, base: str, a: str, b: str) -> dict[str, Any]:
    text = bound_query(TARGET_QUERY, "doc", [a, b])
    sides: dict[str, dict[tuple[str, str], list[dict[str, Any]]]] = {a: defaultdict(list), b: defaultdict(list)}
    for row in _rows(store, text):
        target: dict[str, Any] = {
            "iri": row["target"],
            "href": href(base, row["target"]),
            "value": _number(row["value"]),
            "unit": row.get("unit", ""),
            "comparator": row.get("comparator"),
            "approximate": row.get("approximate") == "true",
            "measure": _link(base, row.get("measure"), None),
            "counted": row["counted"],
        }
        sides[row["doc"]][_counted_key(row["counted"], target["unit"])].append(target)
    rows = []
    for key in sorted(set(sides[a]) | set(sides[b])):
        left, right = sides[a].get(key, []), sides[b].get(key, [])
        for i in range(max(len(left), len(right))):
            ta = left[i] if i < len(left) else None
            tb = right[i] if i < len(right) else None
            if ta and tb:
                same = (ta["value"], ta["comparator"], ta["approximate"]) == (tb["value"], tb["comparator"], tb["approximate"])
                status = "unchanged" if same else "changed"
            else:
                status = "only_in_a" if ta else "only_in_b"
            shown = ta or tb
            assert shown is not None  # i is below the length of the longer side
            rows.append({"counted": shown["counted"], "unit": key[1], "a": ta, "b": tb, "status": status})
    order = {"changed": 0, "unchanged": 1, "only_in_a": 2, "only_in_b": 3}
    rows.sort(key=lambda r: order[r["status"]])
    return {"rows": rows, "query": text, "query_href": query_link(text)}


def compare_documents(store: Store, base: str, a: str, b: str) -> dict[str, Any]:
    """Work areas, things named and targets of two documents, each table with its query."""
    docs = documents(store, base)
    left, right = _find_document(docs, base, a), _find_document(docs, base, b)
    if left["iri"] == right["iri"]:
        raise NotFound("a and b name the same document: give two different ones")
    return {
        "a": left,
        "b": right,
        "work_areas": _area_table(store, base, left["iri"], right["iri"]),
        "entities": _entity_table(store, base, left["iri"], right["iri"]),
        "targets": _target_table(store, base, left["iri"], right["iri"]),
    }


# --- regions ------------------------------------------------------------------------------------

def compare_regions(store: Store, base: str, names: list[str]) -> dict[str, Any]:
    """The plans of one region, or of two side by side, by year."""
    found = [_find_region(store, base, n) for n in names]
    if len(found) == 2 and found[0]["iri"] == found[1]["iri"]:
        raise NotFound("the two regions are the same place: give two different ones")
    text = bound_query(REGION_QUERY, "region", [r["iri"] for r in found])
    by_year: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: {r["iri"]: [] for r in found})
    for row in _rows(store, text):
        by_year[row.get("year", "")][row["region"]].append({
            **(_link(base, row["doc"], row.get("title")) or {}),
            "key": row["doc"][len(base) + len("doc/"):] if row["doc"].startswith(base + "doc/") else row["doc"],
            "plan": row["plan"],
            "measures": int(row.get("measures", 0)),
            "targets": int(row.get("targets", 0)),
        })
    years: list[dict[str, Any]] = []
    for year in sorted(by_year):
        plans = by_year[year]
        years.append({"year": year or None, "plans": [plans[r["iri"]] for r in found]})
    steps: list[dict[str, Any]] = []  # consecutive plans of one region, to compare
    for r in found:
        series = [p for y in years for p in y["plans"][found.index(r)]]
        steps.extend({"region": r["label"], "a": x, "b": y} for x, y in itertools.pairwise(series))
    return {"regions": found, "years": years, "steps": steps, "query": text, "query_href": query_link(text)}
