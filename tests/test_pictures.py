"""/network: institutions, programmes and industries linked through the measures that name them,
around a plan or an entity of the seed built by the real pipeline."""
from __future__ import annotations

from urllib.parse import quote

import pytest
from flask.testing import FlaskClient
from ingest_helpers import SEED, build_store, select

from vetkg.server.app import create_app
from vetkg.server.config import Settings

BASE = "https://w3id.org/vetkg/"
DOC = BASE + "doc/津教职函-2025-1号"
COLLEGE = BASE + "id/org/天津职业大学"


@pytest.fixture(scope="module")
def built():
    return build_store(SEED)


@pytest.fixture(scope="module")
def client(built) -> FlaskClient:
    return create_app(Settings(store="memory"), built).test_client()


def _network(client: FlaskClient, iri: str) -> dict:
    response = client.get("/network", query_string={"iri": iri})
    assert response.status_code == 200, response.data
    return response.get_json()


def test_a_plan_links_what_its_measures_name_together(client: FlaskClient, built) -> None:
    found = _network(client, DOC)
    plan = _network(client, DOC + "/plan")
    assert (found["nodes"], found["edges"]) == (plan["nodes"], plan["edges"])  # the notice draws the plan it issues
    nodes = {n["id"]: n for n in found["nodes"]}
    assert {n["kind"] for n in nodes.values()} == {"Organization", "Programme", "Industry"}
    assert nodes[COLLEGE]["label"] == "天津职业大学" and nodes[COLLEGE]["href"].startswith("/id/org/")
    # every edge is two things one measure of the seed names, as the graph says
    together = {(r["a"], r["b"]) for r in select(built, f"""SELECT DISTINCT ?a ?b WHERE {{
        ?m a vet:Measure ; vet:partOf+ <{DOC}/plan> ;
           (vet:mentions|vet:involves|vet:targetsIndustry) ?a, ?b . FILTER(STR(?a) < STR(?b)) }}""")}
    edges = {(e["source"], e["target"]) for e in found["edges"]}
    assert edges and edges <= together
    assert all(e["source"] in nodes and e["target"] in nodes for e in found["edges"])
    linked = {x for edge in edges for x in edge}
    assert set(nodes) == linked  # nothing drawn alone


def test_an_entity_is_drawn_with_what_its_measures_also_name(client: FlaskClient) -> None:
    found = _network(client, COLLEGE)
    focus = [n for n in found["nodes"] if n["focus"]]
    assert [n["id"] for n in focus] == [COLLEGE]
    assert any(COLLEGE in (e["source"], e["target"]) for e in found["edges"])
    assert found["measures"] >= 1


def test_bad_or_unknown_iris(client: FlaskClient) -> None:
    assert client.get("/network").status_code == 400
    assert _network(client, "not an iri")["nodes"] == []
    assert _network(client, BASE + "id/org/" + quote("没有这个机构"))["nodes"] == []


def test_the_entity_page_offers_the_network(client: FlaskClient) -> None:
    page = client.get("/id/org/" + quote("天津职业大学"), headers={"Accept": "text/html"}).get_data(as_text=True)
    assert 'id="vetkg-network"' in page and "/network?iri=" in page
    assert "cytoscape/cytoscape.min.js" in page
    assert client.get("/static/cytoscape/cytoscape.min.js").status_code == 200
