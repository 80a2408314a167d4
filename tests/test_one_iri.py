"""One IRI per real thing: a division of China by its code whatever name the text uses, a
programme by any of its names, an event named by a region's own word (全市) per region."""
from __future__ import annotations

from pathlib import Path

import pytest
from ingest_helpers import build_store, select, values

TIANJIN = """关于印发2025年天津市职业教育工作要点的通知
津教职函〔2025〕9号

各区教育局：
现将《2025年天津市职业教育工作要点》印发给你们，请结合实际认真贯彻落实。

天津市教育委员会
2025年3月1日

2025年天津市职业教育工作要点

深入落实全市教育大会精神，推进天津职业教育高质量发展。
一、提升办学能力
1.推进职业教育改革。推动滨海新区职业院校改革，实施中国特色高水平高职学校和专业建设计划，支持天津职业大学建设。
2.深化产教融合。支持和平区职业学校与天津市和平区企业合作，实施第二轮“双高计划”。
"""

NINGBO = """关于印发2025年宁波市职业教育工作要点的通知
甬教职〔2025〕3号

各区（县、市）教育局：
现将《2025年宁波市职业教育工作要点》印发给你们，请认真贯彻落实。

宁波市教育局
2025年3月2日

2025年宁波市职业教育工作要点

深入落实全市教育大会精神，推进宁波职业教育高质量发展。
一、提升办学能力
1.推进职业教育改革。推动鄞州区职业院校改革，支持宁波职业技术学院建设“双高计划”学校。
"""


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    folder: Path = tmp_path_factory.mktemp("docs")
    paths = []
    for name, text in (("tianjin.txt", TIANJIN), ("ningbo.txt", NINGBO)):
        (folder / name).write_text(text, encoding="utf-8")
        paths.append(folder / name)
    return build_store(*paths)


def test_a_division_is_one_iri_by_its_code(store):
    rows = select(store, "SELECT ?x ?code WHERE { ?x skos:altLabel '天津'@zh ; rdfs:label '天津市'@zh ; skos:notation ?code }")
    assert rows == [{"x": "https://w3id.org/vetkg/id/place/120000", "code": "120000"}]
    # 天津 (in 天津职业教育) and 天津市 (in the title) are mentions of that one place
    names = set(values(store, "SELECT ?x WHERE { ?m oa:hasBody <https://w3id.org/vetkg/id/place/120000> ; oa:hasTarget/oa:hasSelector/oa:exact ?x }"))
    assert {"天津", "天津市"} <= names


def test_a_district_lies_in_its_city(store):
    assert values(store, "SELECT ?x WHERE { <https://w3id.org/vetkg/id/place/120116> rdfs:label ?l ; vet:locatedIn/rdfs:label ?x }") == ["天津市"]
    assert values(store, "SELECT ?x WHERE { <https://w3id.org/vetkg/id/place/330212> vet:locatedIn/vet:locatedIn/rdfs:label ?x }") == ["浙江省"]


def test_a_shared_district_name_is_read_in_the_documents_region(store):
    # 和平区 is a district of Tianjin and of Shenyang: in a Tianjin plan it is Tianjin's
    places = values(store, "SELECT DISTINCT ?x WHERE { ?m oa:hasBody ?x ; oa:hasTarget/oa:hasSelector/oa:exact '和平区' }")
    assert places == ["https://w3id.org/vetkg/id/place/120101"]


def test_a_programme_is_one_iri_by_any_of_its_names(store):
    iris = values(
        store,
        """SELECT DISTINCT ?x WHERE { ?m oa:hasBody ?x ; oa:hasTarget/oa:hasSelector/oa:exact ?e .
             FILTER(CONTAINS(?e, "双高计划") || ?e = "中国特色高水平高职学校和专业建设计划") }""",
    )
    assert iris == ["https://w3id.org/vetkg/id/programme/双高计划"]
    alt = values(store, "SELECT ?x WHERE { <https://w3id.org/vetkg/id/programme/双高计划> skos:altLabel ?x }")
    assert "中国特色高水平高职学校和专业建设计划" in alt


def test_a_citys_own_event_is_scoped_to_that_city(store):
    rows = select(
        store,
        "SELECT ?e ?place WHERE { ?e a vet:Event ; rdfs:label '全市教育大会'@zh ; vet:locatedIn/rdfs:label ?place } ORDER BY ?place",
    )
    assert sorted(r["place"] for r in rows) == ["天津市", "宁波市"]
    assert len({r["e"] for r in rows}) == 2


def test_an_organisation_lies_in_the_division_its_name_begins_with(store):
    rows = select(store, "SELECT ?x ?p WHERE { ?x a vet:HigherVocationalCollege ; rdfs:label ?l ; vet:locatedIn/rdfs:label ?p }")
    assert {r["x"].rsplit("/", 1)[1]: r["p"] for r in rows} == {"天津职业大学": "天津市", "宁波职业技术学院": "宁波市"}
