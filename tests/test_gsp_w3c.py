"""The W3C SPARQL 1.1 Graph Store HTTP Protocol tests, replayed against ``/store``.

The manifests are copied into tests/data/w3c/gsp/. Each test runs on a fresh empty store; its
requests go in order (``/gsp`` becomes ``/store``) with a bearer token, and each response is
checked for its status, Content-Type and, where given, a body isomorphic to the expected graph.
``$LOCATION$`` is replaced by the Location of an earlier response, as the manifest says.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
import rdflib
from rdflib.collection import Collection
from rdflib.compare import isomorphic

HERE = Path(__file__).parent / "data" / "w3c" / "gsp"
MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = rdflib.Namespace("http://www.w3.org/2011/http#")
CNT = rdflib.Namespace("http://www.w3.org/2011/content#")
HTS = rdflib.Namespace("http://www.w3.org/2011/http-statusCodes#")
TOKEN = "s3cret"
NAMED_STATUS = {"OK": 200, "Created": 201, "NoContent": 204, "NotFound": 404}


@dataclass
class Expected:
    statuses: set[str]  # "201", or "2xx" for a class
    content_type: str | None = None
    body: str | None = None
    location: str | None = None


@dataclass
class Step:
    method: str
    path: str
    headers: dict[str, str]
    body: str | None
    expected: Expected


@dataclass
class Case:
    name: str
    steps: list[Step] = field(default_factory=list)


def _headers(graph: rdflib.Graph, node: rdflib.term.Node | None) -> dict[str, str]:
    if node is None:
        return {}
    return {str(graph.value(h, HT.fieldName)).lower(): str(graph.value(h, HT.fieldValue)) for h in Collection(graph, node)}


def _status(node: rdflib.term.Node) -> str:
    name = str(node).rsplit("#", 1)[1]
    if name.startswith("StatusCode"):
        return name[len("StatusCode"):].lower()
    return str(NAMED_STATUS[name])


def read_manifests() -> list[Case]:
    cases = []
    for name in ("manifest-indirect.ttl", "manifest-direct.ttl"):
        path = HERE / name
        graph = rdflib.Graph().parse(path, format="turtle", publicID=path.as_uri())
        manifest = next(graph.subjects(rdflib.RDF.type, MF.Manifest))
        for entry in Collection(graph, graph.value(manifest, MF.entries)):
            case = Case(str(entry).rsplit("#", 1)[1])
            for req in Collection(graph, graph.value(graph.value(entry, MF.action), HT.requests)):
                resp = graph.value(req, HT.resp)
                body = graph.value(req, HT.body)
                resp_body = graph.value(resp, HT.body)
                location = graph.value(resp, MF.expectedLocation)
                case.steps.append(Step(
                    method=str(graph.value(req, HT.methodName)),
                    path=str(graph.value(req, HT.absolutePath)).replace("/gsp", "/store", 1),
                    headers=_headers(graph, graph.value(req, HT.headers)),
                    body=None if body is None else str(graph.value(body, CNT.chars)),
                    expected=Expected(
                        statuses={_status(s) for s in graph.objects(resp, MF.expectedStatus)},
                        content_type=_headers(graph, graph.value(resp, HT.headers)).get("content-type"),
                        body=None if resp_body is None else str(graph.value(resp_body, CNT.chars)),
                        location=None if location is None else str(location),
                    ),
                ))
            cases.append(case)
    return cases


CASES = read_manifests()


def test_manifests_are_read_whole():
    assert len(CASES) == 13
    assert all(case.steps for case in CASES)


def _status_ok(status: int, expected: set[str]) -> bool:
    return str(status) in expected or f"{status // 100}xx" in expected


@pytest.mark.parametrize("case", [pytest.param(c, id=c.name) for c in CASES])
def test_w3c_graph_store_protocol(make_app, case: Case):
    client = make_app([], update_tokens={"w3c": TOKEN}).test_client()
    variables: dict[str, str] = {}
    for step in case.steps:
        path, body = step.path, step.body
        for var, value in variables.items():
            path = path.replace(var, value)
            body = None if body is None else body.replace(var, value)
        headers = {**step.headers, "Authorization": f"Bearer {TOKEN}"}
        resp = client.open(path, method=step.method, headers=headers, data=None if body is None else body.encode("utf-8"))
        where = f"{step.method} {path}"
        assert _status_ok(resp.status_code, step.expected.statuses), f"{where}: {resp.status_code} {resp.text}"
        if step.expected.location is not None:
            assert resp.headers.get("Location"), f"{where}: no Location"
            variables[step.expected.location] = resp.headers["Location"]
        if step.expected.content_type is not None:
            want = step.expected.content_type.replace(" ", "").lower()
            assert resp.headers["Content-Type"].replace(" ", "").lower() == want, where
        if step.expected.body is not None:
            expected = rdflib.Graph().parse(data=step.expected.body, format="turtle")
            got = rdflib.Graph().parse(data=resp.data, format="turtle")
            assert isomorphic(expected, got), f"{where}: got\n{resp.text}"
