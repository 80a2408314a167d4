"""The build: files → parsed documents → graphs → shape check → store, all or nothing."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef

from vetkg.ontology import ONTOLOGY_FILE, ONTOLOGY_IRI
from vetkg.store import Store
from vetkg.store.terms import triples_from_rdflib

from .errors import InputError
from .rdf import DocumentTriples, build_triples
from .reader import read_document
from .structure import parse

SUFFIXES = {".txt", ".text"}


@dataclass
class BuiltDocument:
    path: Path
    built: DocumentTriples

    @property
    def graph_iri(self) -> URIRef:
        return self.built.graph_iri

    @property
    def notice(self) -> URIRef:
        return self.built.notice

    @cached_property
    def graph(self) -> Graph:
        # made on first use: the parallel build needs only the N-Triples of ``built``
        return self.built.graph()


def seed_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.suffix in SUFFIXES and p.is_file())


def ingest_file(path: Path, base_iri: str) -> BuiltDocument:
    return BuiltDocument(path, build_triples(parse(read_document(path)), base_iri))


def ingest_files(paths: list[Path], base_iri: str) -> list[BuiltDocument]:
    """Read and check every file; raise :class:`InputError` for the first bad one, before
    anything is written."""
    from vetkg.shapes.validate import ensure_conforms

    built: dict[URIRef, BuiltDocument] = {}
    for path in paths:
        if path.is_dir():
            raise InputError(f"{path}: is a directory, not a document")
        doc = ingest_file(path, base_iri)
        if doc.graph_iri in built:
            raise InputError(f"{path}: the same document as {built[doc.graph_iri].path} ({doc.graph_iri})")
        ensure_conforms(doc.graph, str(path))
        built[doc.graph_iri] = doc
    return list(built.values())


def ontology_graph() -> Graph:
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


def entities_graph_iri(base_iri: str) -> str:
    return f"{base_iri}graph/entities"


def split_entities(graph: Graph, base_iri: str) -> tuple[list[ox.Triple], list[ox.Triple]]:
    """(document triples, entity triples): what the document says, and the descriptions of the
    things it names (type, label, kind), which belong to no one document."""
    prefix = f"{base_iri}id/"
    doc: list[ox.Triple] = []
    entities: list[ox.Triple] = []
    for t in triples_from_rdflib(graph):
        named = isinstance(t.subject, ox.NamedNode) and t.subject.value.startswith(prefix)
        (entities if named else doc).append(t)
    return doc, entities


def entity_descriptions_update(base_iri: str, triples: list[ox.Triple], replace: bool = True) -> str:
    """Replace (or, with ``replace=False``, add to) the descriptions of the entities in ``triples``.

    Descriptions live once, in the entities graph, because a triple stored in two graphs is
    counted twice by Oxigraph's union default graph (a bag, where SPARQL's merge is a set).
    """
    graph = entities_graph_iri(base_iri)
    subjects = " ".join(sorted({str(t.subject) for t in triples}))
    body = "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples)
    if not replace:
        return f"INSERT DATA {{ GRAPH <{graph}> {{\n{body}\n}} }}"
    return (
        f"DELETE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} VALUES ?s {{ {subjects} }} }} ;\n"
        f"INSERT DATA {{ GRAPH <{graph}> {{\n{body}\n}} }}"
    )


def entity_prune_update(base_iri: str) -> str:
    """Drop the descriptions of entities that no graph refers to any more."""
    graph = entities_graph_iri(base_iri)
    return (
        f"DELETE {{ GRAPH <{graph}> {{ ?e ?p ?o }} }} WHERE {{ GRAPH <{graph}> {{ ?e ?p ?o }} "
        f"FILTER NOT EXISTS {{ GRAPH ?g {{ ?x ?q ?e }} FILTER(?x != ?e) }} }}"
    )


def _entity_update(base_iri: str, triples: list[ox.Triple]) -> str:
    """Replace the descriptions of the entities in ``triples``, then drop entities that no
    graph refers to any more."""
    parts = [entity_descriptions_update(base_iri, triples)] if triples else []
    return " ;\n".join([*parts, entity_prune_update(base_iri)])


def build_into_store(documents: list[BuiltDocument], store: Store, base_iri: str) -> str:
    """Write the documents, their entities, the ontology and the shapes in one transaction."""
    from vetkg.shapes import SHAPES_FILE

    graphs: dict[str, list[ox.Triple]] = {
        ONTOLOGY_IRI: triples_from_rdflib(ontology_graph()),
        f"{base_iri}graph/shapes": triples_from_rdflib(Graph().parse(SHAPES_FILE, format="turtle")),
    }
    entities: set[ox.Triple] = set()
    for doc in documents:
        doc_triples, entity_triples = split_entities(doc.graph, base_iri)
        graphs[str(doc.graph_iri)] = doc_triples
        entities.update(entity_triples)
    store.replace_graphs(graphs, then=_entity_update(base_iri, sorted(entities, key=str)))
    triples = sum(len(doc.graph) for doc in documents)
    return f"vetkg: built {len(documents)} document(s), {triples} triples, into {len(store)} quads"
