"""Chinese full-text search: /search over the seed built by the real pipeline, the same hits from
SPARQL (vetkg:search), facets, bad queries, escaping, and the index following committed writes."""
from __future__ import annotations

import gc
import json
import threading
import time
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient
from ingest_helpers import SEED, built_nquads, cli_build, store_of

from vetkg.server.app import create_app
from vetkg.server.config import Settings
from vetkg.server.workbench.compare import href
from vetkg.server.workbench.highlight import as_html, highlight
from vetkg.server.workbench.index import QueryRejected, SearchIndex
from vetkg.server.workbench.keeper import IndexKeeper
from vetkg.server.workbench.segment import query_words
from vetkg.server.workbench.views import INDEX_KEY
from vetkg.server.writes import Change
from vetkg.store.oxigraph import MemoryStore, OxigraphStore

BASE = "https://w3id.org/vetkg/"
DOC = BASE + "doc/津教职函-2025-1号"
TOKEN = "s3cret"
SPARQL_SEARCH = """PREFIX vetkg: <https://w3id.org/vetkg/function#>
SELECT ?s ?score WHERE {
  { SELECT DISTINCT ?s WHERE { ?s a ?type } }
  BIND(vetkg:search(?s, "%s") AS ?score)
  FILTER(BOUND(?score))
} ORDER BY DESC(?score) ?s"""


@pytest.fixture(scope="module")
def seed_nquads() -> bytes:
    return built_nquads(SEED)


def _app(nquads: bytes, **settings: object) -> Flask:
    return create_app(replace(Settings(store="memory"), **settings), store_of(nquads))


@pytest.fixture(scope="module")
def client(seed_nquads: bytes) -> FlaskClient:
    return _app(seed_nquads).test_client()


def _search(client: FlaskClient, **params: str) -> dict:
    response = client.get("/search", query_string={**params, "format": "json"})
    assert response.status_code == 200, response.data
    return response.get_json()


def _sparql_hits(client: FlaskClient, words: str) -> dict[str, float]:
    response = client.post("/sparql", data={"query": SPARQL_SEARCH % words},
                           headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.data
    rows = response.get_json()["results"]["bindings"]
    return {row["s"]["value"]: float(row["score"]["value"]) for row in rows}


# --- /search -------------------------------------------------------------------------------------

def test_search_returns_ranked_highlighted_hits_that_link_to_local_pages(client: FlaskClient) -> None:
    result = _search(client, q="实训基地", limit="100")
    assert result["words"] == [w.word for w in query_words("实训基地")]
    hits = result["hits"]
    assert hits and result["total"] == len(hits)
    scores = [h["score"] for h in hits]
    assert scores == sorted(scores, reverse=True)
    for hit in hits:
        assert "<mark>" in hit["highlight"]
        marked = [text for text, is_marked in hit["pieces"] if is_marked]
        assert marked and all(any(w in m for w in ("实训", "基地")) for m in marked)
        assert hit["href"].startswith("/") and not hit["href"].startswith("//")
    # the seed's one sentence about 实训 (its safety rules) is among the hits, and its page opens
    measure = next(h for h in hits if "实验实训场所" in h["text"])
    assert measure["kind"] == "Measure"
    assert measure["document"][0]["iri"] == DOC
    page = client.get(measure["href"], headers={"Accept": "text/html"})
    assert page.status_code == 200 and "实验实训场所" in page.get_data(as_text=True)


def test_search_and_sparql_give_the_same_hits_with_the_same_scores(client: FlaskClient) -> None:
    for words in ("实训基地", "鲁班工坊", "天津职业大学", "产教融合"):
        hits = _search(client, q=words, limit="100")["hits"]
        assert hits, words
        from_search = {h["iri"]: h["score"] for h in hits}
        from_sparql = _sparql_hits(client, words)
        assert from_sparql.keys() == from_search.keys(), words
        for iri, score in from_sparql.items():
            assert score == pytest.approx(from_search[iri], rel=1e-5)
        assert [h["iri"] for h in hits][:3] == sorted(from_sparql, key=lambda i: (-from_sparql[i], i))[:3]


def test_search_in_sparql_joins_with_the_graph(client: FlaskClient) -> None:
    query = """PREFIX vet: <https://w3id.org/vetkg/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX vetkg: <https://w3id.org/vetkg/function#>
SELECT ?m ?areaTitle ?score WHERE {
  ?m a vet:Measure ; vet:partOf ?area . ?area dcterms:title ?areaTitle .
  BIND(vetkg:search(?m, "鲁班工坊") AS ?score) FILTER(BOUND(?score))
} ORDER BY DESC(?score)"""
    response = client.post("/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"})
    rows = response.get_json()["results"]["bindings"]
    assert rows and {r["areaTitle"]["value"] for r in rows} == {"打造职教国际交往中心"}


def test_every_word_must_match_unless_no_entry_has_them_all(client: FlaskClient) -> None:
    both = _search(client, q="鲁班工坊 质量", limit="100")
    assert both["matched"] == "all"
    assert all("鲁班" in h["text"] and "质量" in h["text"] for h in both["hits"])
    either = _search(client, q="实训基地", limit="100")  # no sentence of the seed has both words
    assert either["matched"] == "any"


def test_facets_count_the_hits_and_filter_them(client: FlaskClient) -> None:
    result = _search(client, q="鲁班工坊", limit="100")
    kinds = {v["value"]: v["count"] for v in result["facets"]["kind"]}
    assert kinds == {k: sum(1 for h in result["hits"] if h["kind"] == k) for k in kinds}
    assert {"Measure", "Programme"} <= set(kinds)
    assert [v["label"] for v in result["facets"]["year"]] == ["2025"]
    assert [v["label"] for v in result["facets"]["region"]] == ["天津市"]
    measures = _search(client, q="鲁班工坊", kind="Measure", limit="100")
    assert measures["total"] == kinds["Measure"] and {h["kind"] for h in measures["hits"]} == {"Measure"}
    area = next(v for v in result["facets"]["area"] if v["label"] == "打造职教国际交往中心")
    in_area = client.get(area["href"] + "&format=json").get_json()
    assert in_area["total"] == area["count"]
    assert all(h["area"][0]["iri"] == area["value"] for h in in_area["hits"])
    assert _search(client, q="鲁班工坊", year="1999")["total"] == 0


def test_results_are_paged_and_bounded(client: FlaskClient) -> None:
    everything = _search(client, q="职业", limit="100")["hits"]
    first = _search(client, q="职业", limit="2")
    second = client.get(first["page"]["next"] + "&format=json").get_json()
    assert [h["iri"] for h in first["hits"] + second["hits"]] == [h["iri"] for h in everything[:4]]
    assert client.get("/search?q=职业&limit=101&format=json").status_code == 400


@pytest.mark.parametrize(
    ("q", "problem"),
    [("", "empty"), ("   ", "empty"), ("，。！", "no word"), ("职" * 101, "at most 100")],
)
def test_unsearchable_queries_get_400_naming_the_problem(client: FlaskClient, q: str, problem: str) -> None:
    response = client.get("/search", query_string={"q": q, "format": "json"})
    assert response.status_code == 400
    assert problem in response.get_json()["error"]
    page = client.get("/search", query_string={"q": q}, headers={"Accept": "text/html"})
    assert page.status_code == 400 and problem in page.get_data(as_text=True)


def test_the_html_page_escapes_the_query_and_marks_hits(client: FlaskClient) -> None:
    page = client.get("/search", query_string={"q": '鲁班工坊"><script>alert(1)</script>'},
                      headers={"Accept": "text/html"})
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "<script>alert" not in body
    assert "&lt;script&gt;" in body or "&#34;&gt;&lt;script" in body
    assert "<mark>鲁班工坊</mark>" in body
    assert client.get("/search", headers={"Accept": "text/html"}).status_code == 200  # the empty form


def test_highlighting_escapes_the_text_then_marks_it() -> None:
    words = query_words("实训基地")
    html = str(as_html(highlight('<b onclick="x">实训</b>基地', words)))
    assert html == '&lt;b onclick=&#34;x&#34;&gt;<mark>实训</mark>&lt;/b&gt;<mark>基地</mark>'
    long = highlight("甲" * 300 + "实训基地" + "乙" * 300, words, width=40)
    assert long[0].text == "…" and long[-1].text == "…" and sum(len(p.text) for p in long) <= 42


def test_only_web_iris_become_links() -> None:
    assert href(BASE, DOC) == "/doc/%E6%B4%A5%E6%95%99%E8%81%8C%E5%87%BD-2025-1%E5%8F%B7"
    assert href(BASE, "http://example.org/x") == "http://example.org/x"
    assert href(BASE, "javascript:alert(1)") is None


# --- keeping the index in step -------------------------------------------------------------------

def test_a_committed_write_is_searchable_at_once_and_escaped(seed_nquads: bytes) -> None:
    app = _app(seed_nquads, update_tokens={"alice": TOKEN})
    client = app.test_client()
    before = _search(client, q="鲁班工坊", kind="Measure", limit="100")
    target = next(h for h in before["hits"] if "美洲" in h["text"])
    new_text = '建设<img src=x onerror=alert(1)>智慧农业示范园。'
    update = f"""PREFIX vet: <https://w3id.org/vetkg/ontology#>
DELETE {{ GRAPH ?g {{ <{target['iri']}> vet:text ?old }} }}
INSERT {{ GRAPH ?g {{ <{target['iri']}> vet:text "{new_text}"@zh }} }}
WHERE {{ GRAPH ?g {{ <{target['iri']}> vet:text ?old }} }}"""
    response = client.post("/sparql", data=update.encode("utf-8"), headers={
        "Authorization": f"Bearer {TOKEN}", "Content-Type": "application/sparql-update", "Accept": "text/plain"})
    assert response.status_code in (200, 204), response.data
    found = _search(client, q="智慧农业示范园")
    assert [h["iri"] for h in found["hits"]] == [target["iri"]]
    assert _sparql_hits(client, "智慧农业示范园").keys() == {target["iri"]}
    after = _search(client, q="鲁班工坊", kind="Measure", limit="100")
    assert target["iri"] not in {h["iri"] for h in after["hits"]}
    page = client.get("/search", query_string={"q": "智慧农业示范园"}, headers={"Accept": "text/html"})
    body = page.get_data(as_text=True)
    assert "<img" not in body and "&lt;img src=x onerror=alert(1)&gt;" in body


def test_an_on_disk_index_lives_beside_the_store_and_is_not_rebuilt_needlessly(tmp_path: Path, seed_nquads: bytes) -> None:
    store = OxigraphStore(tmp_path / "store")
    store.oxigraph.load(seed_nquads, format=ox.RdfFormat.N_QUADS)
    create_app(Settings(store_path=str(tmp_path / "store")), store)
    path = tmp_path / "store.search.sqlite"
    assert path.is_file()
    index = SearchIndex(path)
    assert len(index) > 100
    assert index.sync(store, BASE) == []  # nothing changed since the app indexed it
    store.update(f"DROP GRAPH <{BASE}graph/津教职函-2025-1号>")
    assert index.sync(store, BASE) == [f"{BASE}graph/津教职函-2025-1号"]
    with pytest.raises(QueryRejected):
        index.scores("")
    assert index.scores("鲁班工坊") and all(not n.startswith(DOC) for n in index.scores("鲁班工坊"))
    store.close()
    del store
    gc.collect()
    OxigraphStore(tmp_path / "store").close()  # the app's search function kept no hold on the store


def test_example_query_for_search_is_on_the_query_page(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    config = json.loads(page.split('id="vetkg-query-config">', 1)[1].split("</script>", 1)[0])
    example = next(e for e in config["examples"] if "vetkg:search" in e["query"])
    response = client.post("/sparql", data={"query": example["query"]},
                           headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200 and response.get_json()["results"]["bindings"]


def test_a_large_store_is_indexed_in_the_background(seed_nquads: bytes) -> None:
    app = _app(seed_nquads, search_sync_max_quads=0)
    keeper = app.extensions[INDEX_KEY]
    deadline = time.monotonic() + 60
    while not keeper.ready and time.monotonic() < deadline:
        time.sleep(0.05)
    assert keeper.ready
    result = _search(app.test_client(), q="鲁班工坊")
    assert result["hits"] and result["indexing"] is False
    assert app.test_client().get("/health").get_json()["search_index"] == "ready"


def test_health_says_the_index_is_building_until_it_is_built(seed_nquads: bytes, monkeypatch) -> None:
    release = threading.Event()
    sync = SearchIndex.sync

    def slow_sync(self, store, base_iri, graphs=None):
        assert release.wait(30)
        return sync(self, store, base_iri, graphs)

    monkeypatch.setattr(SearchIndex, "sync", slow_sync)
    client = _app(seed_nquads, search_sync_max_quads=0).test_client()
    health = client.get("/health")
    assert health.status_code == 200 and health.get_json()["search_index"] == "building"
    release.set()
    deadline = time.monotonic() + 30
    while client.get("/health").get_json()["search_index"] != "ready" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert client.get("/health").get_json()["search_index"] == "ready"


def test_writes_committed_while_the_index_is_built_are_indexed_after_it(seed_nquads: bytes) -> None:
    store = MemoryStore()
    store.oxigraph.load(seed_nquads, format=ox.RdfFormat.N_QUADS)
    release, calls = threading.Event(), []

    class SlowIndex(SearchIndex):
        def sync(self, store, base_iri, graphs=None):
            calls.append(graphs)
            if len(calls) == 1:
                assert release.wait(30)
            return super().sync(store, base_iri, graphs)

    keeper = IndexKeeper(SlowIndex(None), store, BASE)
    keeper.start(background=True)
    graph = ox.NamedNode(BASE + "graph/津教职函-2025-1号")
    keeper.after_commit(Change(added=frozenset({ox.Quad(ox.NamedNode(DOC), ox.NamedNode(BASE + "p"),
                                                        ox.Literal("x"), graph)})), "alice", None)
    assert not keeper.ready and calls == [None]  # noted, not yet re-read
    release.set()
    deadline = time.monotonic() + 30
    while not keeper.ready and time.monotonic() < deadline:
        time.sleep(0.05)
    assert keeper.ready and calls == [None, [graph.value]]
    keeper.after_commit(Change(removed=frozenset({ox.Quad(ox.NamedNode(DOC), ox.NamedNode(BASE + "p"),
                                                          ox.Literal("x"), graph)})), "alice", None)
    assert calls[-1] == [graph.value]  # once built, a write re-reads its graph at once


def test_vetkg_build_leaves_the_index_beside_the_store(tmp_path: Path) -> None:
    cli_build(tmp_path / "store", SEED)
    index = SearchIndex(tmp_path / "store.search.sqlite")
    assert "https://w3id.org/vetkg/id/programme/鲁班工坊" in index.scores("鲁班工坊")
    store = OxigraphStore(tmp_path / "store")
    assert index.sync(store, BASE) == []  # serve will find it current
    store.close()
    del store
    gc.collect()


def test_a_plan_without_a_region_gets_no_region_of_the_store(seed_nquads: bytes) -> None:
    # A plan that names no region once had every zh label of the store joined to it as its
    # "region" (an OPTIONAL over an unbound ?region): 4,015 rows for one notice at 40 documents,
    # and a build of 60 that reached 24 GB while indexing.
    from vetkg.server.workbench.harvest import document_rows, harvest

    store = MemoryStore()
    store.oxigraph.load(seed_nquads, format=ox.RdfFormat.N_QUADS)
    graph = next(g for g in store.graphs() if g.startswith(f"{BASE}graph/津教"))
    with_region = document_rows(store, ox.NamedNode(graph))
    assert len(with_region) == 1 and "region" in with_region[0]
    store.update(f"DELETE WHERE {{ GRAPH <{graph}> {{ ?plan <https://w3id.org/vetkg/ontology#locatedIn> ?r }} }}")
    rows = document_rows(store, ox.NamedNode(graph))
    assert len(rows) == 1 and "region" not in rows[0] and "regionLabel" not in rows[0]
    facets = harvest(store, BASE, [graph])[graph].facets
    assert not [f for f in facets if f.facet == "region"]
