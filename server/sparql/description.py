"""The SPARQL 1.1 Service Description answered to a GET on the endpoint without a query."""
from __future__ import annotations

import threading

import pyoxigraph as ox

from vetkg.store import Store, formats

from ..config import Settings

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
PREFIXES = {"sd": SD, "void": VOID, "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#"}


def _sd(name: str) -> ox.NamedNode:
    return ox.NamedNode(SD + name)


def _count(store: Store, sparql: str, union_default_graph: bool) -> int:
    row = next(iter(store.query(sparql, union_default_graph=union_default_graph)))
    return int(row["n"].value)


def describe(store: Store, settings: Settings, endpoint: str, update_enabled: bool = False) -> list[ox.Triple]:
    """The description of the endpoint at ``endpoint`` over ``store``, as triples."""
    service = ox.BlankNode()
    dataset = ox.BlankNode()
    default_graph = ox.BlankNode()
    triples = [
        ox.Triple(service, RDF_TYPE, _sd("Service")),
        ox.Triple(service, _sd("endpoint"), ox.NamedNode(endpoint)),
        ox.Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Query")),
        ox.Triple(service, _sd("defaultEntailmentRegime"), ox.NamedNode("http://www.w3.org/ns/entailment/Simple")),
        ox.Triple(service, _sd("defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, _sd("Dataset")),
        ox.Triple(dataset, _sd("defaultGraph"), default_graph),
        ox.Triple(default_graph, RDF_TYPE, _sd("Graph")),
    ]
    if update_enabled:
        triples.append(ox.Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Update")))
    if settings.union_default_graph:
        triples.append(ox.Triple(service, _sd("feature"), _sd("UnionDefaultGraph")))
    if settings.allow_service:
        triples.append(ox.Triple(service, _sd("feature"), _sd("BasicFederatedQuery")))
    for fmt in formats.formats():
        if fmt.iri is not None:
            triples.append(ox.Triple(service, _sd("resultFormat"), ox.NamedNode(fmt.iri)))

    default_size = _count(
        store,
        "SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }",
        union_default_graph=settings.union_default_graph,
    )
    triples.append(ox.Triple(default_graph, ox.NamedNode(VOID + "triples"), ox.Literal(default_size)))
    sizes = {
        row["g"].value: int(row["n"].value)
        for row in store.query("SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        if isinstance(row["g"], ox.NamedNode)
    }
    for iri in store.graphs():
        named, graph = ox.BlankNode(), ox.BlankNode()
        triples += [
            ox.Triple(dataset, _sd("namedGraph"), named),
            ox.Triple(named, RDF_TYPE, _sd("NamedGraph")),
            ox.Triple(named, _sd("name"), ox.NamedNode(iri)),
            ox.Triple(named, _sd("graph"), graph),
            ox.Triple(graph, RDF_TYPE, _sd("Graph")),
            ox.Triple(graph, ox.NamedNode(VOID + "triples"), ox.Literal(sizes.get(iri, 0))),
        ]
    return triples


class DescriptionCache:
    """The description per (dataset version, endpoint URL): counting triples is not free."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[str, str, bool] | None = None
        self._triples: list[ox.Triple] = []

    def get(self, version: str, store: Store, settings: Settings, endpoint: str, update_enabled: bool) -> list[ox.Triple]:
        key = (version, endpoint, update_enabled)
        with self._lock:
            if self._key != key:
                self._triples = describe(store, settings, endpoint, update_enabled)
                self._key = key
            return self._triples
