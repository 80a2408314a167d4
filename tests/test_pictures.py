"""The pictures of the pages, over documents built by the real pipeline: /network (institutions,
programmes and industries linked through the measures that name them, around a plan or an
entity), a plan's targets chart and a region's timeline."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient
from ingest_helpers import BINHAI, SEED, build_store, select

from vetkg.server.app import create_app
from vetkg.server.config import Settings

BASE = "https://w3id.org/vetkg/"
DOC = BASE + "doc/津教职函-2025-1号"
COLLEGE = BASE + "id/org/天津职业大学"
PLAN_2026 = Path(__file__).parent / "data" / "compare" / "tianjin-2026-work-points.txt"


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
    for other in (DOC + "/plan", BASE + "graph/津教职函-2025-1号"):  # the plan the notice issues, its graph
        drawn = _network(client, other)
        assert (found["nodes"], found["edges"]) == (drawn["nodes"], drawn["edges"]), other
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


# --- the targets chart and the timeline ----------------------------------------------------------

@pytest.fixture(scope="module")
def three_plans() -> FlaskClient:
    return create_app(Settings(store="memory"), build_store(SEED, PLAN_2026, BINHAI)).test_client()


def test_the_plan_page_charts_its_targets_by_unit(three_plans: FlaskClient) -> None:
    from vetkg.server.workbench.pictures import targets_chart

    store = three_plans.application.extensions["vetkg.store"]
    rows = targets_chart(store, BASE, DOC)
    by_counted = {r["counted"]: r for r in rows}
    assert (by_counted["市级高水平高职学校"]["value"], by_counted["市级高水平高职学校"]["unit"]) == (13, "所")
    for r in rows:  # each bar is its value over the largest of its unit
        top = max(x["value"] for x in rows if x["unit"] == r["unit"])
        assert r["percent"] == pytest.approx(100 * r["value"] / top, abs=0.1)
    assert by_counted["市级高水平高职学校"]["percent"] == 100 and by_counted["优质中职学校"]["percent"] < 100
    assert all(r["measure"].startswith("/doc/") for r in rows)
    page = three_plans.get("/doc/" + quote("津教职函-2025-1号"), headers={"Accept": "text/html"}).get_data(as_text=True)
    chart = page.split('id="targets"', 1)[1].split("</section>", 1)[0]
    assert "市级高水平高职学校" in chart and "13 所" in chart and 'style="width: 100.0%"' in chart


def test_a_city_page_shows_its_plans_and_its_districts_by_year(three_plans: FlaskClient) -> None:
    page = three_plans.get("/id/place/120000", headers={"Accept": "text/html"}).get_data(as_text=True)
    timeline = page.split('id="timeline"', 1)[1].split("</section>", 1)[0]
    years = re.findall(r'<span class="year">(\d{4})</span>', timeline)
    assert years == ["2025", "2026"]
    in_2025 = timeline.split('<span class="year">2025</span>', 1)[1].split('<span class="year">2026</span>', 1)[0]
    assert "滨海新区" in in_2025 and "天津市" in in_2025  # the district's plan beside the city's
    college = three_plans.get("/id/org/" + quote("天津职业大学"), headers={"Accept": "text/html"}).get_data(as_text=True)
    assert 'id="timeline"' not in college and 'id="targets"' not in college


def test_an_entity_page_lists_its_measures_with_its_role_in_each(client: FlaskClient, built) -> None:
    from vetkg.server.workbench.appearances import appearances

    expected = {(r["m"], r["role"]) for r in select(built, f"""SELECT ?m ?role WHERE {{
        ?m vet:hasInvolvement ?i . ?i vet:agent <{COLLEGE}> ; vet:role/rdfs:label ?role FILTER(lang(?role) = "zh") }}""")}
    assert len(expected) >= 2 and {role for _, role in expected} >= {"推动", "指导"}
    found = appearances(built, BASE, COLLEGE)
    assert {(m["iri"], r["label"]) for m in found for r in m["roles"]} == expected
    assert all(m["href"].startswith("/doc/") and "天津职业大学" in m["text"] for m in found)
    page = client.get("/id/org/" + quote("天津职业大学"), headers={"Accept": "text/html", "Accept-Language": "zh"})
    section = page.get_data(as_text=True).split('id="appearances"', 1)[1].split("</section>", 1)[0]
    assert '<span class="role">推动</span>' in section and '<span class="role">指导</span>' in section
    english = client.get("/id/org/" + quote("天津职业大学") + "?lang=en", headers={"Accept": "text/html"})
    assert '<span class="role">promote</span>' in english.get_data(as_text=True)
