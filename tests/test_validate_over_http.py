"""``/validate``: the report ``vetkg validate`` prints, over HTTP, to readers without a token."""
from __future__ import annotations

import io

import pyoxigraph as ox
import pytest
import rdflib
from conftest import BASE, GRAPH_A, GRAPH_B, fixture_quads, memory_store
from rdflib.namespace import SH

from vetkg.shapes.validate import validate_store

FOREIGN = """@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<http://example.org/alice> a <http://xmlns.com/foaf/0.1/Person> ; rdfs:label "Alice"@en , "Alice" .
"""
NOTICE_NEEDS_A_NUMBER = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix vet: <https://w3id.org/vetkg/ontology#> .
<urn:x:shape> a sh:NodeShape ; sh:targetClass vet:Notice ;
    sh:property [ sh:path vet:documentNumber ; sh:minCount 1 ; sh:message "needs a number"@en ] .
"""


def foreign_quads() -> list[ox.Quad]:
    graph = ox.NamedNode(BASE + "graph/foreign")
    return [ox.Quad(t.subject, t.predicate, t.object, graph) for t in ox.parse(FOREIGN.encode(), format=ox.RdfFormat.TURTLE)]


def test_a_reader_gets_the_same_report_as_vetkg_validate(make_app):
    app = make_app(update_tokens={"alice": "tok"})  # writes need a token; this read does not
    resp = app.test_client().get("/validate")
    assert resp.status_code == 200
    assert resp.mimetype == "text/plain"
    expected = validate_store(memory_store(), None, BASE).text
    assert resp.text == expected
    assert resp.headers["X-VetKG-Conforms"] == "false"  # the fixture's notices lack their plans
    assert int(resp.headers["X-VetKG-Violations"]) > 0
    assert "zh:" in resp.text and "en:" in resp.text


def test_json_turtle_and_one_language(make_app):
    client = make_app().test_client()
    body = client.get("/validate", headers={"Accept": "application/json"}).json
    assert body["conforms"] is False and body["violations"] == sum(r["severity"] == "Violation" for r in body["results"])
    assert {r["focus"] for r in body["results"]} >= {BASE + "doc/a", BASE + "doc/b"}
    assert all(r["message_zh"] and r["message_en"] for r in body["results"])
    turtle = client.get("/validate?format=turtle")
    assert turtle.mimetype == "text/turtle"
    report = rdflib.Graph().parse(data=turtle.text, format="turtle")
    assert (None, SH.conforms, rdflib.Literal(False)) in report
    assert len(set(report.subjects(rdflib.RDF.type, SH.ValidationResult))) == len(body["results"])
    zh = client.get("/validate?lang=zh").text
    assert "zh:" in zh and "\n  en:" not in zh and " en: " not in zh
    assert client.get("/validate?format=yaml").status_code == 400
    assert client.get("/validate?lang=fr").status_code == 400


def test_a_conforming_store_and_one_graph(make_app):
    client = make_app(quads=foreign_quads()).test_client()
    resp = client.get("/validate", headers={"Accept": "application/json"})
    assert resp.json["conforms"] is True and resp.headers["X-VetKG-Conforms"] == "true"
    assert resp.json["summary"].startswith("1 data graph(s)")
    mixed = make_app(quads=fixture_quads() + foreign_quads()).test_client()
    one = mixed.get(f"/validate?graph={BASE}graph/foreign&format=json").json
    assert one["conforms"] is True
    other = mixed.get(f"/validate?graph={GRAPH_B}&format=json").json
    assert other["conforms"] is False and {r["focus"] for r in other["results"]} == {BASE + "doc/b"}
    unknown = mixed.get(f"/validate?graph={BASE}graph/none")
    assert unknown.status_code == 400 and "not a data graph" in unknown.text
    assert mixed.get(f"/validate?graph={GRAPH_A}&graph={GRAPH_B}").status_code == 400


def test_a_posted_graph_is_validated_and_not_written(make_app):
    app = make_app()
    client = app.test_client()
    before = len(app.extensions["vetkg.store"])
    resp = client.post("/validate?format=json", data=FOREIGN.encode(), content_type="text/turtle")
    assert resp.status_code == 200 and resp.json["conforms"] is True
    bad = FOREIGN + '<http://example.org/alice> rdfs:label <http://example.org/not-a-string> .\n'
    resp = client.post("/validate?format=json", data=bad.encode(), content_type="text/turtle; charset=utf-8")
    assert resp.json["conforms"] is False
    assert [r["value"] for r in resp.json["results"]] == ["http://example.org/not-a-string"]
    assert len(app.extensions["vetkg.store"]) == before
    broken = client.post("/validate", data=b"<a> <b> .", content_type="text/turtle")
    assert broken.status_code == 400 and "not valid" in broken.text
    assert client.post("/validate", data=b"x", content_type="application/pdf").status_code == 415


def test_posted_shapes_against_the_store_and_a_posted_pair(make_app):
    client = make_app().test_client()
    resp = client.post("/validate/shapes?format=json", data=NOTICE_NEEDS_A_NUMBER.encode(), content_type="text/turtle")
    assert resp.status_code == 200
    assert [(r["focus"], r["message_en"]) for r in resp.json["results"]] == [(BASE + "doc/b", "needs a number")]
    data = f'<{BASE}doc/x> a <https://w3id.org/vetkg/ontology#Notice> .'
    pair = client.post("/validate?format=json", data={
        "data": (io.BytesIO(data.encode()), "data.ttl", "text/turtle"),
        "shapes": (io.BytesIO(NOTICE_NEEDS_A_NUMBER.encode()), "shapes.ttl", "text/turtle"),
    }, content_type="multipart/form-data")
    assert pair.status_code == 200, pair.text
    assert [r["focus"] for r in pair.json["results"]] == [BASE + "doc/x"]


@pytest.mark.parametrize("feature", ["sh:sparql [ sh:select \"SELECT $this WHERE { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }\" ]",
                                     "sh:target [ a sh:SPARQLTarget ; sh:select \"SELECT ?this {}\" ]"])
def test_posted_shapes_are_shacl_core_only(make_app, feature):
    shapes = f"@prefix sh: <http://www.w3.org/ns/shacl#> .\n<urn:x:s> a sh:NodeShape ; {feature} ."
    resp = make_app().test_client().post("/validate/shapes", data=shapes.encode(), content_type="text/turtle")
    assert resp.status_code == 400 and "SHACL Core only" in resp.text


def test_bounded_in_size_and_time(make_app):
    import pyshacl  # noqa: F401 - imported before the deadline can interrupt an import

    small = make_app(max_update_bytes=100).test_client()
    resp = small.post("/validate", data=FOREIGN.encode(), content_type="text/turtle")
    assert resp.status_code == 413 and "max_update_bytes" in resp.text
    many = "\n".join(f"<urn:x:n{i}> <http://www.w3.org/2000/01/rdf-schema#label> <urn:x:v{i}> ." for i in range(20000))
    slow = make_app(update_timeout=0.2).test_client()
    resp = slow.post("/validate", data=many.encode(), content_type="application/n-triples")
    assert resp.status_code == 503 and "update_timeout" in resp.text
    # and the next one runs
    assert slow.get("/validate").status_code == 200


def test_the_store_report_is_kept_until_the_next_write(make_app):
    app = make_app(update_tokens={"alice": "tok"})
    client = app.test_client()
    first = client.get("/validate?format=json").json
    assert client.get("/validate?format=json").json == first
    resp = client.put(f"/store?graph={BASE}graph/foreign", data=FOREIGN.encode(), content_type="text/turtle",
                      headers={"Authorization": "Bearer tok"})
    assert resp.status_code in (201, 204), resp.text
    after = client.get("/validate?format=json").json
    # the foreign graph's three triples and one node are in the new report, not a kept one
    assert "(4 nodes, 14 triples checked)" in first["summary"]
    assert "(5 nodes, 17 triples checked)" in after["summary"]
