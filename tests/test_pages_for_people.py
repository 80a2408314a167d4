"""Pages read by people show words, not IRIs: the seed built by the real pipeline."""
from __future__ import annotations

import html
import re
from urllib.parse import quote

from flask.testing import FlaskClient
from ingest_helpers import SEED, build_store, select

from vetkg.server.app import create_app
from vetkg.server.config import Settings


def test_the_spans_citing_a_notice_read_as_their_words() -> None:
    client: FlaskClient = create_app(Settings(store="memory"), build_store(SEED)).test_client()
    page = client.get("/doc/" + quote("津教职函-2025-1号"), headers={"Accept": "text/html"}).get_data(as_text=True)
    inbound = page.split('class="inbound"', 1)[1].split("</section>", 1)[0]
    shown = re.findall(r'<a href="(/doc/[^"]*/span/[^"]*)">([^<]*)</a>', inbound)
    assert len(shown) > 100  # every span of the text points to it
    assert not [label for _, label in shown if "/span/" in label]
    assert "13 所市级高水平高职学校" in {label for _, label in shown}


def test_the_plan_page_reads_as_the_notice_with_each_mention_marked_and_linked() -> None:
    store = build_store(SEED)
    client: FlaskClient = create_app(Settings(store="memory"), store).test_client()
    page = client.get("/doc/" + quote("津教职函-2025-1号"), headers={"Accept": "text/html"}).get_data(as_text=True)
    measure = "/doc/" + quote("津教职函-2025-1号") + "/i6/measure/2"
    item = page.split(f'<a class="ordinal" href="{measure}">', 1)[1].split("</li>", 1)[0]
    marked = re.findall(r'<a class="mention kind-(\w+)" href="([^"]+)">([^<]+)</a>', item)
    assert ("Organization", "/id/org/" + quote("天津职业大学"), "天津职业大学") in marked
    # every thing the graph says is mentioned inside this measure is marked in it
    named = {r["x"] for r in select(store, """SELECT DISTINCT ?x WHERE {
        ?mention a vet:Mention ; oa:hasBody ?x ; oa:hasTarget/oa:hasSelector ?sel .
        ?sel oa:start ?st ; oa:end ?en .
        <https://w3id.org/vetkg/doc/津教职函-2025-1号/i6/measure/2> vet:textSpan/oa:hasSelector ?msel .
        ?msel oa:start ?mst ; oa:end ?men . FILTER(?st >= ?mst && ?en <= ?men) }""")}
    assert len(named) >= 3
    assert {h for _, h, _ in marked} == {quote(x.removeprefix("https://w3id.org/vetkg")) for x in named}
    # the words are the notice's own, in order
    words = html.unescape(re.sub(r"<[^>]+>", "", item.split("</a>", 1)[1])).strip()
    assert words.startswith("持续推动天津职业大学、天津医学高等专科学校")


def test_the_rdf_of_a_page_carries_its_incoming_links() -> None:
    store = build_store(SEED)
    client: FlaskClient = create_app(Settings(store="memory"), store).test_client()
    college = "https://w3id.org/vetkg/id/org/天津职业大学"
    response = client.get("/id/org/" + quote("天津职业大学") + ".nt")
    lines = set(response.get_data(as_text=True).splitlines())
    involving = {r["m"] for r in select(store, f"SELECT ?m WHERE {{ ?m vet:involves <{college}> }}")}
    assert len(involving) >= 2
    assert all(f"<{m}> <https://w3id.org/vetkg/ontology#involves> <{college}> ." in lines for m in involving)
    assert not any("<https://schema.org/mentions>" in line for line in lines)  # entailed, not said
    # and the measures are named, as the page names them
    assert any(line.startswith(f"<{sorted(involving)[0]}> <http://www.w3.org/2000/01/rdf-schema#label>") for line in lines)


def test_json_ld_of_a_page_is_compacted_with_the_published_context() -> None:
    import json

    import rdflib

    store = build_store(SEED)
    client: FlaskClient = create_app(Settings(store="memory"), store).test_client()
    path = "/id/org/" + quote("天津职业大学")
    body = client.get(path + ".jsonld").get_data(as_text=True)
    document = json.loads(body)
    published = client.get("/context.jsonld")
    assert published.status_code == 200 and published.mimetype == "application/ld+json"
    assert document["@context"] == published.get_json()["@context"]
    assert "vet:locatedIn" in body and "https://w3id.org/vetkg/ontology#locatedIn" not in body
    # the same triples as the N-Triples of the page
    compacted = rdflib.Graph().parse(data=body, format="json-ld")
    plain = rdflib.Graph().parse(data=client.get(path + ".nt").get_data(as_text=True), format="nt")
    assert len(compacted) == len(plain) > 10 and set(compacted) == set(plain)
