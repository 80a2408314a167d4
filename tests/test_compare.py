"""Comparison of plans: the seed (Tianjin 2025) against a Tianjin 2026 plan written for this test
(tests/data/compare/), both built by the real pipeline, and the plans of regions by year."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from flask.testing import FlaskClient
from ingest_helpers import BINHAI, SEED, build_store, cli_build

from vetkg.server.app import create_app
from vetkg.server.config import Settings

BASE = "https://w3id.org/vetkg/"
PLAN_2026 = Path(__file__).parent / "data" / "compare" / "tianjin-2026-work-points.txt"
DOC_2025 = BASE + "doc/津教职函-2025-1号"
DOC_2026 = BASE + "doc/津教职函-2026-2号"
HTML = {"Accept": "text/html"}


@pytest.fixture(scope="module")
def client() -> FlaskClient:
    return create_app(Settings(store="memory"), build_store(SEED, PLAN_2026, BINHAI)).test_client()


@pytest.fixture(scope="module")
def report(client: FlaskClient) -> dict:
    response = client.get("/compare", query_string={"a": "津教职函-2025-1号", "b": "津教职函〔2026〕2号", "format": "json"})
    assert response.status_code == 200, response.data
    return response.get_json()


def _target(report: dict, counted: str) -> dict:
    return next(row for row in report["targets"]["rows"] if row["counted"] == counted)


def test_a_changed_target_shows_both_values(report: dict) -> None:
    assert (report["a"]["iri"], report["b"]["iri"]) == (DOC_2025, DOC_2026)
    row = _target(report, "市级高水平高职学校")
    assert row["status"] == "changed"
    assert (row["a"]["value"], row["b"]["value"], row["unit"]) == (13, 15, "所")
    assert row["a"]["href"].startswith("/doc/") and row["b"]["measure"]["href"].startswith("/doc/")
    same = _target(report, "优质中职学校")
    assert same["status"] == "unchanged" and same["a"]["value"] == same["b"]["value"] == 11
    assert _target(report, "市级公共实训基地")["status"] == "only_in_b"
    # 依托 6 个区域开放型产教融合实践中心 is a baseline (an existing means), not a target to compare
    assert "区域开放型产教融合实践中心" not in [row["counted"] for row in report["targets"]["rows"]]
    statuses = [r["status"] for r in report["targets"]["rows"]]
    assert statuses == sorted(statuses, key=["changed", "unchanged", "only_in_a", "only_in_b"].index)


def test_work_areas_are_matched_by_title(report: dict) -> None:
    rows = report["work_areas"]["rows"]
    pairs = {(r["a"] or {}).get("label"): (r["b"] or {}).get("label") for r in rows}
    assert pairs["提升院校关键办学能力"] == "提升院校关键办学能力"
    assert pairs["筑牢安全工作防线"] == "筑牢安全工作防线"
    assert pairs["德技并修培养时代新人"] is None  # the 2026 plan drops it
    assert sum(1 for r in rows if r["a"] and r["b"]) == 6
    assert next(r["a"]["label"] for r in rows if r["a"]) == "加强党对职业教育工作的全面领导"  # A's order


def test_things_both_or_only_one_names(report: dict) -> None:
    groups = report["entities"]["groups"]

    def labels(kind: str, side: str) -> set[str]:
        return {e["label"] for e in groups[kind][side]}

    assert {"天津职业大学", "天津职业技术师范大学"} <= labels("Organization", "both")
    assert "天津轻工职业技术学院" in labels("Organization", "only_b")
    assert "天津理工大学" in labels("Organization", "only_a")
    assert "双高计划" in labels("Programme", "both")
    assert "中华人民共和国职业教育法" in labels("Law", "only_b")
    assert "天津市职业教育条例" in labels("Law", "only_a")
    assert "低空经济" in labels("Industry", "only_b")
    assert "世界职业技术教育发展大会" in labels("Event", "both")


def test_the_page_links_every_item_and_each_table_to_its_sparql(client: FlaskClient) -> None:
    page = client.get("/compare", query_string={"a": DOC_2025, "b": "/doc/津教职函-2026-2号"}, headers=HTML)
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    changed = re.search(r'<tr class="changed"><td lang="zh">市级高水平高职学校</td>(.*?)</tr>', body, re.S)
    assert changed, body
    assert re.search(r'<a href="/doc/[^"]+/target/[^"]+">13 所</a>', changed.group(1))
    assert re.search(r'<a href="/doc/[^"]+/target/[^"]+">15 所</a>', changed.group(1))
    for href in re.findall(r'<a href="(/(?:doc|id)/[^"]+)"', body)[:40]:
        assert client.get(href, headers=HTML).status_code == 200, unquote(href)
    links = re.findall(r'<a href="/#query=([^"]+)">', body)
    assert len(links) == 3
    for link in links:
        query = unquote(link)
        assert f"<{DOC_2025}>" in query and f"<{DOC_2026}>" in query
        result = client.post("/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"})
        docs = {row["doc"]["value"] for row in result.get_json()["results"]["bindings"]}
        assert docs == {DOC_2025, DOC_2026}


def test_a_region_lists_its_plans_by_year_and_links_consecutive_comparisons(client: FlaskClient) -> None:
    report = client.get("/compare", query_string={"region": "天津市", "format": "json"}).get_json()
    # (plans of its districts count too once places are linked to the places they lie in)
    assert [y["year"] for y in report["years"]] == ["2025", "2026"]
    plans = {p["iri"]: (y["year"], p) for y in report["years"] for p in y["plans"][0]}
    assert plans[DOC_2025][0] == "2025" and plans[DOC_2026][0] == "2026"
    assert plans[DOC_2025][1]["measures"] > plans[DOC_2026][1]["measures"] > 0
    assert plans[DOC_2026][1]["targets"] > 0
    # the steps chain the region's plans in year order, its districts' plans among them
    chain = [report["steps"][0]["a"]["iri"]] + [s["b"]["iri"] for s in report["steps"]]
    assert all(s["a"]["iri"] == t["b"]["iri"] for t, s in zip(report["steps"], report["steps"][1:], strict=False))
    assert chain.index(DOC_2025) < chain.index(DOC_2026)
    page = client.get("/compare?region=天津市", headers=HTML).get_data(as_text=True)
    assert "/compare?a=%E6%B4%A5%E6%95%99%E8%81%8C%E5%87%BD-2025-1%E5%8F%B7&amp;b=" in page


def test_two_regions_side_by_side(client: FlaskClient) -> None:
    report = client.get("/compare", query_string=[("region", "天津市"), ("region", "滨海新区"),
                                                 ("format", "json")]).get_json()
    assert [r["label"] for r in report["regions"]] == ["天津市", "滨海新区"]
    by_year = {y["year"]: [[p["key"] for p in side] for side in y["plans"]] for y in report["years"]}
    assert "津教职函-2025-1号" in by_year["2025"][0] and by_year["2025"][1] == ["津滨教体-2025-12号"]
    assert by_year["2026"] == [["津教职函-2026-2号"], []]


def test_the_example_queries_run_as_they_are(client: FlaskClient) -> None:
    for name in ("06-work-areas-side-by-side", "07-things-each-document-names",
                 "08-targets-of-each-document", "09-plans-of-a-region-by-year"):
        text = (Path(__file__).parents[1] / "server" / "queries" / f"{name}.rq").read_text(encoding="utf-8")
        result = client.post("/sparql", data={"query": text}, headers={"Accept": "application/sparql-results+json"})
        rows = result.get_json()["results"]["bindings"]
        assert rows, name
        assert {r["doc"]["value"] for r in rows} >= {DOC_2025, DOC_2026}, name


@pytest.mark.parametrize(
    ("params", "problem"),
    [
        ({"a": "津教职函-2025-1号"}, "give two documents"),
        ({"a": "津教职函-2025-1号", "b": "没有这份文件"}, "no document"),
        ({"a": "津教职函-2025-1号", "b": DOC_2025 + "/plan"}, "same document"),
        ({"region": "火星"}, "no place"),
        ([("region", "天津市")] * 3, "one region, or two"),
    ],
)
def test_bad_requests_get_400_naming_the_problem(client: FlaskClient, params: object, problem: str) -> None:
    query = list(params.items()) if isinstance(params, dict) else list(params)
    response = client.get("/compare", query_string=[*query, ("format", "json")])
    assert response.status_code == 400 and problem in response.get_json()["error"]
    page = client.get("/compare", query_string=query, headers=HTML)
    assert page.status_code == 400 and problem in page.get_data(as_text=True)


def test_the_form_lists_every_document_and_region(client: FlaskClient) -> None:
    choices = client.get("/compare?format=json").get_json()
    assert {d["key"] for d in choices["documents"]} == {"津教职函-2025-1号", "津教职函-2026-2号", "津滨教体-2025-12号"}
    assert {r["label"]: r["plans"] for r in choices["regions"]} == {"天津市": 2, "滨海新区": 1}
    assert client.get("/compare", headers=HTML).status_code == 200


@pytest.mark.slow
def test_a_tables_sparql_link_opens_the_query_page_with_that_query(tmp_path: Path) -> None:
    """In Chromium, over a real vetkg serve: the compare page's SPARQL link fills YASGUI's editor."""
    from conftest import serving
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    store = cli_build(tmp_path / "store", SEED, PLAN_2026)
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(flag)
    with serving(store) as url:
        driver = webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)
        try:
            driver.set_page_load_timeout(30)
            driver.get(url + "/compare?a=津教职函-2025-1号&b=津教职函-2026-2号")
            rows = [r.text for r in driver.find_elements(By.CSS_SELECTOR, "table.targets tr.changed")]
            assert any("市级高水平高职学校" in r and "13 所" in r and "15 所" in r for r in rows), rows
            driver.get(driver.find_element(By.CSS_SELECTOR, "p.sparql a").get_attribute("href"))
            WebDriverWait(driver, 30).until(lambda d: d.execute_script(
                "return !!(window.vetkgYasgui && window.vetkgYasgui.getTab() && window.vetkgYasgui.getTab().getYasqe())"))
            text = driver.execute_script("return window.vetkgYasgui.getTab().getYasqe().getValue()")
            assert f"<{DOC_2025}> <{DOC_2026}>" in text
            severe = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
            assert not severe, severe
        finally:
            driver.quit()
