"""What the ontology's hierarchy entails of the data, materialised in one graph that queries see.

Every organisation is typed with its most specific class (``vet:HigherVocationalCollege``), so
``?o a vet:Organization`` would find nothing; a measure says ``vet:mentions``, so
``?m schema:mentions ?x`` would too. The graph ``{base}graph/inferred``
(:attr:`vetkg.ontology.graphs.StoreGraphs.inferred`) holds the RDFS consequences of the data
under the ontology's ``rdfs:subClassOf`` and ``rdfs:subPropertyOf`` (rules rdfs9 and rdfs7 of
RDF 1.1 Semantics, transitively), less what the data already says, so the union default graph
answers both queries and a page can leave the entailed triples out with one ``MINUS``. The data
is what the named graphs other than the system ones hold (see :func:`_in_data`).

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


def _in_data(base_iri: str, s: str, p: str, o: str, graph: str = "?_g") -> str:
    """A pattern matching ``s p o`` in a data graph (any named graph but the system ones).
    Triples in a store's unnamed default graph are left out: a remote store reads the default
    graph of an update as the union of all, the embedded one as its own, and both must entail
    the same (vetkg keeps its data in named graphs)."""
    return f"GRAPH {graph} {{ {s} {p} {o} }} FILTER({graph} NOT IN ({_system(base_iri)}))"


def _closure(store: Store, predicate: str) -> list[tuple[str, str]]:
    """Every (sub, super) pair the ontology's ``predicate`` links in one step or more. Computed
    here, not with a ``+`` path: Virtuoso evaluates no path whose two ends are both unbound."""
    up: dict[str, set[str]] = {}
    for row in store.query(f"SELECT ?a ?b WHERE {{ GRAPH <{ONTOLOGY_IRI}> {{ ?a <{predicate}> ?b }} "
                           f"FILTER(isIRI(?a) && isIRI(?b)) }}"):
        up.setdefault(row["a"].value, set()).add(row["b"].value)
    pairs: set[tuple[str, str]] = set()
    for start in up:
        seen, todo = set(), list(up[start])
        while todo:
            node = todo.pop()
            if node not in seen:
                seen.add(node)
                todo.extend(up.get(node, ()))
        pairs.update((start, sup) for sup in seen if sup != start)
    return sorted(pairs)


def _values(names: str, pairs: list[tuple[str, str]]) -> str:
    return f"VALUES ({names}) {{ " + " ".join(f"(<{a}> <{b}>)" for a, b in pairs) + " }"


def _inserts(store: Store, base_iri: str, subjects: str) -> str:
    """The updates adding the consequences for the subjects a ``VALUES ?x {…}`` block (or
    nothing: all subjects) names."""
    inferred = store_graphs(base_iri).inferred
    classes, properties = _closure(store, RDFS + "subClassOf"), _closure(store, RDFS + "subPropertyOf")
    updates = []
    if classes:
        updates.append(f"""
INSERT {{ GRAPH <{inferred}> {{ ?x a ?d }} }} WHERE {{
  {subjects}
  {_values("?c ?d", classes)}
  {_in_data(base_iri, "?x", "a", "?c")}
  FILTER NOT EXISTS {{ {_in_data(base_iri, "?x", "a", "?d", "?_h")} }}
}}""")
    if properties:
        updates.append(f"""
INSERT {{ GRAPH <{inferred}> {{ ?x ?q ?o }} }} WHERE {{
  {subjects}
  {_values("?p ?q", properties)}
  {_in_data(base_iri, "?x", "?p", "?o")}
  FILTER NOT EXISTS {{ {_in_data(base_iri, "?x", "?q", "?o", "?_h")} }}
}}""")
    return " ;\n".join(updates)


def has_inferred(store: Store, base_iri: str) -> bool:
    """Whether the store holds an inferred graph (kept by ``vetkg build`` and every served write)."""
    return store_graphs(base_iri).inferred in store.graphs()


def refresh_inferred(store: Store, base_iri: str) -> None:
    """Recompute the inferred graph for the whole store, in one update."""
    inferred = store_graphs(base_iri).inferred
    inserts = _inserts(store, base_iri, "")
    store.update(f"DROP SILENT GRAPH <{inferred}>" + (" ;\n" + inserts if inserts else ""))


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
    inserts = _inserts(store, base_iri, values)
    store.update(
        f"DELETE {{ GRAPH <{inferred}> {{ ?x ?p ?o }} }} WHERE {{ {values} GRAPH <{inferred}> {{ ?x ?p ?o }} }}"
        + (" ;\n" + inserts if inserts else "")
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
