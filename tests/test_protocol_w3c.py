"""The W3C SPARQL 1.1 Protocol test suite, replayed against the app.

The manifest and its data are copied into tests/data/w3c/protocol/. Each test's ``ut:graphData``
is loaded as a named graph first; every request is sent as written (paths under ``/sparql/`` go to
``/sparql``) and checked for its expected status class and, where given, result format and boolean.

The suite's queries name ``data0.rdf``, a graph no test loads, as their default graph: these apps
run with ``allow_unknown_graphs`` so such a graph is empty, as the suite expects.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.collection import Collection

HERE = Path(__file__).parent / "data" / "w3c" / "protocol"
MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = rdflib.Namespace("http://www.w3.org/2011/http#")
CNT = rdflib.Namespace("http://www.w3.org/2011/content#")
UT = rdflib.Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = "http://www.w3.org/2011/http-statusCodes#StatusCode"
TOKEN = "s3cret"  # updates need a bearer token; the suite sends none, so every request carries one
RESULT_TYPES = {
    "application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values",
}
BOOLEAN_TYPES = {"application/sparql-results+json", "application/sparql-results+xml"}


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: str | None
    statuses: set[int]  # allowed status classes: 2, 3, 4 …
    result_format: str | None = None
    boolean: bool | None = None


@dataclass
class Case:
    name: str
    graphs: dict[str, Path] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)


def _items(graph: rdflib.Graph, head: rdflib.term.Node) -> list[rdflib.term.Node]:
    return list(Collection(graph, head))


def read_manifest() -> list[Case]:
    graph = rdflib.Graph().parse(HERE / "manifest.ttl", format="turtle", publicID=(HERE / "manifest.ttl").as_uri())
    manifest = next(graph.subjects(rdflib.RDF.type, MF.Manifest))
    cases = []
    for entry in _items(graph, graph.value(manifest, MF.entries)):
        case = Case(str(entry).rsplit("#", 1)[1])
        for data in graph.objects(entry, UT.graphData):
            case.graphs[str(graph.value(data, rdflib.RDFS.label))] = Path(rdflib.URIRef(graph.value(data, UT.graph)).replace("file://", ""))
        action = graph.value(entry, MF.action)
        for req in _items(graph, graph.value(action, HT.requests)):
            body = graph.value(req, HT.body)
            headers = {
                str(graph.value(h, HT.fieldName)): str(graph.value(h, HT.fieldValue))
                for h in _items(graph, graph.value(req, HT.headers))
            } if graph.value(req, HT.headers) is not None else {}
            resp = graph.value(req, HT.resp)
            statuses = {int(str(s)[len(HTS)]) for s in graph.objects(resp, MF.expectedStatus)}
            boolean = graph.value(resp, MF.expectedBoolean)
            fmt = graph.value(resp, MF.expectedFormat)
            case.requests.append(Request(
                method=str(graph.value(req, HT.methodName)),
                path=str(graph.value(req, HT.absolutePath)).replace("/sparql/", "/sparql", 1),
                headers=headers,
                body=None if body is None else str(graph.value(body, CNT.chars)),
                statuses=statuses,
                result_format=None if fmt is None else str(fmt),
                boolean=None if boolean is None else boolean.toPython(),
            ))
        cases.append(case)
    return cases


CASES = read_manifest()


def test_manifest_is_read_whole():
    assert len(CASES) == 34
    assert all(case.requests for case in CASES)


def _encode(body: str, headers: dict[str, str]) -> bytes:
    # The non-UTF-8 tests declare UTF-16; send what they declare.
    charset = "utf-16" if "utf-16" in headers.get("content-type", "").lower() else "utf-8"
    return body.encode(charset)


def check_format(req: Request, mimetype: str, data: bytes) -> None:
    if req.result_format == "boolean":
        assert mimetype in BOOLEAN_TYPES, mimetype
        value = bool(ox.parse_query_results(data, format=ox.QueryResultsFormat.from_media_type(mimetype)))
        if req.boolean is not None:
            assert value is req.boolean
    elif req.result_format == "tabular":
        assert mimetype in RESULT_TYPES, mimetype
        assert isinstance(ox.parse_query_results(data, format=ox.QueryResultsFormat.from_media_type(mimetype)), ox.QuerySolutions)
    elif req.result_format == "RDF":
        fmt = ox.RdfFormat.from_media_type(mimetype)
        assert fmt is not None, mimetype
        list(ox.parse(data, format=fmt))


@pytest.mark.parametrize("case", [pytest.param(c, id=c.name) for c in CASES])
def test_w3c_protocol(make_app, case: Case):
    quads = [
        ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(name))
        for name, path in case.graphs.items()
        for t in ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES)
    ]
    client = make_app(quads, allow_unknown_graphs=True, update_tokens={"w3c": TOKEN}).test_client()
    for req in case.requests:
        data = None if req.body is None else _encode(req.body, req.headers)
        headers = {**req.headers, "Authorization": f"Bearer {TOKEN}"}
        resp = client.open(req.path, method=req.method, headers=headers, data=data)
        assert resp.status_code // 100 in req.statuses, f"{req.method} {req.path}: {resp.status_code} {resp.text}"
        if resp.status_code // 100 == 2:
            check_format(req, resp.mimetype, resp.data)
