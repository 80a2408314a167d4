"""The pictures a page draws without script: a chart of a plan's targets, a timeline of a
region's plans, and the measures a thing appears in with its role (:mod:`.appearances`). ``templates/workbench/pictures.html`` lays them out in HTML and CSS (bars and a
time axis are boxes whose sizes are the numbers), so they print and read on a machine without
JavaScript; the network, which needs a layout, is drawn by ``static/network.js``.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any

import pyoxigraph as ox

from vetkg.ontology import ONTOLOGY_IRI
from vetkg.store import Store

from .appearances import appearances
from .compare import NotFound, compare_regions, href

VET = ONTOLOGY_IRI + "#"
SCHEMA = "https://schema.org/"
PLACE_CLASSES = {VET + "AdministrativeArea", VET + "Place", VET + "Region", VET + "EconomicZone", VET + "Country"}


def _targets_query(focus: ox.NamedNode) -> str:
    return f"""SELECT ?t ?m ?value ?unit ?counted ?label ?approx WHERE {{
  {{ ?m <{VET}partOf>+ {focus} }} UNION {{ {focus} <{VET}issues> ?plan . ?m <{VET}partOf>+ ?plan }}
  ?m <{VET}setsTarget> ?t .
  ?t a <{VET}QuantifiedTarget> ; <{SCHEMA}value> ?value .
  OPTIONAL {{ ?t <{SCHEMA}unitText> ?unit }}
  OPTIONAL {{ ?t <{VET}countedThing> ?counted }}
  OPTIONAL {{ ?t <http://www.w3.org/2000/01/rdf-schema#label> ?label }}
  OPTIONAL {{ ?t <{VET}approximate> ?approx }}
}} ORDER BY ?t"""


def targets_chart(store: Store, base: str, iri: str) -> list[dict[str, Any]]:
    """The quantified targets the measures of a plan (or notice, or work area) set, each with
    the length of its bar: its value over the largest of the same unit (所 and 个 do not compare)."""
    try:
        focus = ox.NamedNode(iri)
    except ValueError:
        return []
    rows = []
    for row in store.query(_targets_query(focus)):
        try:
            value = float(row["value"].value)
        except ValueError:
            continue
        rows.append({
            "iri": row["t"].value,
            "measure": href(base, row["m"].value),
            "value": int(value) if value.is_integer() else value,
            "unit": row["unit"].value if row["unit"] else "",
            "counted": row["counted"].value if row["counted"] else "",
            "label": row["label"].value if row["label"] else "",
            "approximate": bool(row["approx"]) and row["approx"].value == "true",
        })
    largest: dict[str, float] = defaultdict(float)
    for r in rows:
        largest[r["unit"]] = max(largest[r["unit"]], float(r["value"]))
    for r in rows:
        top = largest[r["unit"]]
        r["percent"] = round(100 * float(r["value"]) / top, 1) if top > 0 else 0
    rows.sort(key=lambda r: (r["unit"], -float(r["value"]), r["counted"]))
    return rows


def timeline(store: Store, base: str, iri: str, types: list[str]) -> dict[str, Any] | None:
    """A place's plans (its districts' included) by year, or None for what is not a place or
    has no plan."""
    if not PLACE_CLASSES & set(types):
        return None
    try:
        report = compare_regions(store, base, [iri])
    except NotFound:
        return None
    years = [{"year": y["year"], "plans": y["plans"][0]} for y in report["years"] if y["plans"][0]]
    return {"years": years, "query_href": report["query_href"]} if years else None


def pictures(store: Store, base: str, iri: str, types: list[str], lang: str = "zh") -> dict[str, Any]:
    """What ``templates/workbench/pictures.html`` draws for the page of ``iri``."""
    return {"targets": targets_chart(store, base, iri), "timeline": timeline(store, base, iri, types),
            "appearances": appearances(store, base, iri, lang)}
