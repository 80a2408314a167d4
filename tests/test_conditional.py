"""One conditional-request rule (vetkg.server.http.conditional_get) for every GET that has a
representation: /sparql, the pages, /store and the dumps."""
from __future__ import annotations

from urllib.parse import quote

import pytest
from conftest import BASE, GRAPH_A
from flask import Flask
from flask.testing import FlaskClient

QUERY = "/sparql?query=" + quote("SELECT * WHERE { ?s ?p ?o } LIMIT 1")
URLS = [
    (QUERY, {"Accept"}),
    ("/id/org/" + quote("天津市教育委员会"), {"Accept"}),
    ("/doc/a", {"Accept", "Accept-Language"}),  # a browser's page varies by language too
    ("/store?graph=" + quote(GRAPH_A), {"Accept"}),
    ("/dumps/dataset.nq.gz", set()),
]
BROWSER = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"


@pytest.mark.parametrize(("url", "vary"), URLS)
def test_a_current_copy_gets_304_with_the_same_vary_and_a_write_changes_the_tag(
    app: Flask, client: FlaskClient, url: str, vary: set[str]
) -> None:
    headers = {"Accept": BROWSER} if url == "/doc/a" else {}
    first = client.get(url, headers=headers)
    assert first.status_code == 200, first.text
    tag = first.headers["ETag"]
    assert tag.startswith('W/"') and first.headers["Last-Modified"]
    again = client.get(url, headers={**headers, "If-None-Match": tag})
    assert again.status_code == 304
    assert again.data == b""
    assert vary <= set(again.vary)
    assert again.headers["ETag"] == tag
    app.extensions["vetkg.version"].bump()  # what every committed write does
    after = client.get(url, headers={**headers, "If-None-Match": tag})
    assert after.status_code == 200 and after.headers["ETag"] != tag


def test_a_posted_query_gets_no_validators(client: FlaskClient) -> None:
    resp = client.post("/sparql", data={"query": "ASK { ?s ?p ?o }"})
    assert resp.status_code == 200
    assert "ETag" not in resp.headers


def test_a_missing_graph_is_404_not_a_cached_answer(client: FlaskClient) -> None:
    resp = client.get("/store?graph=" + quote(BASE + "graph/none"))
    assert resp.status_code == 404
    assert "ETag" not in resp.headers
