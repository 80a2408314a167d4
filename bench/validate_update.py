"""Validate-and-commit of a one-triple update on a graph of about a million triples.

Builds the two test documents, replicates their document graphs under renamed keys
(doc/X → doc/X-copyN, graph/X → graph/X-copyN) into an in-memory Oxigraph store, then times, for
~50 single-triple updates, incremental validation (shapes/incremental.py) followed by the commit
(one pyoxigraph update), and full validation of the whole union once.

    python bench/validate_update.py [--copies 250] [--updates 50] [--full-runs 1]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS

from vetkg.ontology.graphs import is_data_graph
from vetkg.ontology.namespace import VET
from vetkg.shapes.incremental import validate_change
from vetkg.shapes.validate import class_hierarchy, load_shapes, validate_store
from vetkg.store.base import Store
from vetkg.store.change import Change
from vetkg.store.union import DataUnion, triples_change, with_change

ROOT = Path(__file__).resolve().parent.parent

BASE = "https://w3id.org/vetkg/"
ENTITIES = BASE + "graph/entities"


def document_keys(store: Store) -> list[str]:
    prefix = BASE + "graph/"
    return [g[len(prefix) :] for g in store.graphs() if is_data_graph(g) and g != ENTITIES]


def replicate(store: Store, copies: int) -> tuple[int, float]:
    """Add ``copies`` renamed copies of every document graph; returns (quads, seconds)."""
    start = time.perf_counter()
    keys = document_keys(store)
    template = _as_quads(store, keys)
    for n in range(1, copies + 1):
        text = template
        for key in keys:
            text = text.replace(f"/doc/{key}", f"/doc/{key}-copy{n}").replace(f"/graph/{key}>", f"/graph/{key}-copy{n}>")
        store.oxigraph.bulk_load(text.encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    return len(store), time.perf_counter() - start


def _as_quads(store: Store, keys: list[str]) -> str:
    lines = []
    for key in keys:
        graph = ox.NamedNode(BASE + "graph/" + key)
        lines.extend(f"{q.subject} {q.predicate} {q.object} {graph} ." for q in store.oxigraph.quads_for_pattern(None, None, None, graph))
    return "\n".join(lines) + "\n"


def updates(store: Store, count: int, copies: int) -> list[tuple[Change, str]]:
    """One-triple updates spread over the copies: a new action verb on a measure, or a new title of
    a work area (one triple out, one in). Each comes with the graph it is written to."""
    measures = [
        URIRef(r["m"].value)
        for r in store.query("SELECT ?m WHERE { ?m a <https://w3id.org/vetkg/ontology#Measure> } ORDER BY ?m")
    ]
    areas = [
        (URIRef(r["a"].value), r["t"])
        for r in store.query(
            "SELECT ?a ?t WHERE { ?a a <https://w3id.org/vetkg/ontology#WorkArea> ; <http://purl.org/dc/terms/title> ?t } ORDER BY ?a"
        )
    ]
    step_m = max(1, len(measures) // count)
    step_a = max(1, len(areas) // count)
    found = []
    for i in range(count):
        if i % 2 == 0:
            m = measures[(i * step_m) % len(measures)]
            change = triples_change(added={(m, VET.actionVerb, Literal("推进", lang="zh"))})
            subject = m
        else:
            a, title = areas[(i * step_a) % len(areas)]
            old = Literal(title.value, lang=title.language)
            change = triples_change(added={(a, DCTERMS.title, Literal(title.value + "（修订）", lang="zh"))}, removed={(a, DCTERMS.title, old)})
            subject = a
        found.append((change, _graph_of(subject)))
    return found


def _graph_of(subject: URIRef) -> str:
    key = str(subject)[len(BASE + "doc/") :].split("/")[0]
    return BASE + "graph/" + key


def commit(store: Store, change: Change, graph: str) -> None:
    """The change in one SPARQL update: one transaction."""
    g = f"<{graph}>"
    parts = []
    if change.removed:
        parts.append("DELETE DATA { GRAPH " + g + " { " + " ".join(_nt(q) for q in change.removed) + " } }")
    if change.added:
        parts.append("INSERT DATA { GRAPH " + g + " { " + " ".join(_nt(q) for q in change.added) + " } }")
    store.update(" ;\n".join(parts))


def _nt(quad: ox.Quad) -> str:
    return f"{quad.triple} ."


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


@dataclass
class Incremental:
    """Seconds of validate+commit per update, triples checked, and the split of the validation."""

    totals: list[float]
    checked: list[int]
    parts: dict[str, list[float]]


def measure_incremental(store: Store, count: int, copies: int = 0) -> Incremental:
    """Validate (incrementally) and commit ``count`` one-triple updates, one at a time."""
    view = DataUnion(store.oxigraph.quads_for_pattern)  # type: ignore[attr-defined]
    shapes, hierarchy = load_shapes(), class_hierarchy()
    # First call parses the shapes index and warms caches; it is not a write anyone waits for twice.
    warm_change, _ = updates(store, 1, copies)[0]
    validate_change(warm_change, with_change(view, warm_change), shapes, hierarchy)

    found = Incremental([], [], {})
    for change, graph in updates(store, count, copies):
        start = time.perf_counter()
        after = with_change(view, change)
        result = validate_change(change, after, shapes, hierarchy)
        if not result.conforms:
            raise RuntimeError(f"update unexpectedly rejected:\n{result.text}")
        commit(store, change, graph)
        found.totals.append(time.perf_counter() - start)
        found.checked.append(result.checked_triples)
        for k, v in result.seconds.items():
            found.parts.setdefault(k, []).append(v)
    return found


def measure_full(store: Store, runs: int) -> list[tuple[float, bool]]:
    """(seconds, conforms) of ``runs`` full validations of the union of the document graphs."""
    fulls = []
    for _ in range(runs):
        start = time.perf_counter()
        result = validate_store(store)
        fulls.append((time.perf_counter() - start, result.conforms))
    return fulls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=250)
    parser.add_argument("--updates", type=int, default=50)
    parser.add_argument("--full-runs", type=int, default=1)
    args = parser.parse_args()

    # The test documents come from tests/; imported here so that the functions above work without it.
    sys.path.insert(0, str(ROOT / "tests"))
    from ingest_helpers import BINHAI, SEED, build_store

    store = build_store(SEED, BINHAI)
    quads, seconds = replicate(store, args.copies)
    data_triples = sum(1 for g in store.graphs() if is_data_graph(g) for _ in store.quads(g))
    print(f"store: {quads} quads, {data_triples} in data graphs ({args.copies} copies built in {seconds:.1f} s)")

    try:
        found = measure_incremental(store, args.updates, args.copies)
    except RuntimeError as exc:
        raise SystemExit(str(exc)) from exc
    totals, checked = found.totals, found.checked
    p50, p99 = statistics.median(totals), percentile(totals, 0.99)
    print(
        f"incremental validate+commit over {len(totals)} updates: p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms; "
        f"triples checked per update: median {statistics.median(checked):.0f}, max {max(checked)}"
    )
    print("  median split: " + ", ".join(f"{k} {statistics.median(v) * 1000:.1f} ms" for k, v in found.parts.items()))

    fulls = []
    for seconds, conforms in measure_full(store, args.full_runs):
        fulls.append(seconds)
        print(f"full validation of the union: {seconds:.1f} s, conforms={conforms}")
    if fulls:
        full = min(fulls)
        print(f"ratio full / incremental p50: {full / p50:,.0f}x (p99: {full / p99:,.0f}x)")


if __name__ == "__main__":
    main()
