"""Where a thing appears: each measure that names an institution, programme, industry … with the
role the measure gives it (推动 / 指导 / 支持 …, vet:role of its vet:Involvement), for its page."""
from __future__ import annotations

from collections import defaultdict
from typing import Any

import pyoxigraph as ox

from vetkg.ontology import ONTOLOGY_IRI
from vetkg.store import Store

from .compare import href

VET = ONTOLOGY_IRI + "#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
PROV = "http://www.w3.org/ns/prov#"
MAX_MEASURES = 200


def _query(thing: ox.NamedNode) -> str:
    return f"""SELECT ?m ?text ?role ?roleLabel ?doc ?title WHERE {{
  {{ ?m <{VET}hasInvolvement> ?i . ?i <{VET}agent> {thing} .
     OPTIONAL {{ ?i <{VET}role> ?role OPTIONAL {{ ?role <{RDFS_LABEL}> ?roleLabel }} }} }}
  UNION {{ ?m <{VET}mentions>|<{VET}targetsIndustry>|<{VET}involves> {thing} }}
  ?m a <{VET}Measure> ; <{VET}text> ?text .
  OPTIONAL {{ ?m <{PROV}wasDerivedFrom> ?doc OPTIONAL {{ ?doc <http://purl.org/dc/terms/title> ?title }} }}
}} LIMIT {MAX_MEASURES * 8}"""


def appearances(store: Store, base: str, iri: str, lang: str = "zh") -> list[dict[str, Any]]:
    """The measures naming ``iri``, in document order, each with the roles it gives it."""
    try:
        thing = ox.NamedNode(iri)
    except ValueError:
        return []
    measures: dict[str, dict[str, Any]] = {}
    roles: dict[str, dict[str, dict[str, str]]] = defaultdict(dict)
    for row in store.query(_query(thing)):
        m = row["m"].value
        entry = measures.setdefault(m, {
            "iri": m, "href": href(base, m), "text": row["text"].value,
            "document": ({"iri": row["doc"].value, "href": href(base, row["doc"].value),
                          "label": row["title"].value if row["title"] else row["doc"].value}
                         if row["doc"] else None),
        })
        if entry["document"] and row["title"] and row["title"].language in (lang, "zh"):
            entry["document"]["label"] = row["title"].value
        if row["role"] is not None:
            role = row["role"].value
            label = row["roleLabel"]
            known = roles[m].setdefault(role, {"iri": role, "label": role.rsplit("#", 1)[-1]})
            if isinstance(label, ox.Literal) and label.language == lang:
                known["label"] = label.value
    found = []
    for m, entry in sorted(measures.items(), key=lambda kv: _document_order(kv[0])):
        found.append({**entry, "roles": sorted(roles[m].values(), key=lambda r: r["label"])})
    return found[:MAX_MEASURES]


def _document_order(iri: str) -> list[tuple[int, int, str]]:
    # …/i6/measure/2 before …/i10/measure/1: the numbers of the path compare as numbers
    return [(0, int(p.lstrip("i")), "") if p.lstrip("i").isdigit() else (1, 0, p) for p in iri.split("/")]
