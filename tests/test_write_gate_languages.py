"""The write gate takes the labels people add: another language beside the Chinese one, and
graphs outside the vetkg vocabulary; a vetkg thing keeps its Chinese name."""
from __future__ import annotations

from dataclasses import replace

import pytest
from flask.testing import FlaskClient
from ingest_helpers import SEED, built_nquads, select, store_of

from vetkg.server.app import create_app
from vetkg.server.config import Settings
from vetkg.store import Store

BASE = "https://w3id.org/vetkg/"
WRITER = {"Authorization": "Bearer writer-token", "Content-Type": "application/sparql-update"}
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS_PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"


@pytest.fixture(scope="module")
def seed_nquads() -> bytes:
    return built_nquads(SEED)


@pytest.fixture
def store(seed_nquads: bytes) -> Store:
    return store_of(seed_nquads)


@pytest.fixture
def client(store: Store) -> FlaskClient:
    return create_app(replace(Settings(store="memory"), update_tokens={"alice": "writer-token"}), store).test_client()


def a_named_thing(store: Store) -> dict[str, str]:
    return select(store, f"""SELECT ?thing ?name ?g WHERE {{ GRAPH ?g {{ ?thing a ?class ; <{RDFS_LABEL}> ?name }}
                             FILTER(?class IN (vet:Programme, vet:Platform, vet:Law)) FILTER(LANG(?name) = "zh") }}
                             ORDER BY ?thing LIMIT 1""")[0]


def labels(store: Store, thing: str) -> set[str]:
    return {f"{r['l']}@{r.get('lang', '')}" for r in select(store, f"SELECT ?l (LANG(?l) AS ?lang) WHERE {{ <{thing}> <{RDFS_LABEL}> ?l }}")}


def test_an_english_label_beside_the_chinese_one_is_accepted(client, store):
    thing = a_named_thing(store)
    resp = client.post("/sparql", headers=WRITER, data=(
        f'INSERT DATA {{ GRAPH <{thing["g"]}> {{ <{thing["thing"]}> <{RDFS_LABEL}> "an English name"@en }} }}').encode())
    assert resp.status_code == 204, resp.text
    assert labels(store, thing["thing"]) == {f'{thing["name"]}@zh', "an English name@en"}


def test_an_english_label_instead_of_the_chinese_one_is_refused(client, store):
    thing = a_named_thing(store)
    before = labels(store, thing["thing"])
    # every Chinese name goes (rdfs:label and skos:prefLabel), an English one comes
    resp = client.post("/sparql", headers={**WRITER, "Accept": "application/json"}, data=(
        f'DELETE {{ GRAPH ?g {{ <{thing["thing"]}> ?p ?l }} }} '
        f'INSERT {{ GRAPH <{thing["g"]}> {{ <{thing["thing"]}> <{RDFS_LABEL}> "an English name"@en }} }} '
        f'WHERE {{ GRAPH ?g {{ <{thing["thing"]}> ?p ?l }} FILTER(?p IN (<{RDFS_LABEL}>, <{SKOS_PREF}>)) }}').encode())
    assert resp.status_code == 422, resp.text
    assert any("Chinese name" in v["message_en"] for v in resp.json["violations"])
    assert labels(store, thing["thing"]) == before


def test_a_graph_outside_the_vetkg_vocabulary_is_accepted(client, store):
    w3c = (
        '@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n'
        '@prefix foaf: <http://xmlns.com/foaf/0.1/> .\n'
        '<http://example.org/alice> a foaf:Person ; rdfs:label "Alice"@en , "Alice" ; foaf:knows <http://example.org/bob> .\n'
        '<http://example.org/bob> rdfs:label "Bob"@en-GB .\n'
    )
    graph = BASE + "graph/w3c-test-data"
    resp = client.put(f"/store?graph={graph}", data=w3c.encode(),
                      headers={"Authorization": "Bearer writer-token", "Content-Type": "text/turtle"})
    assert resp.status_code in (201, 204), resp.text
    assert select(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}") == [{"n": "5"}]
