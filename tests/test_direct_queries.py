"""Plain queries answered in front of Flask's dispatch (server/sparql_endpoint/direct.py).

One app is built with the direct path off; its WSGI stack is then reached twice, as it is and
behind a DirectQueries layer, so both answer from the same store, dataset version and workers.
Every request of the matrix must get the same status, headers and body either way.
"""
from __future__ import annotations

import gzip
from collections.abc import Callable
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

import pytest
from conftest import BASE, GRAPH_A, VET, memory_store
from flask import Flask
from werkzeug.test import Client

from vetkg.server.app import create_app
from vetkg.server.config import Settings
from vetkg.server.sparql_endpoint.direct import DirectQueries

SELECT_ALL = "SELECT * WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"
NOTICES = f"SELECT ?doc WHERE {{ ?doc a <{VET}Notice> }} ORDER BY ?doc"
CONSTRUCT = f"CONSTRUCT {{ ?doc a <{VET}Notice> }} WHERE {{ ?doc a <{VET}Notice> }}"
ASK = f"ASK {{ <{BASE}doc/a> a <{VET}Notice> }}"
FORM = "application/x-www-form-urlencoded"

# (method, query string, body, content type, headers): what clients send.
REQUESTS: list[tuple[str, dict[str, str], dict[str, str] | str | None, str | None, dict[str, str]]] = [
    ("POST", {}, {"query": "ASK {}"}, FORM, {}),
    ("POST", {}, {"query": ASK}, FORM, {"Accept": "application/sparql-results+xml"}),
    ("POST", {}, NOTICES, "application/sparql-query", {"Accept": "text/csv"}),
    ("POST", {}, NOTICES, "application/sparql-query; charset=utf-8", {"Accept": "text/tab-separated-values"}),
    ("GET", {"query": NOTICES}, None, None, {}),
    ("GET", {"query": CONSTRUCT}, None, None, {"Accept": "text/turtle"}),
    ("GET", {"query": NOTICES, "format": "xml"}, None, None, {}),
    ("GET", {"query": NOTICES, "output": "json"}, None, None, {"Origin": "https://elsewhere.example"}),
    ("POST", {}, {"query": NOTICES, "default-graph-uri": GRAPH_A}, FORM, {}),
    ("POST", {"named-graph-uri": GRAPH_A}, {"query": "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1"}, FORM, {}),
    ("POST", {}, {"query": NOTICES, "timeout": "5"}, FORM, {}),
    # Compression: a large answer is compressed by the app, a small one is not.
    ("POST", {}, {"query": SELECT_ALL}, FORM, {"Accept-Encoding": "gzip"}),
    ("POST", {}, {"query": SELECT_ALL}, FORM, {"Accept-Encoding": "identity"}),
    ("POST", {}, {"query": "ASK {}"}, FORM, {"Accept-Encoding": "gzip, deflate"}),
    ("GET", {"query": SELECT_ALL}, None, None, {"Accept-Encoding": "deflate;q=0.5"}),
    # Refusals and errors, before the query runs and from it.
    ("POST", {}, {"query": "SELECT * WHERE {"}, FORM, {}),
    ("POST", {}, {"query": NOTICES}, FORM, {"Accept": "image/png"}),
    ("POST", {}, {"query": NOTICES, "format": "nonsense"}, FORM, {}),
    ("POST", {}, {"query": NOTICES, "timeout": "soon"}, FORM, {}),
    ("POST", {}, {"query": NOTICES, "default-graph-uri": "not an iri"}, FORM, {}),
    ("POST", {}, {"query": "SELECT * FROM <https://example.org/none> WHERE { ?s ?p ?o }"}, FORM, {}),
    ("POST", {"query": "ASK {}"}, {"query": "ASK {}"}, FORM, {}),
    ("POST", {}, {"query": "   "}, FORM, {}),
    ("POST", {}, NOTICES, "application/sparql-query; charset=latin-1", {}),
    ("POST", {}, {"update": "INSERT DATA { <a:b> <a:c> <a:d> }"}, FORM, {}),
    ("GET", {"query": NOTICES}, None, None, {"If-None-Match": 'W/"0"'}),
    ("GET", {"query": NOTICES, "lang": "en"}, None, None, {}),
    ("GET", {}, None, None, {"Accept": "text/turtle"}),  # the service description
]


@pytest.fixture(scope="module")
def app() -> Flask:
    return create_app(replace(Settings(store="memory"), direct_queries=False, result_cache_mb=0, max_rows=10),
                      memory_store())


def _send(wsgi: Callable[..., Any], method: str, args: dict[str, str], body: Any, content_type: str | None,
          headers: dict[str, str]) -> tuple[int, dict[str, Any], bytes]:
    data = urlencode(body) if isinstance(body, dict) else body
    resp = Client(wsgi, use_cookies=False).open("/sparql", method=method, query_string=args, data=data, content_type=content_type,
                             headers=headers)
    got = {k: v for k, v in resp.headers.items() if k != "Date"}
    if "Vary" in got:
        got["Vary"] = {v.strip() for v in got["Vary"].split(",")}
    return resp.status_code, got, resp.get_data()


@pytest.mark.parametrize("request_", REQUESTS, ids=[f"{r[0]}-{i}" for i, r in enumerate(REQUESTS)])
def test_the_direct_path_answers_as_the_app_does(app: Flask, request_: tuple) -> None:
    through_flask = _send(app.wsgi_app, *request_)
    direct = _send(DirectQueries(app.wsgi_app, app), *request_)
    assert direct == through_flask


@pytest.fixture
def counted(app: Flask) -> dict[str, int]:
    """Counts the views Flask dispatches to and the queries the executor runs."""
    counts = {"view": 0, "run": 0}
    view = app.view_functions["sparql.endpoint"]
    executor = app.extensions["vetkg.sparql.executor"]
    run = executor.run

    def counting_view():
        counts["view"] += 1
        return view()

    def counting_run(*args, **kwargs):
        counts["run"] += 1
        return run(*args, **kwargs)

    app.view_functions["sparql.endpoint"] = counting_view
    executor.run = counting_run
    yield counts
    app.view_functions["sparql.endpoint"] = view
    del executor.run


def test_a_plain_query_never_reaches_flask(app: Flask, counted: dict[str, int]) -> None:
    status, _, body = _send(DirectQueries(app.wsgi_app, app), "POST", {}, {"query": NOTICES}, FORM, {})
    assert status == 200 and b"doc/a" in body
    assert counted == {"view": 0, "run": 1}


@pytest.mark.parametrize("body, encoding, status", [
    ({"query": SELECT_ALL}, "gzip", 200),  # compressed by the app
    ({"query": "SELECT * WHERE {"}, "", 400),  # the error rendered by the app
    ({"query": "SELECT * FROM <https://example.org/none> WHERE { ?s ?p ?o }"}, "", 400),
])
def test_an_answer_the_app_renders_is_evaluated_once(app: Flask, counted: dict[str, int], body, encoding,
                                                     status) -> None:
    got, headers, data = _send(DirectQueries(app.wsgi_app, app), "POST", {}, body, FORM,
                               {"Accept-Encoding": encoding} if encoding else {})
    assert got == status
    if encoding:
        assert headers["Content-Encoding"] == "gzip" and b"results" in gzip.decompress(data)
    assert counted == {"view": 1, "run": 1}


@pytest.mark.parametrize("headers", [{"Authorization": "Bearer x"}, {"Cookie": "vetkg_lang=en"},
                                     {"If-Modified-Since": "Thu, 01 Jan 2026 00:00:00 GMT"}])
def test_credentials_cookies_and_preconditions_go_to_flask(app: Flask, counted: dict[str, int], headers) -> None:
    status, _, _ = _send(DirectQueries(app.wsgi_app, app), "POST", {}, {"query": NOTICES}, FORM, headers)
    assert status in (200, 304) and counted["view"] == 1


def test_a_direct_answer_is_counted_in_metrics(app: Flask) -> None:
    direct = DirectQueries(app.wsgi_app, app)
    pattern = 'vetkg_http_requests_total{endpoint="/sparql",method="POST",status="200"}'

    def served() -> float:
        text = app.test_client().get("/metrics").get_data(as_text=True)
        return float(next((line.split()[-1] for line in text.splitlines() if line.startswith(pattern)), 0))

    before = served()
    _send(direct, "POST", {}, {"query": "ASK {}"}, FORM, {})
    assert served() == before + 1


def test_the_app_has_the_direct_path_unless_told_not_to(app: Flask) -> None:
    default = create_app(Settings(store="memory"), memory_store())
    assert isinstance(default.wsgi_app.app, DirectQueries)  # beneath the replays
    assert not isinstance(app.wsgi_app.app, DirectQueries)
