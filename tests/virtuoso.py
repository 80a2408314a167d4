"""Virtuoso Open Source on loopback, in a temporary directory, for the remote-store tests.

Installs nothing: Debian's ``virtuoso-opensource-7-bin`` (``bash .ci/run`` installs it) must
provide ``virtuoso-t`` and ``isql-vt``. The database, its logs and the ini live in the directory
given; both ports are free loopback ports; the server is stopped when the block ends.

SPARQL Update is opened on the anonymous ``/sparql`` endpoint by granting ``SPARQL_UPDATE`` to
the ``SPARQL`` user through isql: the server listens on 127.0.0.1 only and lives as long as one
test session. (The alternative, ``/sparql-auth`` with HTTP digest auth as ``dba``, needs
credentials in vetkg's settings; the anonymous grant keeps the test to the settings a user sets.)
"""
from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import requests

PACKAGE = "virtuoso-opensource-7-bin"


@dataclass(frozen=True)
class Virtuoso:
    root: Path
    sql_port: int
    http_port: int
    pid: int = 0  # virtuoso-t's process, for bench/peers.py to read its memory

    @property
    def sparql_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/sparql"

    def isql(self, statement: str) -> str:
        """Run one SQL statement as dba; raises RuntimeError with Virtuoso's message on failure."""
        done = subprocess.run(
            ["isql-vt", f"127.0.0.1:{self.sql_port}", "dba", "dba", f"exec={statement}"],
            capture_output=True, text=True, timeout=60,
        )
        output = done.stdout + done.stderr
        if done.returncode != 0 or "*** Error" in output:
            raise RuntimeError(f"isql-vt failed on {statement!r}: {' '.join(output.split())}")
        return output


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _ini(root: Path, sql_port: int, http_port: int, max_rows: int, buffers: int = 10000, http_threads: int = 10) -> str:
    # Small buffers by default: the test data is a few thousand triples and CI machines are small.
    return f"""
[Database]
DatabaseFile = {root}/virtuoso.db
ErrorLogFile = {root}/virtuoso.log
LockFile = {root}/virtuoso.lck
TransactionFile = {root}/virtuoso.trx
xa_persistent_file = {root}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {root}/virtuoso-temp.db
TransactionFile = {root}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
ServerThreads = 10
CheckpointInterval = 60
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {buffers * 3 // 5}
DirsAllowed = ., {root}
CaseMode = 2
MaxSortedTopRows = 1000000

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {root}
ServerThreads = {http_threads}
MaxClientConnections = {http_threads}
KeepAliveTimeout = 10
MaxKeepAlives = {http_threads}
EnabledDavVSP = 0

[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime = 60
"""


def _wait_until_answering(url: str, proc: subprocess.Popen, log: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"virtuoso-t exited with {proc.returncode}: {_tail(log)}")
        try:
            answer = requests.get(url, params={"query": "ASK {}"}, headers={"Accept": "application/sparql-results+json"}, timeout=2)
            if answer.status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"Virtuoso did not answer {url} within {seconds:g} s: {_tail(log)}")


def _tail(log: Path) -> str:
    try:
        lines = log.read_text(errors="replace").strip().splitlines()
    except OSError:
        return "(no log)"
    return " | ".join(lines[-5:])


@contextmanager
def running_virtuoso(root: Path, *, max_rows: int = 10000, startup_seconds: float = 90.0, buffers: int = 10000,
                     http_threads: int = 10) -> Iterator[Virtuoso]:
    """Start Virtuoso with its database in ``root``, open SPARQL Update, stop it afterwards.

    ``max_rows`` is the server's ResultSetMaxRows: answers longer than that are cut by Virtuoso,
    silently. MaxSortedTopRows is raised so ordered pages may reach past 10000 rows.
    ``buffers`` (8 KB pages of its cache) and ``http_threads`` (HTTP threads, connections and
    keep-alives) are raised by bench/peers.py for a million triples and 32 clients.
    Raises RuntimeError naming the reason when Virtuoso is missing or does not start.
    """
    for program in ("virtuoso-t", "isql-vt"):
        if shutil.which(program) is None:
            raise RuntimeError(f"{program} is not installed: apt-get install {PACKAGE} (bash .ci/run does)")
    root.mkdir(parents=True, exist_ok=True)
    server = Virtuoso(root, _free_port(), _free_port())
    ini = root / "virtuoso.ini"
    ini.write_text(_ini(root, server.sql_port, server.http_port, max_rows, buffers, http_threads))
    log = root / "virtuoso.out"
    with open(log, "wb") as out:
        proc = subprocess.Popen(["virtuoso-t", "+foreground", "+configfile", str(ini)], cwd=root,
                                stdout=out, stderr=subprocess.STDOUT)
    server = replace(server, pid=proc.pid)
    try:
        _wait_until_answering(server.sparql_url, proc, log, startup_seconds)
        server.isql('GRANT SPARQL_UPDATE TO "SPARQL"')
        yield server
    finally:
        proc.terminate()  # Virtuoso checkpoints and exits on SIGTERM
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
