"""Traditional script is read in simplified characters, while the source text and every span
keep the original ones."""
from __future__ import annotations

from pathlib import Path

import pytest
from ingest_helpers import document
from rdflib import Graph

from vetkg.ingest.script import to_simplified
from vetkg.ingest.text import MappedText, normalise

TRADITIONAL = """河北省教育廳關於印發《2025年河北省職業教育工作要點》的通知

冀教職成〔2025〕3號

各市教育局，各高等職業院校：
現將《2025年河北省職業教育工作要點》印發給你們，請認真貫徹落實。

河北省教育廳
2025年2月28日

2025年河北省職業教育工作要點

一、提升職業院校辦學能力
實施職業教育創優賦能項目，對照第二輪「雙高計劃」遴選要求，支持石家莊職業技術學院建設兩個省級高水平專業群。貫徹《河北省職業教育條例》，新增校企合作企業40家。
"""


@pytest.mark.parametrize(
    "traditional, simplified",
    [("教育廳", "教育厅"), ("條例", "条例"), ("3號", "3号"), ("職業技術學院", "职业技术学院"), ("頭髮", "头发"), ("乾隆", "乾隆")],
)
def test_words_are_simplified_in_place(traditional, simplified):
    text = MappedText.original("见" + traditional + "。")
    out = to_simplified(text)
    assert out.text == "见" + simplified + "。"
    assert out.offsets == text.offsets


def test_simplified_text_is_left_as_it_is():
    text = MappedText.original("天津市教育委员会关于印发《天津市职业教育条例》的通知，著名、显著、著力。")
    assert to_simplified(text) is text


def test_spans_of_the_normalised_text_point_into_the_original():
    raw = "（一）河北省教育廳發佈《條例》，冀教職成〔2025〕3號。"
    text = normalise(raw)
    start = text.text.index("教育厅")
    s, e = text.span(start, start + 3)
    assert raw[s:e] == "教育廳"
    start = text.text.index("3号")
    s, e = text.span(start, start + 2)
    assert raw[s:e] == "3號"


def test_a_conversion_that_changes_lengths_keeps_the_map():
    # OpenCC's t2s tables are length-preserving today; a table that is not must still give
    # spans into the original characters
    def lengthening(s: str) -> str:
        return s.replace("廳", "厅堂")

    raw = "教育廳條例"
    out = to_simplified(MappedText.original(raw), convert=lengthening)
    assert out.text == "教育厅堂條例"  # the fake table knows only 廳
    start = out.text.index("厅堂")
    s, e = out.span(start, start + 2)
    assert raw[s:e] == "廳"
    s, e = out.span(0, len(out.text))
    assert (s, e) == (0, len(raw))


@pytest.fixture(scope="module")
def graph(tmp_path_factory) -> Graph:
    path = Path(tmp_path_factory.mktemp("trad")) / "trad.txt"
    path.write_text(TRADITIONAL, encoding="utf-8")
    return document(path).graph()


PREFIXES = """PREFIX vet: <https://w3id.org/vetkg/ontology#> PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX schema: <https://schema.org/>
"""


def test_the_source_text_is_stored_as_written(graph):
    (row,) = graph.query(PREFIXES + "SELECT ?t WHERE { ?n a vet:Notice ; vet:sourceText ?t }")
    assert str(row.t) == TRADITIONAL


def test_the_document_number_is_matched_in_simplified_script(graph):
    numbers = {str(r.n) for r in graph.query(PREFIXES + "SELECT ?n WHERE { ?d vet:documentNumber ?n }")}
    assert numbers == {"冀教职成〔2025〕3号"}


@pytest.mark.parametrize(
    "label, exact",
    [("石家庄职业技术学院", "石家莊職業技術學院"), ("河北省职业教育条例", "《河北省職業教育條例》"), ("职业教育创优赋能项目", "職業教育創優賦能項目"),
     ("双高计划", "「雙高計劃」")],
)
def test_names_are_found_in_simplified_script_with_spans_on_the_original(graph, label, exact):
    rows = graph.query(PREFIXES + f"""SELECT ?exact ?s ?e WHERE {{ ?m a vet:Mention ; oa:hasBody/rdfs:label "{label}"@zh ;
        vet:textSpan/oa:hasSelector ?p , ?q . ?p oa:start ?s ; oa:end ?e . ?q oa:exact ?exact }}""")
    (row,) = list(rows)
    assert str(row.exact) == exact
    assert TRADITIONAL[int(row.s) : int(row.e)] == exact


def test_targets_in_traditional_script(graph):
    rows = graph.query(PREFIXES + """SELECT ?v ?u ?c ?exact WHERE { ?t a vet:QuantifiedTarget ; schema:value ?v ;
        schema:unitText ?u ; vet:countedThing ?c ; vet:textSpan/oa:hasSelector/oa:exact ?exact }""")
    found = {(int(r.v), str(r.u), str(r.c), str(r.exact)) for r in rows}
    assert found == {
        (2, "个", "省级高水平专业群", "兩個省級高水平專業群"),
        (40, "家", "校企合作企业", "校企合作企業40家"),
    }


def test_corner_quotes_read_as_curly_quotes_in_place():
    raw = "對照第二輪「雙高計劃」遴選"
    out = normalise(raw)
    assert out.text == "对照第二轮“双高计划”遴选"
    assert out.offsets == tuple(range(len(raw)))


def test_an_ordinal_in_traditional_script(graph):
    rows = graph.query(PREFIXES + """SELECT ?n ?u WHERE { ?t a vet:OrdinalTarget ; vet:ordinalNumber ?n ; vet:ordinalUnit ?u ;
        vet:concerns/rdfs:label "双高计划"@zh }""")
    assert {(int(r.n), str(r.u)) for r in rows} == {(2, "轮")}
