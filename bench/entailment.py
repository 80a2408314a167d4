"""Entailment two ways: a materialised inferred graph (store/entailment.py) against query rewriting.

Builds the two test documents, replicates their document graphs (as validate_update.py does),
then measures
* materialisation: the full refresh (as at build and at server start), the triples it adds, and
  the refresh after a one-subject write (what each committed write pays);
* three queries that need the hierarchy, answered from the materialised graph as written, and
  rewritten as a rewriter would send them (``a/rdfs:subClassOf*``, ``?p rdfs:subPropertyOf*``)
  over the store without the inferred graph;
* the rewriter's own floor: parsing and translating the query with rdflib, which it must do to
  find the patterns to rewrite, before anything runs.

    python bench/entailment.py [--copies 40] [--repeat 5]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery

from vetkg.ontology.graphs import store_graphs
from vetkg.store.base import Store
from vetkg.store.entailment import refresh_inferred, refresh_subjects

ROOT = Path(__file__).resolve().parent.parent
BASE = "https://w3id.org/vetkg/"
PREFIXES = """PREFIX vet: <https://w3id.org/vetkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <https://schema.org/>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""
#: (name, as a user writes it, as query rewriting would send it)
QUERIES = [
    ("organisations", "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?o a vet:Organization }",
     "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?o a/rdfs:subClassOf* vet:Organization }"),
    ("schema:mentions", "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?m ?x WHERE { ?m schema:mentions ?x } }",
     "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?m ?x WHERE { ?p rdfs:subPropertyOf* schema:mentions . ?m ?p ?x } }"),
    ("colleges' measures", """SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m schema:mentions ?o . ?o a vet:Organization ; a ?c .
       FILTER(?c != vet:Organization) }""",
     """SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?p rdfs:subPropertyOf* schema:mentions . ?m ?p ?o .
       ?o a/rdfs:subClassOf* vet:Organization ; a ?c . FILTER(?c != vet:Organization) }"""),
]


def _timed(run: Callable[[], object], repeat: int) -> tuple[float, object]:
    run()  # warm-up
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def _count(store: Store, query: str) -> int:
    return int(next(iter(store.query(PREFIXES + query)))["n"].value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "tests"))
    sys.path.insert(0, str(ROOT / "bench"))
    from ingest_helpers import BINHAI, SEED, build_store
    from validate_update import replicate

    store = build_store(SEED, BINHAI)
    quads, _ = replicate(store, args.copies)
    inferred = store_graphs(BASE).inferred
    print(f"store: {quads} quads ({args.copies} copies of the two test documents)")

    full, _ = _timed(lambda: refresh_inferred(store, BASE), args.repeat)
    added = sum(1 for _ in store.quads(inferred))
    print(f"materialise, full refresh: {full * 1000:.0f} ms; {added} triples added ({added / quads:.0%} of the store)")
    measures = [r["m"] for r in store.query(PREFIXES + "SELECT ?m WHERE { ?m a vet:Measure } ORDER BY ?m LIMIT 20")]
    one: list[float] = []
    for m in measures:
        start = time.perf_counter()
        refresh_subjects(store, BASE, [m])
        one.append(time.perf_counter() - start)
    print(f"materialise, after a one-subject write: median {statistics.median(one) * 1000:.1f} ms")

    copy = ox.Store()  # the same data without the inferred graph, for the rewritten queries
    copy.bulk_extend(q for q in store.quads() if q.graph_name != ox.NamedNode(inferred))
    print(f"{'query':<20} {'materialised':>13} {'rewritten':>10} {'rdflib parse':>13}  rows")
    for name, plain, rewritten in QUERIES:
        m_time, m_rows = _timed(lambda q=plain: _count(store, q), args.repeat)
        r_time, r_rows = _timed(
            lambda q=rewritten: int(next(iter(copy.query(PREFIXES + q, use_default_graph_as_union=True)))["n"].value),
            args.repeat)
        p_time, _ = _timed(lambda q=plain: translateQuery(parseQuery(PREFIXES + q)), args.repeat)
        same = "same" if m_rows == r_rows else f"DIFFER {m_rows} vs {r_rows}"
        print(f"{name:<20} {m_time * 1000:>10.1f} ms {r_time * 1000:>7.1f} ms {p_time * 1000:>10.1f} ms  {m_rows} ({same})")


if __name__ == "__main__":
    main()
