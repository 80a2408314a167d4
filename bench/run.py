"""The benchmark command (issue 5): one run on one machine, every figure and every target.

    python bench/run.py [--scales 10k,100k,1M] [--out BENCHMARKS.md] [--workdir DIR] [--repeat N] …

For each scale it generates the synthetic corpus (bench/corpus.py), builds it with ``vetkg build``
into a store of its own, and times the query set (bench/queries.py) in-process on pyoxigraph, on
rdflib's in-memory Dataset and through HTTP on a real ``vetkg serve``, then 8 concurrent clients.
At the scale nearest 1M triples it also times one-triple updates (validated incrementally, fully,
and through HTTP) and reads the server's peak memory. It prints the tables and one line per
target, MET or MISSED, and writes them all to BENCHMARKS.md. The exit status is 0 whether the
targets are met or not; it is 1, with one line on stderr, when the benchmark itself broke (a build
or a server that failed, a query without an answer or with an error on one engine). Engines that
disagree on a query's row count are listed in the report's notes.

At that scale too, ``--peers`` (default: every one installed) puts vetkg beside Oxigraph's server,
Virtuoso and Jena on the same dump and the same queries (bench/peers.py): a table of p50s and
ratios, the 8- and 32-client throughput and each server's memory, and the targets of issue 14.
"""
from __future__ import annotations

import argparse
import gc
import math
import os
import secrets
import shlex
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

import engines  # noqa: E402 - bench/ is not a package
import http_load  # noqa: E402
import ingest_bench  # noqa: E402
import peers  # noqa: E402
from queries import CATEGORIES, NoAnswer, rendered, sample_parameters  # noqa: E402
from report import Table, Target, machine, ms, num, p50, percentile, versions, write_markdown  # noqa: E402

TARGET_TRIPLES = 1_000_000  # the targets are stated "at about 1M triples"
MEMORY_LIMIT_MB = 1000  # "at most 1 GB": 10^9 bytes
UPDATE_LIMIT_S = 0.100
_SUFFIX = {"k": 1_000, "m": 1_000_000}

if TYPE_CHECKING:
    from validate_update import Incremental


# ---------------------------------------------------------------- options


def scale(text: str) -> int:
    """10k, 100k, 1M, 10M, 3k or a plain number of triples."""
    raw = text.strip().lower()
    try:
        value = float(raw[:-1]) * _SUFFIX[raw[-1]] if raw and raw[-1] in _SUFFIX else float(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of triples: {text!r} (say 10k, 100k, 1M)") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"a scale must be at least one triple: {text!r}")
    return int(value)


def scales(text: str) -> list[int]:
    found = sorted({scale(t) for t in text.split(",") if t.strip()})
    if not found:
        raise argparse.ArgumentTypeError("no scale given")
    return found


def label(triples: int) -> str:
    for suffix, size in (("M", 1_000_000), ("k", 1_000)):
        if triples >= size and triples % (size // 10) == 0:
            value = triples / size
            return f"{value:g}{suffix}"
    return str(triples)


def positive(kind: type):
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be positive: {text!r}")
        return value

    return parse


def options(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=scales, default=scales("10k,100k,1M"),
                        help="comma-separated triple counts (default 10k,100k,1M; 10M is opt-in)")
    parser.add_argument("--out", type=Path, default=ROOT / "BENCHMARKS.md", help="report to write")
    parser.add_argument("--workdir", type=Path, help="corpus and stores (default: a temporary directory, removed)")
    parser.add_argument("--repeat", type=positive(int), default=20, help="timed runs per query and engine")
    parser.add_argument("--jobs", type=positive(int), default=os.cpu_count() or 1, help="build workers")
    parser.add_argument("--per-core-docs", type=positive(int), default=20,
                        help="documents of the one-worker build and of jieba's floor")
    parser.add_argument("--build-budget", type=positive(float), default=900,
                        help="seconds a scale's build may take; beyond it a part is built and replicated")
    parser.add_argument("--rdflib-cap", type=positive(float), default=30, help="seconds before an rdflib query is stopped")
    parser.add_argument("--rdflib-budget", type=positive(float), default=10,
                        help="seconds of repeated rdflib runs per query (at least one run)")
    parser.add_argument("--rdflib-max-triples", type=scale, default=scale("3M"),
                        help="larger scales skip rdflib (it holds about 2.5 GB per million triples)")
    parser.add_argument("--clients", type=positive(int), default=8)
    parser.add_argument("--load-seconds", type=positive(float), default=20, help="duration of the concurrent load")
    parser.add_argument("--updates", type=positive(int), default=30, help="one-triple updates timed per path")
    parser.add_argument("--full-runs", type=int, default=1, help="full validations of the union (0 to skip)")
    parser.add_argument("--query-timeout", type=positive(float), default=120, help="the server's query timeout")
    # Every query here runs --repeat times: with the cache on, all but the first would be hits.
    parser.add_argument("--result-cache-mb", type=float, default=0,
                        help="the server's result cache (0, the default: off, so the figures are of evaluation)")
    parser.add_argument("--allocator", default="auto",
                        help="the server's allocator setting (system: glibc's malloc; auto: mimalloc when installed)")
    parser.add_argument("--peers", type=peers.peer_list, default=None,
                        help="engines beside vetkg at the target scale: a subset of oxigraph,virtuoso,jena, or none "
                             "(default: every one installed; one not installed is reported, not run)")
    args = parser.parse_args(argv)
    if args.full_runs < 0:
        parser.error("--full-runs must be 0 or more")
    return args


# ---------------------------------------------------------------- what one scale yields


@dataclass
class QueryFigures:
    name: str
    category: str
    ox: engines.Timing
    rdf: engines.Timing
    http: http_load.HttpTiming


@dataclass
class ScaleFigures:
    triples: int
    docs_built: int
    copies: int
    build: ingest_bench.Throughput
    quads: int
    params: dict[str, str]
    queries: list[QueryFigures] = field(default_factory=list)
    rdflib_load_s: float = 0.0
    load: http_load.LoadResult | None = None
    memory_hwm_kb: int = 0
    ox_in_memory: bool = False  # in-process pyoxigraph (and the server) held the data in memory
    memory_peak_kb: int = 0
    memory_children_kb: int = 0
    max_children: int = 0
    http_updates: list[float] = field(default_factory=list)
    http_update_errors: list[str] = field(default_factory=list)
    incremental: Incremental | None = None
    full: list[tuple[float, bool]] = field(default_factory=list)
    peer_figures: peers.PeerFigures | None = None


class Broken(Exception):
    """The benchmark itself failed; one line for stderr."""


def say(text: str) -> None:
    print(text, flush=True)


# ---------------------------------------------------------------- the run


def run(args: argparse.Namespace, workdir: Path) -> tuple[list[Table], list[Target], list[str]]:
    notes: list[str] = []
    target_scale = min(args.scales, key=lambda s: abs(math.log(s / TARGET_TRIPLES)))
    if abs(math.log(target_scale / TARGET_TRIPLES)) > math.log(2):
        notes.append(f"No scale is near 1M triples: the targets are judged at {label(target_scale)}.")

    docs_needed = {s: ingest_bench.docs_for(s) for s in args.scales}
    say(f"corpus: {max(docs_needed.values())} documents → {workdir / 'corpus'}")
    paths = ingest_bench.make_corpus(max(docs_needed.values()), workdir / "corpus")

    subset = paths[: args.per_core_docs]
    say(f"ingest with one worker, {len(subset)} documents …")
    one = ingest_bench.per_core(subset, workdir)
    say("jieba on the same texts …")
    raw_jieba, our_jieba = ingest_bench.jieba_floor(subset)

    figures: list[ScaleFigures] = []
    for s in args.scales:
        figures.append(one_scale(args, workdir, s, paths[: docs_needed[s]], one, s == target_scale, notes))

    tables = [ingest_table(args, one, raw_jieba, our_jieba, figures)]
    for f in figures:
        tables.append(query_table(f))
    tables.append(category_table(figures))
    tables.append(load_table(args, figures))
    tables.append(memory_table(figures))
    tables.append(update_table(args, figures, target_scale))
    target_fig = next(f for f in figures if f.triples == target_scale)
    targets = judge(target_fig, one, raw_jieba, args.rdflib_cap)
    if target_fig.peer_figures is not None:
        tables += peers.tables(target_fig.peer_figures)
        targets += peers.judge(target_fig.peer_figures)
    for f in figures:
        for q in f.queries:
            rows = {q.ox.rows, q.http.rows} | ({q.rdf.rows} if q.rdf.rows is not None else set())
            if len(rows) > 1:
                notes.append(f"{label(f.triples)} {q.name}: row counts differ (pyoxigraph {q.ox.rows}, "
                             f"HTTP {q.http.rows}, rdflib {q.rdf.rows})")
    return tables, targets, notes


def one_scale(args: argparse.Namespace, workdir: Path, triples: int, paths: list[Path],
              one: ingest_bench.Throughput, is_target: bool, notes: list[str]) -> ScaleFigures:
    name = label(triples)
    store_path = workdir / f"store-{name}"
    if store_path.exists():
        shutil.rmtree(store_path)
    # The build budget: a scale whose build would take longer is built in part and replicated.
    rate = one.docs_per_s * args.jobs * 0.8  # workers rarely scale perfectly
    docs = len(paths)
    if docs / rate > args.build_budget:
        docs = max(1, int(args.build_budget * rate))
    say(f"[{name}] vetkg build -j {args.jobs}: {docs} documents …")
    build, quads = ingest_bench.build_cli(paths[:docs], store_path, args.jobs)
    copies = 0
    if docs < len(paths):
        copies, quads = ingest_bench.replicate_to(store_path, triples)
        notes.append(f"{name}: building {len(paths)} documents would take about {len(paths) / rate / 60:.0f} min "
                     f"(over --build-budget {args.build_budget:g} s): {docs} documents were built and their "
                     f"graphs replicated {copies} times under renamed keys, as bench/validate_update.py does.")
    fig = ScaleFigures(triples, docs, copies, build, quads, {})

    import pyoxigraph as ox

    store = ox.Store.read_only(str(store_path))
    fig.params = sample_parameters(partial(engines.oxigraph_select, store))
    texts = rendered(fig.params)
    update_targets = _update_targets(store, args.updates) if is_target else []
    nquads = workdir / f"store-{name}.nq"
    store.dump(str(nquads), format=ox.RdfFormat.N_QUADS)
    del store
    gc.collect()

    rdf_timings = _rdflib(args, fig, nquads, texts) if triples <= args.rdflib_max_triples else {
        q.name: engines.Timing(skipped=True) for q, _ in texts}
    if triples > args.rdflib_max_triples:
        notes.append(f"{name}: rdflib not run (above --rdflib-max-triples {label(args.rdflib_max_triples)}: "
                     "its in-memory store would not fit this machine's memory).")

    token = secrets.token_hex(16)
    say(f"[{name}] vetkg serve and pyoxigraph in-process, turn about: {len(texts)} queries × {args.repeat}; "
        f"then {args.clients} clients for {args.load_seconds:g} s …")
    settings = {"update_tokens": f"bench:{token}", "query_timeout": str(args.query_timeout),
                "result_cache_mb": str(args.result_cache_mb), "allocator": args.allocator}
    with http_load.Server(store_path, settings, log=workdir / f"serve-{name}.log") as server, \
            http_load.MemorySampler(server.pid) as memory:
        store, fig.ox_in_memory = _in_process(store_path, nquads, fig.quads)
        client = http_load.Client(server.port)
        for q, text in texts:
            oxt, ht = _paired(store, client, text, args.repeat)
            if ht.error:
                raise Broken(f"{q.name} fails over HTTP at {name}: {ht.error}")
            if not oxt.rows:
                raise NoAnswer(f"{q.name} has no answer at {name}")
            fig.queries.append(QueryFigures(q.name, q.category, oxt, rdf_timings[q.name], ht))
        client.close()
        del store
        gc.collect()
        fig.load = http_load.load(server.port, [text for _, text in texts], args.clients, args.load_seconds)
        if is_target:
            say(f"[{name}] {len(update_targets)} one-triple updates through HTTP …")
            fig.http_updates, fig.http_update_errors = _http_updates(server.port, token, update_targets)
        fig.memory_hwm_kb = memory.hwm_kb()  # while the server still runs
    fig.memory_peak_kb, fig.memory_children_kb, fig.max_children = (
        memory.peak_total_kb, memory.peak_children_kb, memory.max_children)

    if is_target and (args.peers is None or args.peers):
        fig.peer_figures = peers.measure(args, workdir, name, store_path, nquads, [(q.name, t) for q, t in texts], say)

    if is_target:
        say(f"[{name}] validate-and-commit, incremental ({args.updates}) and full ({args.full_runs}) …")
        _library_updates(args, fig, nquads)
    nquads.unlink()
    return fig


def _in_process(store_path: Path, nquads: Path, quads: int) -> tuple[Any, bool]:
    """pyoxigraph in this process, as the server holds the data: in memory when ``vetkg serve``
    answers from a copy in memory (stores up to ``memory_copy_max_quads``), else the same
    RocksDB store opened read-only beside the server. Nothing is written to it."""
    import pyoxigraph as ox

    from vetkg.server.config import load_settings

    if 0 < quads <= load_settings().memory_copy_max_quads:
        store = ox.Store()
        store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
        return store, True
    return ox.Store.read_only(str(store_path)), False


def _rdflib(args: argparse.Namespace, fig: ScaleFigures, nquads: Path, texts) -> dict[str, engines.Timing]:
    name = label(fig.triples)
    say(f"[{name}] {fig.quads:,} quads; rdflib: loading …")
    start = time.perf_counter()
    dataset = engines.load_rdflib(nquads)
    fig.rdflib_load_s = time.perf_counter() - start
    timings = {}
    for q, text in texts:
        t = engines.time_rdflib(dataset, text, args.repeat, args.rdflib_cap, args.rdflib_budget)
        if t.error:
            raise Broken(f"{q.name} fails on rdflib at {name}: {t.error}")
        timings[q.name] = t
        say(f"  {q.name}: {'> cap' if t.capped else ms(p50(t.seconds)) + ' ms'}")
    del dataset
    gc.collect()
    return timings


def _paired(store, client: http_load.Client, text: str, repeat: int) -> tuple[engines.Timing, http_load.HttpTiming]:
    """The query in-process and over HTTP by turns, a warm-up of each first: a change in the
    load of the (shared) machine then falls on both alike."""
    oxt, ht = engines.Timing(), http_load.HttpTiming()
    for i in range(repeat + 1):
        rows, seconds = engines.oxigraph_once(store, text)
        status, body, http_seconds = http_load.query_once(client, text)
        if status != 200:
            ht.error = f"HTTP {status}: {body[:200].decode('utf-8', 'replace')}"
            break
        if i == 0:
            oxt.rows, ht.rows = rows, http_load.rows_of(body)  # parsed outside the timed runs
        else:
            oxt.seconds.append(seconds)
            ht.seconds.append(http_seconds)
    return oxt, ht


VERB = "https://w3id.org/vetkg/ontology#actionVerb"


def _update_targets(store, count: int) -> list[tuple[str, str]]:
    """(measure, its graph) spread over the store, for the HTTP updates."""
    rows = [(r["m"].value, r["g"].value) for r in store.query(
        "SELECT ?m ?g WHERE { GRAPH ?g { ?m a <https://w3id.org/vetkg/ontology#Measure> } } ORDER BY ?m")]
    step = max(1, len(rows) // count)
    return [rows[(i * step) % len(rows)] for i in range(count)]


def _http_updates(port: int, token: str, targets: list[tuple[str, str]]) -> tuple[list[float], list[str]]:
    """A one-triple INSERT DATA per measure, through /sparql with the bearer token: parsing,
    validation, commit and history, as a client's write goes. Each adds a new action verb."""
    client = http_load.Client(port)
    seconds, errors = [], []
    for i, (measure, graph) in enumerate(targets):
        body = f'INSERT DATA {{ GRAPH <{graph}> {{ <{measure}> <{VERB}> "推进{i}"@zh }} }}'
        start = time.perf_counter()
        try:
            status, data = client.post(body, "application/sparql-update", {"Authorization": f"Bearer {token}"})
        except OSError as exc:
            status, data = 0, str(exc).encode()
        elapsed = time.perf_counter() - start
        if status in (200, 204):
            seconds.append(elapsed)
        else:
            errors.append(f"HTTP {status}: {data[:200].decode('utf-8', 'replace')}")
    client.close()
    return seconds, errors


def _library_updates(args: argparse.Namespace, fig: ScaleFigures, nquads: Path) -> None:
    import pyoxigraph as ox
    from validate_update import measure_full, measure_incremental

    from vetkg.store.oxigraph import MemoryStore

    store = MemoryStore()
    store.oxigraph.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    try:
        fig.incremental = measure_incremental(store, args.updates)
    except RuntimeError as exc:
        raise Broken(f"incremental update at {label(fig.triples)}: {str(exc).splitlines()[0]}") from exc
    fig.full = measure_full(store, args.full_runs)
    del store
    gc.collect()


# ---------------------------------------------------------------- tables


def ingest_table(args, one, raw_jieba, our_jieba, figures: list[ScaleFigures]) -> Table:
    t = Table("Ingest", ["what", "documents", "triples", "seconds", "documents/s", "triples/s", "characters/s"])
    t.add("vetkg build, 1 worker (in-process, after a warm-up)", one.docs, num(one.triples), num(one.seconds, 1),
          num(one.docs_per_s, 2), num(one.triples_per_s), num(one.chars_per_s))
    for f in figures:
        b = f.build
        t.add(f"`vetkg build -j {args.jobs}` at {label(f.triples)} (fresh process, wall clock)", b.docs,
              num(b.triples), num(b.seconds, 1), num(b.docs_per_s, 2), num(b.triples_per_s), "")
    for name, j in (("jieba.lcut, default dictionary (the floor)", raw_jieba),
                    ("vetkg's tokenizer (default dictionary + domain words)", our_jieba)):
        t.add(name + ", 1 core", f"{j.docs} ({j.docs // max(1, one.docs)} passes)", "", num(j.seconds, 1),
              num(j.docs_per_s, 1), "", num(j.chars_per_s))
    t.notes.append(f"Documents of the one-worker build and of jieba: the first {one.docs} of the corpus. "
                   f"Ingest/jieba per core: {one.docs_per_s / raw_jieba.docs_per_s:.4f} "
                   f"(jieba is {raw_jieba.docs_per_s / one.docs_per_s:,.0f}x faster).")
    return t


def _p(values: list[float], q: float) -> float | None:
    return percentile(values, q) if values else None


def _rdf_cell(t: engines.Timing) -> str:
    if t.skipped:
        return "not run"
    if t.capped:
        return "> cap"
    return ms(p50(t.seconds))


def query_table(f: ScaleFigures) -> Table:
    name = label(f.triples)
    built = f"{f.docs_built} documents" + (f", replicated ×{f.copies + 1}" if f.copies else "")
    t = Table(f"Queries at {name} ({f.quads:,} quads; {built})",
              ["query", "category", "rows", "HTTP p50 ms", "HTTP p99 ms", "pyoxigraph p50 ms", "pyoxigraph p99 ms",
               "rdflib p50 ms", "HTTP / (1.5×pyoxigraph + 2 ms)", "rdflib / HTTP"])
    for q in f.queries:
        hp50, op50 = p50(q.http.seconds), p50(q.ox.seconds)
        rows = str(q.ox.rows) if q.ox.rows == q.http.rows and q.rdf.rows in (None, q.ox.rows) else \
            f"{q.ox.rows} / {q.http.rows} / {q.rdf.rows} (differ)"
        t.add(q.name, q.category, rows, ms(hp50), ms(_p(q.http.seconds, 0.99)), ms(op50), ms(_p(q.ox.seconds, 0.99)),
              _rdf_cell(q.rdf), f"{hp50 / (1.5 * op50 + 0.002):.2f}", _rdflib_ratio(q))
    t.notes.append("Parameters sampled from the graph: " + "; ".join(f"{k} = {v}" for k, v in sorted(f.params.items())) + ".")
    t.notes.append("pyoxigraph in-process: " + (
        "an in-memory Store with the same quads, as the server answers from its copy in memory at this size."
        if f.ox_in_memory else "the server's RocksDB store, opened read-only beside it."))
    if f.rdflib_load_s:
        t.notes.append(f"rdflib loaded the N-Quads in {f.rdflib_load_s:.1f} s. \"> cap\": stopped at the cap before "
                       "one run finished.")
    return t


def _rdflib_ratio(q: QueryFigures) -> str:
    hp50 = p50(q.http.seconds)
    if q.rdf.skipped:
        return "–"
    if q.rdf.capped:
        return "> cap"
    return f"{p50(q.rdf.seconds) / hp50:,.1f}"


def category_table(figures: list[ScaleFigures]) -> Table:
    t = Table("Per category (all timed runs of its queries pooled)",
              ["scale", "category", "queries", "HTTP p50 ms", "HTTP p99 ms", "pyoxigraph p50 ms", "pyoxigraph p99 ms",
               "rdflib p50 ms"])
    for f in figures:
        for cat in CATEGORIES:
            qs = [q for q in f.queries if q.category == cat]
            if not qs:
                continue
            http = [s for q in qs for s in q.http.seconds]
            oxi = [s for q in qs for s in q.ox.seconds]
            rdf = [s for q in qs for s in q.rdf.seconds]
            capped = any(q.rdf.capped for q in qs)
            if any(q.rdf.skipped for q in qs):
                rdf, capped = [], False
            t.add(label(f.triples), cat, len(qs), ms(p50(http)), ms(_p(http, 0.99)), ms(p50(oxi)), ms(_p(oxi, 0.99)),
                  ("> cap (some)" if capped else ms(p50(rdf))) if rdf or capped else "–")
    return t


def load_table(args, figures: list[ScaleFigures]) -> Table:
    t = Table(f"{args.clients} concurrent clients on loopback",
              ["scale", "seconds", "requests", "requests/s", "errors", "p50 ms", "p99 ms", "client CPU / machine CPU"])
    cores = os.cpu_count() or 1
    for f in figures:
        r = f.load
        assert r is not None
        t.add(label(f.triples), num(r.seconds), len(r.latencies), num(len(r.latencies) / r.seconds, 1), r.errors,
              ms(p50(r.latencies) if r.latencies else None), ms(_p(r.latencies, 0.99)), f"{r.client_cpu / (r.seconds * cores):.0%}")
        if r.error_samples:
            t.notes.append(f"{label(f.triples)} errors, first ones: " + "; ".join(r.error_samples[:3]))
    t.notes.append("Each client is a process with one keep-alive connection sending the query set in turn, each from "
                   "a different query. The last column is the CPU time the clients used over the machine's CPU time "
                   "in the interval: what the clients took from the server on this machine.")
    return t


def memory_table(figures: list[ScaleFigures]) -> Table:
    t = Table("Server memory", ["scale", "server VmHWM MB", "peak: server RSS + children's private MB",
                                "children's private MB at peak", "most children at once"])
    for f in figures:
        t.add(label(f.triples), num(f.memory_hwm_kb / 1024), num(f.memory_peak_kb / 1024),
              num(f.memory_children_kb / 1024), f.max_children)
    t.notes.append("The server evaluates queries in forked children (its query workers) sharing the server's "
                   "pages copy-on-write; "
                   "their RSS is mostly those shared pages, so only their private pages (Private_Clean + "
                   "Private_Dirty) are added to the server's resident set, sampled every 50 ms over the whole "
                   "serving (sequential queries, the concurrent load and the updates). The figure judged is the "
                   "larger of the two first columns.")
    return t


def update_table(args, figures: list[ScaleFigures], target_scale: int) -> Table:
    f = next(x for x in figures if x.triples == target_scale)
    t = Table(f"One-triple update at {label(f.triples)}", ["path", "updates", "p50 ms", "p99 ms", "note"])
    inc = f.incremental
    if inc is not None:
        t.add("incremental validate + commit (shapes/incremental.py, library, in-memory store)", len(inc.totals),
              ms(p50(inc.totals)), ms(_p(inc.totals, 0.99)),
              "median split: " + ", ".join(f"{k} {ms(p50(v))} ms" for k, v in inc.parts.items()))
    for seconds, conforms in f.full:
        t.add("full validation of the union (validate_store)", 1, ms(seconds), "", f"conforms={conforms}")
    t.add("INSERT DATA through HTTP /sparql with a bearer token (the real path)", len(f.http_updates),
          ms(p50(f.http_updates) if f.http_updates else None), ms(_p(f.http_updates, 0.99)),
          f"{len(f.http_update_errors)} refused: {f.http_update_errors[0]}" if f.http_update_errors else "")
    return t


# ---------------------------------------------------------------- targets


def judge(f: ScaleFigures, one: ingest_bench.Throughput, raw_jieba: ingest_bench.Throughput, cap: float) -> list[Target]:
    name = label(f.triples)
    targets = []

    # every query's HTTP p50 within 1.5x its in-process pyoxigraph p50 plus 2 ms
    worst = max(f.queries, key=lambda q: p50(q.http.seconds) / (1.5 * p50(q.ox.seconds) + 0.002))
    within = sum(p50(q.http.seconds) <= 1.5 * p50(q.ox.seconds) + 0.002 for q in f.queries)
    wp, wo = p50(worst.http.seconds), p50(worst.ox.seconds)
    targets.append(Target(f"http-p50-vs-pyoxigraph@{name}", within == len(f.queries),
                          f"{within}/{len(f.queries)} queries within; worst {worst.name} {ms(wp)} ms",
                          f"1.5 x {ms(wo)} + 2 = {ms(1.5 * wo + 0.002)} ms"))

    # at least 10x faster than rdflib on joins and aggregations (HTTP p50 against rdflib p50)
    jq = [q for q in f.queries if q.category in ("join", "aggregation")]

    def ratio(q: QueryFigures) -> float:
        rdf = q.rdf.seconds and p50(q.rdf.seconds)
        return (rdf or cap) / p50(q.http.seconds)  # a capped query: the cap is a lower bound

    if any(q.rdf.skipped for q in jq):
        targets.append(Target(f"10x-faster-than-rdflib@{name}", False, "rdflib not run at this scale: not measured",
                              "10x"))
        jq = []
    slowest = min(jq, key=ratio) if jq else None
    if slowest is not None:
        bound = ", rdflib stopped at the cap: a lower bound" if slowest.rdf.capped else ""
        in_process = (p50(slowest.rdf.seconds) if slowest.rdf.seconds else cap) / p50(slowest.ox.seconds)
        targets.append(Target(f"10x-faster-than-rdflib@{name}", all(ratio(q) >= 10 for q in jq),
                              f"smallest ratio, HTTP against rdflib, {ratio(slowest):,.1f}x on {slowest.name}{bound}; "
                              f"in-process pyoxigraph {in_process:,.0f}x on it", "10x"))

    share = one.docs_per_s / raw_jieba.docs_per_s
    targets.append(Target("ingest-vs-jieba-per-core", share >= 0.5,
                          f"{one.docs_per_s:.2f} documents/s = {share:.4f} of jieba's {raw_jieba.docs_per_s:,.1f}",
                          "0.5"))

    if f.http_updates and not f.http_update_errors:
        up, how = p50(f.http_updates), "through HTTP"
    elif f.incremental is not None:
        up, how = p50(f.incremental.totals), "library incremental (HTTP updates failed)"
    else:
        up, how = float("inf"), "not measured"
    inc = f" (library incremental {ms(p50(f.incremental.totals))} ms)" if f.incremental is not None else ""
    targets.append(Target(f"update-p50@{name}", up <= UPDATE_LIMIT_S, f"{ms(up)} ms {how}{inc}", "100 ms"))

    peak_mb = max(f.memory_hwm_kb, f.memory_peak_kb) / 1024
    targets.append(Target(f"server-memory@{name}", peak_mb <= MEMORY_LIMIT_MB, f"{peak_mb:,.0f} MB", f"{MEMORY_LIMIT_MB} MB"))
    return targets


# ---------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    args = options(argv)
    command = " ".join(["python", "bench/run.py", *map(shlex.quote, argv if argv is not None else sys.argv[1:])])
    started, t0 = datetime.now(), time.perf_counter()
    info, vers = machine(), versions()
    temporary = args.workdir is None
    workdir = Path(tempfile.mkdtemp(prefix="vetkg-bench-")) if temporary else args.workdir
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        tables, targets, notes = run(args, workdir)
    except (Broken, NoAnswer, RuntimeError, OSError) as exc:
        print(f"bench/run.py: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}", file=sys.stderr)
        return 1
    finally:
        if temporary:
            shutil.rmtree(workdir, ignore_errors=True)
    seconds = time.perf_counter() - t0
    for table in tables:
        say("\n" + table.markdown())
    for n in notes:
        say("note: " + n)
    write_markdown(args.out, command, started, seconds, info, vers, tables, targets, notes)
    say(f"\nwrote {args.out} ({seconds / 60:.1f} min)")
    for target in targets:
        say(target.line())
    return 0


if __name__ == "__main__":
    sys.exit(main())
