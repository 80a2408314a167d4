"""Replayed answers to repeated queries, in front of Flask (server/sparql_endpoint/replay.py).

The app runs over the seed in memory with its real workers; what lies beneath the replays (the
direct path and Flask's endpoint) is wrapped to count the requests to /sparql that reach it, so a
replay is told from an answer the app computed.
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

JSON = "application/sparql-results+json"
COUNT = PREFIXES + "SELECT (COUNT(*) AS ?n) WHERE { ?m a vet:Measure }"


@pytest.fixture
def app(seed_nquads: bytes) -> Flask:  # noqa: F811
    app = create_app(replace(Settings(store="memory"), update_tokens={"alice": "s3cret"}), store_of(seed_nquads))
    replays = app.wsgi_app
    beneath = replays.app  # type: ignore[attr-defined]
    calls: list[str] = []

    def counting(environ, start_response):
        if environ.get("PATH_INFO") == "/sparql":
            calls.append("call")
        return beneath(environ, start_response)

    replays.app = counting  # type: ignore[attr-defined]
    app.extensions["test.view_calls"] = calls
    return app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def _calls(app: Flask) -> int:
    return len(app.extensions["test.view_calls"])


def _metric(client: FlaskClient, pattern: str) -> float:
    text = client.get("/metrics").get_data(as_text=True)
    found = re.search(pattern, text, re.MULTILINE)
    assert found, pattern
    return float(found.group(1))


def test_a_repeated_get_is_replayed_bytes_for_bytes_and_counted(app: Flask, client: FlaskClient) -> None:
    first = client.get("/sparql", query_string={"query": COUNT}, headers={"Accept": JSON})
    second = client.get("/sparql", query_string={"query": COUNT}, headers={"Accept": JSON})
    assert first.status_code == second.status_code == 200
    assert _calls(app) == 1, "the repeated query reached the endpoint"
    assert second.data == first.data
    assert sorted(second.headers.items()) == sorted(first.headers.items())  # ETag, CORS, Vary …
    assert _metric(client, r"^vetkg_result_cache_hits_total (\S+)$") == 1
    served = r'^vetkg_http_requests_total\{endpoint="/sparql",method="GET",status="200"\} (\S+)$'
    assert _metric(client, served) == 2


def test_a_repeated_form_post_is_replayed_and_a_new_one_still_reads_its_body(app: Flask, client: FlaskClient) -> None:
    first = client.post("/sparql", data={"query": COUNT}, headers={"Accept": JSON})
    assert first.status_code == 200 and int(first.json["results"]["bindings"][0]["n"]["value"]) > 0
    second = client.post("/sparql", data={"query": COUNT}, headers={"Accept": JSON})
    assert second.data == first.data and _calls(app) == 1
    other = client.post("/sparql", data={"query": "ASK { ?s ?p ?o }"}, headers={"Accept": JSON})
    assert other.status_code == 200 and other.json["boolean"] is True and _calls(app) == 2


def test_what_selects_the_answer_is_in_the_key(app: Flask, client: FlaskClient) -> None:
    json_answer = client.get("/sparql", query_string={"query": COUNT}, headers={"Accept": JSON})
    csv_answer = client.get("/sparql", query_string={"query": COUNT}, headers={"Accept": "text/csv"})
    assert csv_answer.mimetype == "text/csv" and json_answer.mimetype == JSON
    other_host = client.get("/sparql", query_string={"query": COUNT}, headers={"Accept": JSON},
                            base_url="http://other.example/")
    assert other_host.status_code == 200
    assert _calls(app) == 3


def test_a_committed_write_ends_the_replays(app: Flask, client: FlaskClient) -> None:
    before = client.get("/sparql", query_string={"query": COUNT}, headers={"Accept": JSON})
    update = PREFIXES + "INSERT DATA { GRAPH <https://w3id.org/vetkg/graph/extra> { <https://w3id.org/vetkg/id/x> rdfs:label \"x\"@zh } }"
    written = client.post("/sparql", data=update.encode(), headers={**AUTH, "Content-Type": "application/sparql-update"})
    assert written.status_code in (200, 204), written.get_data(as_text=True)
    after = client.get("/sparql", query_string={"query": COUNT}, headers={"Accept": JSON})
    assert after.headers["ETag"] != before.headers["ETag"]
    assert _calls(app) == 3  # the query, the update, the query again: nothing replayed across the write


@pytest.mark.parametrize("headers", [
    {"If-None-Match": '"nothing"'},
    {"Authorization": "Bearer s3cret"},
])
def test_requests_with_preconditions_or_credentials_go_to_the_app(app: Flask, client: FlaskClient,
                                                                         headers: dict[str, str]) -> None:
    client.get("/sparql", query_string={"query": COUNT}, headers={"Accept": JSON})
    again = client.get("/sparql", query_string={"query": COUNT}, headers={"Accept": JSON, **headers})
    assert again.status_code == 200
    assert _calls(app) == 2


def test_a_request_with_cookies_goes_to_the_app(app: Flask, client: FlaskClient) -> None:
    client.get("/sparql", query_string={"query": COUNT}, headers={"Accept": JSON})
    client.set_cookie("lang", "en")
    assert client.get("/sparql", query_string={"query": COUNT}, headers={"Accept": JSON}).status_code == 200
    assert _calls(app) == 2


def test_an_answer_that_may_change_between_runs_is_never_replayed(app: Flask, client: FlaskClient) -> None:
    volatile = "SELECT (RAND() AS ?r) WHERE {}"
    first = client.get("/sparql", query_string={"query": volatile}, headers={"Accept": JSON})
    second = client.get("/sparql", query_string={"query": volatile}, headers={"Accept": JSON})
    assert first.status_code == second.status_code == 200
    assert _calls(app) == 2


def test_errors_are_not_replayed(app: Flask, client: FlaskClient) -> None:
    for _ in range(2):
        assert client.get("/sparql", query_string={"query": "SELEKT nothing"}).status_code == 400
    assert _calls(app) == 2


def test_with_the_cache_off_nothing_is_replayed(seed_nquads: bytes) -> None:  # noqa: F811
    app = create_app(replace(Settings(store="memory"), result_cache_mb=0), store_of(seed_nquads))
    client = app.test_client()
    first = client.get("/sparql", query_string={"query": COUNT}, headers={"Accept": JSON})
    second = client.get("/sparql", query_string={"query": COUNT}, headers={"Accept": JSON})
    assert first.data == second.data
    assert app.wsgi_app.entries.enabled is False  # type: ignore[attr-defined]
