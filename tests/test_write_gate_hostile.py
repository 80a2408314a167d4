"""The write gate against hostile and careless clients: authorised before any work, bounded in
size, time and memory, the system graphs protected, clear 4xx for invalid updates and bodies.

Every refused write is followed by a check that the store (history included) is byte for byte
what it was.
"""
from __future__ import annotations

import io
import re
import socket
import time
from dataclasses import replace

import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient
from ingest_helpers import SEED, built_nquads, store_of

from vetkg.server.app import create_app
from vetkg.server.config import Settings
from vetkg.server.export import export_dataset
from vetkg.shapes.validate import validate_store
from vetkg.store import Store

BASE = "https://w3id.org/vetkg/"
HISTORY = BASE + "graph/history"
SHAPES = BASE + "graph/shapes"
ENTITIES = BASE + "graph/entities"
ONTOLOGY = "https://w3id.org/vetkg/ontology"
WRITER = {"Authorization": "Bearer writer-token"}
ADMIN = {"Authorization": "Bearer admin-token"}
UPDATE = "application/sparql-update"
PREFIXES = """PREFIX vet: <https://w3id.org/vetkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX sh: <http://www.w3.org/ns/shacl#>
"""


@pytest.fixture(scope="module")
def seed_nquads() -> bytes:
    return built_nquads(SEED)


@pytest.fixture
def store(seed_nquads: bytes) -> Store:
    return store_of(seed_nquads)


def make(store: Store, **settings: object) -> Flask:
    defaults: dict[str, object] = {"update_tokens": {"alice": "writer-token"}, "admin_tokens": {"root": "admin-token"}}
    defaults.update(settings)
    return create_app(replace(Settings(store="memory"), **defaults), store)


@pytest.fixture
def client(store: Store) -> FlaskClient:
    return make(store).test_client()


def snapshot(store: Store) -> bytes:
    buffer = io.BytesIO()
    export_dataset(store, buffer, "nquads", include_history=True)
    return buffer.getvalue()


def update(client: FlaskClient, text: str, headers: dict[str, str] | None = None, query: str = ""):
    return client.post("/sparql" + query, data=(PREFIXES + text).encode(), headers={"Content-Type": UPDATE, **(headers or WRITER)})


def history_records(store: Store) -> int:
    number = ox.NamedNode("https://w3id.org/vetkg/ontology#changeNumber")
    return len(list(store.oxigraph.quads_for_pattern(None, number, None, ox.NamedNode(HISTORY))))


def big_insert(n_bytes: int) -> bytes:
    triples = []
    size, i = 0, 0
    while size < n_bytes:
        line = f'<{BASE}id/x/{i}> <http://www.w3.org/2000/01/rdf-schema#comment> "padding {i:08d}" .\n'
        triples.append(line)
        size += len(line)
        i += 1
    return f"INSERT DATA {{ GRAPH <{BASE}graph/big> {{\n{''.join(triples)}}} }}".encode()


# -- authorised first, bounded in size and time ----------------------------------------------------


def test_a_large_update_without_a_valid_token_is_refused_at_once(client, store):
    before = snapshot(store)
    body = big_insert(1_500_000)
    for headers, status in (({}, 401), ({"Authorization": "Bearer wrong"}, 403)):
        started = time.monotonic()
        resp = client.post("/sparql", data=body, headers={"Content-Type": UPDATE, **headers})
        assert resp.status_code == status, resp.text
        assert time.monotonic() - started < 1.0  # parsing it would take many seconds
    form = client.post("/sparql", data={"update": body.decode()}, headers={"Authorization": "Bearer wrong"})
    assert form.status_code == 403
    assert snapshot(store) == before


def test_a_write_body_past_the_limit_is_413(store):
    client = make(store, max_update_bytes=10_000).test_client()
    before = snapshot(store)
    body = big_insert(20_000)
    assert client.post("/sparql", data=body, headers={"Content-Type": UPDATE, **WRITER}).status_code == 413
    put = client.put(f"/store?graph={BASE}graph/big", data=b"<http://a/s> <http://a/p> \"" + b"x" * 20_000 + b"\" .",
                     headers={"Content-Type": "application/n-triples", **WRITER})
    assert put.status_code == 413
    assert snapshot(store) == before
    # under the limit, the same route writes
    small = client.post("/sparql", data=big_insert(2_000), headers={"Content-Type": UPDATE, **WRITER})
    assert small.status_code == 204, small.text


@pytest.mark.parametrize("dry_run", [True, False])
def test_an_update_with_a_cartesian_where_stops_at_the_deadline(store, dry_run):
    client = make(store, update_timeout=1.0).test_client()
    before = snapshot(store)
    text = (f"INSERT {{ GRAPH <{BASE}graph/x> {{ ?a rdfs:comment ?f }} }} "
            "WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i FILTER(?c = ?i && STR(?f) = \"never\") }")
    started = time.monotonic()
    resp = update(client, text, query="?dry-run=true" if dry_run else "")
    elapsed = time.monotonic() - started
    assert resp.status_code == 503, resp.text
    assert "update_timeout" in resp.text and resp.headers.get("Retry-After")
    assert elapsed < 3.0
    assert snapshot(store) == before
    # the writer is free again: the next write goes through
    assert update(client, f'INSERT DATA {{ GRAPH <{ENTITIES}> {{ <{BASE}id/x> rdfs:comment "after" }} }}').status_code == 204


def test_an_update_whose_where_takes_too_much_memory_is_stopped(store):
    # rdflib joins by building sets: this WHERE would take gigabytes well before a long deadline
    client = make(store, update_timeout=120.0, max_update_memory_mb=150).test_client()
    before = snapshot(store)
    started = time.monotonic()
    resp = update(client, f"INSERT {{ GRAPH <{BASE}graph/x> {{ ?a rdfs:comment ?f }} }} "
                          "WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i FILTER(?c = ?i && STR(?f) = \"never\") }")
    assert resp.status_code == 503 and "max_update_memory_mb" in resp.text, resp.text
    assert time.monotonic() - started < 60
    assert snapshot(store) == before


# -- bounded history ------------------------------------------------------------------------------


def _rss_kb() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * 4


def _largest_history_literal(store: Store) -> int:
    # the records' quads live beside the data store (store/history_details.py)
    held = [*store.oxigraph.quads_for_pattern(None, None, None, ox.NamedNode(HISTORY)),
            *store.history_details().quads_for_pattern(None, None, None, ox.NamedNode(HISTORY))]
    return max((len(q.object.value.encode()) for q in held if isinstance(q.object, ox.Literal)), default=0)


def test_insert_and_clear_all_a_hundred_times_keeps_the_history_small_and_memory_flat(client, store):
    sizes, rss = [], []
    for n in range(100):
        insert = f'INSERT DATA {{ GRAPH <{BASE}graph/round> {{ <{BASE}id/r/{n}> rdfs:comment "round {n}" }} }}'
        assert update(client, insert).status_code == 204
        assert update(client, "CLEAR ALL").status_code == 204
        sizes.append(_largest_history_literal(store))
        if n in (19, 99):
            rss.append(_rss_kb())
    assert max(sizes) < 1_000_000
    # The first CLEAR ALL records the seed it removed; no later record copies the history.
    assert sizes[-1] == sizes[0]
    assert rss[1] - rss[0] < 30_000  # kB, over 80 rounds
    assert history_records(store) == 200
    # CLEAR ALL leaves the system graphs alone
    assert store.oxigraph.contains_named_graph(ox.NamedNode(SHAPES))
    assert store.oxigraph.contains_named_graph(ox.NamedNode(ONTOLOGY))


def test_a_large_change_is_recorded_in_bounded_literals_and_still_reverts(store, monkeypatch):
    from vetkg.server.write_endpoints import WRITER_KEY
    from vetkg.server.writes import history
    from vetkg.server.writes.history import records, revert

    monkeypatch.setattr(history, "CHUNK_BYTES", 10_000)  # a smaller chunk, so a small write spans several
    app = make(store)
    client = app.test_client()
    before = sorted(str(q) for q in store.quads(BASE + "graph/big")) if BASE + "graph/big" in store.graphs() else []
    assert client.post("/sparql", data=big_insert(60_000), headers={"Content-Type": UPDATE, **WRITER}).status_code == 204
    assert 0 < _largest_history_literal(store) <= 10_000
    writer = app.extensions[WRITER_KEY]
    [record] = records(writer.backend, BASE)
    assert record.added == len(list(store.quads(BASE + "graph/big"))) > 500
    assert revert(writer, BASE, record.number, "root").committed
    after = sorted(str(q) for q in store.quads(BASE + "graph/big")) if BASE + "graph/big" in store.graphs() else []
    assert after == before


# -- roles and the system graphs ------------------------------------------------------------------

SHAPE = f"""<{BASE}shapes/Extra> a sh:NodeShape ; sh:targetClass vet:Measure ;
    sh:property [ sh:path vet:text ; sh:minCount 1 ] ."""


@pytest.mark.parametrize("text", [
    f"INSERT DATA {{ GRAPH <{SHAPES}> {{ {SHAPE} }} }}",
    f"CLEAR GRAPH <{SHAPES}>",
    f"DROP GRAPH <{ONTOLOGY}>",
    f"INSERT DATA {{ GRAPH <{ONTOLOGY}> {{ vet:Thing2 a <http://www.w3.org/2002/07/owl#Class> }} }}",
    f"COPY <{ENTITIES}> TO <{SHAPES}>",
])
def test_a_writer_token_cannot_change_the_shapes_or_the_ontology(client, store, text):
    before = snapshot(store)
    resp = update(client, text)
    assert resp.status_code == 403 and "admin" in resp.text, resp.text
    assert update(client, text, query="?dry-run=true").status_code == 403
    assert snapshot(store) == before


def test_the_graph_store_protocol_keeps_the_same_rule(client, store):
    before = snapshot(store)
    turtle = (PREFIXES.replace("PREFIX ", "@prefix ").replace(">\n", "> .\n") + SHAPE).encode()
    for method in (client.put, client.post):
        resp = method(f"/store?graph={SHAPES}", data=turtle, headers={"Content-Type": "text/turtle", **WRITER})
        assert resp.status_code == 403, resp.text
    assert client.delete(f"/store?graph={ONTOLOGY}", headers=WRITER).status_code == 403
    assert snapshot(store) == before


@pytest.mark.parametrize("text", [
    f"DROP GRAPH <{HISTORY}>",
    f"CLEAR GRAPH <{HISTORY}>",
    f'INSERT DATA {{ GRAPH <{HISTORY}> {{ <{BASE}history/999> vet:changeNumber 999 }} }}',
    f'INSERT DATA {{ GRAPH <{ENTITIES}> {{ <{BASE}history/999> a vet:Change ; vet:changeNumber 999 }} }}',
    f"MOVE <{HISTORY}> TO <{BASE}graph/stolen>",
])
def test_nobody_changes_or_forges_the_history(client, store, text):
    assert update(client, f'INSERT DATA {{ GRAPH <{ENTITIES}> {{ <{BASE}id/x> rdfs:comment "a record" }} }}').status_code == 204
    before = snapshot(store)
    for token in (WRITER, ADMIN):
        resp = update(client, text, token)
        assert resp.status_code == 403, resp.text
    assert client.delete(f"/store?graph={HISTORY}", headers=ADMIN).status_code == 403
    assert snapshot(store) == before


def test_drop_all_by_an_admin_drops_data_and_leaves_the_system_graphs(client, store):
    system = {g: sorted(str(q) for q in store.quads(g)) for g in (SHAPES, ONTOLOGY)}
    assert update(client, "DROP ALL", ADMIN).status_code == 204
    assert {g: sorted(str(q) for q in store.quads(g)) for g in (SHAPES, ONTOLOGY)} == system
    assert history_records(store) == 1
    assert set(store.graphs()) == {SHAPES, ONTOLOGY, HISTORY}


def test_an_admin_shapes_change_must_leave_usable_shapes(client, store):
    before = snapshot(store)
    turtle = f"@prefix sh: <http://www.w3.org/ns/shacl#> . <{BASE}shapes/Idle> a sh:NodeShape ; sh:closed false .".encode()
    vacuous = client.put(f"/store?graph={SHAPES}", data=turtle, headers={"Content-Type": "text/turtle", "Accept": "text/plain", **ADMIN})
    assert vacuous.status_code == 422 and "no target" in vacuous.text, vacuous.text
    orphan = update(client, f"INSERT DATA {{ GRAPH <{SHAPES}> {{ <{BASE}shapes/Orphan> a sh:NodeShape ; "
                            "sh:property [ sh:path vet:text ; sh:minCount 1 ] } }", {**ADMIN, "Accept": "text/plain"})
    assert orphan.status_code == 422 and "Orphan" in orphan.text, orphan.text
    malformed = update(client, f'INSERT DATA {{ GRAPH <{SHAPES}> {{ <{BASE}shapes/Bad> a sh:NodeShape ; '
                               'sh:targetClass vet:Measure ; sh:property [ sh:path vet:text ; sh:minCount "one" ] } }',
                       {**ADMIN, "Accept": "text/plain"})
    assert malformed.status_code == 422 and "SHACL-SHACL" in malformed.text, malformed.text
    assert snapshot(store) == before
    # a proper shape passes
    assert update(client, f"INSERT DATA {{ GRAPH <{SHAPES}> {{ {SHAPE} }} }}", ADMIN).status_code == 204


# -- one rule for data graphs ---------------------------------------------------------------------


def test_the_default_graph_is_data_for_the_gate_and_for_vetkg_validate(client, store):
    move = """DELETE { GRAPH ?g { ?m vet:text ?t } } INSERT { ?m vet:text ?t }
              WHERE { GRAPH ?g { ?m a vet:Measure ; vet:text ?t } }"""
    resp = update(client, move, query="?dry-run=true")
    assert resp.status_code == 200, resp.text  # the union still holds every text: it conforms
    assert update(client, move).status_code == 204
    assert validate_store(store).conforms  # and vetkg validate agrees, reading the default graph
    # a measure without its text, written to the default graph, is refused by the gate ...
    before = snapshot(store)
    bad = update(client, f'INSERT DATA {{ <{BASE}doc/x/measure/1> a vet:Measure }}')
    assert bad.status_code == 422, bad.text
    assert snapshot(store) == before
    # ... because vetkg validate would find it
    store.oxigraph.add(ox.Quad(ox.NamedNode(f"{BASE}doc/x/measure/1"), ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                               ox.NamedNode("https://w3id.org/vetkg/ontology#Measure"), ox.DefaultGraph()))
    assert not validate_store(store).conforms


def test_the_history_is_kept_out_of_dumps_pages_and_the_anonymous_graph_store(client, store):
    assert update(client, f'INSERT DATA {{ GRAPH <{ENTITIES}> {{ <{BASE}id/x> rdfs:comment "c" }} }}').status_code == 204
    assert history_records(store) == 1
    dump = client.get("/dumps/dataset.nq.gz")
    import gzip

    text = gzip.decompress(dump.data).decode()
    assert "graph/history" not in text and "alice" not in text
    assert client.get(f"/store?graph={HISTORY}").status_code == 401
    assert client.get(f"/store?graph={HISTORY}", headers=WRITER).status_code == 403
    assert f"{BASE}history/1" in client.get(f"/store?graph={HISTORY}", headers=ADMIN).text
    assert client.get("/graph/history", headers={"Accept": "text/turtle"}).status_code == 404
    # Queries see the record's number and time only: neither the token's name nor the quads.
    leak = client.post("/sparql", data=b'SELECT * WHERE { GRAPH ?g { ?s ?p ?o } FILTER(CONTAINS(STR(?s), "agent/") '
                                       b'|| CONTAINS(STR(?o), "alice") || (isLiteral(?o) && CONTAINS(STR(?o), "rdf-schema#comment"))) }',
                       headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})
    assert leak.status_code == 200 and leak.json["results"]["bindings"] == [], leak.text


# -- invalid updates and bodies: 4xx, never 500 ---------------------------------------------------


@pytest.mark.parametrize("text", ["# nothing but a comment", "BASE <http://example.org/>", "PREFIX ex: <http://example.org/>"])
def test_an_update_without_operations_is_a_no_op(client, store, text):
    before = snapshot(store)
    resp = client.post("/sparql", data=text.encode(), headers={"Content-Type": UPDATE, **WRITER})
    assert resp.status_code == 204, resp.text
    assert snapshot(store) == before


@pytest.mark.parametrize("text, rule", [
    ("DELETE DATA { ?s <http://example.org/p> <http://example.org/o> }", "variables"),
    ("DELETE DATA { _:a <http://example.org/p> <http://example.org/o> }", "blank nodes"),
    (f"INSERT DATA {{ GRAPH <{ENTITIES}> {{ _:a rdfs:comment \"1\" }} }} ; "
     f"INSERT DATA {{ GRAPH <{ENTITIES}> {{ _:a rdfs:comment \"2\" }} }}", "_:a"),
])
def test_invalid_updates_are_400_naming_the_rule(client, store, text, rule):
    before = snapshot(store)
    resp = update(client, text)
    assert resp.status_code == 400 and rule in resp.text, resp.text
    assert snapshot(store) == before


LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
 <!ENTITY a "aaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">
 <rdf:Description rdf:about="https://w3id.org/vetkg/id/x"><rdfs:comment>&c;</rdfs:comment></rdf:Description>
</rdf:RDF>"""
EXTERNAL = LAUGHS.replace('<!ENTITY a "aaaaaaaaaa">', '<!ENTITY a SYSTEM "file:///etc/passwd">')


@pytest.mark.parametrize("body", [LAUGHS, EXTERNAL, LAUGHS.encode("utf-16").decode("latin-1")], ids=["internal", "external", "utf-16"])
def test_rdf_xml_entities_are_refused(client, store, body):
    before = snapshot(store)
    resp = client.put(f"/store?graph={ENTITIES}", data=body.encode("latin-1") if "\x00" in body else body.encode(),
                      headers={"Content-Type": "application/rdf+xml", **WRITER})
    assert resp.status_code == 400 and "ENTITY" in resp.text, resp.text
    assert snapshot(store) == before


@pytest.mark.parametrize("method", ["put", "post"])
def test_a_body_with_an_rdf_1_2_triple_term_is_a_400(client, store, method):
    before = snapshot(store)
    body = f"<{BASE}id/x> <{BASE}ontology#says> <<( <{BASE}id/y> <{BASE}ontology#is> <{BASE}id/z> )>> .".encode()
    resp = getattr(client, method)(f"/store?graph={ENTITIES}", data=body, headers={"Content-Type": "text/turtle", **WRITER})
    assert resp.status_code == 400 and "triple term" in resp.text, (resp.status_code, resp.text)
    assert snapshot(store) == before


def test_a_trig_body_naming_a_graph_with_a_blank_node_is_a_400(client, store):
    before = snapshot(store)
    body = f"_:g {{ <{BASE}id/x> <{BASE}ontology#is> <{BASE}id/y> . }}".encode()
    resp = client.post("/store", data=body, headers={"Content-Type": "application/trig", **WRITER})
    assert resp.status_code == 400 and "blank node" in resp.text, (resp.status_code, resp.text)
    assert snapshot(store) == before


def test_a_remote_json_ld_context_is_refused_without_a_connection(client, store):
    canary = socket.socket()
    canary.bind(("127.0.0.1", 0))
    canary.listen(4)
    canary.settimeout(0.2)
    port = canary.getsockname()[1]
    before = snapshot(store)
    body = f'{{"@context": "http://127.0.0.1:{port}/context.jsonld", "@id": "{BASE}id/x", "comment": "c"}}'.encode()
    resp = client.post(f"/store?graph={ENTITIES}", data=body, headers={"Content-Type": "application/ld+json", **WRITER})
    assert resp.status_code == 400, resp.text
    with pytest.raises(socket.timeout):
        canary.accept()
    canary.close()
    assert snapshot(store) == before


def test_refusals_carry_no_traceback(client, store):
    for text in ("INSERT DATA { <a> <b> }", "DELETE WHERE { ?s ?p }", "CLEAR GRAPH <nowhere:x>", "LOAD <http://127.0.0.1:9/x>"):
        resp = update(client, text)
        assert 400 <= resp.status_code < 500, (text, resp.status_code, resp.text)
        assert not re.search(r"Traceback|File \"/", resp.text)


# -- the same against a real `vetkg serve` (waitress) ---------------------------------------------


@pytest.mark.slow
def test_a_served_endpoint_refuses_at_once_and_stops_a_long_update(tmp_path, seed_nquads):
    import gc

    import requests
    from conftest import serving

    from vetkg.store.oxigraph import OxigraphStore

    disk = OxigraphStore(tmp_path / "store")
    disk.oxigraph.load(seed_nquads, format=ox.RdfFormat.N_QUADS)
    disk.close()
    del disk
    gc.collect()
    body = big_insert(1_500_000)
    with serving(tmp_path / "store", update_tokens="alice:writer-token", admin_tokens="root:admin-token",
                 update_timeout="2", max_update_bytes="2000000") as url:
        for headers, status in (({}, 401), ({"Authorization": "Bearer wrong"}, 403)):
            started = time.monotonic()
            resp = requests.post(url + "/sparql", data=body, headers={"Content-Type": UPDATE, **headers}, timeout=30)
            assert resp.status_code == status and time.monotonic() - started < 2.0
        too_big = requests.post(url + "/sparql", data=big_insert(2_100_000), headers={"Content-Type": UPDATE, **WRITER}, timeout=30)
        assert too_big.status_code == 413
        started = time.monotonic()
        slow = requests.post(url + "/sparql?dry-run=true", headers={"Content-Type": UPDATE, **WRITER}, timeout=30,
                             data=b"INSERT { GRAPH <http://x/g> { ?a <http://x/p> ?f } } WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i "
                                  b"FILTER(?c = ?i && STR(?f) = \"never\") }")
        assert slow.status_code == 503 and time.monotonic() - started < 4.0
        # the server is well and writes again
        ok = requests.post(url + "/sparql", headers={"Content-Type": UPDATE, **WRITER}, timeout=30,
                           data=f'INSERT DATA {{ GRAPH <{ENTITIES}> {{ <{BASE}id/x> <http://www.w3.org/2000/01/rdf-schema#comment> "ok" }} }}'.encode())
        assert ok.status_code == 204, ok.text
