"""What the ontology's hierarchy entails of the data, materialised in one graph that queries see.

Every organisation is typed with its most specific class (``vet:HigherVocationalCollege``), so
``?o a vet:Organization`` would find nothing; a measure says ``vet:mentions``, so
``?m schema:mentions ?x`` would too. The graph ``{base}graph/inferred``
(:attr:`vetkg.ontology.graphs.StoreGraphs.inferred`) holds the RDFS consequences of the data
under the ontology's ``rdfs:subClassOf`` and ``rdfs:subPropertyOf`` (rules rdfs9 and rdfs7 of
RDF 1.1 Semantics, transitively), less what the data already says, so the union default graph
answers both queries and a page can leave the entailed triples out with one ``MINUS``.

Both rules keep the subject of the triple they start from, and whether a consequence is already
asserted depends only on triples of that subject. So after a write, only the subjects it touched
need their consequences recomputed (:func:`refresh_subjects`); a change to the ontology or a
blank-node subject recomputes all (:func:`refresh_inferred`).

The place hierarchy needs no rule: a district is ``vet:locatedIn`` its city in the data
(ingest/rdf.py), so ``?plan vet:locatedIn+ <…/id/place/120000>`` finds a district's plans.

Materialisation was measured against query rewriting in ``bench/entailment.py``.
"""
from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from vetkg.ontology import ONTOLOGY_IRI
from vetkg.ontology.graphs import store_graphs

from .base import Store

RDFS = "http://www.w3.org/2000/01/rdf-schema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
#: Above this many subjects a write's consequences are recomputed for the whole store: one
#: pass over it is cheaper than a VALUES block that long.
MAX_SUBJECTS = 2000


def _system(base_iri: str) -> str:
    return ", ".join(f"<{g}>" for g in sorted(store_graphs(base_iri).system))


def _asserted(base_iri: str, s: str, p: str, o: str) -> str:
    """A pattern matching ``s p o`` in the data: the store's default graph or a data graph.
    (An update's WHERE reads the real default graph, not the union of the named ones.)"""
    return f"{{ {s} {p} {o} }} UNION {{ GRAPH ?_g {{ {s} {p} {o} }} FILTER(?_g NOT IN ({_system(base_iri)})) }}"


def _inserts(base_iri: str, subjects: str) -> str:
    """The updates adding the consequences for the subjects a ``VALUES ?x {…}`` block (or
    nothing: all subjects) names."""
    inferred = store_graphs(base_iri).inferred
    types = f"""
INSERT {{ GRAPH <{inferred}> {{ ?x a ?d }} }} WHERE {{
  {subjects}
  {_asserted(base_iri, "?x", "a", "?c")}
  GRAPH <{ONTOLOGY_IRI}> {{ ?c <{RDFS}subClassOf>+ ?d }}
  FILTER(isIRI(?d) && ?d != ?c)
  FILTER NOT EXISTS {{ {_asserted(base_iri, "?x", "a", "?d").replace("?_g", "?_h")} }}
}}"""
    properties = f"""
INSERT {{ GRAPH <{inferred}> {{ ?x ?q ?o }} }} WHERE {{
  {subjects}
  {_asserted(base_iri, "?x", "?p", "?o")}
  GRAPH <{ONTOLOGY_IRI}> {{ ?p <{RDFS}subPropertyOf>+ ?q }}
  FILTER(isIRI(?q) && ?q != ?p)
  FILTER NOT EXISTS {{ {_asserted(base_iri, "?x", "?q", "?o").replace("?_g", "?_h")} }}
}}"""
    return types + " ;\n" + properties


def has_inferred(store: Store, base_iri: str) -> bool:
    """Whether the store holds an inferred graph (kept by ``vetkg build`` and every served write)."""
    return store_graphs(base_iri).inferred in store.graphs()


def refresh_inferred(store: Store, base_iri: str) -> None:
    """Recompute the inferred graph for the whole store, in one update."""
    inferred = store_graphs(base_iri).inferred
    store.update(f"DROP SILENT GRAPH <{inferred}> ;\n" + _inserts(base_iri, ""))


def refresh_subjects(store: Store, base_iri: str, subjects: Iterable[ox.NamedNode | ox.BlankNode]) -> None:
    """Recompute the consequences of triples about ``subjects`` (those a write touched)."""
    nodes = sorted(set(subjects), key=str)
    if not nodes:
        return
    if len(nodes) > MAX_SUBJECTS or any(isinstance(n, ox.BlankNode) for n in nodes):
        # SPARQL's VALUES cannot name a blank node
        refresh_inferred(store, base_iri)
        return
    inferred = store_graphs(base_iri).inferred
    values = "VALUES ?x { " + " ".join(str(n) for n in nodes) + " }"
    store.update(
        f"DELETE {{ GRAPH <{inferred}> {{ ?x ?p ?o }} }} WHERE {{ {values} GRAPH <{inferred}> {{ ?x ?p ?o }} }} ;\n"
        + _inserts(base_iri, values)
    )
    # A store keeps a graph it deleted every triple from: with no data there is no inferred graph.
    if not store.query(f"ASK {{ GRAPH <{inferred}> {{ ?s ?p ?o }} }}"):
        store.remove_graph(inferred)


def refresh_after_change(store: Store, base_iri: str, quads: Iterable[ox.Quad]) -> None:
    """Bring the inferred graph in step after ``quads`` were added or removed."""
    roles = store_graphs(base_iri)
    subjects: set[ox.NamedNode | ox.BlankNode] = set()
    for quad in quads:
        graph = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else None
        if graph == roles.ontology:
            refresh_inferred(store, base_iri)
            return
        if roles.is_data(graph) and isinstance(quad.subject, ox.NamedNode | ox.BlankNode):
            subjects.add(quad.subject)
    refresh_subjects(store, base_iri, subjects)
