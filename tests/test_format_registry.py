"""Adding a format is one entry in one registry (vetkg.store.formats): once registered it is
served by /sparql (SELECT and CONSTRUCT), the linked-data pages and /store; unregistered, by none."""
from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from urllib.parse import quote

import pyoxigraph as ox
import pytest
from conftest import BASE, GRAPH_A
from flask import Flask
from flask.testing import FlaskClient

from vetkg.store import formats
from vetkg.store.formats import Format, Holds

MEDIA_TYPE = "text/x-test-terms"
ORG = BASE + "id/org/天津市教育委员会"
ORG_PATH = "/id/org/" + quote("天津市教育委员会")
LABEL = '"天津市教育委员会"@zh'
RDFS_LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
TOKEN = "s3cret"


def _write_graph(statements: Sequence[ox.Triple | ox.Quad], prefixes: Mapping[str, str] | None) -> bytes:
    # A toy syntax no library knows: one statement a line, its terms in N-Triples, tab-separated.
    lines = sorted("\t".join(str(t) for t in (s.subject, s.predicate, s.object)) for s in statements)
    return ("# terms\n" + "".join(line + "\n" for line in lines)).encode("utf-8")


def _write_results(result: ox.QuerySolutions | ox.QueryBoolean) -> bytes:
    if isinstance(result, ox.QueryBoolean):
        return f"# terms\n{str(bool(result)).lower()}\n".encode()
    names = [v.value for v in result.variables]
    rows = ["\t".join("" if row[n] is None else str(row[n]) for n in names) for row in result]
    return ("# terms\n" + "\t".join("?" + n for n in names) + "\n" + "".join(r + "\n" for r in rows)).encode("utf-8")


@pytest.fixture
def terms_format() -> Iterator[Format]:
    fmt = formats.register(Format(
        "test-terms", MEDIA_TYPE, "test terms", suffixes=("terms",),
        graph_writer=_write_graph, results_writer=_write_results,
    ))
    try:
        yield fmt
    finally:
        formats.unregister(fmt.name)


@pytest.fixture
def served(terms_format: Format, make_app: Callable[..., Flask]) -> FlaskClient:
    # The app (and its forked query workers) is made after the format is registered.
    return make_app(update_tokens={"alice": TOKEN}).test_client()


def _lines(body: bytes) -> list[list[str]]:
    text = body.decode("utf-8")
    assert text.startswith("# terms\n"), text[:200]
    return [line.split("\t") for line in text.splitlines()[1:]]


def test_sparql_select_and_ask_answer_in_the_registered_format(served: FlaskClient) -> None:
    query = f"SELECT DISTINCT ?label WHERE {{ <{ORG}> {RDFS_LABEL} ?label }}"
    resp = served.get("/sparql", query_string={"query": query}, headers={"Accept": MEDIA_TYPE})
    assert resp.status_code == 200, resp.text
    assert resp.headers["Content-Type"] == f"{MEDIA_TYPE}; charset=utf-8"
    assert _lines(resp.data) == [["?label"], [LABEL]]
    by_name = served.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }", "format": "test-terms"})
    assert by_name.status_code == 200 and _lines(by_name.data) == [["true"]]


def test_sparql_construct_answers_in_the_registered_format(served: FlaskClient) -> None:
    query = f"CONSTRUCT {{ <{ORG}> ?p ?o }} WHERE {{ <{ORG}> ?p ?o }}"
    resp = served.post("/sparql", data={"query": query}, headers={"Accept": MEDIA_TYPE})
    assert resp.status_code == 200, resp.text
    assert resp.mimetype == MEDIA_TYPE
    assert _lines(resp.data) == [[f"<{ORG}>", RDFS_LABEL, LABEL]]


def test_page_is_offered_and_served_in_the_registered_format(served: FlaskClient) -> None:
    resp = served.get(ORG_PATH, headers={"Accept": MEDIA_TYPE})
    assert resp.status_code == 200, resp.text
    assert resp.mimetype == MEDIA_TYPE
    assert [f"<{ORG}>", RDFS_LABEL, LABEL] in _lines(resp.data)
    assert resp.headers["Content-Location"] == ORG_PATH + ".terms"
    # The other representations name it among their alternates, and its suffix selects it.
    turtle = served.get(ORG_PATH, headers={"Accept": "text/turtle"})
    assert f'<{ORG_PATH}.terms>; rel="alternate"; type="{MEDIA_TYPE}"' in turtle.headers["Link"]
    by_suffix = served.get(ORG_PATH + ".terms", headers={"Accept": "text/turtle"})
    assert by_suffix.mimetype == MEDIA_TYPE and by_suffix.data == resp.data


def test_graph_store_serves_a_graph_in_the_registered_format(served: FlaskClient) -> None:
    resp = served.get("/store", query_string={"graph": GRAPH_A}, headers={"Accept": MEDIA_TYPE})
    assert resp.status_code == 200, resp.text
    assert resp.mimetype == MEDIA_TYPE
    rows = _lines(resp.data)
    assert [f"<{BASE}doc/a>", "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>",
            "<https://w3id.org/vetkg/ontology#Notice>"] in rows
    assert all(len(row) == 3 for row in rows)  # triples: the graph's name is not repeated
    assert not any(row[0] == f"<{BASE}doc/b>" for row in rows)  # only the graph asked for


def test_an_unregistered_format_is_served_nowhere(terms_format: Format, make_app: Callable[..., Flask]) -> None:
    formats.unregister(terms_format.name)
    client = make_app().test_client()
    assert formats.by_media_type(MEDIA_TYPE) is None
    sparql = client.get("/sparql", query_string={"query": "SELECT * { ?s ?p ?o }"}, headers={"Accept": MEDIA_TYPE})
    assert sparql.status_code == 406
    assert client.get(ORG_PATH, headers={"Accept": MEDIA_TYPE}).status_code == 406
    assert client.get(ORG_PATH + ".terms").status_code == 404


def test_an_existing_parser_under_a_new_media_type_reads_store_bodies(make_app: Callable[..., Flask]) -> None:
    fmt = formats.register(Format("test-nt", "application/x-test-ntriples", "N-Triples again",
                                  rdf=ox.RdfFormat.N_TRIPLES))
    try:
        assert formats.by_media_type("application/x-test-ntriples; charset=utf-8", Holds.GRAPH) is fmt
        client = make_app(update_tokens={"alice": TOKEN}).test_client()
        url = f"/store?graph={BASE}graph/notes"
        put = client.put(url, data=b"<urn:a> <urn:b> <urn:c> .\n", content_type=fmt.media_type,
                         headers={"Authorization": f"Bearer {TOKEN}"})
        assert put.status_code in (201, 204), put.text
        back = client.get(url, headers={"Accept": fmt.media_type})
        assert back.mimetype == fmt.media_type
        assert back.data.decode("utf-8").strip() == "<urn:a> <urn:b> <urn:c> ."
    finally:
        formats.unregister(fmt.name)
