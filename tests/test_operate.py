"""Operating a store that `vetkg serve` holds: the CLI goes through the server (server/operate).

One end-to-end run over real processes: a seed-built store served with tokens, a plan added with
`vetkg build FILE`, seen by queries at once, listed by `vetkg history`, removed by `vetkg revert
N`; `vetkg backup DIR` taken meanwhile is served by a second `vetkg serve` with the same dump.
Then the one line a command prints when it meets a held store it cannot go through.
"""
from __future__ import annotations

import gc
import json
import os
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
import requests
from conftest import fixture_quads, load, serving
from flask.testing import FlaskClient
from ingest_helpers import DATA, SEED, build_store

from vetkg.ingest.parallel import text_digest
from vetkg.ingest.reader import read_document
from vetkg.server.app import create_app
from vetkg.server.config import Settings
from vetkg.store import Store
from vetkg.store.oxigraph import OxigraphStore

VETKG = str(Path(sys.executable).with_name("vetkg"))
VET = "https://w3id.org/vetkg/ontology#"
PLAN = DATA / "genre" / "03_guangdong-plan.txt"
WRITER, ADMIN = "w-s3cret", "a-r00t"
TOKENS = {"update_tokens": f"alice:{WRITER}", "admin_tokens": f"root:{ADMIN}"}


def vetkg(*args: str | Path, token: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VETKG_")}
    if token is not None:
        env["VETKG_CLIENT_TOKEN"] = token
    return subprocess.run([VETKG, *map(str, args)], capture_output=True, text=True, env=env, timeout=600)


def select(url: str, query: str) -> list[dict[str, str]]:
    resp = requests.post(url + "/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"},
                         timeout=60)
    assert resp.status_code == 200, resp.text
    return [{k: v["value"] for k, v in row.items()} for row in resp.json()["results"]["bindings"]]


def graphs_with_digest(url: str, digest: str) -> list[str]:
    return [r["g"] for r in select(url, f'SELECT ?g WHERE {{ GRAPH ?g {{ ?n a <{VET}Notice> ; <{VET}contentDigest> "{digest}" }} }}')]


def measures_in(url: str, graph: str) -> int:
    rows = select(url, f"SELECT (COUNT(?m) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?m a <{VET}Measure> }} }}")
    return int(rows[0]["n"])


def sorted_lines(dump: str) -> list[str]:
    return sorted(line for line in dump.splitlines() if line.strip())


def record(store: Path) -> dict[str, object]:
    return json.loads(Path(f"{store}.serving").read_text(encoding="utf-8"))


@pytest.mark.slow
def test_build_history_revert_and_backup_while_serving(tmp_path: Path) -> None:
    store, copy = tmp_path / "store", tmp_path / "copy"
    built = vetkg("build", "--store", store, SEED)
    assert built.returncode == 0, built.stderr
    digest = text_digest(read_document(PLAN).text)
    with serving(store, **TOKENS) as url:
        served = record(store)
        assert served["url"] == url + "/" and served["store"] == str(store.resolve())
        assert graphs_with_digest(url, digest) == []

        added = vetkg("build", "--store", store, PLAN, token=WRITER)
        assert added.returncode == 0, added.stderr
        assert f"through vetkg serve (pid {served['pid']}) at {url}/" in added.stderr
        # the plan's graph is queryable at once, holding what the build reported finding in it
        graphs = graphs_with_digest(url, digest)
        assert len(graphs) == 1
        reported = re.search(r"(\d+) measures", added.stdout)
        assert reported is not None and str(PLAN) in added.stdout
        assert measures_in(url, graphs[0]) == int(reported.group(1)) > 0
        change = re.search(r"as change\(s\) (\d+)", added.stderr)
        assert change is not None

        listed = vetkg("history", "--store", store, token=ADMIN)
        assert listed.returncode == 0, listed.stderr
        row = next(line for line in listed.stdout.splitlines() if line.split()[0] == change.group(1))
        assert " alice " in row and re.search(r"\+[1-9]\d* -0$", row), listed.stdout

        # a snapshot holding the plan, and the dump it must reproduce
        dump = vetkg("export", "--store", store)
        assert dump.returncode == 0 and digest in dump.stdout
        backed = vetkg("backup", "--store", store, copy, token=ADMIN)
        assert backed.returncode == 0, backed.stderr
        assert copy.is_dir() and Path(f"{copy}.history").is_dir()

        reverted = vetkg("revert", change.group(1), "--store", store, token=WRITER)
        assert reverted.returncode == 0, reverted.stderr + reverted.stdout
        assert graphs_with_digest(url, digest) == []
        assert measures_in(url, graphs[0]) == 0
        after = vetkg("history", "--store", store, token=ADMIN)
        assert re.search(rf"alice\s+\+0 -[1-9]\d*\s+reverts {change.group(1)}$", after.stdout, re.M), after.stdout
        # the whole store validated in a snapshot the server takes, removed afterwards
        checked = vetkg("validate", "--store", store, token=ADMIN)
        assert checked.returncode == 0 and "conforms" in checked.stdout, checked.stderr + checked.stdout
        assert f"snapshot of the store taken by vetkg serve (pid {served['pid']})" in checked.stderr
        assert list(Path(f"{store}.backups").iterdir()) == []
    assert not Path(f"{store}.serving").exists()  # the server withdrew its record as it stopped

    with serving(copy) as url:
        copied = vetkg("export", "--store", copy)
        assert copied.returncode == 0, copied.stderr
        assert sorted_lines(copied.stdout) == sorted_lines(dump.stdout)
        assert graphs_with_digest(url, digest) == graphs
    # the copy's history came along: its details (who, what) are in copy.history
    history = vetkg("history", "--store", copy)
    assert re.search(rf"^\s*{change.group(1)}\s+\S+\s+alice\s+\+[1-9]", history.stdout, re.M), history.stdout


@pytest.fixture
def small_store(tmp_path: Path) -> Path:
    path = tmp_path / "store"
    s = OxigraphStore(path)
    load(s, fixture_quads())
    s.close()
    del s
    gc.collect()  # pyoxigraph releases the store's lock only when the object is dropped
    return path


def _one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.slow
def test_a_held_store_is_one_line_naming_the_server(small_store: Path) -> None:
    with serving(small_store) as url:  # no tokens: a read-only server
        pid = record(small_store)["pid"]
        named = f"vetkg serve (pid {pid}) at {url}/"
        for args, says in [
            (("build", "--store", small_store, PLAN), "read-only"),
            (("repair", "--store", small_store), "nothing to repair"),
            (("serve", "--store", small_store, "--port", "1"), "query that one, or stop it first"),
            (("revert", "1", "--store", small_store), "read-only"),
        ]:
            result = vetkg(*args, token="any")
            assert result.returncode == 4, (args, result.stderr)
            line = _one_line(result)
            assert line.startswith("vetkg: ") and named in line and says in line, (args, line)
        # reads that need no token still work through it
        dump = vetkg("export", "--store", small_store)
        assert dump.returncode == 0 and "天津市教育委员会" in dump.stdout


def test_a_store_locked_by_another_process_is_one_line(small_store: Path) -> None:
    holder = OxigraphStore(small_store)  # this process holds Oxigraph's lock, with no server record
    try:
        result = vetkg("history", "--store", small_store)
    finally:
        holder.close()
        del holder
        gc.collect()
    assert result.returncode == 4
    assert "open in another process" in _one_line(result)


@pytest.mark.parametrize("left_by", ["a process now gone", "a pid given to another process since"])
def test_a_stale_record_is_ignored(small_store: Path, left_by: str) -> None:
    if left_by == "a process now gone":
        dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
        stale = {"pid": int(dead.stdout)}
    else:  # this test's process is alive, but did not start when the record says its server did
        stale = {"pid": os.getpid(), "started": "1"}
    Path(f"{small_store}.serving").write_text(
        json.dumps({"url": "http://127.0.0.1:9/", "store": str(small_store), **stale}))
    result = vetkg("history", "--store", small_store)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "no writes yet"


# -- the routes, through the test client -------------------------------------------------------


@pytest.fixture(scope="module")
def operated() -> tuple[FlaskClient, Store]:
    store = build_store(SEED)
    settings = replace(Settings(store="memory"), update_tokens={"alice": WRITER}, admin_tokens={"root": ADMIN},
                       max_update_bytes=200_000)
    return create_app(settings, store).test_client(), store


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_the_routes_want_the_right_token_before_reading(operated: tuple[FlaskClient, Store]) -> None:
    client, store = operated
    before = len(store)
    assert client.post("/documents", data=PLAN.read_bytes()).status_code == 401
    assert client.post("/documents", data=PLAN.read_bytes(), headers=bearer("wrong")).status_code == 403
    assert client.post("/documents", data=b"x" * 300_000, headers=bearer(WRITER)).status_code == 413
    for method, path in [("GET", "/history"), ("POST", "/backup?name=b1")]:
        resp = client.open(path, method=method, headers=bearer(WRITER))
        assert resp.status_code == 403 and b"admin token" in resp.data, path
    assert client.post("/backup?name=../up", headers=bearer(ADMIN)).status_code == 400
    assert len(store) == before


def test_a_posted_document_is_one_write_and_its_revert_another(operated: tuple[FlaskClient, Store]) -> None:
    client, store = operated
    before = len(store)
    not_a_plan = client.post("/documents?name=notes.txt", data="只是一句话。".encode(), headers=bearer(WRITER))
    assert not_a_plan.status_code == 400 and not_a_plan.data.startswith(b"notes.txt: ")
    # curl --data-binary declares a form: the body is still the document, nothing is parsed
    form = {**bearer(WRITER), "Content-Type": "application/x-www-form-urlencoded"}
    dry = client.post(f"/documents?name={PLAN.name}&dry-run=true", data=PLAN.read_bytes(), headers=form)
    assert dry.status_code == 200, dry.data
    assert dry.json["conforms"] and not dry.json["committed"] and dry.json["added"] > 0
    assert len(store) == before
    done = client.post(f"/documents?name=/etc/{PLAN.name}", data=PLAN.read_bytes(), headers=bearer(WRITER))
    assert done.status_code == 200, done.data
    body = done.json
    assert body["built"] == 1 and body["committed"] and body["name"] == PLAN.name
    assert body["added"] == dry.json["added"] and body["quads"] == len(store) > before
    assert body["lines"][0].startswith(f"{PLAN.name}: ")
    assert bool(store.query(f'ASK {{ GRAPH <{body["graph"]}> {{ ?n <{VET}contentDigest> ?d }} }}'))
    again = client.post("/documents?name=again.txt", data=PLAN.read_bytes(), headers=bearer(WRITER))
    assert again.status_code == 200 and again.json["unchanged"] and again.json["built"] == 0
    history = client.get("/history", headers=bearer(ADMIN)).json["records"]
    assert [(r["number"], r["who"], r["added"]) for r in history] == [(body["change"], "alice", body["added"])]
    undone = client.post(f"/history/{body['change']}/revert", headers=bearer(WRITER))
    assert undone.status_code == 200 and undone.json["removed"] == body["added"]
    assert not bool(store.query(f'ASK {{ GRAPH <{body["graph"]}> {{ ?s ?p ?o }} }}'))
    unknown = client.post("/history/999/revert", headers=bearer(WRITER))
    assert unknown.status_code == 400 and b"no change number 999" in unknown.data


def test_a_backup_without_a_server_has_the_same_dump(small_store: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    made = vetkg("backup", "--store", small_store, copy)
    assert made.returncode == 0, made.stderr
    original, copied = vetkg("export", "--store", small_store), vetkg("export", "--store", copy)
    assert copied.returncode == 0 and "天津市教育委员会" in copied.stdout
    assert sorted_lines(copied.stdout) == sorted_lines(original.stdout)
    again = vetkg("backup", "--store", small_store, copy)
    assert again.returncode == 2 and "already exists" in _one_line(again)
