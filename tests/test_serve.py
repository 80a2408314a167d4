"""`vetkg serve` starting and dying: one line for each start-up error, and a restart on the same
port right after the server was killed (its query workers die with it)."""
from __future__ import annotations

import gc
import http.server
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from conftest import fixture_quads, free_port, load, wait_for_health

from vetkg.store.oxigraph import OxigraphStore

VETKG = str(Path(sys.executable).with_name("vetkg"))


def _env(**settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VETKG_")}
    env.update({f"VETKG_{k.upper()}": v for k, v in settings.items()})
    return env


def _serve(*args: str, **settings: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([VETKG, "serve", "--host", "127.0.0.1", *args], capture_output=True, text=True,
                          env=_env(**settings), timeout=60)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("serve") / "store"
    s = OxigraphStore(path)
    load(s, fixture_quads())
    s.close()
    del s
    gc.collect()  # pyoxigraph releases the store's lock only when the object is dropped
    return path


def _one_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr and "serving" not in result.stderr
    return lines[0]


def test_a_port_in_use_is_one_line(store: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = _serve("--store", str(store), "--port", str(port))
    assert result.returncode == 4
    assert _one_line(result) == f"vetkg: cannot listen on 127.0.0.1:{port}: the port is in use (another vetkg serve?)"


def test_a_missing_store_is_an_error_not_a_new_empty_store(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-store"
    result = _serve("--store", str(missing), "--port", str(free_port()))
    assert result.returncode == 4
    assert f"no store at {missing}" in _one_line(result)
    assert not missing.exists()


@pytest.fixture
def refusing_store() -> Iterator[int]:
    """A loopback HTTP server that answers 401 to everything, as a store with other credentials would."""

    class Refuse(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="sparql"')
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_POST

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Refuse)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def test_a_remote_401_names_the_url_without_the_password(refusing_store: int) -> None:
    url = f"http://alice:s3cret-pw@127.0.0.1:{refusing_store}/sparql"
    result = _serve("--port", str(free_port()), store="sparql", store_url=url)
    assert result.returncode == 4
    line = _one_line(result)
    assert "s3cret-pw" not in result.stderr + result.stdout
    assert f"http://alice:***@127.0.0.1:{refusing_store}/sparql" in line and "401" in line


@pytest.mark.parametrize("settings, says", [({"threads": "4", "heavy_query_slots": "2", "heavy_query_queue": "4"}, "threads (4)"),
                                            ({"idle_timeout": "0"}, "idle_timeout must be positive")],
                         ids=["threads", "idle-timeout"])
def test_serving_settings_that_would_starve_it_are_refused(store: Path, settings: dict[str, str], says: str) -> None:
    result = _serve("--store", str(store), "--port", str(free_port()), **settings)
    assert result.returncode == 2
    assert says in _one_line(result)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children") as fh:
            found += [int(c) for c in fh.read().split()]
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.slow
def test_after_a_sigkill_a_restart_on_the_same_port_succeeds_at_once(store: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [VETKG, "serve", "--store", str(store), "--host", "127.0.0.1", "--port", str(port)]
    # A session of its own: its pooled workers share its process group, which is how the test
    # finds them after the server is gone (and by their pids).
    first = subprocess.Popen(command, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                             start_new_session=True)
    second = None
    try:
        wait_for_health(url, first)
        # A pooled worker, and a long query holding a worker of its own and a client connection.
        assert requests.get(url + "/sparql", params={"query": "ASK {}"}, timeout=10).status_code == 200
        ended: list[object] = []

        def long_query() -> None:
            try:
                # Eight patterns over the fixture's ~20 triples: 20^8 rows to count, for ever.
                cartesian = " . ".join(f"?s{i} ?p{i} ?o{i}" for i in range(8))
                resp = requests.post(url + "/sparql", data={"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ {cartesian} }}",
                                                            "timeout": "30"}, timeout=30)
                ended.append(resp.status_code)
            except requests.RequestException as exc:
                ended.append(exc)
            ended.append(time.monotonic())

        client = threading.Thread(target=long_query)
        client.start()
        time.sleep(1.0)  # past the probe: the query goes on in the slow lane
        assert _group_alive(first.pid)
        workers = _children(first.pid)
        # The query worker: nothing but its parent-death signal ends it when its server is killed
        # (SIGKILL of a group's leader leaves the rest of the group running).
        assert workers
        first.send_signal(signal.SIGKILL)
        killed = time.monotonic()
        first.wait()

        second = subprocess.Popen(command, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                  start_new_session=True)
        wait_for_health(url, second, seconds=30)
        assert requests.get(url + "/sparql", params={"query": "ASK {}"}, timeout=10).status_code == 200

        # The workers went with their server, and the client was not left hanging on them.
        deadline = time.monotonic() + 5
        while (_group_alive(first.pid) or any(map(_alive, workers))) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _group_alive(first.pid) and not any(map(_alive, workers))
        client.join(timeout=10)
        assert isinstance(ended[0], requests.ConnectionError) and ended[1] - killed < 5, ended
    finally:
        for proc in (first, second):
            if proc is None:
                continue
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()
