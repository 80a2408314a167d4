"""An on-disk store served from a copy in memory (store/memory_copy.py)."""
from __future__ import annotations

import gc
import io

import pyoxigraph as ox
import pytest

from vetkg.store.memory_copy import MemoryCopy
from vetkg.store.oxigraph import OxigraphStore

EX = "http://example.org/"
G = ox.NamedNode(EX + "g")


def _quad(n: int, graph: ox.NamedNode = G) -> ox.Quad:
    return ox.Quad(ox.NamedNode(f"{EX}s{n}"), ox.NamedNode(EX + "p"), ox.Literal(str(n)), graph)


@pytest.fixture
def path(tmp_path):
    store = OxigraphStore(tmp_path / "store")
    store.oxigraph.extend([_quad(1), _quad(2)])
    store.oxigraph.add_graph(ox.NamedNode(EX + "empty"))
    store.close()
    del store
    gc.collect()  # pyoxigraph lets go of the lock only when the store object goes
    return tmp_path / "store"


def _reopened(path) -> set[ox.Quad]:
    gc.collect()
    return set(OxigraphStore(path, read_only=True).oxigraph)


def test_the_copy_answers_as_the_disk_did(path):
    store = OxigraphStore(path)
    assert store.hold_in_memory() is True
    assert isinstance(store.oxigraph, MemoryCopy)
    assert set(store.quads()) == {_quad(1), _quad(2)}
    assert len(store) == 2
    # A graph without quads was copied too.
    assert store.oxigraph.contains_named_graph(ox.NamedNode(EX + "empty"))
    rows = list(store.query(f"SELECT ?o WHERE {{ <{EX}s1> ?p ?o }}"))
    assert [r["o"].value for r in rows] == ["1"]


@pytest.mark.parametrize("quads", [4, 5])
def test_the_copy_made_in_batches_has_every_quad(tmp_path, monkeypatch, quads):
    # A last batch full or partial: neither may be dropped nor repeated.
    monkeypatch.setattr("vetkg.store.memory_copy.COPY_BATCH", 2)
    store = OxigraphStore(tmp_path / "store")
    store.oxigraph.extend([_quad(n) for n in range(quads)])
    assert store.hold_in_memory() is True
    assert set(store.oxigraph.memory) == {_quad(n) for n in range(quads)}
    assert len(store.oxigraph.memory) == quads


def test_writes_reach_the_disk_and_the_copy(path):
    store = OxigraphStore(path)
    store.hold_in_memory()
    store.update(f'INSERT DATA {{ GRAPH <{G.value}> {{ <{EX}s3> <{EX}p> "3" }} }}')
    store.oxigraph.bulk_load(io.BytesIO(f'<{EX}s4> <{EX}p> "4" <{G.value}> .\n'.encode()), format=ox.RdfFormat.N_QUADS)
    store.oxigraph.remove(_quad(1))
    expected = {_quad(2), _quad(3), _quad(4)}
    assert set(store.quads()) == expected
    store.close()
    disk = store.oxigraph.disk
    del store, disk
    assert _reopened(path) == expected


def test_blank_nodes_written_by_an_update_give_the_same_shape_in_both(path):
    store = OxigraphStore(path)
    store.hold_in_memory()
    store.update(f"INSERT DATA {{ GRAPH <{G.value}> {{ <{EX}s9> <{EX}q> [ <{EX}r> 1 ] }} }}")
    copy = store.oxigraph
    ask = f"ASK {{ GRAPH <{G.value}> {{ <{EX}s9> <{EX}q> ?b . ?b <{EX}r> 1 . FILTER(isBlank(?b)) }} }}"
    assert copy.memory.query(ask) and copy.disk.query(ask)
    assert len(copy.memory) == len(copy.disk)


def test_a_write_the_copy_refuses_remakes_the_copy_from_the_disk(path, monkeypatch):
    store = OxigraphStore(path)
    store.hold_in_memory()
    copy = store.oxigraph

    class Refusing:
        def update(self, *args, **kwargs):
            raise OSError("no memory")

    monkeypatch.setattr(copy, "memory", Refusing())
    store.update(f'INSERT DATA {{ GRAPH <{G.value}> {{ <{EX}s5> <{EX}p> "5" }} }}')
    assert isinstance(copy.memory, ox.Store)
    assert set(copy.memory) == set(copy.disk) == {_quad(1), _quad(2), _quad(5)}


def test_an_operation_not_mirrored_is_not_there(path):
    store = OxigraphStore(path)
    store.hold_in_memory()
    with pytest.raises(AttributeError):
        store.oxigraph.backup  # noqa: B018 - would write the disk's state only


def test_a_store_in_memory_already_has_nothing_to_copy():
    assert OxigraphStore().hold_in_memory() is False


def test_the_endpoint_writes_through_the_copy(path):
    from vetkg.server.app import create_app
    from vetkg.server.config import Settings

    store = OxigraphStore(path)
    store.hold_in_memory()
    client = create_app(Settings(store_path=str(path), update_tokens={"alice": "s3cret"}), store).test_client()
    written = client.post(
        "/sparql",
        data={"update": f'INSERT DATA {{ GRAPH <{G.value}> {{ <{EX}s6> <{EX}p> "6" }} }}'},
        headers={"Authorization": "Bearer s3cret"},
    )
    assert written.status_code == 204, written.text
    asked = client.get(
        "/sparql",
        query_string={"query": f"ASK {{ <{EX}s6> <{EX}p> \"6\" }}"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert asked.json["boolean"] is True
    store.close()
    del store, client
    assert _quad(6) in _reopened(path)
