"""The endpoint's known prefixes work undeclared (as in GraphDB); errors are one sentence in
English and one in Chinese, with line and column."""
from __future__ import annotations

import pytest
from conftest import VET

from vetkg.server.sparql.known_prefixes import missing_declarations

TITLES = ["关于印发2025年天津市职业教育工作要点的通知", "滨海新区2025年职业教育工作要点"]


def rows(resp) -> list[str]:
    assert resp.status_code == 200, resp.text
    return [b["t"]["value"] for b in resp.json["results"]["bindings"]]


def test_known_prefixes_work_without_a_declaration(client):
    query = "SELECT ?t WHERE { ?d a vet:Notice ; dcterms:title ?t } ORDER BY ?t"
    assert rows(client.post("/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"})) == TITLES
    # on a later line too, and by GET
    query = "SELECT ?t\nWHERE {\n  ?d rdf:type vet:Notice .\n  ?d dcterms:title ?t }\nORDER BY ?t"
    assert rows(client.get("/sparql", query_string={"query": query}, headers={"Accept": "application/sparql-results+json"})) == TITLES


def test_the_query_s_own_declaration_wins(client):
    query = "PREFIX vet: <http://example.org/other#> SELECT ?t WHERE { ?d a vet:Notice ; dcterms:title ?t }"
    assert rows(client.post("/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"})) == []


def test_a_construct_writes_the_prefixes_it_was_given(client):
    resp = client.post("/sparql", data={"query": "CONSTRUCT WHERE { ?d a vet:Notice }"}, headers={"Accept": "text/turtle"})
    assert resp.status_code == 200
    assert f"@prefix vet: <{VET}> ." in resp.text and "a vet:Notice" in resp.text


@pytest.mark.parametrize(
    ("text", "declared"),
    [
        ("SELECT * { ?s a vet:X }", ["vet"]),
        ('SELECT * { ?s rdfs:label "vet:x" } # skos:y', ["rdfs"]),  # strings and comments are not used
        ("SELECT * { ?s a <http://e/vet:x> }", []),  # nor IRIs
        ("PREFIX vet: <urn:v#> SELECT * { ?s a vet:X ; rdfs:label ?l }", ["rdfs"]),
        ("SELECT * { ?s a ex:X }", []),  # unknown: left for the error message
        ("SELECT * { ?s ?p ?o }", []),
        ("PREFIX dc: <http://purl.org/dc/terms/#x> SELECT * { ?s dc:title ?t ; skos:note 'a <b' }", ["skos"]),
    ],
)
def test_only_known_undeclared_prefixes_are_declared(text, declared):
    head = missing_declarations(text)
    assert [decl.split()[0].rstrip(":") for decl in head.split("PREFIX ")[1:]] == declared
    assert "\n" not in head  # positions keep their lines


def test_errors_give_line_and_column_in_both_languages(client):
    resp = client.post("/sparql", data={"query": "SELECT ?t\nWHERE { ?d a vet:Notice ; dcterms:title }"})
    assert resp.status_code == 400
    assert resp.text.startswith("syntax error at line 2, column ")
    assert "查询语法错误（第 2 行第 " in resp.text
    assert len(resp.text.strip().splitlines()) == 1  # one line: an English sentence, a Chinese one
    # a column on the first line counts from the query's own first character, not the
    # declarations put before it
    resp = client.post("/sparql", data={"query": "SELECT * WHERE { ?s vet:p }"})
    assert "line 1, column 2" in resp.text and "(1:2" in resp.text
    unknown = client.post("/sparql", data={"query": "SELECT * WHERE {\n  ?s a ex:Thing }"})
    assert unknown.status_code == 400
    assert "prefix ex: is not declared; declare it with PREFIX ex: <…>" in unknown.text
    assert "line 2, column" in unknown.text and "前缀 ex: 未声明" in unknown.text


def test_an_update_uses_them_too(make_app):
    app = make_app(update_tokens={"alice": "tok"})
    client = app.test_client()
    # vet: and dcterms: are not among rdflib's own default prefixes (rdfs: is)
    update = 'INSERT DATA { GRAPH <https://w3id.org/vetkg/graph/notes> { <urn:x:n> dcterms:description "a note"@en ; a vet:Note } }'
    resp = client.post("/sparql", data=update.encode(), headers={"Authorization": "Bearer tok", "Content-Type": "application/sparql-update"})
    assert resp.status_code == 204, resp.text
    query = "SELECT ?c WHERE { <urn:x:n> dcterms:description ?c ; a vet:Note }"
    got = client.post("/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"}).json
    assert [b["c"]["value"] for b in got["results"]["bindings"]] == ["a note"]
