"""A real ``vetkg serve`` (waitress, on-disk store, loopback port) queried by real SPARQL clients."""
from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from xml.dom.minidom import Document

import pyoxigraph as ox
import pytest
import rdflib
import rdflib.query
import requests
from conftest import BASE, GRAPH_A, VET
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

pytestmark = pytest.mark.slow

NOTICES = f"""PREFIX vet: <{VET}>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?doc ?title WHERE {{ ?doc a vet:Notice ; dcterms:title ?title }} ORDER BY ?doc"""
TITLES = ["关于印发2025年天津市职业教育工作要点的通知", "滨海新区2025年职业教育工作要点"]


def test_sparqlwrapper_json(live_server):
    sparql = SPARQLWrapper(live_server + "/sparql")
    sparql.setQuery(NOTICES)
    sparql.setReturnFormat(JSON)
    result = sparql.query().convert()
    assert [b["title"]["value"] for b in result["results"]["bindings"]] == TITLES
    assert result["results"]["bindings"][0]["title"]["xml:lang"] == "zh"


def test_sparqlwrapper_xml_by_post(live_server):
    sparql = SPARQLWrapper(live_server + "/sparql")
    sparql.setMethod("POST")
    sparql.setQuery(NOTICES)
    sparql.setReturnFormat(XML)
    doc = sparql.query().convert()  # an xml.dom.minidom Document
    literals = [node.firstChild.data for node in doc.getElementsByTagName("literal")]
    assert literals == TITLES


def test_sparqlwrapper_ask_and_construct(live_server):
    sparql = SPARQLWrapper(live_server + "/sparql")
    sparql.setQuery(f"ASK {{ <{BASE}doc/a> a <{VET}Notice> }}")
    sparql.setReturnFormat(JSON)
    assert sparql.query().convert()["boolean"] is True
    sparql.setQuery(f"CONSTRUCT WHERE {{ ?d a <{VET}Notice> }}")
    graph = sparql.queryAndConvert()
    assert isinstance(graph, rdflib.Graph) and len(graph) == 2


# -- SPARQLWrapper: every return format it offers x every query form, read as its users read it ----
#
# SPARQLWrapper sends the same format= (plus output= and results=) whatever the query form, with
# the media type as a second format= for TSV, RDF/XML and JSON-LD, and an Accept of */* where it
# knows no type for the pair (Turtle for a SELECT, CSV for a CONSTRUCT). A format that cannot
# hold the result gets the first one Accept allows: SPARQL JSON for solutions and booleans,
# Turtle for graphs; N3 is answered in Turtle.

SRJ, SRX, CSV_TYPE, TSV_TYPE = ("application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                                "text/tab-separated-values")
TTL, RDFXML_TYPE, JSONLD_TYPE = "text/turtle", "application/rdf+xml", "application/ld+json"
# return format -> (media type answered for SELECT and ASK, for CONSTRUCT and DESCRIBE)
SPARQLWRAPPER_MATRIX = {
    JSON: (SRJ, JSONLD_TYPE),
    XML: (SRX, RDFXML_TYPE),
    CSV: (CSV_TYPE, TTL),
    TSV: (TSV_TYPE, TTL),
    N3: (SRJ, TTL),
    TURTLE: (SRJ, TTL),
    RDFXML: (SRJ, RDFXML_TYPE),
    JSONLD: (SRJ, JSONLD_TYPE),
}
DOC_A, DOC_B = BASE + "doc/a", BASE + "doc/b"
ASK_YES = f"ASK {{ <{DOC_A}> a <{VET}Notice> }}"
ASK_NO = f"ASK {{ <{DOC_B}> <{VET}documentNumber> ?number }}"  # doc/b has none
CONSTRUCT_NOTICES = f"""PREFIX vet: <{VET}>
PREFIX dcterms: <http://purl.org/dc/terms/>
CONSTRUCT {{ ?doc a vet:Notice ; dcterms:title ?title }} WHERE {{ ?doc a vet:Notice ; dcterms:title ?title }}"""
DESCRIBE_A = f"DESCRIBE <{DOC_A}>"
FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


def fixture_graph(keep) -> set:
    """The fixture's triples (as rdflib terms) that ``keep`` keeps: what a graph answer must hold."""
    from conftest import fixture_quads

    triples = [q.triple for q in fixture_quads() if keep(q.triple)]
    graph = rdflib.Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode(), format="nt")
    return set(graph)


def answered(sparql: SPARQLWrapper) -> tuple[str, object]:
    """The media type of the answer, and what SPARQLWrapper's convert() makes of it."""
    result = sparql.query()
    media = result.info()["content-type"].split(";")[0].strip()
    return media, result.convert()


def solutions_of(media: str, converted: object) -> list[tuple]:
    """The rows of a SELECT answer, as rdflib terms, read by rdflib's parser of its format."""
    if isinstance(converted, dict):
        data = json.dumps(converted).encode()
    elif isinstance(converted, Document):
        data = converted.toxml("utf-8")
    else:
        assert isinstance(converted, bytes), type(converted)
        data = converted
    names = {SRJ: "json", SRX: "xml", CSV_TYPE: "csv", TSV_TYPE: "tsv"}
    return [tuple(row) for row in rdflib.query.Result.parse(io.BytesIO(data), format=names[media])]


def boolean_of(media: str, converted: object) -> bool:
    if isinstance(converted, dict):
        assert set(converted) == {"head", "boolean"}
        return converted["boolean"]
    if isinstance(converted, Document):
        (node,) = converted.getElementsByTagName("boolean")
        text = node.firstChild.data
    else:
        assert isinstance(converted, bytes) and media in (CSV_TYPE, TSV_TYPE), media
        text = converted.decode().strip()
    assert text in ("true", "false"), text
    return text == "true"


def graph_of(media: str, converted: object) -> set:
    if isinstance(converted, rdflib.Graph):  # RDF/XML and JSON-LD: SPARQLWrapper has parsed them
        return set(converted)
    assert isinstance(converted, bytes) and media == TTL, media  # Turtle (and N3): the text
    return set(rdflib.Graph().parse(data=converted.decode("utf-8"), format="turtle"))


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # its "Format requested was TURTLE, but JSON …"
@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("return_format", list(SPARQLWRAPPER_MATRIX))
def test_sparqlwrapper_matrix(live_server, return_format, form, method):
    sparql = SPARQLWrapper(live_server + "/sparql")
    sparql.setMethod(method)
    sparql.setReturnFormat(return_format)
    results_type, graph_type = SPARQLWRAPPER_MATRIX[return_format]
    if form == "SELECT":
        sparql.setQuery(NOTICES)
        media, converted = answered(sparql)
        assert media == results_type
        rows = solutions_of(media, converted)
        plain = [(str(doc), str(title)) for doc, title in rows]
        assert plain == [(DOC_A, TITLES[0]), (DOC_B, TITLES[1])]
        if media != CSV_TYPE:  # CSV drops language tags, by its definition
            assert {title.language for _, title in rows} == {"zh"}
    elif form == "ASK":
        for query, expected in ((ASK_YES, True), (ASK_NO, False)):
            sparql.setQuery(query)
            media, converted = answered(sparql)
            assert media == results_type
            assert boolean_of(media, converted) is expected
    else:
        if form == "CONSTRUCT":
            query = CONSTRUCT_NOTICES
            expected = fixture_graph(lambda t: t.subject.value in (DOC_A, DOC_B) and t.predicate.value in (
                str(rdflib.RDF.type), "http://purl.org/dc/terms/title"))
        else:
            query, expected = DESCRIBE_A, fixture_graph(lambda t: t.subject.value == DOC_A)
        assert len(expected) == (4 if form == "CONSTRUCT" else 5)  # the fixture is as this test thinks
        sparql.setQuery(query)
        media, converted = answered(sparql)
        assert media == graph_type
        assert graph_of(media, converted) == expected


# -- pyoxigraph's results parser, and media types and format= as other clients send them --------

CAPPED = "SELECT ?a ?b ?c ?d WHERE { ?a ?p ?x . ?b ?q ?y . ?c ?r ?z . ?d ?s ?w }"  # 19^4 rows, over max_rows


@pytest.mark.parametrize(("media", "oxformat"), [(SRJ, ox.QueryResultsFormat.JSON), (SRX, ox.QueryResultsFormat.XML),
                                                 (TSV_TYPE, ox.QueryResultsFormat.TSV)])
def test_pyoxigraph_reads_every_results_format_capped_or_not(live_server, media, oxformat):
    resp = requests.get(live_server + "/sparql", params={"query": NOTICES}, headers={"Accept": media}, timeout=20)
    assert resp.headers["Content-Type"].split(";")[0] == media
    rows = list(ox.parse_query_results(resp.content, format=oxformat))
    assert [(row["doc"].value, row["title"].value, row["title"].language) for row in rows] == [
        (DOC_A, TITLES[0], "zh"), (DOC_B, TITLES[1], "zh")]
    for query, expected in ((ASK_YES, True), (ASK_NO, False)):
        asked = requests.get(live_server + "/sparql", params={"query": query}, headers={"Accept": media}, timeout=20)
        assert bool(ox.parse_query_results(asked.content, format=oxformat)) is expected
    capped = requests.get(live_server + "/sparql", params={"query": CAPPED}, headers={"Accept": media}, timeout=60)
    assert capped.status_code == 200
    max_rows = int(capped.headers["X-VetKG-Max-Rows"])
    assert capped.headers["X-VetKG-Truncated"] == "true"
    solutions = ox.parse_query_results(capped.content, format=oxformat)
    assert [v.value for v in solutions.variables] == ["a", "b", "c", "d"]
    assert sum(1 for _ in solutions) == max_rows


def test_csv_capped_or_not_is_read_by_rdflib(live_server):
    # pyoxigraph refuses to parse CSV results at all (lossy by design); rdflib reads them.
    resp = requests.get(live_server + "/sparql", params={"query": NOTICES}, headers={"Accept": CSV_TYPE}, timeout=20)
    rows = rdflib.query.Result.parse(io.BytesIO(resp.content), format="csv")
    assert [(str(d), str(t)) for d, t in rows] == [(DOC_A, TITLES[0]), (DOC_B, TITLES[1])]
    capped = requests.get(live_server + "/sparql", params={"query": CAPPED}, headers={"Accept": CSV_TYPE}, timeout=60)
    assert capped.headers["X-VetKG-Truncated"] == "true"
    assert len(list(rdflib.query.Result.parse(io.BytesIO(capped.content), format="csv"))) == int(capped.headers["X-VetKG-Max-Rows"])


@pytest.mark.parametrize(("accept", "media"), [
    ("text/csv; charset=utf-8", CSV_TYPE),
    ("application/sparql-results+json; charset=utf-8", SRJ),
    ("application/sparql-results+xml;charset=UTF-8;q=0.9, text/csv;q=0.2", SRX),
    ("text/tab-separated-values; charset=utf-8", TSV_TYPE),
])
def test_media_types_with_parameters(live_server, accept, media):
    resp = requests.get(live_server + "/sparql", params={"query": NOTICES}, headers={"Accept": accept}, timeout=20)
    assert resp.status_code == 200, resp.text
    assert resp.headers["Content-Type"].split(";")[0] == media
    fmt = {SRJ: "json", SRX: "xml", CSV_TYPE: "csv", TSV_TYPE: "tsv"}[media]
    rows = rdflib.query.Result.parse(io.BytesIO(resp.content), format=fmt)
    assert [str(t) for _, t in rows] == TITLES


def test_a_repeated_format_that_agrees_and_one_that_does_not(live_server):
    url = live_server + "/sparql"
    same = requests.get(url, params=[("query", NOTICES), ("format", "json"), ("format", "json")], timeout=20)
    assert same.status_code == 200 and [b["title"]["value"] for b in same.json()["results"]["bindings"]] == TITLES
    spelt = requests.get(url, params=[("query", NOTICES), ("format", "tsv"), ("format", TSV_TYPE)], timeout=20)
    assert spelt.headers["Content-Type"].split(";")[0] == TSV_TYPE
    assert [str(t) for _, t in rdflib.query.Result.parse(io.BytesIO(spelt.content), format="tsv")] == TITLES
    clash = requests.get(url, params=[("query", NOTICES), ("format", "json"), ("format", "xml")], timeout=20)
    assert clash.status_code == 400
    assert "2 times" in clash.text and "SPARQL JSON" in clash.text and "SPARQL XML" in clash.text


def test_rdflib_sparqlstore(live_server):
    graph = rdflib.Graph(store=SPARQLStore(query_endpoint=live_server + "/sparql"))
    titles = [str(row.title) for row in graph.query(NOTICES)]
    assert titles == TITLES
    notices = set(graph.subjects(rdflib.RDF.type, rdflib.URIRef(VET + "Notice")))
    assert notices == {rdflib.URIRef(BASE + "doc/a"), rdflib.URIRef(BASE + "doc/b")}
    assert graph.query(f"ASK {{ <{BASE}doc/a> ?p ?o }}").askAnswer is True


def curl(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["/usr/bin/curl", "-sS", "--max-time", "20", *args], capture_output=True, text=True, check=True)


def test_curl_csv_by_get(live_server):
    out = curl("-G", "-H", "Accept: text/csv", "--data-urlencode", f"query={NOTICES}", live_server + "/sparql")
    rows = list(csv.reader(io.StringIO(out.stdout)))
    assert rows[0] == ["doc", "title"]
    assert [r[1] for r in rows[1:]] == TITLES


def test_curl_direct_post_turtle_gzip(live_server):
    out = curl(
        "--compressed", "-D", "-", "-H", "Accept: text/turtle", "-H", "Content-Type: application/sparql-query",
        "--data-binary", f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{GRAPH_A}> {{ ?s ?p ?o }} }}", live_server + "/sparql",
    )
    head, _, body = out.stdout.partition("\n\n")  # text mode has turned CRLF into LF
    assert "content-type: text/turtle" in head.lower()
    graph = rdflib.Graph().parse(data=body, format="turtle")
    assert len(graph) == 10


def test_curl_sees_errors_as_text(live_server):
    out = curl("-G", "-w", "\n%{http_code}", "--data-urlencode", "query=SELECT * WHERE { ?s ?p }", live_server + "/sparql")
    body, _, status = out.stdout.rpartition("\n")
    assert status == "400"
    assert "syntax error" in body and "1:" in body


def test_eight_clients_at_once(live_server):
    def ask(i: int) -> tuple[int, int]:
        query = NOTICES if i % 2 else "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        resp = requests.post(live_server + "/sparql", data={"query": query}, timeout=30)
        return resp.status_code, len(resp.json()["results"]["bindings"])

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(ask, range(32)))
    assert all(status == 200 for status, _ in results)
    assert {rows for _, rows in results} == {1, 2}


def test_timeout_on_the_real_server(live_server):
    endless = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o } ORDER BY ?c ?f ?i ?l ?o"
    started = time.monotonic()
    resp = requests.get(live_server + "/sparql", params={"query": endless, "timeout": "1"}, timeout=30)
    assert resp.status_code == 503
    assert time.monotonic() - started < 4
    # The server is free again at once.
    health = requests.get(live_server + "/health", timeout=5)
    assert health.status_code == 200 and health.json()["quads"] == 20


def test_service_description_and_304(live_server):
    resp = requests.get(live_server + "/sparql", headers={"Accept": "text/turtle"}, timeout=10)
    assert resp.status_code == 200
    graph = rdflib.Graph().parse(data=resp.text, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    assert list(graph.objects(None, sd.endpoint)) == [rdflib.URIRef(live_server + "/sparql")]
    again = requests.get(live_server + "/sparql", headers={"Accept": "text/turtle", "If-None-Match": resp.headers["ETag"]}, timeout=10)
    assert again.status_code == 304
    metrics = requests.get(live_server + "/metrics", timeout=10).text
    assert 'vetkg_http_requests_total{endpoint="/sparql",method="GET",status="304"}' in metrics


# -- writing clients: Basic auth (user = token name, password = token) and Bearer -----------------

WRITER, WRITER_TOKEN = "alice", "tok-alice-7f3e"
WRITTEN = BASE + "graph/written-by-clients"


@pytest.fixture(scope="module")
def writable_server(tmp_path_factory: pytest.TempPathFactory):
    """A real ``vetkg serve`` over its own copy of the fixture, taking alice's token (given hashed)."""
    import gc

    import pyoxigraph as ox
    from conftest import fixture_quads, load, serving

    from vetkg.server.write_endpoints.token_hashes import hashed
    from vetkg.store.oxigraph import OxigraphStore

    root = tmp_path_factory.mktemp("writable")
    store = OxigraphStore(root / "store")
    load(store, fixture_quads())
    store.close()
    del store, ox
    gc.collect()
    with serving(root / "store", update_tokens=f"{WRITER}:{hashed(WRITER_TOKEN)}") as url:
        yield url


def objects_of(url: str, subject: str) -> list[str]:
    resp = requests.get(url + "/sparql", params={"query": f"SELECT ?o WHERE {{ <{subject}> ?p ?o }} ORDER BY ?o"},
                        headers={"Accept": "application/sparql-results+json"}, timeout=20)
    assert resp.status_code == 200, resp.text
    return [b["o"]["value"] for b in resp.json()["results"]["bindings"]]


def test_rdflib_sparqlupdatestore_writes_with_basic_auth(writable_server):
    from rdflib.plugins.stores.sparqlstore import SPARQLUpdateStore

    endpoint = writable_server + "/sparql"
    store = SPARQLUpdateStore(query_endpoint=endpoint, update_endpoint=endpoint, auth=(WRITER, WRITER_TOKEN))
    graph = rdflib.Graph(store=store, identifier=rdflib.URIRef(WRITTEN))
    graph.add((rdflib.URIRef("urn:x:rdflib"), rdflib.RDFS.comment, rdflib.Literal("written by rdflib", lang="en")))
    assert objects_of(writable_server, "urn:x:rdflib") == ["written by rdflib"]
    # and read back through the same store
    assert set(graph.objects(rdflib.URIRef("urn:x:rdflib"), rdflib.RDFS.comment)) == {rdflib.Literal("written by rdflib", lang="en")}
    graph.remove((rdflib.URIRef("urn:x:rdflib"), None, None))
    assert objects_of(writable_server, "urn:x:rdflib") == []
    # A wrong token writes nothing, and rdflib sees the refusal.
    wrong = rdflib.Graph(store=SPARQLUpdateStore(query_endpoint=endpoint, update_endpoint=endpoint, auth=(WRITER, "nope")),
                         identifier=rdflib.URIRef(WRITTEN))
    with pytest.raises(Exception, match="403"):
        wrong.add((rdflib.URIRef("urn:x:rdflib"), rdflib.RDFS.comment, rdflib.Literal("no")))
    assert objects_of(writable_server, "urn:x:rdflib") == []


def test_curl_u_updates_and_puts_a_graph(writable_server):
    update = f'INSERT DATA {{ GRAPH <{WRITTEN}> {{ <urn:x:curl> <urn:x:said> "by curl -u" }} }}'
    out = curl("-u", f"{WRITER}:{WRITER_TOKEN}", "-w", "%{http_code}", "-H", "Content-Type: application/sparql-update",
               "--data-binary", update, writable_server + "/sparql")
    assert out.stdout.endswith("204"), out.stdout
    assert objects_of(writable_server, "urn:x:curl") == ["by curl -u"]
    put = curl("-u", f"{WRITER}:{WRITER_TOKEN}", "-w", "%{http_code}", "-X", "PUT", "-H", "Content-Type: text/turtle",
               "--data-binary", '<urn:x:curl-put> <urn:x:said> "put by curl"@en .',
               writable_server + f"/store?graph={BASE}graph/curl-put")
    assert put.stdout.endswith(("201", "204")), put.stdout
    got = curl("-H", "Accept: application/n-triples", writable_server + f"/store?graph={BASE}graph/curl-put")
    assert got.stdout.strip() == '<urn:x:curl-put> <urn:x:said> "put by curl"@en .'
    # Without -u: 401 with a Basic challenge curl can answer (--anyauth), and nothing written.
    refused = curl("-D", "-", "-o", "/dev/null", "-H", "Content-Type: application/sparql-update",
                   "--data-binary", update.replace("by curl -u", "anonymous"), writable_server + "/sparql")
    assert refused.stdout.startswith("HTTP/1.1 401")
    assert 'www-authenticate: basic realm="vetkg"' in refused.stdout.lower()
    answered = curl("--anyauth", "-u", f"{WRITER}:{WRITER_TOKEN}", "-w", "%{http_code}", "-H", "Content-Type: application/sparql-update",
                    "--data-binary", update.replace("by curl -u", "after a challenge"), writable_server + "/sparql")
    assert answered.stdout.endswith("204")
    assert objects_of(writable_server, "urn:x:curl") == ["after a challenge", "by curl -u"]


def test_vetkg_remote_store_client_writes_with_bearer_and_with_basic(writable_server):
    import pyoxigraph as ox

    from vetkg.store.sparql import RemoteSparqlStore

    endpoint = writable_server + "/sparql"
    for user, word in (("", "bearer"), (WRITER, "basic")):
        remote = RemoteSparqlStore(endpoint, token=WRITER_TOKEN, user=user)
        remote.replace_graphs({f"{BASE}graph/remote-{word}": [
            ox.Triple(ox.NamedNode(f"urn:x:remote-{word}"), ox.NamedNode("urn:x:said"), ox.Literal(word))]})
        assert objects_of(writable_server, f"urn:x:remote-{word}") == [word]
    from vetkg.store import StoreError

    with pytest.raises(StoreError, match="403"):
        RemoteSparqlStore(endpoint, token="wrong").replace_graphs({WRITTEN: []})


# -- Apache Jena's command-line clients (Debian's libapache-jena-java) ----------------------------

JENA_PACKAGES = (
    "libapache-jena-java", "libcommons-cli-java", "libcommons-codec-java", "libcommons-compress-java",
    "libcommons-csv-java", "libcommons-io-java", "libcommons-lang3-java", "libdexx-java", "libgoogle-gson-java",
    "libguava-java", "libhttpclient-java", "libhttpcore-java", "libjackson2-core-java", "libjackson2-databind-java",
    "libjackson2-annotations-java", "libjsonld-java", "libjsonp2-java", "libprotobuf-java", "libthrift-java",
    "libtitanium-json-ld-java",
)


@pytest.fixture(scope="module")
def jena(tmp_path_factory: pytest.TempPathFactory):
    """A function running one of Jena's commands (arq.rsparql, arq.rupdate) with Debian's jars."""
    import shutil
    import zipfile
    from pathlib import Path

    if not shutil.which("java") or not Path("/usr/share/java/jena-cmds.jar").exists():
        pytest.skip("Jena's commands need java and Debian's libapache-jena-java (.ci/run installs them)")
    listed = subprocess.run(["dpkg", "-L", *JENA_PACKAGES], capture_output=True, text=True).stdout.split()
    jars = sorted({p for p in listed if re.fullmatch(r"/usr/share/java/[^/]+(?<!-\d)\.jar", p) and not re.search(r"-[\d.]+\.jar$", p)})
    # Debian's jena-core moves Jena's copy of Xerces to the package "xerces" but leaves its message
    # files under org/apache/jena/ext/xerces, and Xerces fails ("internal error") without them:
    # copies at the names the classes look for make the commands start.
    fix = tmp_path_factory.mktemp("jena-xerces")
    with zipfile.ZipFile("/usr/share/java/jena-core.jar") as jar:
        for name in jar.namelist():
            if name.startswith("org/apache/jena/ext/xerces/") and name.endswith(".properties"):
                target = fix / name.replace("org/apache/jena/ext/xerces/", "xerces/", 1)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(jar.read(name))
    classpath = ":".join([*jars, "/usr/share/java/slf4j-api.jar", "/usr/share/java/slf4j-nop.jar", str(fix)])

    def run(command: str, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["java", "-cp", classpath, command, *args], capture_output=True, text=True, timeout=120)

    return run


def test_jena_rsparql_select_and_construct(live_server, jena, tmp_path):
    query = tmp_path / "q.rq"
    query.write_text(NOTICES, encoding="utf-8")
    out = jena("arq.rsparql", f"--service={live_server}/sparql", f"--query={query}", "--results=csv")
    assert out.returncode == 0, out.stderr
    rows = list(csv.reader(io.StringIO(out.stdout)))
    assert rows[0] == ["doc", "title"] and [r[1] for r in rows[1:]] == TITLES
    query.write_text(f"CONSTRUCT WHERE {{ ?d a <{VET}Notice> }}", encoding="utf-8")
    out = jena("arq.rsparql", f"--service={live_server}/sparql", f"--query={query}")
    assert out.returncode == 0, out.stderr
    graph = rdflib.Graph().parse(data=out.stdout, format="turtle")
    assert set(graph.subjects()) == {rdflib.URIRef(BASE + "doc/a"), rdflib.URIRef(BASE + "doc/b")}


def test_jena_rupdate_writes_with_basic_auth(writable_server, jena, tmp_path):
    update = tmp_path / "u.ru"
    update.write_text(f'INSERT DATA {{ GRAPH <{WRITTEN}> {{ <urn:x:jena> <urn:x:said> "by rupdate" }} }}', encoding="utf-8")
    host = writable_server.removeprefix("http://")
    wrong = jena("arq.rupdate", f"--service=http://{WRITER}:nope@{host}/sparql", f"--update={update}")
    assert wrong.returncode != 0 and "403" in wrong.stdout + wrong.stderr
    assert objects_of(writable_server, "urn:x:jena") == []
    # Jena sends nothing until challenged, then answers the Basic challenge with the URL's user.
    out = jena("arq.rupdate", f"--service=http://{WRITER}:{WRITER_TOKEN}@{host}/sparql", f"--update={update}")
    assert out.returncode == 0, out.stdout + out.stderr
    assert objects_of(writable_server, "urn:x:jena") == ["by rupdate"]


def test_a_reader_without_a_token_validates_over_http(live_server):
    text = curl("-D", "-", live_server + "/validate")
    head, _, body = text.stdout.partition("\n\n")
    assert "x-vetkg-conforms: false" in head.lower()
    violations = int(next(line.split(":", 1)[1] for line in head.splitlines() if line.lower().startswith("x-vetkg-violations")))
    assert violations > 0 and f"{violations} violation(s)" in body
    assert "zh:" in body and "en:" in body
    report = rdflib.Graph().parse(data=curl("-H", "Accept: text/turtle", live_server + "/validate").stdout, format="turtle")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    assert len([r for r in report.subjects(sh.resultSeverity, sh.Violation)]) == violations
    posted = curl("-H", "Content-Type: text/turtle", "--data-binary",
                  '<http://example.org/a> <http://www.w3.org/2000/01/rdf-schema#label> "an English label"@en .',
                  live_server + "/validate?format=json")
    assert '"conforms": true' in posted.stdout
