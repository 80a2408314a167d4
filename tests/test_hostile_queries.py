"""Queries sent as a hostile or careless client would send them (issue 10).

Every test asserts what the client gets (never a 500, never a stack trace or a file path) and
that the stored data is unchanged afterwards (quad count and a digest). Requests go through the
in-process test client, whose queries still run in the forked, confined workers; the tests that
need waitress, a crash of a worker or a deadline seen from outside use one real server.

SSRF is watched by a canary: a socket server on 127.0.0.1 that counts the connections it accepts,
which must stay 0.
"""
from __future__ import annotations

import faulthandler
import hashlib
import os
import random
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
import pytest
import requests
from conftest import BASE, FIXTURE_TRIG, VET, fixture_quads, serving

from vetkg.server.sparql.confine import forbid_network
from vetkg.store.oxigraph import OxigraphStore

SYNTAX_TESTS = Path(__file__).parent / "data" / "w3c" / "syntax"
QUERY_TYPE = {"Content-Type": "application/sparql-query"}
# What a body must never show: a stack trace, or a path on the server's disk (the repository,
# the Python installation, the test's store).
REPO = str(Path(__file__).resolve().parent.parent)
LEAKS = re.compile("|".join([r"Traceback", r'File "', r"site-packages", re.escape(REPO), r"/usr/lib/python", r"pytest-of-"]))


class Canary:
    """A loopback socket server counting the connections made to it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/sparql"
        self.hits = 0
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.hits += 1
            conn.close()

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def canary() -> Iterator[Canary]:
    c = Canary()
    try:
        yield c
    finally:
        c.close()


def digest(app) -> tuple[int, str]:
    store = app.extensions["vetkg.store"]
    lines = sorted(str(q) for q in store.quads())
    return len(lines), hashlib.sha256("\n".join(lines).encode()).hexdigest()


@contextmanager
def unchanged(app) -> Iterator[None]:
    before = digest(app)
    yield
    assert digest(app) == before, "a hostile request changed the stored data"


@pytest.fixture
def hostile(make_app):
    """An app over the fixture, and a check that its data is the same after the test."""
    app = make_app()
    before = digest(app)
    yield app
    assert digest(app) == before, "a hostile request changed the stored data"


def clean(resp) -> None:
    """Not a 500, and nothing in the body a client should not see."""
    text = resp.get_data(as_text=True) if hasattr(resp, "get_data") else resp.text
    assert resp.status_code != 500, text[:500]
    assert not LEAKS.search(text[:20000]), text[:500]


def post(client, query: str, **params: str):
    return client.post("/sparql", data=query.encode("utf-8"), headers=QUERY_TYPE, query_string=params)


# ------------------------------------------------------------------------------------ SSRF


def _ssrf_queries(url: str) -> list[str]:
    return [
        f"SELECT ?leak WHERE {{ ?s ?p 1SERVICE <{url}> {{ ?x ?y ?z }} }}",
        f"SELECT ?leak WHERE {{ ?s ?p trueSERVICE <{url}> {{ ?x ?y ?z }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o SERVICE <{url}> {{ ?x ?y ?z }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE SILENT <{url}> {{ ?x ?y ?z }} }} }}",
        f"SELECT * WHERE {{ VALUES ?e {{ <{url}> }} SERVICE ?e {{ ?x ?y ?z }} }}",
        f"select * where {{ ?s ?p ?o . service <{url}> {{ ?x ?y ?z }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o . SERVIC\\u0045 <{url}> {{ ?x ?y ?z }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o }}#\nSERVICE <{url}> {{ ?x ?y ?z }}",
        f"SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        f"ASK FROM <{url}> {{ ?s ?p ?o }}",
    ]


@pytest.mark.parametrize("allow_unknown_graphs", [False, True])
def test_no_query_reaches_the_canary(make_app, canary, allow_unknown_graphs):
    app = make_app(allow_unknown_graphs=allow_unknown_graphs)
    before = digest(app)
    client = app.test_client()
    for query in _ssrf_queries(canary.url):
        resp = post(client, query)
        clean(resp)
        assert resp.status_code in (200, 400), (query, resp.status_code, resp.text)
        if "SERVICE" in query.upper() or "\\u" in query:
            assert resp.status_code == 400, (query, resp.text)
    for params in ({"default-graph-uri": canary.url}, {"named-graph-uri": canary.url}):
        resp = client.get("/sparql", query_string={"query": "SELECT * { ?s ?p ?o }", **params})
        clean(resp)
        assert resp.status_code == (200 if allow_unknown_graphs else 400), resp.text
    time.sleep(0.2)
    assert canary.hits == 0
    assert digest(app) == before


def test_the_two_service_forms_oxigraph_reads_and_rdflib_does_not_are_400(hostile, canary):
    client = hostile.test_client()
    for word in ("1SERVICE", "trueSERVICE"):
        resp = post(client, f"SELECT ?leak WHERE {{ ?s ?p {word} <{canary.url}> {{ ?x ?y ?z }} }}")
        assert resp.status_code == 400, resp.text
    assert canary.hits == 0


def test_load_makes_no_request(hostile, canary):
    client = hostile.test_client()
    resp = client.post("/sparql", data={"update": f"LOAD <{canary.url}>"})
    clean(resp)
    assert 400 <= resp.status_code < 500
    assert canary.hits == 0


def test_a_confined_worker_cannot_connect_even_when_oxigraph_evaluates_service(canary):
    """The evaluator itself is kept off the network: pyoxigraph asked directly, in a process
    confined as query workers are, makes no connection and fails."""
    pid = os.fork()
    if pid == 0:  # the child: exit 0 only if both attempts failed without connecting
        code = 1
        try:
            forbid_network()
            store = ox.Store()
            store.add(ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal("o")))
            try:
                list(store.query(f"SELECT * {{ ?s ?p ?o SERVICE <{canary.url}> {{ ?x ?y ?z }} }}"))
            except OSError:
                try:
                    socket.create_connection(("127.0.0.1", canary.port), timeout=2)
                except OSError:
                    code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert canary.hits == 0


# ------------------------------------------------------------------------------- the critical two

DEEP = "SELECT * WHERE { ?s ?p 1FILTER(true) " + "{ " * 20000 + "?a ?b ?c " + "} " * 20000 + "} # FROM"


def test_deep_nesting_is_refused_before_any_parser(hostile):
    resp = post(hostile.test_client(), DEEP)
    clean(resp)
    assert resp.status_code == 400 and "nests" in resp.text


@pytest.mark.parametrize(("levels", "status"), [(200, 200), (300, 400)])
@pytest.mark.parametrize("dataset", ["", "FROM <https://w3id.org/vetkg/graph/doc-a>"])
def test_nesting_limit(hostile, levels, status, dataset):
    """200 levels run, also when the worker has rdflib read the FROM; 300 are refused."""
    query = f"SELECT * {dataset} WHERE {{ " + "{ " * levels + "?s ?p ?o " + "} " * levels + "}"
    resp = post(hostile.test_client(), query)
    clean(resp)
    assert resp.status_code == status, resp.text
    if status == 200:  # the same rows as the query without the nesting
        flat = post(hostile.test_client(), f"SELECT * {dataset} WHERE {{ ?s ?p ?o }}").json["results"]["bindings"]
        assert len(resp.json["results"]["bindings"]) == len(flat) > 0


def test_brackets_in_strings_and_comments_do_not_count(hostile):
    query = 'SELECT * WHERE { ?s ?p ?o FILTER(?o != "' + "{" * 400 + '") } # ' + "(" * 400
    resp = post(hostile.test_client(), query)
    assert resp.status_code == 200, resp.text


def test_a_dying_worker_gives_503_and_the_server_goes_on(make_app):
    """Past the nesting check (limit off), Oxigraph's parser overflows its stack: the worker
    dies, the client gets a clear 503, the next query is answered."""
    app = make_app(max_query_nesting=0)
    client = app.test_client()
    was_enabled = faulthandler.is_enabled()
    faulthandler.disable()  # pytest's handler would print the (expected) crash of the forked worker
    try:
        with unchanged(app):
            resp = post(client, DEEP)
    finally:
        if was_enabled:
            faulthandler.enable()
    clean(resp)
    assert resp.status_code == 503 and "worker" in resp.text
    assert post(client, "ASK {}").status_code == 200


# ------------------------------------------------------------------------------------ deadlines


def _within(seconds: float, call):
    start = time.monotonic()
    resp = call()
    elapsed = time.monotonic() - start
    assert elapsed <= seconds, f"answered after {elapsed:.1f} s"
    return resp


def _values(n: int, var: str = "v") -> str:
    return f"VALUES ?{var} {{ " + " ".join(str(i) for i in range(n)) + " }"


def test_a_megabyte_of_values_ending_in_from_answers_within_its_timeout(hostile):
    query = "SELECT * WHERE { VALUES ?x { " + " ".join(f'"v{i:06d}"' for i in range(110000)) + " } } # FROM"
    assert 1_000_000 <= len(query) < 2_000_000
    resp = _within(3.0, lambda: post(hostile.test_client(), query, timeout="2"))
    clean(resp)
    assert resp.status_code in (200, 503)


def test_triple_and_a_backslash_with_many_values_blocks_answers_within_its_timeout(hostile):
    blocks = " ".join(_values(40, f"v{i}") for i in range(6))
    query = f'SELECT * WHERE {{ {blocks} BIND(TRIPLE(<http://e/s>, <http://e/p>, "\\\\") AS ?t) }}'
    resp = _within(2.0, lambda: post(hostile.test_client(), query, timeout="1"))
    clean(resp)
    assert resp.status_code in (200, 400, 503)


@pytest.mark.parametrize(
    "query",
    [
        # A cartesian product of a billion rows, counted.
        f"SELECT (COUNT(*) AS ?n) WHERE {{ {_values(1000, 'a')} {_values(1000, 'b')} {_values(1000, 'c')} }}",
        # Every pair of nodes joined by any path.
        "SELECT (COUNT(*) AS ?n) WHERE { ?s (<http://e/p>|!<http://e/p>)* ?o . ?o (<http://e/p>|!<http://e/p>)* ?x }",
        # Backtracking patterns over long strings (Oxigraph's regex engine is linear).
        "SELECT (COUNT(*) AS ?n) WHERE { " + _values(3000, "i")
        + ' BIND(CONCAT(STR(?i), "' + "a" * 3000 + '!") AS ?s) FILTER(REGEX(?s, "^(a+)+$|(a|aa)*c")) }',
    ],
    ids=["cartesian", "path", "redos"],
)
def test_heavy_queries_are_bounded_by_the_timeout(make_app, query):
    chain = [ox.Quad(ox.NamedNode(f"http://e/n{i}"), ox.NamedNode("http://e/p"), ox.NamedNode(f"http://e/n{i + 1}"),
                     ox.NamedNode(BASE + "graph/chain")) for i in range(600)]
    app = make_app(fixture_quads() + chain)
    before = digest(app)
    resp = _within(2.0, lambda: post(app.test_client(), query, timeout="1"))
    clean(resp)
    assert resp.status_code in (200, 503)
    assert digest(app) == before


def test_a_small_query_does_not_wait_behind_a_slow_one(make_app):
    app = make_app(query_workers=1)
    slow = f"SELECT (COUNT(*) AS ?n) WHERE {{ {_values(2000, 'a')} {_values(2000, 'b')} {_values(500, 'c')} }} # FROM"
    with unchanged(app):
        thread = threading.Thread(target=lambda: post(app.test_client(), slow, timeout="4"))
        thread.start()
        time.sleep(0.3)
        resp = _within(1.5, lambda: post(app.test_client(), "ASK {}"))
        assert resp.status_code == 200
        thread.join()


# ------------------------------------------------------------------------------------ limits


def test_a_query_past_the_size_limit_is_413_without_being_read(make_app):
    app = make_app(max_query_bytes=100_000)
    client = app.test_client()
    big = "SELECT * WHERE { " + _values(30000) + " }"
    with unchanged(app):
        for resp in (post(client, big), client.post("/sparql", data={"query": big})):
            clean(resp)
            assert resp.status_code == 413 and "100000" in resp.text
    assert post(client, "ASK {}").status_code == 200


def test_a_megabyte_query_under_the_default_limit_runs(hostile):
    query = "SELECT (COUNT(*) AS ?n) WHERE { VALUES ?x { " + " ".join(f'"{i:07d}"' for i in range(100000)) + " } }"
    assert len(query) > 1_000_000
    resp = post(hostile.test_client(), query, timeout="20")
    assert resp.status_code == 200, resp.text
    assert resp.json["results"]["bindings"][0]["n"]["value"] == "100000"
    assert post(hostile.test_client(), query + " " * 2_200_000).status_code == 413


def test_ten_thousand_rows_of_values(hostile):
    resp = post(hostile.test_client(), "SELECT ?v WHERE { " + _values(10000) + " }")
    assert resp.status_code == 200
    assert len(resp.json["results"]["bindings"]) == 10000


def test_a_query_over_its_memory_budget_is_503_and_its_worker_replaced(make_app):
    app = make_app(query_memory_mb=200)
    before = digest(app)
    client = app.test_client()
    hog = f"SELECT * WHERE {{ {_values(2000, 'a')} {_values(2000, 'b')} {_values(50, 'c')} }} ORDER BY ?c ?b ?a"
    resp = _within(30.0, lambda: post(client, hog, timeout="25"))
    clean(resp)
    assert resp.status_code == 503 and "memory" in resp.text
    assert post(client, "ASK { ?s ?p ?o }").json["boolean"] is True
    assert digest(app) == before


# ------------------------------------------------------------------------------------ errors


def test_an_unknown_function_is_400(hostile):
    client = hostile.test_client()
    for query in ("SELECT (<http://e/f>(1) AS ?x) {}", "PREFIX : <http://e/> SELECT (:f(1) AS ?x) {}"):
        resp = post(client, query)
        clean(resp)
        assert resp.status_code == 400 and "http://e/f" in resp.text


def test_an_undeclared_prefix_is_named_with_the_known_ones(hostile):
    resp = post(hostile.test_client(), "SELECT * WHERE { ?m a ex:Measure }")
    assert resp.status_code == 400
    assert "prefix ex: is not declared" in resp.text and "PREFIX ex: <…>" in resp.text
    assert "vet:, rdf:, rdfs:" in resp.text and "line 1, column" in resp.text and "前缀 ex: 未声明" in resp.text
    assert len(resp.text) < 500 and "\\u{" not in resp.text
    resp = post(hostile.test_client(), "SELECT (:f(1) AS ?x) {}")
    assert resp.status_code == 400 and "prefix : is not declared" in resp.text


def test_a_syntax_error_is_short(hostile):
    resp = post(hostile.test_client(), "SELECT * WHERE { ?s <http://e/p> ?o } ORDER BY ")
    assert resp.status_code == 400 and "1:" in resp.text
    assert len(resp.text) < 400 and "\\u{" not in resp.text


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        (b"\xff\xfe SELECT", QUERY_TYPE),
        (b"SELECT * { ?s ?p \"\xc3\x28\" }", QUERY_TYPE),
        (b"", QUERY_TYPE),
        (b"   \n", QUERY_TYPE),
        (b"query=%FF%FE", {"Content-Type": "application/x-www-form-urlencoded"}),
        (b"query=", {"Content-Type": "application/x-www-form-urlencoded"}),
        (b"ASK {}", {"Content-Type": "application/sparql-query; charset=latin-1"}),
        (b"\x00\x00\x00", QUERY_TYPE),
    ],
    ids=["not-utf8", "bad-utf8-in-literal", "empty", "blank", "form-not-utf8", "form-empty", "latin-1", "nul"],
)
def test_bad_bodies_are_4xx(hostile, body, headers):
    resp = hostile.test_client().post("/sparql", data=body, headers=headers)
    clean(resp)
    assert 400 <= resp.status_code < 500, resp.text


# ------------------------------------------------------------------------------------ routes

TRAVERSALS = ["../../../../etc/passwd", "..%2f..%2f..%2fetc%2fpasswd", "%2e%2e/%2e%2e/%2e%2e/etc/passwd",
              "%252e%252e%252fetc%252fpasswd", "....//....//etc/passwd", "..\\..\\..\\etc\\passwd",
              "%00../../etc/passwd", "/etc/passwd", "../pyproject.toml", "../../server/config.py"]
ROUTES = ["/doc/", "/id/", "/graph/", "/ontology.", "/.well-known/void.", "/dumps/", "/static/",
          "/static/yasgui/", "/", "/sparql/", "/health/", "/metrics/"]


def test_path_traversal_on_every_get_route(hostile):
    client = hostile.test_client()
    for route in ROUTES:
        for attack in TRAVERSALS:
            resp = client.get(route + attack)
            clean(resp)
            body = resp.get_data(as_text=True)
            assert "root:x:0:0" not in body and "[project]" not in body and "def load_settings" not in body
    for attack in TRAVERSALS:
        for query in ({"graph": "file:///etc/passwd"}, {"graph": attack}, {"format": attack}, {"lang": attack}):
            resp = client.get("/store", query_string=query)
            clean(resp)
            assert "root:x:0:0" not in resp.get_data(as_text=True)


def test_path_traversal_on_the_graph_store_route(hostile):
    client = hostile.test_client()
    for attack in TRAVERSALS:
        resp = client.get("/store/" + attack)
        clean(resp)
        assert "root:x:0:0" not in resp.get_data(as_text=True)


# ------------------------------------------------------------------------------------ XSS

XSS = {
    "title": "<script>alert('title')</script>",
    "label": "'><img src=x onerror=alert('label')>",
    "measure": "</textarea><svg onload=alert('measure')>",
    "term": "<b onmouseover=alert('term')>x</b>",
}
XSS_TRIG = FIXTURE_TRIG + f"""
<graph/doc-x> {{
    <doc/x> a vet:Notice ;
        dcterms:title "{XSS['title']}"@zh ;
        rdfs:seeAlso <javascript:alert('seeAlso')> , <JavaScript:alert(2)> , <data:text/html,x> ;
        vet:issuedBy <id/org/x> .
    <doc/x/area/1/measure/1> a vet:Measure ; vet:ordinal 1 ; vet:text "{XSS['measure']}"@zh ;
        vet:mentions <id/org/x> .
    <id/org/x> rdfs:label "{XSS['label']}"@zh .
}}
<{VET[:-1]}> {{ vet:Hostile a <http://www.w3.org/2002/07/owl#Class> ; rdfs:label "{XSS['term']}"@zh ;
    rdfs:subClassOf <javascript:alert('parent')> . }}
"""


def test_labels_cannot_inject_markup_on_any_page(make_app):
    quads = list(ox.parse(XSS_TRIG.encode(), format=ox.RdfFormat.TRIG))
    app = make_app(quads)
    before = digest(app)
    client = app.test_client()
    pages = ["/doc/x", "/doc/x/area/1/measure/1", "/id/org/x", "/graph/doc-x", "/ontology", "/.well-known/void", "/",
             "/id/" + quote("<script>alert(1)</script>"), "/doc/x?lang=" + quote("\"><script>alert(1)</script>")]
    for page in pages:
        resp = client.get(page, headers={"Accept": "text/html"})
        clean(resp)
        html = resp.get_data(as_text=True)
        for payload in XSS.values():
            assert payload not in html, (page, payload)
        assert "<script>alert" not in html and "<img src=x" not in html and "<svg onload" not in html
        assert not re.search(r"href=[\"']?\s*(javascript|data):", html, re.IGNORECASE), page
    doc = client.get("/doc/x", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "&lt;script&gt;alert(" in doc  # the label is there, as text
    assert "javascript:alert(" in doc  # the seeAlso value is shown, but not as a link
    ontology = client.get("/ontology", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "javascript:alert(" in ontology and "Hostile" in ontology
    assert digest(app) == before


def test_query_results_are_not_html(hostile):
    """YASGUI's result view gets JSON; the endpoint never answers a query as HTML."""
    resp = hostile.test_client().get(
        "/sparql", query_string={"query": f"SELECT ?x WHERE {{ BIND(\"{XSS['title']}\" AS ?x) }}"},
        headers={"Accept": "text/html"},
    )
    assert resp.status_code in (200, 406)
    assert not resp.mimetype.startswith("text/html")


# ------------------------------------------------------------------------------------ fuzz

_TOKEN = re.compile(r"<[^<>\s]*>|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|[{}()\[\].,;]|[^\s{}()\[\].,;]+")


def _mutate(text: str, rng: random.Random) -> str:
    tokens = _TOKEN.findall(text)
    if not tokens:
        return text
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(tokens))
        action = rng.choice(["delete", "duplicate", "swap", "glue"])
        if action == "delete" and len(tokens) > 1:
            del tokens[i]
        elif action == "duplicate":
            tokens.insert(i, tokens[i])
        elif action == "swap":
            j = rng.randrange(len(tokens))
            tokens[i], tokens[j] = tokens[j], tokens[i]
        elif action == "glue" and i + 1 < len(tokens):
            tokens[i:i + 2] = [tokens[i] + tokens[i + 1]]  # no space: 1SERVICE, trueFILTER, …
    return " ".join(tokens)


def test_a_thousand_mutated_w3c_syntax_tests(make_app, canary):
    sources = sorted(p.read_text(encoding="utf-8", errors="replace") for p in SYNTAX_TESTS.glob("*.rq"))
    assert len(sources) >= 90
    rng = random.Random(20261202)
    app = make_app()
    before = digest(app)
    client = app.test_client()
    statuses: dict[int, int] = {}
    for n in range(1000):
        text = _mutate(rng.choice(sources), rng)
        if n % 4 == 0:  # a quarter aimed at the canary: SERVICE, FROM and plain IRIs alike
            text = text.replace("http://example.org/", canary.url + "/").replace("http://example/", canary.url + "/")
        resp = post(client, text, timeout="1")
        clean(resp)
        statuses[resp.status_code] = statuses.get(resp.status_code, 0) + 1
    assert 500 not in statuses
    assert statuses.get(400, 0) > 100 and statuses.get(200, 0) > 50, statuses  # the mutations do both
    assert canary.hits == 0
    assert digest(app) == before


# ------------------------------------------------------------------------------------ a real server


@pytest.fixture(scope="module")
def live(tmp_path_factory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("hostile")
    store = OxigraphStore(root / "store")
    graphs: dict[str, list[ox.Triple]] = {}
    for quad in fixture_quads():
        graphs.setdefault(quad.graph_name.value, []).append(quad.triple)
    store.replace_graphs(graphs)
    store.close()
    del store
    with serving(root / "store") as url:
        yield url


def _live_digest(url: str) -> tuple[int, str]:
    resp = requests.get(url + "/sparql", params={"query": "SELECT ?g ?s ?p ?o { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g ?s ?p ?o"},
                        headers={"Accept": "text/csv"}, timeout=30)
    return resp.text.count("\n"), hashlib.sha256(resp.content).hexdigest()


@pytest.mark.slow
def test_the_critical_cases_against_a_real_server(live, canary):
    before = _live_digest(live)
    session = requests.Session()
    for query in (f"SELECT ?leak WHERE {{ ?s ?p 1SERVICE <{canary.url}> {{ ?x ?y ?z }} }}",
                  f"SELECT ?leak WHERE {{ ?s ?p trueSERVICE <{canary.url}> {{ ?x ?y ?z }} }}", DEEP):
        resp = session.post(live + "/sparql", data=query.encode(), headers=QUERY_TYPE, timeout=30)
        clean(resp)
        assert resp.status_code == 400, resp.text
    big = "SELECT * WHERE { VALUES ?x { " + " ".join(f'"v{i}"' for i in range(110000)) + " } } # FROM"
    start = time.monotonic()
    resp = session.post(live + "/sparql", params={"timeout": "2"}, data=big.encode(), headers=QUERY_TYPE, timeout=30)
    assert time.monotonic() - start <= 3.0 and resp.status_code in (200, 503)
    assert requests.get(live + "/health", timeout=5).status_code == 200
    assert canary.hits == 0
    assert _live_digest(live) == before


def test_a_service_target_that_does_not_answer_sparql_is_never_500(make_app):
    """With SERVICE allowed, an HTML page, a 500, a reset and a closed port each give a 4xx."""
    import http.server

    class Page(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.send_response(int(self.path.strip("/")))
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(b"<html>not SPARQL</html>")

        do_GET = do_POST

        def log_message(self, *args: object) -> None:
            pass

    pages = http.server.HTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=pages.serve_forever, daemon=True).start()
    resetter = Canary()  # accepts and closes at once
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        closed = free.getsockname()[1]
    app = make_app(allow_service=True)
    client = app.test_client()
    before = digest(app)
    try:
        for target in (f"http://127.0.0.1:{pages.server_port}/200", f"http://127.0.0.1:{pages.server_port}/500",
                       resetter.url, f"http://127.0.0.1:{closed}/sparql"):
            resp = post(client, f"SELECT * {{ ?s ?p ?o SERVICE <{target}> {{ ?x ?y ?z }} }}", timeout="5")
            clean(resp)
            assert 400 <= resp.status_code < 500, (target, resp.text)
        assert digest(app) == before
    finally:
        pages.shutdown()
        resetter.close()


def test_a_remote_store_is_sent_no_query_that_reaches_out(canary):
    """Over a remote store the query runs elsewhere, beyond the worker's confinement: what could
    reach out is refused before anything is sent, and the store sees only what was read."""
    import http.server
    import json
    from urllib.parse import parse_qs

    from vetkg.server.app import create_app
    from vetkg.server.config import Settings

    received: list[str] = []

    class Sparql(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            query = parse_qs(body).get("query", [""])[0]
            received.append(query)
            answer = {"head": {}, "boolean": True} if query.lstrip().upper().startswith("ASK") else {
                "head": {"vars": ["g"]}, "results": {"bindings": []}}
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.end_headers()
            self.wfile.write(json.dumps(answer).encode())

        def log_message(self, *args: object) -> None:
            pass

    remote = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Sparql)
    threading.Thread(target=remote.serve_forever, daemon=True).start()
    try:
        app = create_app(Settings(store="sparql", store_url=f"http://127.0.0.1:{remote.server_port}/sparql"))
        client = app.test_client()
        sent_before = len(received)
        for query in [*_ssrf_queries(canary.url), DEEP]:
            resp = post(client, query)
            clean(resp)
            assert resp.status_code == 400, (query, resp.text)
        assert post(client, "ASK {}").status_code == 200
        forwarded = received[sent_before:]
        assert forwarded and all(canary.url not in q and "SERVICE" not in q.upper() for q in forwarded), forwarded
        assert canary.hits == 0
    finally:
        remote.shutdown()


def test_a_worker_that_cannot_be_confined_runs_no_query(make_app, monkeypatch, canary):
    """Fail closed: without the network filter a worker answers 503 and evaluates nothing."""
    import vetkg.server.sparql.executor as executor
    from vetkg.server.sparql.confine import ConfinementUnavailable

    def refuse() -> None:
        raise ConfinementUnavailable("no seccomp here")

    monkeypatch.setattr(executor, "forbid_network", refuse)  # inherited by workers forked after this
    app = make_app()
    with unchanged(app):
        resp = post(app.test_client(), f"SELECT * {{ ?s ?p ?o }} VALUES ?e {{ <{canary.url}> }}")
    clean(resp)
    assert resp.status_code == 503 and "network" in resp.text
    assert canary.hits == 0
