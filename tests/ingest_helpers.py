"""Building documents into a store for tests, and asking it questions in SPARQL."""
from __future__ import annotations

from pathlib import Path

from vetkg.ingest.pipeline import build_into_store, ingest_files
from vetkg.ontology import DEFAULT_BASE_IRI
from vetkg.store import Store, get_store

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


def build_store(*paths: Path) -> Store:
    store = get_store("memory")
    build_into_store(ingest_files(list(paths), DEFAULT_BASE_IRI), store, DEFAULT_BASE_IRI)
    return store


def select(store: Store, query: str) -> list[dict[str, str]]:
    """Rows of a SELECT as {variable: lexical value}."""
    results = store.query(PREFIXES + query)
    names = [v.value for v in results.variables]
    return [{n: row[n].value for n in names if row[n] is not None} for row in results]


def values(store: Store, query: str, var: str = "x") -> list[str]:
    return [row[var] for row in select(store, query) if var in row]


def ask(store: Store, query: str) -> bool:
    return bool(store.query(PREFIXES + query))
