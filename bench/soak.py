"""A mixed run: 8 readers and 1 writer at a steady request rate, for minutes.

```sh
python bench/soak.py                           # 10 minutes at 70% of the measured saturation
python bench/soak.py --duration 60 --rate 20 --store PATH
```

The server is ``vetkg serve`` over a copy of the store (``--store``, or ``seeds/`` built). The
readers send the benchmark's query set (bench/queries.py, parameters sampled from the graph),
each from its own offset, paced so that together they send ``--rate`` requests a second; without
``--rate`` the saturation is measured first (8 clients sending without pause for
``--saturation-seconds``) and 70% of it is used. The writer sends a numbered one-triple
``INSERT DATA`` with a bearer token ``--write-rate`` times a second (each write retires the query
workers, so reads and writes interleave as they would in use).

Printed: the requests sent and the errors (an answer other than 200 to a read or 204 to a write,
or a failed request, with samples), the p99 latency of each kind of query and of the writes, and
the server's memory (its resident set plus its workers' private pages) at the start, after a
warm-up, and at the end.
"""
from __future__ import annotations

import argparse
import http.client
import math
import multiprocessing
import os
import secrets
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))
import engines
import http_load
import workload
from queries import rendered, sample_parameters

_FORK = multiprocessing.get_context("fork")
WHO = "soak"
Sample = tuple[str, float, bool, str]  # kind, seconds, ok, reason


def _paced(port: int, start_at: float, stop_at: float, interval: float, send, conn) -> None:
    """Call ``send(client, i)`` every ``interval`` seconds from ``start_at`` to ``stop_at``; a
    late call is sent at once (the schedule is kept, not shifted)."""
    client = http_load.Client(port, timeout=120)
    samples: list[Sample] = []
    i = 0
    while True:
        due = start_at + i * interval
        if due >= stop_at:
            break
        wait = due - time.time()
        if wait > 0:
            time.sleep(wait)
        started = time.perf_counter()
        try:
            kind, ok, reason = send(client, i)
        except (OSError, http.client.HTTPException) as exc:
            kind, ok, reason = "?", False, f"{type(exc).__name__}: {exc}"
        samples.append((kind, time.perf_counter() - started, ok, reason))
        i += 1
    client.close()
    conn.send(samples)
    conn.close()
    os._exit(0)


def _reader(texts: list[tuple[str, str]], offset: int):
    def send(client: http_load.Client, i: int) -> tuple[str, bool, str]:
        kind, text = texts[(offset + i) % len(texts)]
        status, body = client.query(text)
        return kind, status == 200, f"{kind}: HTTP {status} {body[:120].decode('utf-8', 'replace')}"
    return send


def _writer(token: str, measure: str, graph: str):
    def send(client: http_load.Client, i: int) -> tuple[str, bool, str]:
        status, data = client.post(workload.numbered_insert(measure, graph, i + 1), "application/sparql-update",
                                   {"Authorization": f"Bearer {token}"})
        return "write", status in (200, 204), f"write: HTTP {status} {data[:120].decode('utf-8', 'replace')}"
    return send


def _run_paced(port: int, senders: list[tuple[object, float]], seconds: float) -> list[Sample]:
    start_at = time.time() + 0.5
    stop_at = start_at + seconds
    procs, pipes = [], []
    for send, interval in senders:
        parent, child = _FORK.Pipe(duplex=False)
        proc = _FORK.Process(target=_paced, args=(port, start_at, stop_at, interval, send, child), daemon=True)
        proc.start()
        child.close()
        procs.append(proc)
        pipes.append(parent)
    samples: list[Sample] = []
    for proc, pipe in zip(procs, pipes, strict=False):
        try:
            samples += pipe.recv()
        except EOFError:
            samples.append(("?", 0.0, False, "a client process died"))
        proc.join()
    return samples


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(0.99 * len(ordered)) - 1)]


def _query_texts(store_path: Path) -> list[tuple[str, str]]:
    """The workload's queries with parameters drawn from the store (opened read-only, then closed)."""
    store = ox.Store.read_only(str(store_path))
    return [(q.category, text) for q, text in rendered(sample_parameters(lambda s: engines.oxigraph_select(store, s)))]


def run(args: argparse.Namespace) -> str:
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="vetkg-soak-"))
    workdir.mkdir(parents=True, exist_ok=True)
    store_path = workload.prepare_store(args.store, workdir)
    measure, graph = workload.write_target(store_path)
    texts = _query_texts(store_path)
    token = secrets.token_hex(16)
    lines = []
    with http_load.Server(store_path, {"update_tokens": f"{WHO}:{token}"}, log=workdir / "serve.log") as server:
        memory_start = http_load.server_memory_kb(server.pid)
        client = http_load.Client(server.port)
        for _, text in texts:  # warm-up: every query once, its worker forked
            client.query(text)
        client.close()
        memory_warm = http_load.server_memory_kb(server.pid)
        rate = args.rate
        if rate is None:
            saturation = http_load.load(server.port, [t for _, t in texts], args.readers, args.saturation_seconds)
            measured = len(saturation.latencies) / args.saturation_seconds
            rate = 0.7 * measured
            how = f"70% of the {measured:.1f} req/s measured with {args.readers} clients"
        else:
            how = "as asked"
        senders: list[tuple[object, float]] = [(_reader(texts, r * 3), args.readers / rate) for r in range(args.readers)]
        if args.write_rate > 0:
            senders.append((_writer(token, measure, graph), 1 / args.write_rate))
        samples = _run_paced(server.port, senders, args.duration)
        memory_end = http_load.server_memory_kb(server.pid)
    by_kind: dict[str, list[float]] = defaultdict(list)
    errors = [s for s in samples if not s[2]]
    for kind, seconds, ok, _ in samples:
        if ok:
            by_kind[kind].append(seconds)
    reads = sum(1 for s in samples if s[0] != "write")
    lines.append(f"soak: {args.duration:g} s, {args.readers} readers at {rate:.1f} req/s ({how}), "
                 f"1 writer at {args.write_rate:g}/s")
    lines.append(f"requests: {len(samples)} ({reads} reads, {len(samples) - reads} writes), errors: {len(errors)}")
    lines += [f"  error: {reason}" for _, _, _, reason in errors[:5]]
    for kind in sorted(by_kind):
        values = by_kind[kind]
        lines.append(f"p99 {kind}: {p99(values) * 1000:.1f} ms (p50 {sorted(values)[len(values) // 2] * 1000:.1f} ms, "
                     f"n={len(values)})")
    lines.append(f"memory: start {memory_start / 1024:.0f} MB, after warm-up {memory_warm / 1024:.0f} MB, "
                 f"end {memory_end / 1024:.0f} MB (server RSS + workers' private pages)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=600.0, help="seconds of the mixed run")
    parser.add_argument("--rate", type=float, help="read requests a second, all readers together "
                                                   "(default: 70%% of the measured saturation)")
    parser.add_argument("--saturation-seconds", type=float, default=10.0)
    parser.add_argument("--readers", type=int, default=8)
    parser.add_argument("--write-rate", type=float, default=1.0, help="writes a second")
    parser.add_argument("--store", type=Path, help="a store to copy (default: build seeds/)")
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args(argv)
    if args.duration <= 0 or args.readers < 1 or (args.rate is not None and args.rate <= 0) or args.write_rate < 0:
        parser.error("--duration, --readers and --rate must be positive, --write-rate not negative")
    print(run(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
