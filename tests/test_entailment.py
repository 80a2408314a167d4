"""What the ontology entails, available to queries: the seed and the Binhai plan built by the real
pipeline, served, asked through /sparql; then kept in step with committed writes."""
from __future__ import annotations

from dataclasses import replace

import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient
from ingest_helpers import BINHAI, SEED, built_nquads, store_of

from vetkg.server.app import create_app
from vetkg.server.config import Settings

BASE = "https://w3id.org/vetkg/"
INFERRED = BASE + "graph/inferred"
TOKEN, ADMIN = "s3cret", "r00t"
PREFIXES = """PREFIX vet: <https://w3id.org/vetkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <https://schema.org/>
PREFIX org: <http://www.w3.org/ns/org#>
"""


@pytest.fixture(scope="module")
def nquads() -> bytes:
    return built_nquads(SEED, BINHAI)


def _app(nquads: bytes, **settings: object) -> Flask:
    return create_app(replace(Settings(store="memory"), **settings), store_of(nquads))


@pytest.fixture(scope="module")
def client(nquads: bytes) -> FlaskClient:
    return _app(nquads).test_client()


def _rows(client: FlaskClient, query: str) -> list[dict[str, str]]:
    response = client.post("/sparql", data={"query": PREFIXES + query},
                           headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.data
    return [{k: v["value"] for k, v in b.items()} for b in response.get_json()["results"]["bindings"]]


def _column(client: FlaskClient, query: str, var: str = "x") -> set[str]:
    return {row[var] for row in _rows(client, query) if var in row}


def _update(client: FlaskClient, update: str, token: str = TOKEN) -> int:
    response = client.post("/sparql", data=(PREFIXES + update).encode("utf-8"), headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/sparql-update", "Accept": "text/plain"})
    return response.status_code


def test_every_organisation_is_an_organisation(client: FlaskClient) -> None:
    # What the data says: each one is typed with a subclass, walked here by hand through the ontology.
    by_class = _rows(client, "SELECT ?x ?c WHERE { ?x a ?c . ?c rdfs:subClassOf+ vet:Organization }")
    expected = {row["x"] for row in by_class}
    kinds = {row["c"].rsplit("#", 1)[1] for row in by_class}
    assert {"HigherVocationalCollege", "University", "GovernmentBody"} <= kinds
    assert len(expected) >= 10
    assert _column(client, "SELECT DISTINCT ?x WHERE { ?x a vet:Organization }") == expected
    # ... and under the super-classes the ontology borrows, through more than one step
    assert _column(client, "SELECT DISTINCT ?x WHERE { ?x a org:Organization }") >= expected
    asserted = _column(client, f"SELECT ?x WHERE {{ GRAPH ?g {{ ?x a vet:Organization }} FILTER(?g != <{INFERRED}>) }}")
    assert not asserted, "the organisations should be typed with subclasses only, or this test proves nothing"


def test_a_property_answers_for_its_sub_properties(client: FlaskClient) -> None:
    mentions = {(r["m"], r["x"]) for r in _rows(client, "SELECT ?m ?x WHERE { ?m vet:mentions ?x }")}
    assert len(mentions) > 50
    assert {(r["m"], r["x"]) for r in _rows(client, "SELECT ?m ?x WHERE { ?m schema:mentions ?x }")} >= mentions


def test_a_district_plan_lies_in_its_city(client: FlaskClient) -> None:
    plans = _rows(client, """SELECT ?plan ?title WHERE {
        ?city rdfs:label "天津市"@zh .
        ?plan a vet:WorkPlan ; vet:locatedIn+ ?city ; vet:locatedIn ?where .
        ?where rdfs:label ?title }""")
    governs = {row["title"] for row in plans}
    assert "滨海新区" in governs  # the district's plan, through 滨海新区 vet:locatedIn 天津市
    assert "天津市" in governs


def test_pages_show_what_the_data_says_not_what_is_entailed(client: FlaskClient) -> None:
    (iri,) = _column(client, """SELECT ?x WHERE { ?x a vet:HigherVocationalCollege ; rdfs:label "天津职业大学"@zh }""")
    response = client.get(iri.removeprefix(BASE.rstrip("/")) + ".nt")
    assert response.status_code == 200
    types = {line for line in response.get_data(as_text=True).splitlines()
             if line.startswith(f"<{iri}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>")}
    assert any("#HigherVocationalCollege>" in line for line in types)
    assert not any("#Organization>" in line for line in types)
    html = client.get(iri.removeprefix(BASE.rstrip("/")), headers={"Accept": "text/html"}).get_data(as_text=True)
    inbound = html.split('class="inbound"', 1)[1]
    assert "vet:involves" in inbound or "涉及机构" in inbound or "involves" in inbound
    assert "schema:mentions" not in inbound and "prov:wasInfluencedBy" not in inbound  # entailed, left out


def test_a_write_is_entailed_at_once_and_its_removal_too(nquads: bytes) -> None:
    client = _app(nquads, update_tokens={"alice": TOKEN}, admin_tokens={"root": ADMIN}).test_client()
    firm = "https://w3id.org/vetkg/id/org/test-firm"
    graph = BASE + "graph/test-writes"
    organisations = "SELECT ?x WHERE { ?x a vet:Organization }"
    assert firm not in _column(client, organisations)
    assert _update(client, f'INSERT DATA {{ GRAPH <{graph}> {{ <{firm}> a vet:Enterprise ; rdfs:label "测试企业"@zh }} }}') in (200, 204)
    assert firm in _column(client, organisations)
    assert firm in _column(client, "SELECT ?x WHERE { ?x a schema:Corporation }")
    # asserted as well: the entailed copy goes, the asserted one answers
    assert _update(client, f"INSERT DATA {{ GRAPH <{graph}> {{ <{firm}> a vet:Organization }} }}") in (200, 204)
    assert firm in _column(client, organisations)
    assert _update(client, f"DELETE DATA {{ GRAPH <{graph}> {{ <{firm}> a vet:Organization }} }}") in (200, 204)
    assert firm in _column(client, organisations)
    assert _update(client, f"DROP GRAPH <{graph}>") in (200, 204)
    assert firm not in _column(client, organisations)
    assert _column(client, f"SELECT ?p WHERE {{ GRAPH <{INFERRED}> {{ <{firm}> ?p ?o }} }}", "p") == set()


def test_a_client_cannot_write_the_inferred_graph(nquads: bytes) -> None:
    client = _app(nquads, update_tokens={"alice": TOKEN}).test_client()
    assert _update(client, f'INSERT DATA {{ GRAPH <{INFERRED}> {{ <{BASE}id/x> a vet:Organization }} }}') == 403
    assert f"{BASE}id/x" not in _column(client, "SELECT ?x WHERE { ?x a vet:Organization }")


def test_a_writer_deleting_types_over_every_graph_is_not_refused_for_their_entailed_copies(nquads: bytes) -> None:
    # DELETE WHERE { GRAPH ?g { <x> a ?o } } meets the inferred graph too (found by
    # tests/test_write_gate_property.py): the data's types go, the entailed ones follow them.
    client = _app(nquads, update_tokens={"alice": TOKEN}).test_client()
    firm = "https://w3id.org/vetkg/id/org/test-firm"
    graph = BASE + "graph/test-writes"
    assert _update(client, f'INSERT DATA {{ GRAPH <{graph}> {{ <{firm}> a vet:Enterprise ; rdfs:label "测试企业"@zh }} }}') in (200, 204)
    assert _column(client, f"SELECT ?p WHERE {{ GRAPH <{INFERRED}> {{ <{firm}> ?p ?o }} }}", "p")
    assert _update(client, f"DELETE WHERE {{ GRAPH ?g {{ <{firm}> a ?type }} }}") in (200, 204)
    assert firm not in _column(client, "SELECT ?x WHERE { ?x a vet:Organization }")
    assert _column(client, f"SELECT ?p WHERE {{ GRAPH <{INFERRED}> {{ <{firm}> ?p ?o }} }}", "p") == set()
    # a writer still cannot add to it
    assert _update(client, f'INSERT DATA {{ GRAPH <{INFERRED}> {{ <{firm}> a vet:Organization }} }}') == 403


def test_a_change_to_the_ontology_is_entailed_everywhere(nquads: bytes) -> None:
    client = _app(nquads, admin_tokens={"root": ADMIN}).test_client()
    organisations = _column(client, "SELECT ?x WHERE { ?x a vet:Organization }")
    assert _update(client, "INSERT DATA { GRAPH <https://w3id.org/vetkg/ontology> { "
                   "vet:Organization rdfs:subClassOf <https://example.org/Agent> } }", ADMIN) in (200, 204)
    assert _column(client, "SELECT ?x WHERE { ?x a <https://example.org/Agent> }") >= organisations


@pytest.mark.slow
def test_a_served_write_is_entailed_for_the_query_workers(nquads: bytes, tmp_path) -> None:
    """Through `vetkg serve`, whose queries run in forked workers over a copy in memory."""
    import gc

    import requests
    from conftest import serving

    from vetkg.store.oxigraph import OxigraphStore

    disk = OxigraphStore(tmp_path / "store")
    disk.oxigraph.load(nquads, format=ox.RdfFormat.N_QUADS)  # no inferred graph: serve makes it
    disk.close()
    del disk
    gc.collect()
    firm = BASE + "id/org/served-firm"
    query = PREFIXES + f"ASK {{ <{firm}> a vet:Organization }}"
    with serving(tmp_path / "store", update_tokens=f"alice:{TOKEN}") as url:
        def ask() -> bool:
            response = requests.post(url + "/sparql", data={"query": query},
                                     headers={"Accept": "application/sparql-results+json"}, timeout=30)
            return bool(response.json()["boolean"])

        count = requests.post(url + "/sparql", data={"query": PREFIXES + "SELECT (COUNT(*) AS ?n) WHERE { ?o a vet:Organization }"},
                              headers={"Accept": "application/sparql-results+json"}, timeout=30)
        assert int(count.json()["results"]["bindings"][0]["n"]["value"]) >= 10
        assert not ask()
        update = f'{PREFIXES}INSERT DATA {{ GRAPH <{BASE}graph/served> {{ <{firm}> a vet:Enterprise ; rdfs:label "企业"@zh }} }}'
        written = requests.post(url + "/sparql", data=update.encode("utf-8"), timeout=30, headers={
            "Authorization": f"Bearer {TOKEN}", "Content-Type": "application/sparql-update"})
        assert written.status_code in (200, 204), written.text
        assert ask()
