"""Repeated queries: vetkg's result cache on and off, beside Oxigraph's own server.

    python bench/repeat_cache.py --store /tmp/vetkg-bench/store-3k [--repeat 200]

The store is one `bench/run.py --workdir` leaves behind (or any vetkg store). Three servers
answer the same 14 queries of `queries.py` over HTTP, by turns, one keep-alive connection each,
`Accept: application/sparql-results+json`: `vetkg serve` with `result_cache_mb=0`, `vetkg serve`
with the default cache (every run after the first warm-up is a hit), and, when the `oxigraph`
binary is installed (`pip install oxigraph`), `oxigraph serve` in memory with the same quads and
`--union-default-graph`. Prints one line per query with the three p50s in ms.
"""
from __future__ import annotations

import argparse
import http.client
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from contextlib import ExitStack
from functools import partial
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import engines  # noqa: E402 - bench/ is not a package
import http_load  # noqa: E402
from queries import rendered, sample_parameters  # noqa: E402


class OxigraphServer:
    """``oxigraph serve`` in memory on a free loopback port, loaded with ``nquads``."""

    def __init__(self, binary: str, nquads: Path) -> None:
        self.binary, self.nquads, self.port = binary, nquads, http_load.free_port()
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> OxigraphServer:
        self.proc = subprocess.Popen([self.binary, "serve", "--bind", f"127.0.0.1:{self.port}", "--union-default-graph"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise RuntimeError("oxigraph serve did not start") from None
                time.sleep(0.1)
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        conn.request("POST", "/store", body=self.nquads.read_bytes(), headers={"Content-Type": "application/n-quads"})
        resp = conn.getresponse()
        resp.read()
        conn.close()
        if resp.status not in (200, 201, 204):
            raise RuntimeError(f"oxigraph serve refused the quads: {resp.status}")
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(10)


class OxigraphClient(http_load.Client):
    """Oxigraph's server takes a direct POST of a query at /query, not /sparql."""

    def post(self, body: str, content_type: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        self.conn.request("GET", "/query?" + urllib.parse.urlencode({"query": body}),
                          headers={"Accept": http_load.RESULTS_JSON})
        resp = self.conn.getresponse()
        return resp.status, resp.read()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, required=True, help="an on-disk vetkg (Oxigraph) store")
    parser.add_argument("--repeat", type=int, default=200, help="timed runs per query and server")
    args = parser.parse_args(argv)
    if not args.store.is_dir():
        print(f"repeat_cache: no store at {args.store}", file=sys.stderr)
        return 1

    import pyoxigraph as ox

    store = ox.Store.read_only(str(args.store))
    texts = rendered(sample_parameters(partial(engines.oxigraph_select, store)))
    nquads = args.store.with_name(args.store.name + ".repeat.nq")
    store.dump(str(nquads), format=ox.RdfFormat.N_QUADS)
    del store

    # Two servers cannot open one store (Oxigraph locks it): the cached one gets a copy.
    copy = args.store.with_name(args.store.name + ".repeat-copy")
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(args.store, copy)
    binary = shutil.which("oxigraph") or shutil.which("oxigraph", path=str(Path(sys.executable).parent))
    with ExitStack() as stack:
        off = stack.enter_context(http_load.Server(args.store, {"result_cache_mb": "0"}))
        on = stack.enter_context(http_load.Server(copy, {}))  # the default bound
        clients: dict[str, http_load.Client] = {"cache off": http_load.Client(off.port), "cache on": http_load.Client(on.port)}
        if binary:
            oxi = stack.enter_context(OxigraphServer(binary, nquads))
            clients["oxigraph serve"] = OxigraphClient(oxi.port)
        print(f"{'query':<28}" + "".join(f"{name:>16}" for name in clients) + "   (p50 ms, repeated query)")
        ratios: list[float] = []
        for q, text in texts:
            seconds: dict[str, list[float]] = {name: [] for name in clients}
            for name, client in clients.items():  # warm-up: fills the cache, pages the data in
                status, body, _ = http_load.query_once(client, text)
                if status != 200:
                    print(f"repeat_cache: {q.name} answered {status} by {name}: {body[:200]!r}", file=sys.stderr)
                    return 1
            for _ in range(args.repeat):
                for name, client in clients.items():
                    seconds[name].append(http_load.query_once(client, text)[2])
            p50 = {name: statistics.median(s) * 1000 for name, s in seconds.items()}
            if "oxigraph serve" in p50:
                ratios.append(p50["cache on"] / p50["oxigraph serve"])
            print(f"{q.name:<28}" + "".join(f"{p50[name]:>16.2f}" for name in clients))
        conn = http.client.HTTPConnection("127.0.0.1", on.port, timeout=10)
        conn.request("GET", "/metrics")
        counts = {line.split()[0]: line.split()[1] for line in conn.getresponse().read().decode().splitlines()
                  if line.startswith("vetkg_result_cache_")}
        conn.close()
        print("cache on: " + ", ".join(f"{name.removeprefix('vetkg_result_cache_')} {counts.get(name, '?')}"
                                       for name in ("vetkg_result_cache_hits_total", "vetkg_result_cache_misses_total",
                                                    "vetkg_result_cache_bytes")))
        if ratios:
            print(f"geometric mean of p50 ratios, cache on / oxigraph serve: {statistics.geometric_mean(ratios):.2f}")
    nquads.unlink()
    for leftover in copy.parent.glob(copy.name + "*"):
        shutil.rmtree(leftover) if leftover.is_dir() else leftover.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
