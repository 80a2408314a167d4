"""Who is involved in what: institutions, programmes and industries, linked when one measure names
both, around a plan (the measures it is made of), a document's named graph (the measures it
holds) or an entity (the measures that name it).

``/network?iri=…`` serves it as JSON; ``static/network.js`` draws it on the entity and plan pages
with Cytoscape.js (``server/static/cytoscape/``, vendored from npm).
"""
from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from typing import Any

import pyoxigraph as ox

from vetkg.ontology import ONTOLOGY_IRI
from vetkg.store import Store

from .compare import href

VET = ONTOLOGY_IRI + "#"
#: The kinds drawn, by the class a node is an instance of (vet:Organization through the inferred
#: graph: every organisation is typed with a subclass).
KINDS = {"Organization": VET + "Organization", "Programme": VET + "Programme", "Industry": VET + "Industry"}
NAMES = f"<{VET}mentions>|<{VET}involves>|<{VET}targetsIndustry>"
MAX_NODES = 60


def _query(focus: ox.NamedNode) -> str:
    kinds = " ".join(f"<{c}>" for c in KINDS.values())
    return f"""SELECT DISTINCT ?m ?x ?kind ?label WHERE {{
  {{ ?m <{VET}partOf>+ {focus} }}
  UNION {{ {focus} <{VET}issues> ?plan . ?m <{VET}partOf>+ ?plan }}
  UNION {{ ?m {NAMES} {focus} }}
  UNION {{ GRAPH {focus} {{ ?m a <{VET}Measure> }} }}
  ?m a <{VET}Measure> ; {NAMES} ?x .
  VALUES ?kind {{ {kinds} }}
  ?x a ?kind .
  OPTIONAL {{ ?x <http://www.w3.org/2000/01/rdf-schema#label> ?label }}
}}"""


def _pick_label(labels: list[ox.Literal], lang: str) -> str | None:
    for wanted in (lang, "zh", ""):
        for label in labels:
            if (label.language or "") == wanted:
                return label.value
    return labels[0].value if labels else None


def network(store: Store, base: str, iri: str, lang: str = "zh", max_nodes: int = MAX_NODES) -> dict[str, Any]:
    """Nodes (the things the measures around ``iri`` name) and edges (two things one measure
    names, weighted by how many measures do), the ``max_nodes`` most named kept, less those
    linked to nothing."""
    try:
        focus = ox.NamedNode(iri)
    except ValueError:
        return {"iri": iri, "nodes": [], "edges": []}
    kind_of = {c: k for k, c in KINDS.items()}
    named: dict[str, set[str]] = defaultdict(set)  # measure -> things
    kinds: dict[str, str] = {}
    labels: dict[str, list[ox.Literal]] = defaultdict(list)
    for row in store.query(_query(focus)):
        thing = row["x"].value
        named[row["m"].value].add(thing)
        kinds.setdefault(thing, kind_of[row["kind"].value])
        label = row["label"]
        if isinstance(label, ox.Literal) and label not in labels[thing]:
            labels[thing].append(label)
    weight = Counter(thing for things in named.values() for thing in things)
    kept = {thing for thing, _ in sorted(weight.items(), key=lambda kv: (-kv[1], kv[0]))[:max_nodes]}
    pairs: Counter[tuple[str, str]] = Counter()
    for things in named.values():
        pairs.update(itertools.combinations(sorted(things & kept), 2))
    # A thing no measure names beside another is in no network: left out, but for the page's own.
    linked = {thing for pair in pairs for thing in pair} | ({iri} & kept)
    kept &= linked
    nodes = [{"id": thing, "label": _pick_label(labels[thing], lang) or thing.rsplit("/", 1)[-1],
              "kind": kinds[thing], "measures": weight[thing], "href": href(base, thing),
              "focus": thing == iri}
             for thing in sorted(kept, key=lambda t: (-weight[t], t))]
    edges = [{"source": a, "target": b, "measures": n} for (a, b), n in sorted(pairs.items())]
    return {"iri": iri, "measures": len(named), "nodes": nodes, "edges": edges}
