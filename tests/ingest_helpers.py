"""Building documents into a store for tests, as `vetkg build` does, and asking it questions in
SPARQL."""
from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox

from vetkg.ingest import parallel
from vetkg.ingest.rdf import DocumentTriples
from vetkg.ontology import DEFAULT_BASE_IRI
from vetkg.server.export import export_dataset
from vetkg.store import Store, get_store
from vetkg.store.oxigraph import MemoryStore

DATA = Path(__file__).parent / "data"
SEED = DATA / "000_777b55b23df1fdd7.txt"
BINHAI = DATA / "binhai-2025-work-points.txt"

PREFIXES = """
PREFIX vet: <https://w3id.org/vetkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX schema: <https://schema.org/>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""


def build_into(store: Store, *paths: Path, force: bool = False) -> parallel.BuildReport:
    """The build of `vetkg build` (in this process): raises InputError or NotConforming for the
    first bad file, having written nothing."""
    return parallel.build(parallel.scan(list(paths)), store, DEFAULT_BASE_IRI, jobs=1, progress=False, force=force)


def build_store(*paths: Path) -> Store:
    store = get_store("memory")
    build_into(store, *paths)
    return store


def built_nquads(*paths: Path) -> bytes:
    """The dataset the build makes of ``paths``, as N-Quads: a module builds once and each test
    loads a fresh store from it (:func:`store_of`), which takes milliseconds, not a build's seconds."""
    buffer = io.BytesIO()
    export_dataset(build_store(*paths), buffer, "nquads")
    return buffer.getvalue()


def store_of(nquads: bytes) -> MemoryStore:
    """A new in-memory store holding ``nquads``."""
    store = MemoryStore()
    store.oxigraph.load(nquads, format=ox.RdfFormat.N_QUADS)
    return store


def cli_build(store: Path, *paths: Path, timeout: float = 600) -> Path:
    """``vetkg build`` of ``paths`` into the on-disk ``store``, as a user runs it (a process of its
    own, none of this process's VETKG_ settings); fails the test with its stderr if it fails."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("VETKG_")}
    done = subprocess.run([sys.executable, "-m", "vetkg.server.cli", "build", *map(str, paths), "--no-progress",
                           "--store", str(store)], capture_output=True, text=True, env=env, timeout=timeout)
    assert done.returncode == 0, done.stderr
    return store


def document(path: Path) -> DocumentTriples:
    """One document as a worker of the build makes it (read, parsed, built), before the shapes."""
    return parallel.document_triples(path, DEFAULT_BASE_IRI)


def checked_document(path: Path) -> DocumentTriples:
    """:func:`document`, once the build has accepted it (it raises as :func:`build_into` does)."""
    build_store(path)
    return document(path)


def select(store: Store, query: str) -> list[dict[str, str]]:
    """Rows of a SELECT as {variable: lexical value}."""
    results = store.query(PREFIXES + query)
    names = [v.value for v in results.variables]
    return [{n: row[n].value for n in names if row[n] is not None} for row in results]


def values(store: Store, query: str, var: str = "x") -> list[str]:
    return [row[var] for row in select(store, query) if var in row]


def ask(store: Store, query: str) -> bool:
    return bool(store.query(PREFIXES + query))
