"""The request floor against the client's pause between requests: vetkg serve and Oxigraph's server.

```sh
python bench/idle_gaps.py --store PATH                       # ASK {} after pauses of 0, 0.5, 2, 5, 20 ms
python bench/idle_gaps.py --store PATH --gaps 0,20 --repeat 300 --query 'SELECT * { ?s ?p ?o } LIMIT 1'
```

A client in a tight loop meets a server whose threads are still awake; a researcher's script that
thinks between queries, or a benchmark that asks several servers by turns, meets threads that went
to sleep, and every thread or process a request passes through must be woken again. On a virtual
machine a wake onto an idle core costs far more than the work of a cheap query. This shows how
much of the floor is that: for each pause, the p50 of ``--repeat`` requests on one keep-alive
connection to each server (``vetkg serve`` with its result cache off, and ``oxigraph serve`` in
memory loaded with the store's dump), a block per server with their order swapped at each pause,
and the ratio.

The exit status is 0 when it ran, 2 with one line on stderr when it could not (no store, no
``oxigraph`` binary, a server that would not start, a query that failed).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))
import http_load
import peers

GAPS_MS = (0.0, 0.5, 2.0, 5.0, 20.0)


def _gaps(text: str) -> list[float]:
    try:
        gaps = [float(g) for g in text.split(",") if g.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"--gaps takes milliseconds separated by commas, not {text!r}") from None
    if not gaps or any(not 0 <= g <= 1000 for g in gaps):
        raise argparse.ArgumentTypeError(f"--gaps takes 1 to n pauses of 0 to 1000 ms, not {text!r}")
    return gaps


def p50_after(client: http_load.Client, query: str, gap_s: float, repeat: int) -> float:
    """The p50 in ms of ``repeat`` requests, each after a pause of ``gap_s`` seconds."""
    times = []
    for _ in range(repeat):
        if gap_s:
            time.sleep(gap_s)
        status, body, seconds = http_load.query_once(client, query)
        if status != 200:
            said = " ".join(body[:300].decode("utf-8", "replace").split())  # one line, whatever the server wrote
            raise RuntimeError(f"the query failed: HTTP {status}: {said}")
        times.append(seconds)
    return statistics.median(times) * 1000


def run(store: Path, workdir: Path, gaps_ms: list[float], repeat: int, query: str) -> list[tuple[float, float, float]]:
    """(gap ms, vetkg p50 ms, Oxigraph's server p50 ms) for each gap."""
    binary = peers.oxigraph_binary()
    if binary is None:
        raise RuntimeError("no oxigraph binary: pip install oxigraph")
    dump = workdir / "dump.nq"
    try:  # as run.py gives the peers their data
        ox.Store.read_only(str(store)).dump(str(dump), format=ox.RdfFormat.N_QUADS)
    except OSError as exc:
        raise RuntimeError(f"cannot read the store at {store}: {exc}") from None
    rows = []
    with peers.OxigraphServer(binary, dump, workdir / "oxigraph.log") as oxi, \
            http_load.Server(store, {"result_cache_mb": "0"}, log=workdir / "serve.log") as vetkg:
        clients = [http_load.Client(vetkg.port, form=True), http_load.Client(oxi.port, path="/query", form=True)]
        for client in clients:  # the warm-up: pages the data in
            p50_after(client, query, 0, 50)
        for i, gap in enumerate(gaps_ms):
            order = (0, 1) if i % 2 == 0 else (1, 0)
            p50 = {k: p50_after(clients[k], query, gap / 1000, repeat) for k in order}
            rows.append((gap, p50[0], p50[1]))
        for client in clients:
            client.close()
    return rows


def report(rows: list[tuple[float, float, float]], query: str, repeat: int) -> str:
    lines = [f"idle gaps: {query!r}, p50 of {repeat} requests after each pause"]
    lines += [f"pause {gap:g} ms: vetkg {ours:.3f} ms, Oxigraph server {theirs:.3f} ms, ratio {ours / theirs:.2f}"
              for gap, ours, theirs in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, required=True, help="a store built by vetkg build")
    parser.add_argument("--gaps", type=_gaps, default=list(GAPS_MS), help="pauses in ms, comma-separated")
    parser.add_argument("--repeat", type=int, default=150, help="requests per pause and server")
    parser.add_argument("--query", default="ASK {}")
    parser.add_argument("--workdir", type=Path, help="where the dump and the logs go (default: a temporary directory)")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if not args.store.is_dir():
        print(f"idle_gaps: no store at {args.store}", file=sys.stderr)
        return 2
    try:
        if args.workdir:
            args.workdir.mkdir(parents=True, exist_ok=True)
            rows = run(args.store, args.workdir, args.gaps, args.repeat, args.query)
        else:
            with tempfile.TemporaryDirectory(prefix="idle-gaps-") as tmp:
                rows = run(args.store, Path(tmp), args.gaps, args.repeat, args.query)
    except (RuntimeError, OSError) as exc:
        print(f"idle_gaps: {exc}", file=sys.stderr)
        return 2
    print(report(rows, args.query, args.repeat))
    return 0


if __name__ == "__main__":
    sys.exit(main())
