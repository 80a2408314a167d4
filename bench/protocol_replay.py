"""The W3C SPARQL 1.1 Protocol tests replayed against a real ``vetkg serve``, memory sampled.

```sh
python bench/protocol_replay.py                    # the 34 tests once, over a store built from seeds/
python bench/protocol_replay.py --repeat 5 --store PATH --only 'update_' --setting update_timeout=300
```

The server is ``vetkg serve`` (waitress, server/serving.py) over a copy of the store (``--store``,
or ``seeds/`` built), with a writer token and ``allow_unknown_graphs`` (the suite names
``data0.rdf``, a graph no test loads, as its default graph). Each test is run as a conformance
harness runs it, through HTTP only: ``DROP SILENT ALL`` (so the first one removes the seed's data,
the write that grew the history geometrically before its records held only their change), then
``PUT /store?graph=…`` of each of its ``ut:graphData`` graphs, then its requests as the manifest
writes them (paths under ``/sparql/`` sent to ``/sparql``; a bearer token added, since the suite's
updates carry none). A request passes when its status is in the expected class and, for a 2xx,
its body is of the expected kind (a boolean, with the expected value where given; solutions; RDF).

Printed: one line per test (pass/FAIL, its requests, the first failure), the requests sent, the
5xx answers and failed requests (**errors**), the p50/p99 latency of the tests' requests and of the
setup writes, the server's memory (resident set plus its query workers' private pages, see
bench/http_load.py ``MemorySampler``) at the start, at its peak and at the end against
``--max-memory-mb``, and the largest literal of the write history (its side store, read after the
server stopped). Exit status 1 when a response was 5xx, a request failed, or the peak passed the
bound; a test that fails on its expected status alone is reported, not counted as an error.
"""
from __future__ import annotations

import argparse
import http.client
import math
import re
import secrets
import sys
import tempfile
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.collection import Collection

sys.path.insert(0, str(Path(__file__).resolve().parent))
import http_load
import workload

MANIFEST = workload.ROOT / "tests" / "data" / "w3c" / "protocol" / "manifest.ttl"
HISTORY = "https://w3id.org/vetkg/graph/history"
MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = rdflib.Namespace("http://www.w3.org/2011/http#")
CNT = rdflib.Namespace("http://www.w3.org/2011/content#")
UT = rdflib.Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = "http://www.w3.org/2011/http-statusCodes#StatusCode"
WHO = "w3c"
BOOLEAN_TYPES = {"application/sparql-results+json", "application/sparql-results+xml"}


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: set[int]  # expected status classes: 2, 4 …
    result_format: str | None = None
    boolean: bool | None = None


@dataclass
class Case:
    name: str
    graphs: dict[str, Path] = field(default_factory=dict)  # graph IRI -> N-Triples file
    requests: list[Request] = field(default_factory=list)


def _encode(body: str, headers: dict[str, str]) -> bytes:
    # The non-UTF-8 tests declare UTF-16; send what they declare.
    declared = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    return body.encode("utf-16" if "utf-16" in declared.lower() else "utf-8")


def read_manifest(path: Path = MANIFEST) -> list[Case]:
    graph = rdflib.Graph().parse(path, format="turtle", publicID=path.resolve().as_uri())
    manifest = next(graph.subjects(rdflib.RDF.type, MF.Manifest))
    cases = []
    for entry in Collection(graph, graph.value(manifest, MF.entries)):
        case = Case(str(entry).rsplit("#", 1)[1])
        for data in graph.objects(entry, UT.graphData):
            case.graphs[str(graph.value(data, rdflib.RDFS.label))] = Path(
                urllib.parse.unquote(urllib.parse.urlparse(str(graph.value(data, UT.graph))).path))
        for req in Collection(graph, graph.value(graph.value(entry, MF.action), HT.requests)):
            heads = graph.value(req, HT.headers)
            headers = {str(graph.value(h, HT.fieldName)): str(graph.value(h, HT.fieldValue))
                       for h in Collection(graph, heads)} if heads is not None else {}
            body = graph.value(req, HT.body)
            resp = graph.value(req, HT.resp)
            boolean, fmt = graph.value(resp, MF.expectedBoolean), graph.value(resp, MF.expectedFormat)
            case.requests.append(Request(
                method=str(graph.value(req, HT.methodName)),
                path=str(graph.value(req, HT.absolutePath)).replace("/sparql/", "/sparql", 1),
                headers=headers,
                body=None if body is None else _encode(str(graph.value(body, CNT.chars)), headers),
                statuses={int(str(s)[len(HTS)]) for s in graph.objects(resp, MF.expectedStatus)},
                result_format=None if fmt is None else str(fmt),
                boolean=None if boolean is None else bool(boolean.toPython()),
            ))
        cases.append(case)
    return cases


def _format_problem(req: Request, mimetype: str, data: bytes) -> str:
    """Why a 2xx body is not what the test expects, or ""."""
    results_format = ox.QueryResultsFormat.from_media_type(mimetype) if mimetype else None
    try:
        if req.result_format == "boolean":
            if mimetype not in BOOLEAN_TYPES or results_format is None:
                return f"a boolean expected, got {mimetype}"
            value = bool(ox.parse_query_results(data, format=results_format))
            if req.boolean is not None and value is not req.boolean:
                return f"expected {req.boolean}, got {value}"
        elif req.result_format == "tabular":
            if results_format is None:
                return f"solutions expected, got {mimetype}"
            if not isinstance(ox.parse_query_results(data, format=results_format), ox.QuerySolutions):
                return "solutions expected"
        elif req.result_format == "RDF":
            fmt = ox.RdfFormat.from_media_type(mimetype) if mimetype else None
            if fmt is None:
                return f"RDF expected, got {mimetype}"
            list(ox.parse(data, format=fmt))
    except (SyntaxError, ValueError, OSError) as exc:
        return f"unreadable {mimetype}: {exc}"
    return ""


class Connection:
    """One keep-alive connection sending requests as given; reconnects after a close or an error."""

    def __init__(self, port: int, timeout: float) -> None:
        self.port, self.timeout = port, timeout
        self.conn: http.client.HTTPConnection | None = None

    def send(self, method: str, path: str, headers: dict[str, str], body: bytes | None) -> tuple[int, str, bytes, float]:
        """(status, media type, body, seconds up to the last byte)."""
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=headers)
            resp = self.conn.getresponse()
            data = resp.read()
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        seconds = time.perf_counter() - started
        if resp.getheader("Connection", "").lower() == "close":
            self.close()
        return resp.status, (resp.getheader("Content-Type") or "").split(";")[0].strip(), data, seconds

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


@dataclass
class Tally:
    lines: list[str] = field(default_factory=list)
    passed: int = 0
    failed: int = 0
    sent: int = 0
    errors: list[str] = field(default_factory=list)  # 5xx answers and requests that failed
    kinds: Counter = field(default_factory=Counter)  # of the errors: "HTTP 503", "failed" …
    latencies: list[float] = field(default_factory=list)  # the tests' own requests
    setup: list[float] = field(default_factory=list)  # DROP SILENT ALL and the PUTs
    slowest: dict[str, tuple[float, str]] = field(default_factory=dict)  # kind -> (seconds, which request)

    def took(self, kind: str, seconds: float, what: str) -> None:
        (self.latencies if kind == "test requests" else self.setup).append(seconds)
        if seconds > self.slowest.get(kind, (-1.0, ""))[0]:
            self.slowest[kind] = (seconds, what)


def _error(tally: Tally, what: str, status: int | None, data: bytes | str) -> None:
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    kind = f"HTTP {status}" if status else "failed"
    tally.kinds[kind] += 1
    tally.errors.append(f"{what}: {kind} {' '.join(text.split())[:160]}")


def _setup(conn: Connection, case: Case, auth: dict[str, str], tally: Tally) -> str:
    """Empty the store and load the test's graphs; a problem, or ""."""
    writes = [("POST", "/sparql", {"Content-Type": "application/sparql-update", **auth}, b"DROP SILENT ALL")]
    writes += [("PUT", "/store?" + urllib.parse.urlencode({"graph": name}),
                {"Content-Type": "application/n-triples", **auth}, path.read_bytes())
               for name, path in case.graphs.items()]
    for method, path, headers, body in writes:
        tally.sent += 1
        try:
            status, _, data, seconds = conn.send(method, path, headers, body)
        except (OSError, http.client.HTTPException) as exc:
            _error(tally, f"{case.name} setup {method} {path}", None, f"{type(exc).__name__}: {exc}")
            return "setup request failed"
        tally.took("setup writes", seconds, f"{case.name} {method} {path}"[:90])
        if status >= 500:
            _error(tally, f"{case.name} setup {method} {path}", status, data)
        if status // 100 != 2:
            return f"setup {method} {path}: HTTP {status} {' '.join(data.decode('utf-8', 'replace').split())[:120]}"
    return ""


def run_case(conn: Connection, case: Case, auth: dict[str, str], tally: Tally) -> None:
    problem = _setup(conn, case, auth, tally)
    for n, req in enumerate(case.requests, 1):
        if problem:
            break
        tally.sent += 1
        what = f"{case.name} request {n} ({req.method} {req.path[:60]})"
        try:
            status, mimetype, data, seconds = conn.send(req.method, req.path, {**req.headers, **auth}, req.body)
        except (OSError, http.client.HTTPException) as exc:
            _error(tally, what, None, f"{type(exc).__name__}: {exc}")
            problem = f"request {n} failed: {type(exc).__name__}"
            break
        tally.took("test requests", seconds, what)
        if status >= 500:
            _error(tally, what, status, data)
        if status // 100 not in req.statuses:
            expected = "/".join(f"{s}xx" for s in sorted(req.statuses))
            problem = f"request {n}: HTTP {status}, {expected} expected: {' '.join(data.decode('utf-8', 'replace').split())[:120]}"
        elif status // 100 == 2 and (why := _format_problem(req, mimetype, data)):
            problem = f"request {n}: {why}"
    if problem:
        tally.failed += 1
        tally.lines.append(f"  FAIL {case.name} ({len(case.requests)} requests): {problem}")
    else:
        tally.passed += 1
        tally.lines.append(f"  pass {case.name} ({len(case.requests)} requests)")


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))] if ordered else float("nan")


def largest_history_literal(store: Path) -> int:
    """Bytes of the largest literal of the write history, in the store and its details side store
    (store/history_details.py); read with no server holding them."""
    largest = 0
    for path in (store, Path(f"{store}.history")):
        if not (path / "CURRENT").exists():
            continue
        held = ox.Store.read_only(str(path))
        try:
            for quad in held.quads_for_pattern(None, None, None, ox.NamedNode(HISTORY)):
                if isinstance(quad.object, ox.Literal):
                    largest = max(largest, len(quad.object.value.encode()))
        finally:
            del held
    return largest


def run(args: argparse.Namespace) -> tuple[str, bool]:
    """(the report, whether it is clean: no error and the peak under the bound)."""
    cases = read_manifest(args.manifest)
    if args.only:
        pattern = re.compile(args.only)
        cases = [c for c in cases if pattern.search(c.name)]
        if not cases:
            raise SystemExit(f"protocol_replay: no test of {args.manifest} matches {args.only!r}")
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="vetkg-replay-"))
    workdir.mkdir(parents=True, exist_ok=True)
    store = workload.prepare_store(args.store, workdir)
    token = secrets.token_hex(16)
    auth = {"Authorization": f"Bearer {token}"}
    tally = Tally()
    env = {"update_tokens": f"{WHO}:{token}", "allow_unknown_graphs": "true", **dict(args.setting)}
    started = time.monotonic()
    with http_load.Server(store, env, log=workdir / "serve.log") as server:
        memory_start = http_load.server_memory_kb(server.pid)
        conn = Connection(server.port, args.timeout)
        with http_load.MemorySampler(server.pid) as sampler:
            for rnd in range(1, args.repeat + 1):
                if args.repeat > 1:
                    tally.lines.append(f" round {rnd}")
                for case in cases:
                    run_case(conn, case, auth, tally)
        conn.close()
        memory_end = http_load.server_memory_kb(server.pid)
        hwm = sampler.hwm_kb()
    seconds = time.monotonic() - started
    peak = max(sampler.peak_total_kb, hwm, memory_start, memory_end)
    bound_kb = args.max_memory_mb * 1024
    literal = largest_history_literal(store)
    total = tally.passed + tally.failed
    lines = [f"protocol replay: {len(cases)} tests x {args.repeat} over {store} ({seconds:.1f} s)", *tally.lines,
             f"tests: {tally.passed} passed, {tally.failed} failed of {total}",
             f"requests: {tally.sent}, errors: {len(tally.errors)} (5xx or failed)"
             + "".join(f", {n} {kind}" for kind, n in sorted(tally.kinds.items()))]
    lines += [f"  error: {e}" for e in tally.errors[:10]]
    for name, values in (("test requests", tally.latencies), ("setup writes", tally.setup)):
        worst, which = tally.slowest.get(name, (float("nan"), "none"))
        lines.append(f"latency {name}: p99 {quantile(values, 0.99) * 1000:.1f} ms, "
                     f"p50 {quantile(values, 0.5) * 1000:.1f} ms (n={len(values)}); slowest {worst * 1000:.0f} ms: {which}")
    lines.append(f"memory: start {memory_start / 1024:.0f} MB, peak {peak / 1024:.0f} MB, end {memory_end / 1024:.0f} MB; "
                 f"peak/start {peak / max(1, memory_start):.2f}, end/start {memory_end / max(1, memory_start):.2f} "
                 f"(server RSS + workers' private pages; server VmHWM {hwm / 1024:.0f} MB)")
    lines.append(f"memory bound {args.max_memory_mb} MB: {'MET' if peak <= bound_kb else 'MISSED'}")
    lines.append(f"largest history literal: {literal} bytes")
    return "\n".join(lines), not tally.errors and peak <= bound_kb


def _setting(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is not NAME=VALUE")
    return name.strip().lower(), value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--manifest", type=Path, default=MANIFEST, help="the protocol suite's manifest.ttl")
    parser.add_argument("--only", help="a regular expression: run only the tests whose name it finds")
    parser.add_argument("--repeat", type=int, default=1, help="rounds of the whole suite, one after another")
    parser.add_argument("--max-memory-mb", type=int, default=1024, help="the bound on the server's peak memory")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for one answer")
    parser.add_argument("--setting", action="append", default=[], type=_setting, metavar="NAME=VALUE",
                        help="a setting of the server (server/config.py), as VETKG_NAME; repeatable")
    parser.add_argument("--store", type=Path, help="a store to copy (default: build seeds/)")
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.max_memory_mb < 1 or args.timeout <= 0:
        parser.error("--repeat, --max-memory-mb and --timeout must be positive")
    if not args.manifest.is_file():
        parser.error(f"no manifest at {args.manifest}")
    report, clean = run(args)
    print(report)
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
