"""The /sparql endpoint through Flask's test client: protocol, formats, negotiation, limits, HTTP."""
from __future__ import annotations

import csv
import gzip
import io
import json
import multiprocessing
import time
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import pyoxigraph as ox
import pytest
import rdflib
from conftest import BASE, GRAPH_A, GRAPH_B, ONTOLOGY, VET, memory_store

from vetkg.server.app import create_app
from vetkg.server.config import Settings

NOTICES = f"SELECT ?doc ?title WHERE {{ ?doc a <{VET}Notice> ; <http://purl.org/dc/terms/title> ?title }} ORDER BY ?doc"
ALL = "SELECT * WHERE { ?s ?p ?o }"
CONSTRUCT = f"CONSTRUCT {{ ?doc a <{VET}Notice> ; <http://purl.org/dc/terms/title> ?t }} WHERE {{ ?doc a <{VET}Notice> ; <http://purl.org/dc/terms/title> ?t }}"
ASK_TRUE = f"ASK {{ <{BASE}doc/a> a <{VET}Notice> }}"
SRX = "{http://www.w3.org/2005/sparql-results#}"
SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")


def get(client, query: str, headers: dict | None = None, **params):
    return client.get("/sparql?" + urlencode({"query": query, **params}), headers=headers or {})


def notices_from_json(body: bytes) -> list[tuple[str, str]]:
    doc = json.loads(body)
    return [(b["doc"]["value"], b["title"]["value"]) for b in doc["results"]["bindings"]]


EXPECTED_NOTICES = [
    (f"{BASE}doc/a", "关于印发2025年天津市职业教育工作要点的通知"),
    (f"{BASE}doc/b", "滨海新区2025年职业教育工作要点"),
]


# --- methods ---------------------------------------------------------------------------------


def test_query_by_get(client):
    resp = get(client, NOTICES)
    assert resp.status_code == 200
    assert resp.mimetype == "application/sparql-results+json"
    assert notices_from_json(resp.data) == EXPECTED_NOTICES


def test_query_by_urlencoded_post(client):
    resp = client.post("/sparql", data={"query": NOTICES})
    assert resp.status_code == 200
    assert notices_from_json(resp.data) == EXPECTED_NOTICES


def test_query_by_direct_post(client):
    resp = client.post("/sparql", data=NOTICES.encode("utf-8"), content_type="application/sparql-query; charset=utf-8")
    assert resp.status_code == 200
    assert notices_from_json(resp.data) == EXPECTED_NOTICES


# --- result formats --------------------------------------------------------------------------


def test_select_as_xml(client):
    resp = get(client, NOTICES, {"Accept": "application/sparql-results+xml"})
    assert resp.mimetype == "application/sparql-results+xml"
    root = ET.fromstring(resp.data)
    assert [v.get("name") for v in root.iter(SRX + "variable")] == ["doc", "title"]
    docs = [b.find(SRX + "uri").text for b in root.iter(SRX + "binding") if b.get("name") == "doc"]
    assert docs == [d for d, _ in EXPECTED_NOTICES]
    langs = {b.find(SRX + "literal").get("{http://www.w3.org/XML/1998/namespace}lang") for b in root.iter(SRX + "binding") if b.get("name") == "title"}
    assert langs == {"zh"}


def test_select_as_csv(client):
    resp = get(client, NOTICES, {"Accept": "text/csv"})
    assert resp.mimetype == "text/csv"
    assert resp.mimetype_params["charset"] == "utf-8"
    rows = list(csv.reader(io.StringIO(resp.data.decode("utf-8"))))
    assert rows[0] == ["doc", "title"]
    assert [tuple(r) for r in rows[1:]] == EXPECTED_NOTICES


def test_select_as_tsv(client):
    resp = get(client, NOTICES, {"Accept": "text/tab-separated-values"})
    assert resp.mimetype == "text/tab-separated-values"
    lines = resp.data.decode("utf-8").splitlines()
    assert lines[0] == "?doc\t?title"
    assert lines[1] == f'<{BASE}doc/a>\t"{EXPECTED_NOTICES[0][1]}"@zh'
    assert len(lines) == 3


@pytest.mark.parametrize("media_type", ["application/sparql-results+json", "application/sparql-results+xml"])
def test_ask(client, media_type):
    fmt = ox.QueryResultsFormat.from_media_type(media_type)
    yes = get(client, ASK_TRUE, {"Accept": media_type})
    no = get(client, f"ASK {{ <{BASE}doc/zzz> ?p ?o }}", {"Accept": media_type})
    assert yes.mimetype == media_type
    assert bool(ox.parse_query_results(yes.data, format=fmt)) is True
    assert bool(ox.parse_query_results(no.data, format=fmt)) is False


GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/n-quads": "nquads",
    "application/trig": "trig",
}


@pytest.mark.parametrize("media_type", list(GRAPH_TYPES))
def test_construct_formats(client, media_type):
    resp = get(client, CONSTRUCT, {"Accept": media_type})
    assert resp.status_code == 200
    assert resp.mimetype == media_type
    graph = rdflib.Dataset()
    graph.parse(data=resp.data, format=GRAPH_TYPES[media_type])
    titles = {str(o) for _, p, o, _ in graph.quads((None, rdflib.URIRef("http://purl.org/dc/terms/title"), None, None))}
    assert titles == {t for _, t in EXPECTED_NOTICES}
    assert len(list(graph.quads((None, rdflib.RDF.type, None, None)))) == 2


def test_describe(client):
    resp = get(client, f"DESCRIBE <{BASE}doc/b>", {"Accept": "application/n-triples"})
    assert resp.status_code == 200
    triples = list(ox.parse(resp.data, format=ox.RdfFormat.N_TRIPLES))
    assert {str(t.subject.value) for t in triples} == {f"{BASE}doc/b"}
    assert len(triples) == 4


def test_turtle_uses_the_query_prefixes(client):
    query = f"PREFIX vet: <{VET}> CONSTRUCT WHERE {{ ?d a vet:Notice }}"
    body = get(client, query, {"Accept": "text/turtle"}).data.decode()
    assert f"@prefix vet: <{VET}> ." in body and "vet:Notice" in body


# --- negotiation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "application/sparql-results+json"),
        ("*/*", "application/sparql-results+json"),
        ("application/sparql-results+xml;q=0.9, text/csv;q=0.5", "application/sparql-results+xml"),
        ("text/csv;q=0.4, application/sparql-results+xml;q=0.3", "text/csv"),
        ("text/*", "text/csv"),
        ("text/tab-separated-values, */*;q=0.1", "text/tab-separated-values"),
        ("application/json", "application/sparql-results+json"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "application/sparql-results+json"),
    ],
)
def test_select_negotiation(client, accept, expected):
    resp = get(client, NOTICES, {"Accept": accept} if accept else {})
    assert resp.status_code == 200
    assert resp.mimetype == expected
    assert "Accept" in resp.headers["Vary"]


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("*/*", "text/turtle"),
        ("application/*", "application/ld+json"),
        ("application/rdf+xml;q=0.5, application/n-triples;q=0.8", "application/n-triples"),
        ("text/turtle;q=0.1, application/trig", "application/trig"),
    ],
)
def test_construct_negotiation(client, accept, expected):
    assert get(client, CONSTRUCT, {"Accept": accept}).mimetype == expected


@pytest.mark.parametrize(
    ("query", "fmt", "expected"),
    [
        (NOTICES, "csv", "text/csv"),
        (NOTICES, "tsv", "text/tab-separated-values"),
        (NOTICES, "xml", "application/sparql-results+xml"),
        (NOTICES, "application/sparql-results+xml", "application/sparql-results+xml"),
        (CONSTRUCT, "ttl", "text/turtle"),
        (CONSTRUCT, "json", "application/ld+json"),
        (CONSTRUCT, "nq", "application/n-quads"),
        (CONSTRUCT, "rdfxml", "application/rdf+xml"),
        (ASK_TRUE, "xml", "application/sparql-results+xml"),
        (CONSTRUCT, "n3", "text/turtle"),  # N3 readers read Turtle
        (CONSTRUCT, "rdf+xml", "application/rdf+xml"),  # SPARQLWrapper's name for RDF/XML
        (CONSTRUCT, "application/ld+json,application/x-json+ld", "application/ld+json"),  # an Accept-like list
        (NOTICES, "text/csv; charset=utf-8", "text/csv"),
    ],
)
def test_format_parameter_overrides_accept(client, query, fmt, expected):
    resp = get(client, query, {"Accept": "application/sparql-results+json, application/ld+json"}, format=fmt)
    assert resp.status_code == 200
    assert resp.mimetype == expected


@pytest.mark.parametrize(("query", "value", "expected"), [
    (NOTICES, "csv", "text/csv"),
    (NOTICES, "xml", "application/sparql-results+xml"),
    (CONSTRUCT, "ttl", "text/turtle"),
])
def test_output_parameter_is_fusekis_name_for_format(client, query, value, expected):
    resp = get(client, query, {"Accept": "application/sparql-results+json, application/ld+json"}, output=value)
    assert resp.status_code == 200
    assert resp.mimetype == expected


def test_output_and_format_that_disagree_are_refused(client):
    resp = get(client, NOTICES, {}, format="csv", output="tsv")
    assert resp.status_code == 400


@pytest.mark.parametrize(
    ("query", "values", "expected"),
    [
        (NOTICES, ["json", "json"], "application/sparql-results+json"),
        (NOTICES, ["tsv", "text/tab-separated-values"], "text/tab-separated-values"),  # SPARQLWrapper's TSV
        (CONSTRUCT, ["json-ld", "application/ld+json,application/x-json+ld"], "application/ld+json"),
        (CONSTRUCT, ["rdf+xml", "application/rdf+xml"], "application/rdf+xml"),
        (NOTICES, ["json-ld", ""], "application/sparql-results+json"),  # "" stands for */*
        (NOTICES, ["xml", "application/rdf+xml"], "application/sparql-results+xml"),  # xml: whichever holds it
        (CONSTRUCT, ["xml", "application/rdf+xml"], "application/rdf+xml"),
    ],
)
def test_a_repeated_format_that_agrees_is_taken(client, query, values, expected):
    resp = client.get("/sparql?" + urlencode([("query", query), *(("format", v) for v in values)]))
    assert resp.status_code == 200, resp.text
    assert resp.mimetype == expected


def test_a_repeated_format_that_disagrees_is_400(client):
    resp = client.get("/sparql?" + urlencode([("query", NOTICES), ("format", "json"), ("format", "csv")]))
    assert resp.status_code == 400
    assert "2 times" in resp.text and "SPARQL JSON" in resp.text and "CSV" in resp.text
    # by POST too, the values split between the URL and the form
    resp = client.post("/sparql?format=ttl", data={"query": CONSTRUCT, "format": "nt"})
    assert resp.status_code == 400 and "Turtle" in resp.text and "N-Triples" in resp.text


@pytest.mark.parametrize(
    ("query", "accept", "expected"),
    [
        (NOTICES, "text/csv; charset=utf-8", "text/csv"),
        (NOTICES, "application/sparql-results+json; charset=utf-8", "application/sparql-results+json"),
        (NOTICES, "application/json;charset=UTF-8", "application/sparql-results+json"),
        (NOTICES, "text/csv;charset=utf-8;q=0.2, application/sparql-results+xml;charset=utf-8;q=0.8", "application/sparql-results+xml"),
        (CONSTRUCT, "text/turtle; charset=utf-8", "text/turtle"),
        (CONSTRUCT, 'application/ld+json; profile="http://www.w3.org/ns/json-ld#compacted"', "application/ld+json"),
        (CONSTRUCT, "text/n3", "text/turtle"),
        (CONSTRUCT, "text/rdf+n3, application/n3", "text/turtle"),
    ],
)
def test_accept_with_parameters_is_matched(client, query, accept, expected):
    resp = get(client, query, {"Accept": accept})
    assert resp.status_code == 200, resp.text
    assert resp.mimetype == expected


def test_unknown_format_name_is_400(client):
    resp = get(client, NOTICES, format="yaml")
    assert resp.status_code == 400
    assert "yaml" in resp.text and "turtle" in resp.text
    resp = get(client, NOTICES, format="image/png")
    assert resp.status_code == 400 and "image/png" in resp.text


def test_format_that_cannot_hold_the_result_falls_back_to_accept(client):
    # SPARQLWrapper sends its format= whatever the query form: CSV for a CONSTRUCT gets the
    # first graph format Accept allows, as from Fuseki; only when Accept allows none, 406.
    resp = get(client, CONSTRUCT, format="csv")
    assert resp.status_code == 200 and resp.mimetype == "text/turtle"
    assert len(rdflib.Graph().parse(data=resp.data, format="turtle")) == 4
    resp = get(client, CONSTRUCT, {"Accept": "application/rdf+xml"}, format="csv")
    assert resp.mimetype == "application/rdf+xml"
    resp = get(client, NOTICES, {"Accept": "*/*"}, format="turtle")
    assert resp.status_code == 200 and notices_from_json(resp.data) == EXPECTED_NOTICES
    resp = get(client, CONSTRUCT, {"Accept": "text/csv"}, format="csv")
    assert resp.status_code == 406
    assert "'csv'" in resp.text and "text/turtle" in resp.text


def test_nothing_acceptable_is_406_listing_offers(client):
    resp = get(client, NOTICES, {"Accept": "image/png"})
    assert resp.status_code == 406
    assert resp.mimetype == "text/plain"
    for offered in ("application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values"):
        assert offered in resp.text
    resp = get(client, CONSTRUCT, {"Accept": "text/csv"})
    assert resp.status_code == 406
    assert "text/turtle" in resp.text and "application/ld+json" in resp.text


# --- errors ----------------------------------------------------------------------------------


def test_malformed_query_gives_position(client):
    resp = get(client, "SELECT ?s WHERE {\n  ?s ?p ?o .\n  FILTER( }")
    assert resp.status_code == 400
    assert resp.mimetype == "text/plain"
    assert "3:" in resp.text  # line 3 of the query
    assert "Traceback" not in resp.text


def test_malformed_query_mentioning_service_still_gives_position(client):
    resp = get(client, 'SELECT * { ?s ?p "service" . FILTER( }')
    assert resp.status_code == 400
    assert "line 1, column" in resp.text


@pytest.mark.parametrize(
    ("params", "content_type", "body", "needle"),
    [
        ("query=ASK%20%7B%7D&query=ASK%20%7B%7D", None, None, "2 times"),
        ("query=ASK%20%7B%7D&update=CLEAR%20ALL", None, None, "POST"),
        ("", "text/plain", b"ASK {}", "Content-Type"),
        ("", None, b"query=ASK%20%7B%7D", "Content-Type"),
        ("", "application/x-www-form-urlencoded", b"query=ASK%20%7B%7D&update=CLEAR%20ALL", "not both"),
        ("query=ASK%20%7B%7D", "application/x-www-form-urlencoded", b"query=ASK%20%7B%7D", "both in the URL and in the body"),
        ("", "application/sparql-query; charset=UTF-16", "ASK {}".encode("utf-16"), "UTF-8"),
        ("", "application/sparql-query", b"ASK { \xff }", "UTF-8"),
        ("", "application/x-www-form-urlencoded", b"query=", "empty"),
        ("", "application/x-www-form-urlencoded", b"format=json", "no query"),
        ("query=ASK%20%7B%7D&default-graph-uri=not%20an%20iri", None, None, "absolute IRI"),
        ("query=ASK%20%7B%7D&timeout=soon", None, None, "timeout"),
        ("query=ASK%20%7B%7D&timeout=-1", None, None, "positive"),
        ("query=ASK%20%7B%7D&using-graph-uri=http%3A%2F%2Fx%2F", None, None, "does not apply"),
    ],
    ids=lambda value: repr(value) if isinstance(value, bytes) else None,
)
def test_protocol_errors_are_400(client, params, content_type, body, needle):
    if body is None:
        resp = client.get("/sparql?" + params)
    else:
        resp = client.post("/sparql?" + params, data=body, headers={"Content-Type": content_type} if content_type else {})
    assert resp.status_code == 400, resp.text
    assert resp.mimetype == "text/plain"
    assert needle in resp.text


def test_unknown_method_is_405(client):
    resp = client.put("/sparql?query=ASK%20%7B%7D")
    assert resp.status_code == 405
    assert "GET" in resp.headers["Allow"] and "POST" in resp.headers["Allow"]
    assert client.delete("/sparql").status_code == 405


def test_update_is_refused_read_only_then_checked(client, make_app):
    # No update tokens configured: the endpoint is read-only (tests/test_writes.py has the rest),
    # and an update is refused before it is parsed, whatever it holds.
    for body in (b"CLEAR ALL", b"CLEAR XYZ", b"LOAD <http://example.org/x.ttl>"):
        refused = client.post("/sparql", data=body, content_type="application/sparql-update")
        assert refused.status_code == 403 and "read-only" in refused.text
    authorised = make_app(update_tokens={"alice": "s3cret"}).test_client()
    bearer = {"Authorization": "Bearer s3cret"}
    bad = authorised.post("/sparql", data={"update": "CLEAR XYZ"}, headers=bearer)
    assert bad.status_code == 400 and "line 1" in bad.text
    load = authorised.post("/sparql", data=b"LOAD <http://example.org/x.ttl>", content_type="application/sparql-update", headers=bearer)
    assert load.status_code == 400 and "LOAD is disabled" in load.text


def test_bug_becomes_generic_500(app, client, monkeypatch):
    def broken(job, timeout):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(app.extensions["vetkg.sparql.executor"], "run", broken)
    resp = get(client, NOTICES)
    assert resp.status_code == 500
    assert "secret" not in resp.text and "Traceback" not in resp.text


# --- SERVICE and the dataset -----------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }",
        "SELECT * { ?s ?p ?o OPTIONAL { SERVICE SILENT <http://127.0.0.1:1/sparql> { ?s ?q ?r } } }",
        "PREFIX ex: <http://127.0.0.1:1/> ASK { service ex:sparql { ?s ?p ?o } }",
        "SELECT * { ?s ?p ?o FILTER EXISTS { SERVICE ?endpoint { ?s ?p ?o } } }",
    ],
)
def test_service_is_refused(client, query):
    resp = get(client, query)
    assert resp.status_code == 400
    assert "SERVICE is disabled" in resp.text


def test_the_word_service_in_a_literal_is_fine(client):
    resp = get(client, 'SELECT * { ?s ?p "SERVICE <http://example.org/> { }" }')
    assert resp.status_code == 200


def count(client, query: str, **params) -> int:
    resp = get(client, query, **params)
    assert resp.status_code == 200, resp.text
    return len(json.loads(resp.data)["results"]["bindings"])


NOTICE_ONLY = f"SELECT ?d WHERE {{ ?d a <{VET}Notice> }}"


def test_default_graph_is_the_union(client):
    assert count(client, NOTICE_ONLY) == 2
    # The organisation's label is in both documents' graphs; the union sees both (Oxigraph's union
    # is a bag of the graphs' triples; DISTINCT makes it a set).
    label = f"SELECT %s ?l WHERE {{ <{BASE}id/org/天津市教育委员会> ?p ?l }}"
    assert count(client, label % "") == 2
    assert count(client, label % "DISTINCT") == 1


def test_default_graph_uri(client):
    assert count(client, NOTICE_ONLY, **{"default-graph-uri": GRAPH_A}) == 1
    both = f"/sparql?{urlencode([('query', NOTICE_ONLY), ('default-graph-uri', GRAPH_A), ('default-graph-uri', GRAPH_B)])}"
    assert len(json.loads(client.get(both).data)["results"]["bindings"]) == 2


def test_named_graph_uri(client):
    query = f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?d a <{VET}Notice> }} }}"
    assert count(client, query) == 2
    resp = get(client, query, **{"named-graph-uri": GRAPH_B})
    assert [b["g"]["value"] for b in json.loads(resp.data)["results"]["bindings"]] == [GRAPH_B]
    # Only named graphs given: the default graph is empty.
    assert count(client, NOTICE_ONLY, **{"named-graph-uri": GRAPH_B}) == 0


def test_from_clause_and_protocol_override(client):
    assert count(client, f"SELECT ?d FROM <{GRAPH_B}> WHERE {{ ?d a <{VET}Notice> }}") == 1
    assert count(client, f"SELECT ?d FROM <{ONTOLOGY}> WHERE {{ ?d a <{VET}Notice> }}") == 0
    # default-graph-uri wins over FROM (SPARQL 1.1 Protocol 2.1.4)
    overridden = f"SELECT ?d FROM <{ONTOLOGY}> WHERE {{ ?d a <{VET}Notice> }}"
    assert count(client, overridden, **{"default-graph-uri": GRAPH_A}) == 1


@pytest.mark.parametrize(
    ("query", "params"),
    [
        (NOTICE_ONLY, {"default-graph-uri": "http://example.org/elsewhere"}),
        (NOTICE_ONLY, {"named-graph-uri": "http://example.org/elsewhere"}),
        (f"SELECT ?d FROM <http://example.org/elsewhere> WHERE {{ ?d a <{VET}Notice> }}", {}),
        (f"SELECT ?d FROM NAMED <http://example.org/elsewhere> WHERE {{ ?d a <{VET}Notice> }}", {}),
    ],
)
def test_graph_not_in_store_is_refused(client, make_app, query, params):
    resp = get(client, query, **params)
    assert resp.status_code == 400
    assert "http://example.org/elsewhere" in resp.text and "not in this store" in resp.text
    lenient = make_app(allow_unknown_graphs=True).test_client()
    assert get(lenient, query, **params).status_code == 200


# --- service description ---------------------------------------------------------------------


def test_service_description(client):
    resp = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert resp.status_code == 200
    assert resp.mimetype == "text/turtle"
    g = rdflib.Graph().parse(data=resp.data, format="turtle")
    service = g.value(predicate=rdflib.RDF.type, object=SD.Service)
    assert service is not None
    assert g.value(service, SD.endpoint) == rdflib.URIRef("http://localhost/sparql")
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in g
    assert (service, SD.feature, SD.UnionDefaultGraph) in g
    assert len(set(g.objects(service, SD.resultFormat))) == 10
    dataset = g.value(service, SD.defaultDataset)
    default = g.value(dataset, SD.defaultGraph)
    union_size = len(json.loads(get(client, "SELECT DISTINCT * { ?s ?p ?o }").data)["results"]["bindings"])
    assert g.value(default, VOID.triples).toPython() == union_size
    sizes = {str(g.value(n, SD.name)): g.value(g.value(n, SD.graph), VOID.triples).toPython() for n in g.objects(dataset, SD.namedGraph)}
    assert sizes == {GRAPH_A: 10, GRAPH_B: 5, ONTOLOGY: 5}


def test_service_description_negotiated(client):
    resp = client.get("/sparql", headers={"Accept": "application/ld+json"})
    assert resp.mimetype == "application/ld+json"
    g = rdflib.Graph().parse(data=resp.data, format="json-ld")
    assert (None, rdflib.RDF.type, SD.Service) in g
    assert client.get("/sparql?format=nt").mimetype == "application/n-triples"


def test_browser_is_sent_to_the_query_page(client):
    resp = client.get("/sparql", headers={"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"})
    assert resp.status_code == 303
    assert resp.headers["Location"].endswith("/")


# --- HTTP hygiene ----------------------------------------------------------------------------


def test_etag_and_304(app, client, monkeypatch):
    first = get(client, NOTICES)
    etag = first.headers["ETag"]
    assert first.headers["Last-Modified"]
    # A revalidation must not run the query again.
    monkeypatch.setattr(app.extensions["vetkg.sparql.executor"], "run", lambda *a: pytest.fail("query ran"))
    again = get(client, NOTICES, {"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    since = get(client, NOTICES, {"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304
    monkeypatch.undo()
    other = get(client, NOTICES, {"Accept": "text/csv"})
    assert other.headers["ETag"] != etag
    app.extensions["vetkg.version"].bump()
    changed = get(client, NOTICES, {"If-None-Match": etag, "If-Modified-Since": first.headers["Last-Modified"]})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag


def test_etags_do_not_survive_a_restart(make_app):
    """The version is not read off the store: a restart after a write that kept the quad count
    must not revive the old tags."""
    store = memory_store(None)
    first = get(create_app(Settings(store="memory"), store).test_client(), NOTICES).headers["ETag"]
    second = get(create_app(Settings(store="memory"), store).test_client(), NOTICES).headers["ETag"]
    assert first != second


def test_health_counts_quads_again_after_a_write(make_app):
    app = make_app(update_tokens={"alice": "s3cret"})
    client = app.test_client()
    before = client.get("/health").json["quads"]
    written = client.post(
        "/sparql",
        data={"update": "INSERT DATA { GRAPH <http://example.org/g> { <http://example.org/s> <http://example.org/p> 1 } }"},
        headers={"Authorization": "Bearer s3cret"},
    )
    assert written.status_code == 204, written.text
    after = client.get("/health").json["quads"]
    # the triple and the write's history record
    assert after > before + 1 and after == len(app.extensions["vetkg.store"])


def test_post_is_not_conditional(client):
    etag = get(client, NOTICES).headers["ETag"]
    resp = client.post("/sparql", data={"query": NOTICES}, headers={"If-None-Match": etag})
    assert resp.status_code == 200


def test_cors(client):
    resp = get(client, NOTICES, {"Origin": "https://example.org"})
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    exposed = resp.headers["Access-Control-Expose-Headers"]
    for header in ("ETag", "Link", "Content-Location"):
        assert header in exposed
    preflight = client.options(
        "/sparql",
        headers={"Origin": "https://example.org", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "Content-Type"},
    )
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
def test_cors_lets_a_page_on_another_site_write_to_the_graph_store(client, method):
    preflight = client.options(
        "/store?graph=https://example.org/g",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": "Authorization, Content-Type",
        },
    )
    assert method in preflight.headers["Access-Control-Allow-Methods"]
    assert "authorization" in preflight.headers["Access-Control-Allow-Headers"].lower()


def test_gzip(client):
    resp = get(client, ALL, {"Accept-Encoding": "gzip"})
    assert resp.headers["Content-Encoding"] == "gzip"
    doc = json.loads(gzip.decompress(resp.data))
    assert len(doc["results"]["bindings"]) > 10
    assert "Accept-Encoding" in resp.headers["Vary"] and "Accept" in resp.headers["Vary"]


def test_health_and_metrics(client):
    health = client.get("/health")
    assert health.status_code == 200
    assert health.json["quads"] == 20 and health.json["store"] == "memory"
    get(client, NOTICES)
    get(client, "ASK {")
    text = client.get("/metrics").text
    assert 'vetkg_http_requests_total{endpoint="/sparql",method="GET",status="200"} 1.0' in text
    assert 'vetkg_http_requests_total{endpoint="/sparql",method="GET",status="400"} 1.0' in text
    assert 'vetkg_http_request_duration_seconds_bucket{endpoint="/sparql",le="+Inf"} 2.0' in text


# --- limits ----------------------------------------------------------------------------------


def big_dataset(n: int = 3000) -> list[ox.Quad]:
    ex = "http://example.org/"
    return [
        ox.Quad(ox.NamedNode(f"{ex}s{i}"), ox.NamedNode(f"{ex}p{i % 11}"), ox.Literal(i), ox.NamedNode(f"{ex}g{i % 3}"))
        for i in range(n)
    ]


# A sort over 3000^5 rows: minutes, hours in fact, unless stopped.
ENDLESS = """SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o }
             ORDER BY ?c ?f ?i ?l ?o"""


def test_timeout_really_stops_the_query(make_app):
    client = make_app(big_dataset(), query_timeout=30.0).test_client()
    before = set(multiprocessing.active_children())
    started = time.monotonic()
    resp = get(client, ENDLESS, timeout="1")
    elapsed = time.monotonic() - started
    assert resp.status_code == 503
    assert "timed out" in resp.text
    assert elapsed < 4, elapsed
    # The worker is gone, not left burning a core (idle pooled workers of other apps may remain).
    assert set(multiprocessing.active_children()) - before == set()


def test_timeout_parameter_only_lowers_the_limit(make_app):
    client = make_app(big_dataset(), query_timeout=1.0).test_client()
    started = time.monotonic()
    resp = client.post("/sparql", data={"query": ENDLESS, "timeout": "600"})
    assert resp.status_code == 503
    assert time.monotonic() - started < 4


def test_fast_queries_are_unaffected_by_timeout(make_app):
    client = make_app(big_dataset()).test_client()
    resp = get(client, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", timeout="5")
    assert json.loads(resp.data)["results"]["bindings"][0]["n"]["value"] == "3000"


def test_row_cap(make_app):
    client = make_app(max_rows=3).test_client()
    resp = get(client, ALL)
    doc = json.loads(resp.data)
    assert len(doc["results"]["bindings"]) == 3
    # The cap is said in headers only: the document stays SPARQL JSON, which strict parsers read.
    assert set(doc) == {"head", "results"}
    assert len(list(ox.parse_query_results(resp.data, format=ox.QueryResultsFormat.JSON))) == 3
    assert resp.headers["X-VetKG-Truncated"] == "true"
    assert resp.headers["X-VetKG-Max-Rows"] == "3"
    csv_rows = get(client, ALL, format="csv").data.decode().splitlines()
    assert len(csv_rows) == 4
    xml = get(client, ALL, format="xml")
    assert xml.headers["X-VetKG-Truncated"] == "true"
    assert len(list(ET.fromstring(xml.data).iter(SRX + "result"))) == 3
    graph = get(client, "CONSTRUCT WHERE { ?s ?p ?o }", format="nt")
    assert len(graph.data.decode().splitlines()) == 3
    assert graph.headers["X-VetKG-Truncated"] == "true"
    small = get(client, NOTICES)
    assert "X-VetKG-Truncated" not in small.headers
    assert set(json.loads(small.data)) == {"head", "results"}
