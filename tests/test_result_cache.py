"""The result cache of /sparql (server/sparql/result_cache.py, server/sparql_endpoint/cached_queries.py).

The app runs over the seed document in memory with its real forked workers; the executor is
wrapped only to count the queries that reach a worker.
"""
from __future__ import annotations

import re
from dataclasses import replace

import pytest
from flask import Flask
from flask.testing import FlaskClient
from ingest_helpers import store_of
from test_writes import AUTH, PREFIXES, seed_nquads  # noqa: F401 (a fixture)

from vetkg.server.app import create_app
from vetkg.server.config import Settings
from vetkg.server.sparql.result_cache import ResultCache, cacheable
from vetkg.server.sparql.results import QueryOutcome

JSON = "application/sparql-results+json"
COUNT = PREFIXES + "SELECT (COUNT(*) AS ?n) WHERE { ?m a vet:Measure }"


def _app(seed: bytes, **settings: object) -> Flask:
    defaults: dict[str, object] = {"update_tokens": {"alice": "s3cret"}}
    defaults.update(settings)
    app = create_app(replace(Settings(store="memory"), **defaults), store_of(seed))
    executor = app.extensions["vetkg.sparql.executor"]
    real = executor.run
    calls: list[str] = []

    def counting(job, timeout, *args):
        calls.append(job.text)
        return real(job, timeout, *args)

    executor.run = counting  # admission holds the same executor: every probe passes here
    app.extensions["test.worker_calls"] = calls
    return app


@pytest.fixture
def app(seed_nquads: bytes) -> Flask:  # noqa: F811
    return _app(seed_nquads)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def _get(client: FlaskClient, text: str, accept: str = JSON, **params: str):
    resp = client.get("/sparql", query_string={"query": text, **params}, headers={"Accept": accept})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return resp


def _metric(client: FlaskClient, name: str) -> float:
    text = client.get("/metrics").get_data(as_text=True)
    found = re.search(rf"^vetkg_result_cache_{name} (\S+)$", text, re.MULTILINE)
    assert found, f"vetkg_result_cache_{name} not in /metrics"
    return float(found.group(1))


def test_a_repeated_query_is_answered_from_the_cache_with_the_same_bytes(app: Flask, client: FlaskClient) -> None:
    calls = app.extensions["test.worker_calls"]
    first = _get(client, COUNT)
    assert len(calls) == 1 and _metric(client, "hits_total") == 0
    second = _get(client, "\n  " + COUNT + "\n")  # white space around the text: the same query
    assert len(calls) == 1, "the repeated query reached a worker"
    assert _metric(client, "hits_total") == 1 and _metric(client, "misses_total") == 1
    assert second.data == first.data and second.content_type == first.content_type
    assert int(second.json["results"]["bindings"][0]["n"]["value"]) > 0
    assert _metric(client, "bytes") >= len(first.data)


def test_a_cached_answer_keeps_its_validators(client: FlaskClient) -> None:
    first = _get(client, COUNT)
    second = _get(client, COUNT)
    assert second.headers["ETag"] == first.headers["ETag"]
    again = client.get("/sparql", query_string={"query": COUNT},
                       headers={"Accept": JSON, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_a_committed_write_invalidates(app: Flask, client: FlaskClient) -> None:
    calls = app.extensions["test.worker_calls"]
    comments = PREFIXES + "SELECT (COUNT(*) AS ?n) WHERE { ?s rdfs:comment ?c }"
    before = _get(client, comments)
    _get(client, COUNT)
    resp = client.post("/sparql", data=(PREFIXES + "INSERT DATA { GRAPH <https://w3id.org/vetkg/graph/entities> {"
                                        " <https://w3id.org/vetkg/id/org/x> rdfs:comment \"c\" } }").encode(),
                       headers={"Content-Type": "application/sparql-update", **AUTH})
    assert resp.status_code == 204, resp.get_data(as_text=True)
    after = _get(client, comments)
    assert len(calls) == 3, "the query after the write was answered from the cache"
    n = lambda r: int(r.json["results"]["bindings"][0]["n"]["value"])  # noqa: E731
    assert n(after) == n(before) + 1
    assert after.headers["ETag"] != before.headers["ETag"]
    _get(client, COUNT)  # unchanged by the write, but asked again all the same
    assert len(calls) == 4
    assert _metric(client, "invalidations_total") == 1


def test_a_failed_update_leaves_the_cache(app: Flask, client: FlaskClient) -> None:
    calls = app.extensions["test.worker_calls"]
    _get(client, COUNT)
    resp = client.post("/sparql", data=b"INSERT DATA { <a> <b> <c> }",
                       headers={"Content-Type": "application/sparql-update"})  # no token: refused
    assert resp.status_code == 401
    _get(client, COUNT)
    assert len(calls) == 1


@pytest.mark.parametrize("volatile", [
    "SELECT (RAND() AS ?r) WHERE {}",
    "SELECT (now() AS ?t) WHERE {}",
    "SELECT (STRUUID() AS ?u) WHERE {}",
])
def test_volatile_queries_are_not_cached(app: Flask, client: FlaskClient, volatile: str) -> None:
    calls = app.extensions["test.worker_calls"]
    first, second = _get(client, volatile), _get(client, volatile)
    assert len(calls) == 2
    assert first.data != second.data or "now" in volatile  # NOW() is the same within a second or so
    assert _metric(client, "uncacheable_total") == 2 and _metric(client, "hits_total") == 0


def test_cacheable_judges_the_text() -> None:
    assert cacheable("SELECT * WHERE { ?s ?p ?o }")
    assert cacheable("SELECT ?random WHERE { ?s <http://x/brand> ?random }")  # words, not calls
    for text in ("SELECT (UUID() AS ?u) {}", "SELECT (BNODE ( ) AS ?b) {}",
                 "SELECT * { SERVICE <http://x/> { ?s ?p ?o } }",
                 "SELECT ?m { BIND(vetkg:search(?m, \"实训\") AS ?s) }",
                 "CONSTRUCT { ?s <http://x/p> [ <http://x/q> ?o ] } WHERE { ?s ?p ?o }",
                 "CONSTRUCT { _:b <http://x/p> ?o } WHERE { ?s ?p ?o }"):
        assert not cacheable(text), text
    assert cacheable("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    # SPARQL 1.1 (19.2) lets a codepoint escape stand for any letter of the text: not judged.
    assert not cacheable("SELECT (\\u0052AND() AS ?r) WHERE {}")


def test_a_different_accept_is_a_different_entry(app: Flask, client: FlaskClient) -> None:
    calls = app.extensions["test.worker_calls"]
    as_json = _get(client, COUNT)
    as_xml = _get(client, COUNT, accept="application/sparql-results+xml")
    assert len(calls) == 2
    assert as_xml.content_type.startswith("application/sparql-results+xml") and as_xml.data != as_json.data
    assert _get(client, COUNT, accept="application/sparql-results+xml").data == as_xml.data
    assert _get(client, COUNT).data == as_json.data
    assert len(calls) == 2


def test_a_capped_answer_is_cached_with_its_cap_headers(seed_nquads: bytes) -> None:  # noqa: F811
    app = _app(seed_nquads, max_rows=2)
    client = app.test_client()
    text = PREFIXES + "SELECT ?m WHERE { ?m a vet:Measure } ORDER BY ?m"
    first, second = _get(client, text), _get(client, text)
    assert len(app.extensions["test.worker_calls"]) == 1
    assert second.data == first.data and len(second.json["results"]["bindings"]) == 2
    for resp in (first, second):
        assert resp.headers["X-VetKG-Truncated"] == "true" and resp.headers["X-VetKG-Max-Rows"] == "2"


def test_a_timed_out_query_is_not_cached(app: Flask, client: FlaskClient) -> None:
    heavy = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    for _ in range(2):
        resp = client.get("/sparql", query_string={"query": heavy, "timeout": "0.2"}, headers={"Accept": JSON})
        assert resp.status_code == 503, resp.get_data(as_text=True)
    assert _metric(client, "hits_total") == 0 and _metric(client, "bytes") == 0


def test_the_setting_zero_turns_it_off(seed_nquads: bytes) -> None:  # noqa: F811
    app = _app(seed_nquads, result_cache_mb=0)
    client = app.test_client()
    first, second = _get(client, COUNT), _get(client, COUNT)
    assert len(app.extensions["test.worker_calls"]) == 2
    assert first.data == second.data
    assert _metric(client, "hits_total") == 0 and _metric(client, "misses_total") == 0
    assert _metric(client, "max_bytes") == 0


def test_the_bound_evicts_the_least_recently_used() -> None:
    cache = ResultCache(4 * 1000)
    body = lambda c: QueryOutcome(body=c * 600)  # noqa: E731  (600 bytes + overhead: 5 fit, not 6)
    for i, c in enumerate(b"abcdef"):
        if i == 5:
            assert cache.get(b"a", 0) is not None  # "a" used: "b" is now the oldest
        cache.put(bytes([c]), 0, body(bytes([c])))
    assert cache.size <= cache.max_bytes and cache.stats.evictions >= 1
    assert cache.get(b"a", 0) is not None and cache.get(b"b", 0) is None and cache.get(b"f", 0) is not None
    cache.put(b"big", 0, QueryOutcome(body=b"x" * 1001))  # over a quarter of the bound: not kept
    assert cache.get(b"big", 0) is None


def test_an_answer_of_a_past_generation_is_not_kept() -> None:
    cache = ResultCache(1 << 20)
    assert cache.get(b"k", 1) is None  # the cache is at generation 1
    cache.put(b"k", 0, QueryOutcome(body=b"old"))
    assert cache.get(b"k", 1) is None
    cache.put(b"k", 1, QueryOutcome(body=b"new"))
    assert cache.get(b"k", 2) is None and len(cache) == 0


def test_the_memory_bound_evicts_through_the_endpoint(seed_nquads: bytes) -> None:  # noqa: F811
    app = _app(seed_nquads, result_cache_mb=0.004)  # about 4 KB: a few small answers
    client = app.test_client()
    texts = [PREFIXES + f"SELECT ?m WHERE {{ ?m a vet:Measure }} ORDER BY ?m LIMIT {n}" for n in range(1, 9)]
    for text in texts:
        _get(client, text)
    assert _metric(client, "evictions_total") >= 1
    assert _metric(client, "bytes") <= 0.004 * 1024 * 1024
    calls = app.extensions["test.worker_calls"]
    _get(client, texts[0])  # the oldest: evicted, asked again
    assert len(calls) == len(texts) + 1


def test_a_different_dataset_is_a_different_entry(app: Flask, client: FlaskClient) -> None:
    calls = app.extensions["test.worker_calls"]
    text = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    union = _get(client, text)
    entities = _get(client, text, **{"default-graph-uri": "https://w3id.org/vetkg/graph/entities"})
    assert len(calls) == 2
    n = lambda r: int(r.json["results"]["bindings"][0]["n"]["value"])  # noqa: E731
    assert 0 < n(entities) < n(union)
    assert n(_get(client, text)) == n(union) and len(calls) == 2
