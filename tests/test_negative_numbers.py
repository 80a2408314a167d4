"""Negative numbers in updates that rdflib's parser reads (anything but INSERT/DELETE DATA):
rdflib cannot negate a decimal (RDFLib/rdflib#2962), which made these updates a 500."""
from __future__ import annotations

from dataclasses import replace

import pytest
from flask.testing import FlaskClient
from ingest_helpers import SEED, built_nquads, store_of

from vetkg.server.app import create_app
from vetkg.server.config import Settings

GRAPH = "https://w3id.org/vetkg/graph/numbers"
UPDATE = {"Authorization": "Bearer t", "Content-Type": "application/sparql-update"}


@pytest.fixture(scope="module")
def seed() -> bytes:
    return built_nquads(SEED)


@pytest.fixture
def client(seed: bytes) -> FlaskClient:
    settings = replace(Settings(store="memory"), update_tokens={"alice": "t"})
    return create_app(settings, store_of(seed)).test_client()


def _values(client: FlaskClient) -> set[tuple[str, str]]:
    query = f"SELECT ?v WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?v }} }}"
    rows = client.get("/sparql", query_string={"query": query}, headers={"Accept": "application/sparql-results+json"}).get_json()
    return {(b["v"]["value"], b["v"]["datatype"].rsplit("#", 1)[1]) for b in rows["results"]["bindings"]}


@pytest.mark.parametrize("number, datatype", [("-1.5", "decimal"), ("-3.0", "decimal"), ("-7", "integer"), ("-2.5e3", "double")])
def test_a_negative_number_in_a_pattern_update_is_stored(client: FlaskClient, number: str, datatype: str) -> None:
    update = f"INSERT {{ GRAPH <{GRAPH}> {{ <https://w3id.org/vetkg/x> <https://w3id.org/vetkg/p> {number} }} }} WHERE {{}}"
    response = client.post("/sparql", data=update.encode(), headers=UPDATE)
    assert response.status_code == 204, response.get_data(as_text=True)
    # the store writes numbers in their canonical form (-3.0 as -3)
    [(value, stored_type)] = _values(client)
    assert float(value) == float(number) and stored_type == datatype


def test_a_negative_decimal_in_a_where_clause_matches(client: FlaskClient) -> None:
    insert = f"INSERT DATA {{ GRAPH <{GRAPH}> {{ <https://w3id.org/vetkg/x> <https://w3id.org/vetkg/p> -3.0 }} }}"
    assert client.post("/sparql", data=insert.encode(), headers=UPDATE).status_code == 204
    delete = f"DELETE WHERE {{ GRAPH <{GRAPH}> {{ ?s <https://w3id.org/vetkg/p> -3.0 }} }}"
    response = client.post("/sparql", data=delete.encode(), headers=UPDATE)
    assert response.status_code == 204, response.get_data(as_text=True)
    assert _values(client) == set()
