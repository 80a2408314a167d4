"""Linked data through the Flask test client: dereferencing, negotiation, pages, ontology, VoID, dumps."""
from __future__ import annotations

import gzip
import json
import re
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
import pytest
import rdflib
from flask import Flask
from flask.testing import FlaskClient

from vetkg.ontology import ONTOLOGY_FILE, ONTOLOGY_IRI
from vetkg.server.app import create_app
from vetkg.server.config import Settings
from vetkg.server.linked_data.examples import Example, load_examples
from vetkg.store.oxigraph import MemoryStore

DATA = Path(__file__).parent / "data" / "ld" / "dataset.trig"
BASE = "https://w3id.org/vetkg/"
VET = ONTOLOGY_IRI + "#"
DOC = BASE + "doc/津教职函-2025-1号"
ORG = BASE + "id/org/天津职业大学"
ORG_PATH = "/id/org/" + quote("天津职业大学")
MENTION = DOC + "/mention/95-101"
SPAN = DOC + "/span/95-101"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
RDF_TYPES = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
}


def load_store(with_ontology: bool = True) -> MemoryStore:
    graphs: dict[str, list[ox.Triple]] = {}
    for quad in ox.parse(path=str(DATA), format=ox.RdfFormat.TRIG):
        graphs.setdefault(quad.graph_name.value, []).append(quad.triple)
    if with_ontology:
        graphs[ONTOLOGY_IRI] = [q.triple for q in ox.parse(path=str(ONTOLOGY_FILE), format=ox.RdfFormat.TURTLE)]
    store = MemoryStore()
    store.replace_graphs(graphs)
    return store


@pytest.fixture(scope="module")
def ld_store() -> MemoryStore:
    return load_store()


@pytest.fixture(scope="module")
def ld_app(ld_store: MemoryStore) -> Flask:
    return create_app(Settings(store="memory"), ld_store)


@pytest.fixture
def ld(ld_app: Flask) -> FlaskClient:
    return ld_app.test_client()


def parse(body: bytes, media_type: str) -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(data=body, format=RDF_TYPES[media_type])
    return graph


def path_of(iri: str) -> str:
    return "/" + quote(iri[len(BASE):])


# --- dereferencing and negotiation -------------------------------------------------------------

@pytest.mark.parametrize("media_type", sorted(RDF_TYPES))
def test_each_rdf_format_parses_and_describes_the_resource(ld: FlaskClient, media_type: str) -> None:
    response = ld.get(ORG_PATH, headers={"Accept": media_type})
    assert response.status_code == 200
    assert response.mimetype == media_type
    graph = parse(response.data, media_type)
    org = rdflib.URIRef(ORG)
    assert (org, rdflib.RDFS.label, rdflib.Literal("天津职业大学", lang="zh")) in graph
    assert (org, rdflib.RDF.type, rdflib.URIRef(VET + "HigherVocationalCollege")) in graph


def test_percent_encoded_chinese_path_maps_back_to_the_unicode_iri(ld: FlaskClient) -> None:
    assert ORG_PATH.isascii()
    response = ld.get(ORG_PATH, headers={"Accept": "application/n-triples"})
    assert response.status_code == 200
    subjects = {str(s) for s in parse(response.data, "application/n-triples").subjects()}
    assert ORG in subjects  # the IRI with Chinese characters, not its percent-encoded form


def test_vary_link_and_content_location(ld: FlaskClient) -> None:
    response = ld.get(ORG_PATH, headers={"Accept": "text/turtle"})
    assert "Accept" in response.headers["Vary"]
    link = response.headers["Link"]
    for media_type in ("text/html", "application/ld+json", "application/n-triples", "application/rdf+xml"):
        assert f'rel="alternate"; type="{media_type}"' in link
    assert f"<{ORG_PATH}.jsonld>" in link
    assert response.headers["Content-Location"] == ORG_PATH + ".ttl"
    html = ld.get(ORG_PATH, headers={"Accept": BROWSER})
    assert {"Accept", "Accept-Language"} <= set(html.vary)
    assert html.headers["Content-Location"] == ORG_PATH + ".html"


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (BROWSER, "text/html"),
        ("*/*", "text/turtle"),
        (None, "text/turtle"),
        ("text/turtle;q=0.5, application/ld+json", "application/ld+json"),
        ("application/rdf+xml;q=0.9, text/html;q=0.1", "application/rdf+xml"),
        ("application/*", "application/ld+json"),
        ("application/json", "application/ld+json"),
    ],
)
def test_negotiation_follows_q_values_and_wildcards(ld: FlaskClient, accept: str | None, expected: str) -> None:
    headers = {"Accept": accept} if accept is not None else {}
    response = ld.get(ORG_PATH, headers=headers)
    assert response.status_code == 200
    assert response.mimetype == expected


def test_extension_and_format_parameter_override_accept(ld: FlaskClient) -> None:
    by_extension = ld.get(ORG_PATH + ".nt", headers={"Accept": BROWSER})
    assert by_extension.mimetype == "application/n-triples"
    assert ORG in {str(s) for s in parse(by_extension.data, "application/n-triples").subjects()}
    by_parameter = ld.get(ORG_PATH + "?format=jsonld", headers={"Accept": "text/turtle"})
    assert by_parameter.mimetype == "application/ld+json"
    json.loads(by_parameter.data)


def test_unacceptable_type_gets_406_listing_the_offers(ld: FlaskClient) -> None:
    response = ld.get(ORG_PATH, headers={"Accept": "image/png"})
    assert response.status_code == 406
    body = response.get_data(as_text=True)
    for media_type in ("text/html", "text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml"):
        assert media_type in body


def test_iri_without_triples_is_404_as_text_or_html(ld: FlaskClient) -> None:
    text = ld.get("/id/org/" + quote("不存在的学校"), headers={"Accept": "text/turtle"})
    assert text.status_code == 404
    assert text.mimetype == "text/plain"
    assert "不存在的学校" in text.get_data(as_text=True)
    page = ld.get("/id/org/" + quote("不存在的学校"), headers={"Accept": BROWSER})
    assert page.status_code == 404
    assert page.mimetype == "text/html"


def test_description_holds_hash_children_and_labels_of_linked_resources(ld: FlaskClient) -> None:
    graph = parse(ld.get(path_of(SPAN), headers={"Accept": "text/turtle"}).data, "text/turtle")
    position = rdflib.URIRef(SPAN + "#position")
    oa = rdflib.Namespace("http://www.w3.org/ns/oa#")
    assert (position, oa.start, rdflib.Literal(95)) in graph
    assert (rdflib.URIRef(SPAN + "#quote"), oa.exact, rdflib.Literal("天津职业大学")) in graph
    mention = parse(ld.get(path_of(MENTION), headers={"Accept": "text/turtle"}).data, "text/turtle")
    # The body's label travels with the mention, so a client can show it without a second request.
    assert (rdflib.URIRef(ORG), rdflib.RDFS.label, rdflib.Literal("天津职业大学", lang="zh")) in mention


def test_graph_iri_dereferences_to_the_graph(ld: FlaskClient, ld_store: MemoryStore) -> None:
    graph_iri = BASE + "graph/津教职函-2025-1号"
    response = ld.get(path_of(graph_iri), headers={"Accept": "application/n-triples"})
    assert response.status_code == 200
    assert len(parse(response.data, "application/n-triples")) == ld_store.graph_size(graph_iri)
    page = ld.get(path_of(graph_iri), headers={"Accept": BROWSER}).get_data(as_text=True)
    assert str(ld_store.graph_size(graph_iri)) in page


# --- HTML pages ---------------------------------------------------------------------------------

def test_entity_page_shows_label_types_and_mentions_with_marked_sentences(ld: FlaskClient) -> None:
    html = ld.get(ORG_PATH, headers={"Accept": BROWSER}).get_data(as_text=True)
    assert re.search(r"<h1>\s*天津职业大学\s*</h1>", html)
    assert "Tianjin Vocational Institute" in html  # the English label beside the Chinese one
    assert 'href="/ontology#HigherVocationalCollege"' in html
    assert "支持<mark>天津职业大学</mark>遴选打造7所左右国家级高水平学校和专业群。" in html
    assert "支持<mark>天津职业大学</mark>在滨海新区建设实训基地。" in html  # the other document's mention


def test_mention_page_highlights_its_span_and_links_the_document(ld: FlaskClient) -> None:
    html = ld.get(path_of(MENTION), headers={"Accept": BROWSER}).get_data(as_text=True)
    assert "1.实施第二轮“双高计划”，支持<mark>天津职业大学</mark>遴选打造7所左右国家级高水平学校和专业群。" in html
    assert f'href="{path_of(DOC)}"' in html


def test_target_page_highlights_its_phrase(ld: FlaskClient) -> None:
    html = ld.get(path_of(DOC + "/target/101-121"), headers={"Accept": BROWSER}).get_data(as_text=True)
    assert "支持天津职业大学<mark>遴选打造7所左右国家级高水平学校和专业群</mark>。" in html


def test_notice_page_shows_the_plan_with_measures_in_order(ld: FlaskClient) -> None:
    html = ld.get(path_of(DOC), headers={"Accept": BROWSER}).get_data(as_text=True)
    assert "2025年天津市职业教育工作要点" in html
    assert "提升院校关键办学能力" in html
    first = html.index("实施第二轮“双高计划”")
    second = html.index("推动天津职业大学与轨道交通企业共建产业学院")
    assert first < second  # stored out of order; shown by vet:ordinal


def test_labels_are_escaped(ld: FlaskClient) -> None:
    html = ld.get("/id/org/escape-test", headers={"Accept": BROWSER}).get_data(as_text=True)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;企业" in html


def test_accept_language_chooses_english_labels(ld: FlaskClient) -> None:
    en = ld.get(ORG_PATH, headers={"Accept": BROWSER, "Accept-Language": "en-GB,en;q=0.9,zh;q=0.5"})
    html = en.get_data(as_text=True)
    assert re.search(r"<h1>\s*Tianjin Vocational Institute\s*</h1>", html)
    assert "Referenced by" in html
    zh = ld.get(ORG_PATH, headers={"Accept": BROWSER, "Accept-Language": "zh-CN,zh;q=0.9"}).get_data(as_text=True)
    assert re.search(r"<h1>\s*天津职业大学\s*</h1>", zh)
    assert "被引用" in zh


def test_inbound_links_are_listed(ld: FlaskClient) -> None:
    html = ld.get(ORG_PATH, headers={"Accept": BROWSER, "Accept-Language": "en"}).get_data(as_text=True)
    inbound = html[html.index("Referenced by"):]
    assert path_of(DOC + "/area/1/measure/1") in inbound


# --- the ontology -------------------------------------------------------------------------------

@pytest.mark.parametrize("media_type", sorted(RDF_TYPES))
def test_ontology_in_every_rdf_format(ld: FlaskClient, media_type: str) -> None:
    response = ld.get("/ontology", headers={"Accept": media_type})
    assert response.status_code == 200
    graph = parse(response.data, media_type)
    assert (rdflib.URIRef(VET + "Notice"), rdflib.RDF.type, rdflib.OWL.Class) in graph
    assert (rdflib.URIRef(ONTOLOGY_IRI), rdflib.RDF.type, rdflib.OWL.Ontology) in graph


def test_ontology_reference_page(ld: FlaskClient) -> None:
    response = ld.get("/ontology", headers={"Accept": BROWSER, "Accept-Language": "en"})
    html = response.get_data(as_text=True)
    assert 'id="Notice"' in html and 'id="partOf"' in html and 'id="HigherVocationalCollege"' in html
    notice = html[html.index('id="Notice"'):]
    notice = notice[: notice.index("</section>")]
    assert "通知" in notice  # both languages of the label
    assert 'href="/ontology#WorkPlan"' in html  # ranges and superclasses link to their anchors
    assert "∪" in html  # a union domain is spelt out, not dropped


def test_ontology_term_iri_resolves_to_the_ontology(ld: FlaskClient) -> None:
    # A browser asked for https://w3id.org/vetkg/ontology#Notice requests /ontology.
    assert ld.get("/ontology.ttl").status_code == 200
    assert ld.get("/ontology.owl").mimetype == "application/rdf+xml"


def test_ontology_falls_back_to_the_packaged_file() -> None:
    client = create_app(Settings(store="memory"), load_store(with_ontology=False)).test_client()
    response = client.get("/ontology", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert (rdflib.URIRef(VET + "Measure"), rdflib.RDF.type, rdflib.OWL.Class) in parse(response.data, "text/turtle")


# --- VoID and dumps -----------------------------------------------------------------------------

def test_void_counts(ld: FlaskClient, ld_store: MemoryStore) -> None:
    response = ld.get("/.well-known/void")
    assert response.mimetype == "text/turtle"
    graph = parse(response.data, "text/turtle")
    void = rdflib.Namespace("http://rdfs.org/ns/void#")
    dataset = rdflib.URIRef(BASE + ".well-known/void#dataset")
    distinct = {q.triple for q in ld_store.quads()}
    subjects = {t.subject for t in distinct}
    assert graph.value(dataset, void.triples).toPython() == len(distinct)
    assert graph.value(dataset, void.distinctSubjects).toPython() == len(subjects)
    assert graph.value(dataset, void.documents).toPython() == 2
    assert graph.value(dataset, void.sparqlEndpoint) == rdflib.URIRef(BASE + "sparql")
    assert rdflib.URIRef(BASE + "dumps/dataset.nq.gz") in set(graph.objects(dataset, void.dataDump))
    assert str(graph.value(dataset, void.uriSpace)) == BASE
    partitions = {
        graph.value(p, void["class"]): graph.value(p, void.entities).toPython()
        for p in graph.objects(dataset, void.classPartition)
    }
    assert partitions[rdflib.URIRef(VET + "Notice")] == 2
    assert partitions[rdflib.URIRef(VET + "Mention")] == 3
    properties = {graph.value(p, void.property) for p in graph.objects(dataset, void.propertyPartition)}
    assert rdflib.URIRef("http://www.w3.org/ns/oa#hasSelector") in properties
    vocabularies = set(graph.objects(dataset, void.vocabulary))
    assert {rdflib.URIRef(ONTOLOGY_IRI), rdflib.URIRef("http://www.w3.org/ns/oa"),
            rdflib.URIRef("http://purl.org/dc/terms/")} <= vocabularies


def test_void_leaves_the_write_history_out() -> None:
    store = load_store()
    client = create_app(replace(Settings(store="memory"), update_tokens={"alice": "s3cret"}), store).test_client()
    written = f'INSERT DATA {{ GRAPH <{BASE}graph/extra> {{ <{BASE}id/x> <http://www.w3.org/2000/01/rdf-schema#comment> "c" }} }}'
    resp = client.post("/sparql", data=written.encode(),
                       headers={"Content-Type": "application/sparql-update", "Authorization": "Bearer s3cret"})
    assert resp.status_code == 204, resp.text
    history = BASE + "graph/history"
    assert any(q.graph_name.value == history for q in store.quads())  # the record's skeleton, in the union
    graph = parse(client.get("/.well-known/void").data, "text/turtle")
    void = rdflib.Namespace("http://rdfs.org/ns/void#")
    dataset = rdflib.URIRef(BASE + ".well-known/void#dataset")
    public = {q.triple for q in store.quads() if q.graph_name.value != history}
    assert graph.value(dataset, void.triples).toPython() == len(public)
    assert graph.value(dataset, void.distinctSubjects).toPython() == len({t.subject for t in public})
    assert graph.value(dataset, void.distinctObjects).toPython() == len({t.object for t in public})
    classes = {graph.value(p, void["class"]) for p in graph.objects(dataset, void.classPartition)}
    properties = {graph.value(p, void.property) for p in graph.objects(dataset, void.propertyPartition)}
    assert rdflib.URIRef(VET + "Change") not in classes and rdflib.URIRef(VET + "Notice") in classes
    assert rdflib.URIRef(VET + "changeNumber") not in properties


def test_void_is_negotiated_like_the_pages(ld: FlaskClient) -> None:
    assert ld.get("/.well-known/void", headers={"Accept": BROWSER}).mimetype == "text/html"
    jsonld = ld.get("/.well-known/void", headers={"Accept": "application/ld+json"})
    assert len(parse(jsonld.data, "application/ld+json")) > 10
    assert "Accept" in jsonld.headers["Vary"]


def test_nquads_dump_holds_every_quad(ld: FlaskClient, ld_store: MemoryStore) -> None:
    response = ld.get("/dumps/dataset.nq.gz")
    assert response.status_code == 200
    assert response.mimetype == "application/gzip"
    assert response.is_streamed
    quads = list(ox.parse(gzip.decompress(response.data), format=ox.RdfFormat.N_QUADS))
    assert len(quads) == len(ld_store)
    assert set(quads) == set(ld_store.quads())


def test_trig_dump_parses_to_the_same_quads(ld: FlaskClient, ld_store: MemoryStore) -> None:
    body = gzip.decompress(ld.get("/dumps/dataset.trig.gz").data)
    dataset = rdflib.Dataset()
    dataset.parse(data=body, format="trig")
    assert len(list(dataset.quads((None, None, None, None)))) == len(ld_store)


def test_dump_etag_gives_304(ld: FlaskClient) -> None:
    first = ld.get("/dumps/dataset.nq.gz")
    etag = first.headers["ETag"]
    again = ld.get("/dumps/dataset.nq.gz", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""


def test_unknown_dump_is_404(ld: FlaskClient) -> None:
    assert ld.get("/dumps/other.nq.gz").status_code == 404


# --- the query page -----------------------------------------------------------------------------

def test_query_page_loads_yasgui_from_the_package(ld: FlaskClient) -> None:
    html = ld.get("/", headers={"Accept": BROWSER}).get_data(as_text=True)
    assert "/static/yasgui/yasgui.min.js" in html and "/static/yasgui/yasgui.min.css" in html
    assert "http://" not in re.sub(r'"(PREFIX|[a-z]+)"?: ?"https?://[^"]*"|<https?://[^>]*>', "", html).split("vetkg-query-config")[0]
    config = json.loads(re.search(r'id="vetkg-query-config">(.*?)</script>', html, re.S).group(1))
    assert config["endpoint"] == "/sparql"
    assert set(config["prefixes"]) == {"vet", "rdfs", "skos", "dcterms", "schema", "oa", "prov", "org", "eli", "xsd"}
    assert len(config["examples"]) == len(load_examples()) >= 5
    assert ld.get("/static/yasgui/yasgui.min.js").status_code == 200
    assert ld.get("/static/yasgui/LICENSE").status_code == 200


@pytest.mark.parametrize("example", load_examples(), ids=lambda e: e.name)
def test_every_example_query_answers_over_the_fixture(ld_store: MemoryStore, ld_app: Flask, example: Example) -> None:
    # ld_app: the app gives the store its SPARQL functions (vetkg:search, server/workbench)
    assert example.title and example.title_en
    rows = list(ld_store.query(example.query))
    assert rows, f"{example.name} finds nothing in the fixture"


def test_pages_carry_validators_per_representation(ld: FlaskClient) -> None:
    turtle = ld.get(ORG_PATH, headers={"Accept": "text/turtle"})
    html = ld.get(ORG_PATH, headers={"Accept": BROWSER})
    assert turtle.headers["ETag"] != html.headers["ETag"]
    again = ld.get(ORG_PATH, headers={"Accept": "text/turtle", "If-None-Match": turtle.headers["ETag"]})
    assert again.status_code == 304
    assert "Accept" in again.headers["Vary"]


def test_other_base_serves_its_own_iris_and_still_the_ontology() -> None:
    base = "http://example.org/kg/"
    triples = [
        ox.Triple(ox.NamedNode(base + "id/org/天津职业大学"), ox.NamedNode(str(rdflib.RDFS.label)),
                  ox.Literal("天津职业大学", language="zh")),
    ]
    store = load_store()
    store.replace_graphs({base + "graph/other": list(triples)})
    client = create_app(Settings(store="memory", base_iri=base), store).test_client()
    graph = parse(client.get(ORG_PATH, headers={"Accept": "text/turtle"}).data, "text/turtle")
    assert {str(s) for s in graph.subjects()} == {base + "id/org/天津职业大学"}
    assert client.get("/ontology", headers={"Accept": "text/turtle"}).status_code == 200
