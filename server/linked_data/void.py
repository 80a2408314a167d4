"""The VoID description of the dataset, computed from the store."""
from __future__ import annotations

from typing import TypedDict

import pyoxigraph as ox

from vetkg.ontology import ONTOLOGY_IRI
from vetkg.ontology.graphs import DEFAULT_BASE_IRI, store_graphs
from vetkg.ontology.vocab import PREFIXES, RDF_TYPE, namespace_of
from vetkg.store import Store, formats
from vetkg.store.formats import Holds
from vetkg.store.terms import OxObject

from .dumps import dump_formats

VOID = PREFIXES["void"]
DCTERMS = PREFIXES["dcterms"]
XSD = PREFIXES["xsd"]
VET = PREFIXES["vet"]
VOID_PATH = ".well-known/void"


# The union default graph repeats a triple once per graph that holds it (an organisation's label is
# in every document that names it); VoID counts the triple once.
_DISTINCT = "SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o %s }"


def _public(base_iri: str) -> str:
    """A FILTER leaving out the history's skeleton, which the union holds (its records' number and
    time, in the data store so a record exists exactly when its change does). Its subjects are
    the records, ``{base}history/N``, IRIs no client may write: the filter drops exactly those
    triples, where naming every other graph as the default graph would slow every join."""
    prefix = store_graphs(base_iri).history_prefix
    return f'FILTER(!(isIRI(?s) && STRSTARTS(STR(?s), "{prefix}")))'  # STR of a blank node: an error


def _count(store: Store, query: str) -> int:
    rows = list(store.query(query))
    return int(rows[0]["n"].value) if rows and rows[0]["n"] is not None else 0


def _vocabulary_iri(namespace: str) -> str:
    # A vocabulary is named by its namespace; hash namespaces drop the '#' (vet: is the ontology IRI).
    return namespace[:-1] if namespace.endswith("#") else namespace


class Statistics(TypedDict):
    triples: int
    subjects: int
    objects: int
    documents: int
    graphs: int
    classes: list[tuple[str, int]]  # (class IRI, instances)
    properties: list[tuple[str, int]]  # (property IRI, triples)


def statistics(store: Store, base_iri: str = DEFAULT_BASE_IRI) -> Statistics:
    """Counts VoID reports, over the union of the public graphs of the store whose base IRI is
    ``base_iri`` (duplicates across graphs count once; the write history is not data, see
    :mod:`vetkg.ontology.graphs`)."""
    public = _public(base_iri)
    distinct = _DISTINCT % public
    classes = [
        (r["c"].value, int(r["n"].value))
        for r in store.query(f"SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a ?c FILTER(isIRI(?c)) {public} }} "
                             "GROUP BY ?c ORDER BY ?c")
    ]
    properties = [
        (r["p"].value, int(r["n"].value))
        for r in store.query(f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ {distinct} }} GROUP BY ?p ORDER BY ?p")
    ]
    return {
        "triples": _count(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ {distinct} }}"),
        "subjects": _count(store, f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p ?o {public} }}"),
        "objects": _count(store, f"SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE {{ ?s ?p ?o {public} }}"),
        "documents": _count(store, f"SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE {{ ?d a <{VET}Notice> }}"),
        "graphs": len(store_graphs(base_iri).public_graphs(store.graphs())),
        "classes": classes,
        "properties": properties,
    }


def void_triples(stats: Statistics, base_iri: str) -> list[ox.Triple]:
    """VoID for the dataset ``{base}.well-known/void#dataset``; partitions are blank nodes."""
    dataset = ox.NamedNode(base_iri + VOID_PATH + "#dataset")
    out: list[ox.Triple] = []

    def add(s: ox.NamedNode | ox.BlankNode, p: str, o: OxObject) -> None:
        out.append(ox.Triple(s, ox.NamedNode(p), o))

    def integer(n: object) -> ox.Literal:
        return ox.Literal(str(n), datatype=ox.NamedNode(XSD + "integer"))

    add(dataset, RDF_TYPE, ox.NamedNode(VOID + "Dataset"))
    add(dataset, DCTERMS + "title", ox.Literal("职业教育政策知识图谱", language="zh"))
    add(dataset, DCTERMS + "title", ox.Literal("vetkg: a knowledge graph of Chinese vocational-education policy", language="en"))
    add(dataset, VOID + "triples", integer(stats["triples"]))
    add(dataset, VOID + "distinctSubjects", integer(stats["subjects"]))
    add(dataset, VOID + "distinctObjects", integer(stats["objects"]))
    add(dataset, VOID + "documents", integer(stats["documents"]))
    add(dataset, VOID + "classes", integer(len(stats["classes"])))
    add(dataset, VOID + "properties", integer(len(stats["properties"])))
    add(dataset, VOID + "sparqlEndpoint", ox.NamedNode(base_iri + "sparql"))
    for name in dump_formats():
        add(dataset, VOID + "dataDump", ox.NamedNode(base_iri + "dumps/" + name))
    add(dataset, VOID + "uriSpace", ox.Literal(base_iri))
    add(dataset, VOID + "rootResource", ox.NamedNode(ONTOLOGY_IRI))
    for fmt in formats.formats(Holds.GRAPH):  # the pages, /store and the dumps offer each
        if fmt.iri is not None:
            add(dataset, VOID + "feature", ox.NamedNode(fmt.iri))

    vocabularies: set[str] = set()
    for cls, n in stats["classes"]:
        part = ox.BlankNode()
        add(dataset, VOID + "classPartition", part)
        add(part, VOID + "class", ox.NamedNode(cls))
        add(part, VOID + "entities", integer(n))
        vocabularies.add(namespace_of(cls))
    for prop, n in stats["properties"]:
        part = ox.BlankNode()
        add(dataset, VOID + "propertyPartition", part)
        add(part, VOID + "property", ox.NamedNode(prop))
        add(part, VOID + "triples", integer(n))
        vocabularies.add(namespace_of(prop))
    for namespace in sorted(vocabularies):
        if namespace.startswith(base_iri) and namespace != ONTOLOGY_IRI + "#":
            continue  # our own data IRIs (the default base holds the ontology too) are no vocabulary
        add(dataset, VOID + "vocabulary", ox.NamedNode(_vocabulary_iri(namespace)))
    return out
