"""A real ``vetkg serve`` (waitress, on-disk store, loopback port) queried by real SPARQL clients."""
from __future__ import annotations

import csv
import io
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import rdflib
import requests
from conftest import BASE, GRAPH_A, VET
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, XML, SPARQLWrapper

pytestmark = pytest.mark.slow

NOTICES = f"""PREFIX vet: <{VET}>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?doc ?title WHERE {{ ?doc a vet:Notice ; dcterms:title ?title }} ORDER BY ?doc"""
TITLES = ["关于印发2025年天津市职业教育工作要点的通知", "滨海新区2025年职业教育工作要点"]


def test_sparqlwrapper_json(live_server):
    sparql = SPARQLWrapper(live_server + "/sparql")
    sparql.setQuery(NOTICES)
    sparql.setReturnFormat(JSON)
    result = sparql.query().convert()
    assert [b["title"]["value"] for b in result["results"]["bindings"]] == TITLES
    assert result["results"]["bindings"][0]["title"]["xml:lang"] == "zh"


def test_sparqlwrapper_xml_by_post(live_server):
    sparql = SPARQLWrapper(live_server + "/sparql")
    sparql.setMethod("POST")
    sparql.setQuery(NOTICES)
    sparql.setReturnFormat(XML)
    doc = sparql.query().convert()  # an xml.dom.minidom Document
    literals = [node.firstChild.data for node in doc.getElementsByTagName("literal")]
    assert literals == TITLES


def test_sparqlwrapper_ask_and_construct(live_server):
    sparql = SPARQLWrapper(live_server + "/sparql")
    sparql.setQuery(f"ASK {{ <{BASE}doc/a> a <{VET}Notice> }}")
    sparql.setReturnFormat(JSON)
    assert sparql.query().convert()["boolean"] is True
    sparql.setQuery(f"CONSTRUCT WHERE {{ ?d a <{VET}Notice> }}")
    graph = sparql.queryAndConvert()
    assert isinstance(graph, rdflib.Graph) and len(graph) == 2


def test_rdflib_sparqlstore(live_server):
    graph = rdflib.Graph(store=SPARQLStore(query_endpoint=live_server + "/sparql"))
    titles = [str(row.title) for row in graph.query(NOTICES)]
    assert titles == TITLES
    notices = set(graph.subjects(rdflib.RDF.type, rdflib.URIRef(VET + "Notice")))
    assert notices == {rdflib.URIRef(BASE + "doc/a"), rdflib.URIRef(BASE + "doc/b")}
    assert graph.query(f"ASK {{ <{BASE}doc/a> ?p ?o }}").askAnswer is True


def curl(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["/usr/bin/curl", "-sS", "--max-time", "20", *args], capture_output=True, text=True, check=True)


def test_curl_csv_by_get(live_server):
    out = curl("-G", "-H", "Accept: text/csv", "--data-urlencode", f"query={NOTICES}", live_server + "/sparql")
    rows = list(csv.reader(io.StringIO(out.stdout)))
    assert rows[0] == ["doc", "title"]
    assert [r[1] for r in rows[1:]] == TITLES


def test_curl_direct_post_turtle_gzip(live_server):
    out = curl(
        "--compressed", "-D", "-", "-H", "Accept: text/turtle", "-H", "Content-Type: application/sparql-query",
        "--data-binary", f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{GRAPH_A}> {{ ?s ?p ?o }} }}", live_server + "/sparql",
    )
    head, _, body = out.stdout.partition("\n\n")  # text mode has turned CRLF into LF
    assert "content-type: text/turtle" in head.lower()
    graph = rdflib.Graph().parse(data=body, format="turtle")
    assert len(graph) == 10


def test_curl_sees_errors_as_text(live_server):
    out = curl("-G", "-w", "\n%{http_code}", "--data-urlencode", "query=SELECT * WHERE { ?s ?p }", live_server + "/sparql")
    body, _, status = out.stdout.rpartition("\n")
    assert status == "400"
    assert "syntax error" in body and "1:" in body


def test_eight_clients_at_once(live_server):
    def ask(i: int) -> tuple[int, int]:
        query = NOTICES if i % 2 else "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        resp = requests.post(live_server + "/sparql", data={"query": query}, timeout=30)
        return resp.status_code, len(resp.json()["results"]["bindings"])

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(ask, range(32)))
    assert all(status == 200 for status, _ in results)
    assert {rows for _, rows in results} == {1, 2}


def test_timeout_on_the_real_server(live_server):
    endless = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o } ORDER BY ?c ?f ?i ?l ?o"
    started = time.monotonic()
    resp = requests.get(live_server + "/sparql", params={"query": endless, "timeout": "1"}, timeout=30)
    assert resp.status_code == 503
    assert time.monotonic() - started < 4
    # The server is free again at once.
    health = requests.get(live_server + "/health", timeout=5)
    assert health.status_code == 200 and health.json()["quads"] == 20


def test_service_description_and_304(live_server):
    resp = requests.get(live_server + "/sparql", headers={"Accept": "text/turtle"}, timeout=10)
    assert resp.status_code == 200
    graph = rdflib.Graph().parse(data=resp.text, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    assert list(graph.objects(None, sd.endpoint)) == [rdflib.URIRef(live_server + "/sparql")]
    again = requests.get(live_server + "/sparql", headers={"Accept": "text/turtle", "If-None-Match": resp.headers["ETag"]}, timeout=10)
    assert again.status_code == 304
    metrics = requests.get(live_server + "/metrics", timeout=10).text
    assert 'vetkg_http_requests_total{endpoint="/sparql",method="GET",status="304"}' in metrics
