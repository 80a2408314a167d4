"""The build: files → parsed documents → graphs → shape check → store, all or nothing."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef

from vetkg.ontology import ONTOLOGY_FILE, ONTOLOGY_IRI
from vetkg.server.stores import Store
from vetkg.server.stores.oxigraph import triples_from_rdflib

from .errors import InputError
from .rdf import build_graph
from .reader import read_document
from .structure import parse

SUFFIXES = {".txt", ".text"}


@dataclass
class BuiltDocument:
    path: Path
    graph_iri: URIRef
    notice: URIRef
    graph: Graph


def seed_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.suffix in SUFFIXES and p.is_file())


def ingest_file(path: Path, base_iri: str) -> BuiltDocument:
    doc = parse(read_document(path))
    graph_iri, notice, graph = build_graph(doc, base_iri)
    return BuiltDocument(path, graph_iri, notice, graph)


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


def build_into_store(documents: list[BuiltDocument], store: Store, base_iri: str) -> str:
    """Write the documents, the ontology and the shapes in one transaction; return a summary."""
    from vetkg.shapes import SHAPES_FILE

    graphs: dict[str, list[ox.Triple]] = {
        ONTOLOGY_IRI: triples_from_rdflib(ontology_graph()),
        f"{base_iri}graph/shapes": triples_from_rdflib(Graph().parse(SHAPES_FILE, format="turtle")),
    }
    for doc in documents:
        graphs[str(doc.graph_iri)] = triples_from_rdflib(doc.graph)
    store.replace_graphs(graphs)
    triples = sum(len(doc.graph) for doc in documents)
    return f"vetkg: built {len(documents)} document(s), {triples} triples, into {len(store)} quads"
