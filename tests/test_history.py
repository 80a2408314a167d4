"""The write history: who changed what and when, `vetkg history`, and `vetkg revert N`."""
from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from ingest_helpers import SEED, built_nquads

from vetkg.ontology.graphs import store_graphs
from vetkg.server.app import create_app
from vetkg.server.config import Settings
from vetkg.server.writes.history import records
from vetkg.store.oxigraph import OxigraphStore

BASE = "https://w3id.org/vetkg/"
HISTORY = BASE + "graph/history"
AUTH = {"Authorization": "Bearer s3cret", "Content-Type": "application/sparql-update"}
ORG = "<https://w3id.org/vetkg/id/org/天津职业大学>"
ADD_ALT = f'INSERT DATA {{ GRAPH <{BASE}graph/entities> {{ {ORG} <http://www.w3.org/2004/02/skos/core#altLabel> "天职大"@zh }} }}'
DROP_TEXT = """PREFIX vet: <https://w3id.org/vetkg/ontology#>
DELETE { GRAPH ?g { ?m vet:text ?t } } WHERE { GRAPH ?g { ?m a vet:Measure ; vet:text ?t } }"""
VETKG = [sys.executable, "-m", "vetkg.server.cli"]


def data_nquads(store: OxigraphStore) -> list[str]:
    """Every quad of the data graphs (not the history, the ontology/shapes, whose lists are blank
    nodes, nor the triples they entail)."""
    keep = [g for g in store.graphs() if "/graph/" in g and store_graphs().is_data(g)]
    return sorted(str(q) for g in keep for q in store.quads(g))


@pytest.fixture
def disk_store(tmp_path: Path) -> Path:
    store = OxigraphStore(tmp_path / "store")
    store.oxigraph.load(built_nquads(SEED), format=ox.RdfFormat.N_QUADS)
    store.close()
    del store
    gc.collect()  # pyoxigraph drops its lock with the object
    return tmp_path / "store"


def write(store_path: Path, *updates: str) -> list[int]:
    store = OxigraphStore(store_path)
    app = create_app(Settings(store_path=str(store_path), update_tokens={"alice": "s3cret"}), store)
    client = app.test_client()
    codes = [client.post("/sparql", data=u.encode(), headers=AUTH).status_code for u in updates]
    store.close()
    del app, client, store
    gc.collect()
    return codes


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*VETKG, *args], capture_output=True, text=True, timeout=300)


def test_accepted_writes_are_recorded_with_who_and_what_rejected_ones_are_not(disk_store: Path):
    assert write(disk_store, ADD_ALT, DROP_TEXT) == [204, 422]
    store = OxigraphStore(disk_store)
    backend = store.write_backend(BASE)
    assert [(r.number, r.who, r.added, r.removed) for r in records(backend, BASE)] == [(1, "alice", 1, 0)]
    # The data store holds the record's number and time; who and what beside it, out of the union.
    skeleton = list(store.query(f"""PREFIX vet: <https://w3id.org/vetkg/ontology#> PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT ?n WHERE {{ GRAPH <{HISTORY}> {{ ?c a vet:Change ; vet:changeNumber ?n ; prov:endedAtTime ?t }} }}"""))
    assert [r["n"].value for r in skeleton] == ["1"]
    assert not store.query('ASK { ?s ?p ?o FILTER(CONTAINS(STR(?o), "alice") || CONTAINS(STR(?o), "天职大\\"")) }')
    details = list(backend.details.query(f"""PREFIX vet: <https://w3id.org/vetkg/ontology#>
        SELECT ?added WHERE {{ GRAPH <{HISTORY}> {{ ?c vet:changeNumber 1 ; vet:addedQuads ?added }} }}"""))
    assert "天职大" in details[0]["added"].value


def test_history_and_revert_from_the_command_line(disk_store: Path):
    before = data_nquads(OxigraphStore(disk_store))
    gc.collect()
    assert write(disk_store, ADD_ALT) == [204]
    listed = run("history", "--store", str(disk_store))
    assert listed.returncode == 0
    assert listed.stdout.split()[:1] == ["1"] and "alice  +1 -0" in listed.stdout

    reverted = run("revert", "1", "--store", str(disk_store), "--as", "bob")
    assert reverted.returncode == 0, reverted.stdout + reverted.stderr
    assert data_nquads(OxigraphStore(disk_store)) == before
    gc.collect()
    lines = run("history", "--store", str(disk_store)).stdout.strip().splitlines()
    assert len(lines) == 2 and "bob  +0 -1  reverts 1" in lines[1]


def test_reverting_an_unknown_change_is_one_line(disk_store: Path):
    result = run("revert", "7", "--store", str(disk_store))
    assert result.returncode == 2
    assert result.stderr.strip() == "vetkg: there is no change number 7 in the history"
