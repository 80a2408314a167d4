"""The RDF description of one resource, read from the union of the named graphs."""
from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from vetkg.ontology.vocab import LABEL_PROPERTIES
from vetkg.store import Store
from vetkg.store.terms import OxObject


@dataclass
class Description:
    """What is said about ``iri``: its own triples, its #children's, and labels of what it links to."""

    iri: str
    triples: list[ox.Triple] = field(default_factory=list)
    children: list[ox.Triple] = field(default_factory=list)
    labels: list[ox.Triple] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.triples or self.children)

    def all_triples(self) -> list[ox.Triple]:
        seen: dict[ox.Triple, None] = dict.fromkeys(self.triples + self.children + self.labels)
        return list(seen)

    def objects(self, predicate: str) -> list[OxObject]:
        return [t.object for t in self.triples if t.predicate.value == predicate]


def _triples_of(store: Store, subjects: list[ox.NamedNode]) -> list[ox.Triple]:
    if not subjects:
        return []
    values = " ".join(str(s) for s in subjects)
    rows = store.query(f"SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?o }}")
    return [ox.Triple(r["s"], r["p"], r["o"]) for r in rows]


def _labels_of(store: Store, iris: set[str]) -> list[ox.Triple]:
    if not iris:
        return []
    values = " ".join(str(ox.NamedNode(i)) for i in sorted(iris))
    props = " ".join(str(ox.NamedNode(p)) for p in LABEL_PROPERTIES)
    rows = store.query(
        f"SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?s {{ {values} }} VALUES ?p {{ {props} }} ?s ?p ?o }}"
    )
    return [ox.Triple(r["s"], r["p"], r["o"]) for r in rows]


def describe(store: Store, iri: str) -> Description:
    """Triples with ``iri`` as subject, those of its hash children, and the labels of linked IRIs.

    Hash children (``…/span/1-5#position``) are found through the links from ``iri``: that is how the
    model attaches them, and it avoids scanning every subject for a prefix.
    """
    try:
        node = ox.NamedNode(iri)
    except ValueError:
        return Description(iri)  # not an IRI at all (a space, a quote …): nothing is said about it
    own = _triples_of(store, [node])
    children_nodes = sorted(
        {t.object for t in own if isinstance(t.object, ox.NamedNode) and t.object.value.startswith(iri + "#")},
        key=str,
    )
    children = _triples_of(store, children_nodes)
    child_iris = {c.value for c in children_nodes}
    linked = {
        t.object.value
        for t in own + children
        if isinstance(t.object, ox.NamedNode) and t.object.value not in child_iris and t.object.value != iri
    }
    return Description(iri, own, children, _labels_of(store, linked))


def graph_triples(store: Store, graph: str) -> list[ox.Triple]:
    """Everything in the named graph ``graph`` (what its IRI dereferences to), or [] if there is none."""
    if graph not in store.graphs():
        return []
    return [q.triple for q in store.quads(graph)]
