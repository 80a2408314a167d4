"""The endpoint as clients see it: a real ``vetkg serve`` process on loopback, queried over HTTP.

- :class:`Server` starts ``vetkg serve`` on a free port over a store and waits for ``/health``.
- :func:`query_once` times one request on a keep-alive ``http.client`` connection, up to the
  last byte of the body.
- :func:`load` runs N client processes for a fixed time, mixing the query set.
- :class:`MemorySampler` follows the server's memory while it works (see its docstring for
  what is counted).
"""
from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

_FORK = multiprocessing.get_context("fork")
RESULTS_JSON = "application/sparql-results+json"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """``vetkg serve --store PATH`` on a free loopback port, for the ``with`` block."""

    def __init__(self, store: Path, env: dict[str, str] | None = None, log: Path | None = None) -> None:
        self.store, self.port = store, free_port()
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("VETKG_")}
        self.env.update({f"VETKG_{k.upper()}": v for k, v in (env or {}).items()})
        self.log = log
        self.proc: subprocess.Popen | None = None
        self._err: object = None

    def __enter__(self) -> Server:
        vetkg = Path(sys.executable).with_name("vetkg")
        command = [str(vetkg), "serve", "--store", str(self.store), "--host", "127.0.0.1", "--port", str(self.port)]
        err = open(self.log, "wb") if self.log else subprocess.DEVNULL
        # A session of its own: the server's forked query workers join its process group, and
        # the group is what __exit__ stops (workers outlive a terminated server otherwise).
        self.proc = subprocess.Popen(command, env=self.env, stdout=subprocess.DEVNULL, stderr=err,
                                     start_new_session=True)
        self._err = err
        deadline = time.monotonic() + 600  # opening a large store, and checking its search index, take a while
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"vetkg serve exited with {self.proc.returncode} (log: {self.log})")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/health")
                resp = conn.getresponse()
                health = json.loads(resp.read()) if resp.status == 200 else None
                conn.close()
            except (OSError, ValueError):
                health = None
            # Timed once settled: over a large store the search index is checked in a background
            # thread after the start, and its Python work shares the interpreter with the requests.
            if health is not None and health.get("search_index", "ready") == "ready":
                return self
            time.sleep(0.1)
        self.__exit__()
        raise RuntimeError("vetkg serve did not answer /health, with its search index ready, within 600 s")

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None:
            group = self.proc.pid  # the session leader's pid is the group id
            _signal_group(group, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            _signal_group(group, signal.SIGKILL)  # any worker still there
        if self._err not in (None, subprocess.DEVNULL):
            self._err.close()


def _signal_group(group: int, sig: int) -> None:
    try:
        os.killpg(group, sig)
    except (ProcessLookupError, PermissionError):
        pass


class Client:
    """One keep-alive connection; reconnects after an error.

    ``path`` is the endpoint (``/sparql`` for vetkg and Virtuoso, ``/query`` for Oxigraph's
    server). With ``form`` a query is sent as an HTML form (``query=…``, the SPARQL protocol's
    URL-encoded POST) rather than a direct ``application/sparql-query`` POST: Virtuoso 7.2 does
    not answer the direct POST, so the peers are all asked the same way."""

    def __init__(self, port: int, timeout: float = 600, path: str = "/sparql", form: bool = False) -> None:
        self.port, self.timeout, self.path, self.form = port, timeout, path, form
        self.conn: http.client.HTTPConnection | None = None

    def post(self, body: str, content_type: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            self.conn.request("POST", self.path, body=body.encode("utf-8"),
                              headers={"Content-Type": content_type, "Accept": RESULTS_JSON, **(headers or {})})
            resp = self.conn.getresponse()
            data = resp.read()  # the whole body: the last byte is part of the latency
            if resp.getheader("Connection", "").lower() == "close":
                self.close()
            return resp.status, data
        except (OSError, http.client.HTTPException):
            self.close()
            raise

    def query(self, text: str) -> tuple[int, bytes]:
        if self.form:
            return self.post(urllib.parse.urlencode({"query": text}), "application/x-www-form-urlencoded")
        return self.post(text, "application/sparql-query")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def rows_of(body: bytes) -> int:
    """Rows of a JSON result; an ASK answer counts as one row."""
    data = json.loads(body)
    return 1 if "boolean" in data else len(data["results"]["bindings"])


@dataclass
class HttpTiming:
    rows: int | None = None
    seconds: list[float] = field(default_factory=list)
    error: str = ""


def query_once(client: Client, text: str) -> tuple[int, bytes, float]:
    """(status, body, seconds) of one request, up to the last byte of the body."""
    start = time.perf_counter()
    status, body = client.query(text)
    return status, body, time.perf_counter() - start


# ---------------------------------------------------------------- concurrent load


@dataclass
class LoadResult:
    clients: int
    seconds: float
    latencies: list[float]
    errors: int
    error_samples: list[str]
    client_cpu: float  # CPU seconds the client processes used, to show they were not the bottleneck


def _load_client(port: int, texts: list[str], offset: int, start_at: float, stop_at: float, conn,
                 path: str = "/sparql", form: bool = False) -> None:
    client = Client(port, timeout=max(5.0, stop_at - time.time() + 60), path=path, form=form)
    latencies, errors, samples = [], 0, []
    i = offset
    while time.time() < start_at:
        time.sleep(0.001)
    cpu0 = os.times()
    while time.time() < stop_at:
        text = texts[i % len(texts)]
        i += 1
        start = time.perf_counter()
        try:
            status, _body = client.query(text)
            ok = status == 200
            reason = f"HTTP {status}"
        except Exception as exc:
            ok, reason = False, f"{type(exc).__name__}: {exc}"
        latencies.append(time.perf_counter() - start)
        if not ok:
            errors += 1
            if len(samples) < 3:
                samples.append(reason)
    cpu1 = os.times()
    client.close()
    conn.send((latencies, errors, samples, (cpu1.user - cpu0.user) + (cpu1.system - cpu0.system)))
    conn.close()
    os._exit(0)


def load(port: int, texts: list[str], clients: int, seconds: float, path: str = "/sparql",
         form: bool = False) -> LoadResult:
    """``clients`` processes, each with its own keep-alive connection, sending the query set in
    turn (each from a different offset) for ``seconds``; latencies of every request. ``path``
    and ``form`` as for :class:`Client`."""
    start_at = time.time() + 0.5
    stop_at = start_at + seconds
    procs, pipes = [], []
    for c in range(clients):
        parent, child = _FORK.Pipe(duplex=False)
        proc = _FORK.Process(target=_load_client, args=(port, texts, c, start_at, stop_at, child, path, form),
                            daemon=True)
        proc.start()
        child.close()
        procs.append(proc)
        pipes.append(parent)
    result = LoadResult(clients, seconds, [], 0, [], 0.0)
    for proc, pipe in zip(procs, pipes, strict=False):
        try:
            latencies, errors, samples, cpu = pipe.recv()
        except EOFError:
            latencies, errors, samples, cpu = [], 1, ["a client process died"], 0.0
        result.latencies += latencies
        result.errors += errors
        result.error_samples += samples
        result.client_cpu += cpu
        proc.join()
    return result


# ---------------------------------------------------------------- memory


def _status_kb(pid: int, key: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _private_kb(pid: int) -> int:
    """Pages only this process holds; a forked child shares the rest with the server."""
    total = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith(("Private_Clean:", "Private_Dirty:")):
                    total += int(line.split()[1])
    except OSError:
        pass
    return total


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as fh:
                found += [int(c) for c in fh.read().split()]
        except OSError:
            pass
    return found


def server_memory_kb(pid: int) -> int:
    """The server's resident set plus the private pages of its forked workers, now (see
    :class:`MemorySampler` for why the workers' shared pages are left out)."""
    return _status_kb(pid, "VmRSS") + sum(_private_kb(k) for k in _children(pid))


# Reading a process's smaps_rollup walks its page tables under its memory lock: 15 ms for a
# query worker of the 1M store. Every 50 ms that took a third of a core from the machine under
# test and stalled the worker's own allocations, for vetkg only (a peer has no children). The
# children's private pages grow as they copy what they read and fall only when they end, so a
# sample a second finds their peak; the server's resident set, cheap to read, is sampled at
# ``interval``.
_PRIVATE_EVERY = 1.0


def _sample(pid: int, interval: float, stop, conn) -> None:
    peak_total = peak_children = max_children = 0
    private, kids_read = 0, 0.0
    while not stop.is_set():
        rss = _status_kb(pid, "VmRSS")
        if time.monotonic() - kids_read >= _PRIVATE_EVERY:
            kids = _children(pid)
            private = sum(_private_kb(k) for k in kids)
            kids_read = time.monotonic()
            peak_children = max(peak_children, private)
            max_children = max(max_children, len(kids))
        peak_total = max(peak_total, rss + private)
        stop.wait(interval)
    conn.send((peak_total, peak_children, max_children))
    conn.close()
    os._exit(0)


class MemorySampler:
    """Samples the server every ``interval`` seconds while the block runs.

    The server evaluates queries in forked children (server/sparql/executor.py: one per query, or
    a pool reused until the next write) whose pages are shared copy-on-write with the server;
    adding the children's RSS would count the store many times. What is counted at each sample: the server's resident set plus the *private* pages
    (Private_Clean + Private_Dirty of smaps_rollup, read once a second) of every child alive then. The peak of that
    sum, and the server's own VmHWM at the end, are reported; the larger is the figure.

    The sampler is a process of its own, not a thread: the load clients are forked from this
    process, and a fork taken while another thread holds a lock can hang.
    """

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.pid, self.interval = pid, interval
        self.peak_total_kb = self.peak_children_kb = self.max_children = 0
        self._stop = _FORK.Event()
        self._pipe, child = _FORK.Pipe(duplex=False)
        self._proc = _FORK.Process(target=_sample, args=(pid, interval, self._stop, child), daemon=True)
        self._child = child

    def __enter__(self) -> MemorySampler:
        self._proc.start()
        self._child.close()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._pipe.poll(10):
            self.peak_total_kb, self.peak_children_kb, self.max_children = self._pipe.recv()
        self._proc.join(5)
        if self._proc.is_alive():
            self._proc.kill()

    def hwm_kb(self) -> int:
        return _status_kb(self.pid, "VmHWM")
