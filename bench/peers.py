"""vetkg beside its peers (issue 14): Oxigraph's server, Virtuoso and Jena, same data, same queries.

:func:`measure` starts, over the N-Quads dump of the built store, ``vetkg serve`` twice (result
cache off, and on with the default bound, on a copy of the store: Oxigraph locks a store),
``oxigraph serve`` in memory with ``--union-default-graph`` (as vetkg answers from a copy in
memory), and Virtuoso (Debian's ``virtuoso-t``, started and loaded as tests/virtuoso.py does, its
default graph being the union of its graphs). Every HTTP engine gets the same requests from the
same client code (:class:`http_load.Client`, a URL-encoded POST, JSON results); each query is
run once on each for a warm-up, then ``repeat`` times by turns, the order rotated every turn, so
that a change in the load of the shared machine falls on all alike. ``ASK {}`` comes first: the
cost of a request with nothing to evaluate. Then 8 and 32 clients send the mixed set to each
server in turn, and the resident memory of every server is sampled throughout.

Debian's Jena (libapache-jena-java) has no SPARQL HTTP server: no Fuseki (``jena.fuseki`` in
jena-cmds.jar only dispatches to a Fuseki that is not packaged). Jena is then timed as
``tdb2.tdbquery --repeat=1,N --time`` over a TDB2 database made by ``tdb2.tdbloader``: one JVM
per query, the JVM's own timing of each run (results written to a file), never HTTP. Its column
says so; its figures are not comparable with the HTTP ones as a server's would be.

:func:`tables` and :func:`judge` turn the figures into the peers table and the target lines of
issue 14 (a missing peer is "not installed" and its targets MISSED as not measured).
"""
from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from statistics import geometric_mean

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

import http_load  # noqa: E402 - bench/ is not a package
from report import Table, Target, ms, num, p50, percentile  # noqa: E402

PEERS = ("oxigraph", "virtuoso", "jena")
OFF, ON = "vetkg", "vetkg cached"  # vetkg's result cache off (the figures of evaluation) and on
LABELS = {OFF: "vetkg (cache off)", ON: "vetkg (cache on)", "oxigraph": "Oxigraph server",
          "virtuoso": "Virtuoso", "jena": "Jena TDB2 (tdbquery, no HTTP)"}
ASK = ("ASK {}", "ASK {}")
CLIENTS = (8, 32)
MEMORY_LIMIT_MB = 1000
JAVA = Path("/usr/share/java")
# What jena-cmds needs at run time from Debian's jars (libapache-jena-java's Depends), by name.
JENA_JARS = ("jena-arq", "jena-base", "jena-core", "jena-dboe-base", "jena-dboe-index", "jena-dboe-storage",
             "jena-dboe-trans-data", "jena-dboe-transaction", "jena-iri", "jena-rdfconnection", "jena-shacl",
             "jena-shex", "jena-tdb", "jena-tdb2", "jena-cmds", "dexx.collection", "commons-cli", "commons-codec",
             "commons-compress", "commons-csv", "commons-io", "commons-lang3", "gson", "guava", "httpclient",
             "httpcore", "jackson-core", "jackson-databind", "jackson-annotations", "jakarta.json-api",
             "jsonld-java", "thrift", "protobuf", "slf4j-api", "slf4j-nop")


def peer_list(text: str) -> list[str]:
    """``oxigraph,virtuoso,jena``, a subset, or ``none``."""
    names = [t.strip().lower() for t in text.split(",") if t.strip()]
    if names == ["none"]:
        return []
    unknown = [n for n in names if n not in PEERS]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown peer {', '.join(unknown)} (say {','.join(PEERS)} or none)")
    return list(dict.fromkeys(names))


def oxigraph_binary() -> str | None:
    """The ``oxigraph`` command of ``pip install oxigraph``: on PATH or beside this Python."""
    return shutil.which("oxigraph") or shutil.which("oxigraph", path=str(Path(sys.executable).parent))


def missing(name: str) -> str | None:
    """Why a peer cannot run here, or None."""
    if name == "oxigraph":
        return None if oxigraph_binary() else "not installed (pip install oxigraph)"
    if name == "virtuoso":
        absent = [p for p in ("virtuoso-t", "isql-vt") if shutil.which(p) is None]
        return f"not installed ({', '.join(absent)}: apt-get install virtuoso-opensource-7-bin)" if absent else None
    if name == "jena":
        if shutil.which("java") is None:
            return "not installed (no java)"
        absent = [j for j in JENA_JARS if not (JAVA / f"{j}.jar").exists()]
        return f"not installed ({', '.join(absent[:3])}.jar missing: apt-get install libapache-jena-java)" \
            if absent else None
    raise ValueError(name)


def installed(names: list[str] | None) -> list[str]:
    """The default of --peers: every peer that can run here."""
    return [n for n in PEERS if missing(n) is None] if names is None else names


# ---------------------------------------------------------------- figures


@dataclass
class PeerQuery:
    name: str
    seconds: dict[str, list[float]] = field(default_factory=dict)
    rows: dict[str, int | None] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def p50(self, engine: str) -> float | None:
        values = self.seconds.get(engine)
        return p50(values) if values and engine not in self.errors else None


@dataclass
class Throughput:
    requests: int
    seconds: float
    errors: int
    p50_s: float | None
    p99_s: float | None

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


@dataclass
class PeerFigures:
    scale: str
    engines: list[str]  # the engines that ran, vetkg's two first
    absent: dict[str, str]  # peer -> why it did not run
    queries: list[PeerQuery] = field(default_factory=list)  # ASK {} first, then the query set
    load: dict[tuple[str, int], Throughput] = field(default_factory=dict)
    memory_mb: dict[str, float] = field(default_factory=dict)
    load_s: dict[str, float] = field(default_factory=dict)  # seconds to load the dump
    notes: list[str] = field(default_factory=list)

    @property
    def ask(self) -> PeerQuery | None:
        return next((q for q in self.queries if q.name == ASK[0]), None)

    @property
    def set_queries(self) -> list[PeerQuery]:
        return [q for q in self.queries if q.name != ASK[0]]


# ---------------------------------------------------------------- servers


@dataclass
class Endpoint:
    name: str
    port: int
    path: str
    pid: int


class OxigraphServer:
    """``oxigraph serve`` in memory on a free loopback port, the dump POSTed to /store."""

    def __init__(self, binary: str, nquads: Path, log: Path) -> None:
        self.binary, self.nquads, self.log, self.port = binary, nquads, log, http_load.free_port()
        self.proc: subprocess.Popen | None = None
        self.load_s = 0.0

    def __enter__(self) -> OxigraphServer:
        with open(self.log, "wb") as err:
            self.proc = subprocess.Popen([self.binary, "serve", "--bind", f"127.0.0.1:{self.port}",
                                          "--union-default-graph"], stdout=err, stderr=err)
        try:
            _wait_for_port(self.port, self.proc, "oxigraph serve", self.log)
            start = time.perf_counter()
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=3600)
            with open(self.nquads, "rb") as body:  # streamed: the dump of 1M triples is 150 MB
                conn.request("POST", "/store", body=body, headers={
                    "Content-Type": "application/n-quads", "Content-Length": str(self.nquads.stat().st_size)})
                resp = conn.getresponse()
                text = resp.read()
            conn.close()
        except BaseException:
            self.__exit__()
            raise
        self.load_s = time.perf_counter() - start
        if resp.status not in (200, 201, 204):
            self.__exit__()
            raise RuntimeError(f"oxigraph serve refused the dump: HTTP {resp.status} {text[:200]!r}")
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def _wait_for_port(port: int, proc: subprocess.Popen, what: str, log: Path, seconds: float = 60) -> None:
    import socket

    deadline = time.monotonic() + seconds
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                tail = log.read_text(errors="replace").strip().splitlines()[-3:] if log.exists() else []
                raise RuntimeError(f"{what} did not start: {' | '.join(tail)}") from None
            time.sleep(0.1)


@contextmanager
def virtuoso_server(root: Path, nquads: Path, clients: int) -> Iterator[tuple[Endpoint, float]]:
    """Virtuoso started by tests/virtuoso.py's helper, the dump loaded with its bulk loader."""
    sys.path.insert(0, str(ROOT / "tests"))
    from virtuoso import running_virtuoso

    # 60,000 pages of 8 KB (about 490 MB at most) hold a million triples and their indexes;
    # as many HTTP threads as clients, so none of the 32 waits for a connection.
    with running_virtuoso(root, max_rows=1_000_000, buffers=60_000, http_threads=max(clients, 10)) as server:
        local = root / "dump.nq"  # the loader reads only the directories DirsAllowed names
        try:
            os.link(nquads, local)
        except OSError:
            shutil.copyfile(nquads, local)
        start = time.perf_counter()
        server.isql(f"ld_dir('{root}', 'dump.nq', 'urn:vetkg:bench:unused')")  # N-Quads name their graphs
        server.isql("rdf_loader_run()")
        server.isql("checkpoint")
        load_s = time.perf_counter() - start
        failed = server.isql("SELECT ll_error FROM DB.DBA.load_list WHERE ll_error IS NOT NULL")
        if "0 Rows" not in failed:
            raise RuntimeError(f"Virtuoso's loader failed: {' '.join(failed.split()[-20:])}")
        local.unlink()
        yield Endpoint("virtuoso", server.http_port, "/sparql", server.pid), load_s


# ---------------------------------------------------------------- Jena, without a server


class Jena:
    """tdb2.tdbloader into a TDB2 database, then tdb2.tdbquery per query."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.location = workdir / "tdb2"
        classpath = [str(JAVA / f"{j}.jar") for j in JENA_JARS]
        fix = self._xerces_messages()
        if fix is not None:
            classpath.append(str(fix))
        self.classpath = ":".join(classpath)
        self.max_rss_kb = 0

    def _xerces_messages(self) -> Path | None:
        """Debian's jena-core moves Jena's copy of Xerces to the package ``xerces`` but leaves its
        message files under ``org/apache/jena/ext/xerces``; without them every command fails on
        start in XSDDatatype's initialiser ("internal error"). The files, copied where the
        moved classes look, on the class path."""
        jar = JAVA / "jena-core.jar"
        old = "org/apache/jena/ext/xerces/"
        with zipfile.ZipFile(jar) as z:
            names = z.namelist()
            if not any(n.startswith("xerces/") and n.endswith(".class") for n in names):
                return None
            out = self.workdir / "jena-xerces-messages"
            for n in names:
                if n.startswith(old) and not n.endswith((".class", "/")):
                    target = out / "xerces" / n[len(old):]
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(z.read(n))
        return out

    def _java(self, main: str, *args: str, timeout: float, stdout: Path, stderr: Path) -> int:
        """Run one command; its exit status. Its peak resident set is kept (wait4's rusage)."""
        with open(stdout, "wb") as out, open(stderr, "wb") as err:
            proc = subprocess.Popen(["java", "-cp", self.classpath, main, *args], stdout=out, stderr=err)
        deadline = time.monotonic() + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                proc.returncode = os.waitstatus_to_exitcode(status)
                self.max_rss_kb = max(self.max_rss_kb, usage.ru_maxrss)
                return proc.returncode
            if time.monotonic() > deadline:
                proc.kill()
                proc.wait()
                raise TimeoutError(f"{main} ran past {timeout:g} s")
            time.sleep(0.01)

    def load(self, nquads: Path) -> float:
        shutil.rmtree(self.location, ignore_errors=True)
        start = time.perf_counter()
        err = self.workdir / "tdbloader.err"
        if self._java("tdb2.tdbloader", "--loc", str(self.location), str(nquads), timeout=3600,
                      stdout=self.workdir / "tdbloader.out", stderr=err):
            raise RuntimeError(f"tdb2.tdbloader failed: {_last_line(err)}")
        return time.perf_counter() - start

    def time_query(self, text: str, repeat: int, timeout: float) -> tuple[int | None, list[float], str]:
        """(rows, seconds of each timed run, error): one JVM, one warm-up, ``repeat`` runs."""
        query = self.workdir / "query.rq"
        query.write_text(text, encoding="utf-8")
        out, err = self.workdir / "tdbquery.out", self.workdir / "tdbquery.err"
        try:
            status = self._java("tdb2.tdbquery", "--loc", str(self.location), "--set", "tdb:unionDefaultGraph=true",
                                "--query", str(query), f"--repeat=1,{repeat}", "--time", "--results=json",
                                timeout=timeout * (repeat + 1) + 60, stdout=out, stderr=err)
        except TimeoutError as exc:
            return None, [], str(exc)
        if status:
            return None, [], f"tdb2.tdbquery exited with {status}: {_last_line(err)}"
        seconds = [float(line.split()[1]) for line in err.read_text(errors="replace").splitlines()
                   if line.startswith("Time: ")]
        rows = jena_rows(out.read_text(encoding="utf-8"))
        return rows, seconds[-repeat:], ""


def jena_rows(output: str) -> int | None:
    """Rows of the first of the JSON results tdbquery wrote (one per timed run, back to back)."""
    text = output.lstrip()
    if not text:
        return None
    data, _ = json.JSONDecoder().raw_decode(text)
    return 1 if "boolean" in data else len(data["results"]["bindings"])


def _last_line(path: Path) -> str:
    lines = [line for line in path.read_text(errors="replace").splitlines() if line.strip()]
    return lines[-1][:300] if lines else "(nothing on stderr)"


# ---------------------------------------------------------------- the measurement


def measure(args: argparse.Namespace, workdir: Path, scale: str, store_path: Path, nquads: Path,
            texts: list[tuple[str, str]], say=print) -> PeerFigures:
    """Start every engine, time ``texts`` ((name, query) pairs) by turns, load them with 8 and
    32 clients, read their memory. ``args`` carries peers, repeat, load_seconds, query_timeout."""
    wanted = installed(args.peers)
    absent = {n: m for n in PEERS if (m := missing(n)) is not None}
    absent.update({n: "not asked for (--peers)" for n in PEERS if n not in wanted and n not in absent})
    run_peers = [n for n in wanted if n not in absent]
    fig = PeerFigures(scale, [OFF, ON] + [n for n in run_peers if n != "jena"], absent)
    base = Path(tempfile.mkdtemp(prefix="peers-", dir=workdir))
    copy = base / "store-cached"
    shutil.copytree(store_path, copy)  # two servers cannot open one store
    common = {"query_timeout": str(args.query_timeout)}
    with ExitStack() as stack:
        say(f"[{scale}] peers: starting {', '.join(LABELS[e] for e in fig.engines)} …")
        off = stack.enter_context(http_load.Server(store_path, {**common, "result_cache_mb": "0"},
                                                   log=base / "serve-off.log"))
        on = stack.enter_context(http_load.Server(copy, common, log=base / "serve-on.log"))  # the default bound
        endpoints = [Endpoint(OFF, off.port, "/sparql", off.pid), Endpoint(ON, on.port, "/sparql", on.pid)]
        # A peer that fails to start or load is reported beside the others, not the end of the run.
        if "oxigraph" in run_peers:
            binary = oxigraph_binary()
            assert binary is not None
            try:
                oxi = stack.enter_context(OxigraphServer(binary, nquads, base / "oxigraph.log"))
            except (RuntimeError, OSError) as exc:
                _failed(fig, "oxigraph", exc)
            else:
                fig.load_s["oxigraph"] = oxi.load_s
                assert oxi.proc is not None
                endpoints.append(Endpoint("oxigraph", oxi.port, "/query", oxi.proc.pid))
        if "virtuoso" in run_peers:
            try:
                endpoint, fig.load_s["virtuoso"] = stack.enter_context(
                    virtuoso_server(base / "virtuoso", nquads, max(CLIENTS)))
            except (RuntimeError, OSError) as exc:
                _failed(fig, "virtuoso", exc)
            else:
                endpoints.append(endpoint)
        samplers = {e.name: stack.enter_context(http_load.MemorySampler(e.pid)) for e in endpoints}
        say(f"[{scale}] peers: ASK {{}} and {len(texts)} queries × {args.repeat}, by turns over "
            f"{len(endpoints)} servers …")
        clients = {e.name: http_load.Client(e.port, timeout=args.query_timeout + 30, path=e.path, form=True)
                   for e in endpoints}
        for name, text in [ASK, *texts]:
            fig.queries.append(_by_turns(name, text, clients, args.repeat))
        for c in clients.values():
            c.close()
        mixed = [text for _, text in texts]
        for n in CLIENTS:
            for e in endpoints:
                say(f"[{scale}] peers: {n} clients on {LABELS[e.name]} for {args.load_seconds:g} s …")
                r = http_load.load(e.port, mixed, n, args.load_seconds, path=e.path, form=True)
                lat = r.latencies
                fig.load[(e.name, n)] = Throughput(len(lat) - r.errors, r.seconds, r.errors, p50(lat) if lat else None,
                                                   percentile(lat, 0.99) if lat else None)
                if r.error_samples:
                    fig.notes.append(f"{LABELS[e.name]}, {n} clients: {r.errors} errors, first: {r.error_samples[0]}")
        hwm = {e.name: samplers[e.name].hwm_kb() for e in endpoints}
    for name, sampler in samplers.items():
        fig.memory_mb[name] = max(hwm[name], sampler.peak_total_kb) / 1024

    if "jena" in run_peers:
        _jena(args, base, fig, nquads, texts, say)
    shutil.rmtree(base, ignore_errors=True)
    for q in fig.queries:
        counts = {e: r for e, r in q.rows.items() if e not in q.errors}
        if len(set(counts.values())) > 1:
            fig.notes.append(f"{q.name}: row counts differ (" + ", ".join(f"{LABELS[e]} {r}" for e, r in counts.items()) + ")")
        for engine, message in q.errors.items():
            fig.notes.append(f"{q.name} fails on {LABELS[engine]}: {message}")
    return fig


def _failed(fig: PeerFigures, peer: str, exc: BaseException) -> None:
    fig.absent[peer] = f"did not start: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"
    fig.engines.remove(peer)


def _by_turns(name: str, text: str, clients: dict[str, http_load.Client], repeat: int) -> PeerQuery:
    q = PeerQuery(name)
    live = []
    for engine, client in clients.items():  # the warm-up: pages the data in, fills vetkg's cache
        try:
            status, body, _ = http_load.query_once(client, text)
        except OSError as exc:
            status, body = 0, str(exc).encode()
        if status != 200:
            q.errors[engine] = f"HTTP {status}: {body[:200].decode('utf-8', 'replace')}"
            continue
        q.rows[engine] = http_load.rows_of(body)
        q.seconds[engine] = []
        live.append(engine)
    for i in range(repeat):
        turn = live[i % len(live):] + live[:i % len(live)] if live else []
        for engine in turn:
            if engine in q.errors:
                continue
            try:
                status, body, seconds = http_load.query_once(clients[engine], text)
            except OSError as exc:
                status, body, seconds = 0, str(exc).encode(), 0.0
            if status != 200:
                q.errors[engine] = f"HTTP {status}: {body[:200].decode('utf-8', 'replace')}"
                continue
            q.seconds[engine].append(seconds)
    return q


def _jena(args, base: Path, fig: PeerFigures, nquads: Path, texts, say) -> None:
    jena = Jena(base)
    say(f"[{fig.scale}] peers: Jena tdb2.tdbloader …")
    try:
        fig.load_s["jena"] = jena.load(nquads)
    except (RuntimeError, TimeoutError) as exc:
        fig.absent["jena"] = f"did not run: {exc}"
        return
    fig.engines.append("jena")
    say(f"[{fig.scale}] peers: Jena tdb2.tdbquery, one JVM per query …")
    by_name = {q.name: q for q in fig.queries}
    for name, text in [ASK, *texts]:
        rows, seconds, error = jena.time_query(text, args.repeat, args.query_timeout)
        q = by_name[name]
        q.rows["jena"], q.seconds["jena"] = rows, seconds
        if error or not seconds:
            q.errors["jena"] = error or "no timing printed"
    fig.memory_mb["jena"] = jena.max_rss_kb / 1024


# ---------------------------------------------------------------- tables and targets


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def _r(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def geomean(q: list[PeerQuery], engine: str, against: str = OFF) -> tuple[float | None, int]:
    """Geometric mean of p50(against)/p50(engine) over the queries both answered; how many."""
    ratios = [r for x in q if (r := _ratio(x.p50(against), x.p50(engine))) is not None and r > 0]
    return (geometric_mean(ratios) if ratios else None), len(ratios)


def tables(fig: PeerFigures, clients: tuple[int, ...] = CLIENTS) -> list[Table]:
    peers = [e for e in fig.engines if e not in (OFF, ON)]
    header = ["query", "rows"] + [f"{LABELS[e]} p50 ms" for e in fig.engines] + \
        [f"vetkg / {LABELS[p]}" for p in peers] + ([f"vetkg cached / {LABELS['oxigraph']}"] if "oxigraph" in peers else [])
    t = Table(f"vetkg and its peers at {fig.scale} (same N-Quads, same requests, by turns)", header)
    for q in fig.queries:
        rows = sorted({r for e, r in q.rows.items() if e not in q.errors and r is not None})
        cells = [q.name, "/".join(map(str, rows)) or "–"]
        cells += ["error" if e in q.errors else ms(q.p50(e)) for e in fig.engines]
        cells += [_r(_ratio(q.p50(OFF), q.p50(p))) for p in peers]
        if "oxigraph" in peers:
            cells.append(_r(_ratio(q.p50(ON), q.p50("oxigraph"))))
        t.add(*cells)
    means = ["geometric mean (the query set, not ASK)", ""] + ["" for _ in fig.engines]
    for p in peers:
        g, n = geomean(fig.set_queries, p)
        means.append(f"{_r(g)} ({n})")
    if "oxigraph" in peers:
        g, n = geomean(fig.set_queries, "oxigraph", ON)
        means.append(f"{_r(g)} ({n})")
    t.add(*means)
    for name, why in fig.absent.items():
        t.notes.append(f"{name}: {why}.")
    t.notes.append("Ratios: vetkg's p50 (result cache off unless said) over the peer's; below 1, vetkg is faster. "
                   "Every HTTP engine got the same URL-encoded POST from the same client, one keep-alive "
                   "connection each, a warm-up run then the timed runs by turns (the order rotated each turn); "
                   "with the cache on, every timed run is a repeat of the warm-up.")
    if "jena" in fig.engines:
        t.notes.append("Jena: Debian's libapache-jena-java has no SPARQL HTTP server (no Fuseki), so its column is "
                       "tdb2.tdbquery's own timing of each run inside one JVM per query (one warm-up run), "
                       "results written as JSON to a file: no HTTP, no connection, not by turns.")
    if fig.load_s:
        t.notes.append("Loading the dump: " + ", ".join(f"{LABELS[e]} {s:.1f} s" for e, s in fig.load_s.items()) + ".")
    t.notes += fig.notes

    lt = Table(f"Throughput at {fig.scale}, the mixed query set", ["engine", "clients", "requests/s", "errors",
                                                                   "p50 ms", "p99 ms"])
    for n in clients:
        for e in fig.engines:
            r = fig.load.get((e, n))
            if r is not None:
                lt.add(LABELS[e], n, num(r.per_second, 1), r.errors, ms(r.p50_s), ms(r.p99_s))
    lt.notes.append("Each client is a process with one keep-alive connection sending the 14 queries in turn; one "
                    "server is loaded at a time while the others idle.")

    mt = Table(f"Server memory at {fig.scale}", ["engine", "peak MB"])
    for e in fig.engines:
        if e in fig.memory_mb:
            mt.add(LABELS[e], num(fig.memory_mb[e]))
    mt.notes.append("Peak resident set over the whole peers run (vetkg: plus its query workers' private pages, "
                    "as in the server memory table); Jena: the largest tdbquery JVM.")
    return [t, lt, mt]


def judge(fig: PeerFigures) -> list[Target]:
    s = fig.scale
    out: list[Target] = []
    have_ox = "oxigraph" in fig.engines

    def absent(peer: str) -> str:
        return f"{peer} {fig.absent.get(peer, 'did not run')}: not measured"

    ask = fig.ask
    a_v, a_o = (ask.p50(OFF), ask.p50("oxigraph")) if ask else (None, None)
    if have_ox and a_v is not None and a_o is not None:
        out.append(Target(f"peers-ask-p50-vs-oxigraph@{s}", a_v <= 2 * a_o, f"ASK {{}} {ms(a_v)} ms",
                          f"2 x Oxigraph server's {ms(a_o)} = {ms(2 * a_o)} ms"))
    else:
        out.append(Target(f"peers-ask-p50-vs-oxigraph@{s}", False, absent("oxigraph"), "2x"))

    g, n = geomean(fig.set_queries, "oxigraph") if have_ox else (None, 0)
    total = len(fig.set_queries)
    if g is not None:
        out.append(Target(f"peers-geomean-vs-oxigraph@{s}", g <= 1.2 and n == total,
                          f"{g:.2f} over {n}/{total} queries (cache off)", "1.2"))
    else:
        out.append(Target(f"peers-geomean-vs-oxigraph@{s}", False, absent("oxigraph"), "1.2"))

    if have_ox:
        pairs = [(q.name, _ratio(q.p50(ON), q.p50("oxigraph"))) for q in fig.set_queries]
        measured = [(name, r) for name, r in pairs if r is not None]
        under = sum(r <= 1 for _, r in measured)
        worst = max(measured, key=lambda x: x[1]) if measured else ("–", math.inf)
        out.append(Target(f"peers-cached-repeat-vs-oxigraph@{s}", bool(measured) and under == total,
                          f"{under}/{total} repeated queries at or under; worst {worst[0]} {worst[1]:.2f}x",
                          "each Oxigraph server p50 (1.00x)"))
    else:
        out.append(Target(f"peers-cached-repeat-vs-oxigraph@{s}", False, absent("oxigraph"), "1.00x"))

    for engine, peer, what in ((OFF, "oxigraph", "cache-off-vs-oxigraph"), (ON, "virtuoso", "cache-on-vs-virtuoso")):
        mine, theirs = fig.load.get((engine, 8)), fig.load.get((peer, 8))
        name = f"peers-throughput-8-{what}@{s}"
        if mine is None or theirs is None:
            out.append(Target(name, False, absent(peer), f"{LABELS[peer]}'s requests/s"))
        else:
            ok = mine.per_second >= theirs.per_second and mine.errors == 0
            errors = f", {mine.errors} errors" if mine.errors else ""
            out.append(Target(name, ok, f"{mine.per_second:,.1f} requests/s{errors}",
                              f"{LABELS[peer]}'s {theirs.per_second:,.1f}"))

    for engine, what in ((OFF, "cache-off"), (ON, "cache-on")):
        mb = fig.memory_mb.get(engine)
        out.append(Target(f"peers-server-memory-{what}@{s}", mb is not None and mb <= MEMORY_LIMIT_MB,
                          f"{mb:,.0f} MB" if mb is not None else "not measured", f"{MEMORY_LIMIT_MB} MB"))
    return out
