"""A store decides itself how a checked change is committed (``Store.write_backend``): a store
class that brings its own backend is written through ``/store`` and ``/sparql`` with no other
module knowing its name, and one that brings none is read-only."""
from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from vetkg.server.app import create_app
from vetkg.server.config import Settings
from vetkg.store.change import Change
from vetkg.store.oxigraph import MemoryStore
from vetkg.store.oxigraph_commit import EmbeddedBackend
from vetkg.store.write_backend import StoreAfterChange

TOKEN = "s3cret"
WRITER = {"Authorization": f"Bearer {TOKEN}"}
GRAPH = "http://example.org/graph/one"
TURTLE = "<http://example.org/a> <http://example.org/p> <http://example.org/b> ."


class CountingBackend(EmbeddedBackend):
    """The embedded commit, counted: stands for a backend only its own module knows."""

    def __init__(self, store: ox.Store) -> None:
        super().__init__(store)
        self.commits: list[Change] = []

    def commit(self, change: Change, state: StoreAfterChange, extra: Iterable[ox.Quad]) -> None:
        self.commits.append(change)
        super().commit(change, state, extra)


class CountingStore(MemoryStore):
    def __init__(self) -> None:
        super().__init__()
        self.backend = CountingBackend(self.oxigraph)

    def write_backend(self, base_iri: str) -> CountingBackend:
        return self.backend


class ReadOnlyStore(MemoryStore):
    def write_backend(self, base_iri: str) -> None:
        return None


def _client(store: MemoryStore):
    return create_app(Settings(store="memory", update_tokens={"w": TOKEN}), store).test_client()


def test_a_store_commits_through_its_own_backend():
    store = CountingStore()
    client = _client(store)
    put = client.put(f"/store?graph={GRAPH}", data=TURTLE.encode(), headers={**WRITER, "Content-Type": "text/turtle"})
    assert put.status_code in (201, 204), put.get_data(as_text=True)
    update = client.post("/sparql", headers={**WRITER, "Content-Type": "application/sparql-update"},
                         data=f"INSERT DATA {{ GRAPH <{GRAPH}> {{ <http://example.org/a> <http://example.org/p> <http://example.org/c> }} }}")
    assert update.status_code == 204, update.get_data(as_text=True)
    assert [len(change.added) for change in store.backend.commits] == [1, 1]
    objects = {q.object.value for q in store.oxigraph.quads_for_pattern(None, None, None, ox.NamedNode(GRAPH))}
    assert objects == {"http://example.org/b", "http://example.org/c"}


def test_a_store_without_a_backend_is_read_only():
    client = _client(ReadOnlyStore())
    put = client.put(f"/store?graph={GRAPH}", data=TURTLE.encode(), headers={**WRITER, "Content-Type": "text/turtle"})
    assert put.status_code == 501
    update = client.post("/sparql", headers={**WRITER, "Content-Type": "application/sparql-update"},
                         data=f"INSERT DATA {{ GRAPH <{GRAPH}> {{ <http://example.org/a> <http://example.org/p> 1 }} }}")
    assert update.status_code == 501
    assert client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"},
                      headers={"Accept": "application/sparql-results+json"}).get_json()["boolean"] is False
