"""SPARQL JSON written by the endpoint's own writer (server/sparql/results.py) against pyoxigraph's."""
from __future__ import annotations

import json

import pyoxigraph as ox

from vetkg.server.sparql.formats import Kind
from vetkg.server.sparql.results import QueryJob, evaluate, term_json, term_json_text
from vetkg.store import formats
from vetkg.store.oxigraph import MemoryStore

RESULTS_JSON, RESULTS_XML = formats.get("json"), formats.get("xml")

DATA = """
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:a ex:name "天津"@zh , "plain" , "say \\"hi\\"\\n" ; ex:n 3 , "2.5"^^xsd:decimal ; ex:knows _:b .
_:b ex:name "b" .
ex:c ex:n 4 .
"""
QUERY = """
SELECT ?s ?o ?name ?t WHERE {
  ?s ?p ?o OPTIONAL { ?o <http://example.org/name> ?name }
  BIND(IF(isIRI(?s), <<( ?s <http://example.org/p> ?o )>>, ?undefined) AS ?t)
} ORDER BY ?s ?o
"""


def _store() -> MemoryStore:
    store = MemoryStore()
    store.oxigraph.load(DATA.encode(), format=ox.RdfFormat.TURTLE, to_graph=ox.DefaultGraph())
    return store


def test_json_matches_pyoxigraph_for_every_kind_of_term():
    store = _store()
    ours = json.loads(evaluate(store, QueryJob(QUERY, Kind.SOLUTIONS, RESULTS_JSON, 1000)).body)
    theirs = json.loads(store.oxigraph.query(QUERY).serialize(format=ox.QueryResultsFormat.JSON))
    assert len(ours["results"]["bindings"]) == 8
    assert ours == theirs


def test_capped_json_says_so_and_other_formats_follow():
    store = _store()
    outcome = evaluate(store, QueryJob(QUERY, Kind.SOLUTIONS, RESULTS_JSON, 3))
    doc = json.loads(outcome.body)
    # said by the flag (the response headers), not by a key outside SPARQL JSON's
    assert outcome.truncated and set(doc) == {"head", "results"} and len(doc["results"]["bindings"]) == 3
    assert len(list(ox.parse_query_results(outcome.body, format=ox.QueryResultsFormat.JSON))) == 3
    xml = evaluate(store, QueryJob(QUERY, Kind.SOLUTIONS, RESULTS_XML, 3))
    assert xml.truncated and xml.body.count(b"<result>") == 3


def test_a_term_is_written_as_json_dumps_writes_it() -> None:
    xsd = "http://www.w3.org/2001/XMLSchema#"
    tricky = 'say "滨海" \\ back\nslash\ttab\u2028line\x01 \U0001F600'
    terms = [
        ox.NamedNode("https://w3id.org/vetkg/机构/天津"),
        ox.NamedNode("http://example.org/aé?q=1&r=%22"),
        ox.BlankNode("b0"),
        ox.Literal(tricky),
        ox.Literal("职业教育", language="zh-Hans"),
        ox.Literal("42", datatype=ox.NamedNode(xsd + "integer")),
        ox.Literal("plain", datatype=ox.NamedNode(xsd + "string")),
        ox.Literal(tricky, datatype=ox.NamedNode("http://example.org/type#été")),
        ox.Triple(ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p"), ox.Literal("o", language="en")),
    ]
    for term in terms:
        written = term_json_text(term)
        assert written == json.dumps(term_json(term), ensure_ascii=False)
        assert json.loads(written) == term_json(term)
