"""Every row of binhai-2025-expected.md, a district plan with another layout, asked in SPARQL."""
from __future__ import annotations

import pytest
from ingest_helpers import BINHAI, SEED, build_into, build_store, select, values

DOC = "?n a vet:Notice ; vet:documentNumber '津滨教体〔2025〕12号' ."
ITEM = "?a a vet:WorkArea ; vet:partOf ?part . ?part a vet:Part ; vet:ordinal 2 . ?a vet:ordinal"


@pytest.fixture(scope="module")
def store():
    # built together with the seed: names shared by both documents must resolve to one IRI
    return build_store(SEED, BINHAI)


def items_of(store, label: str) -> set[int]:
    rows = values(
        store,
        f"""SELECT DISTINCT ?k WHERE {{ ?x rdfs:label "{label}"@zh .
              ?m vet:mentions ?x ; vet:partOf ?a . ?a a vet:WorkArea ; vet:ordinal ?k ;
                 vet:partOf/vet:partOf/^vet:issues/vet:documentNumber '津滨教体〔2025〕12号' }}""",
        "k",
    )
    return {int(k) for k in rows}


def test_header(store):
    rows = select(
        store,
        f"""SELECT ?title ?issuer ?date WHERE {{ {DOC} ?n vet:issues/dcterms:title ?title ;
              vet:issuedBy/rdfs:label ?issuer ; dcterms:issued ?date }}""",
    )
    assert rows == [{"title": "滨海新区2025年职业教育工作要点", "issuer": "天津市滨海新区教育体育局", "date": "2025-05-06"}]
    addressees = values(store, f"SELECT DISTINCT ?x WHERE {{ {DOC} ?n vet:addressedTo/rdfs:label ?x }}")
    assert sorted(addressees) == sorted(["各职业学校", "各有关单位"])


def test_parts_and_items(store):
    parts = select(
        store,
        f"""SELECT ?k ?t WHERE {{ {DOC} ?n vet:issues ?p . ?part a vet:Part ; vet:partOf ?p ;
              vet:ordinal ?k ; dcterms:title ?t }} ORDER BY ?k""",
    )
    assert [(int(r["k"]), r["t"]) for r in parts] == [(1, "指导思想"), (2, "主要任务"), (3, "保障措施")]
    items = select(store, f"SELECT ?k ?t WHERE {{ {ITEM} ?k ; dcterms:title ?t }} ORDER BY ?k")
    assert [(int(r["k"]), r["t"]) for r in items] == list(
        enumerate(["优化专业布局", "深化产教融合", "加强实训基地建设", "推进国际合作", "强化教师队伍"], start=1)
    )


def test_guiding_ideology_is_the_general_requirements(store):
    goals = values(
        store,
        f"SELECT ?x WHERE {{ {DOC} ?n vet:issues ?p . ?r vet:partOf ?p ; a vet:GeneralRequirements ; vet:goal ?x }}",
    )
    assert "深化产教融合、校企合作" in goals


@pytest.mark.parametrize(
    "name, items",
    [("天津滨海职业学院", {1, 4}), ("天津海运职业学院", {2}), ("天津石油职业技术学院", {3}), ("天津市教育委员会", {4})],
)
def test_institutions(store, name, items):
    assert items_of(store, name) == items


def test_one_iri_for_an_institution_in_both_documents(store):
    rows = values(store, "SELECT DISTINCT ?x WHERE { ?x rdfs:label '天津市教育委员会'@zh }")
    assert rows == ["https://w3id.org/vetkg/id/org/天津市教育委员会"]
    graphs = values(
        store,
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?m vet:mentions <https://w3id.org/vetkg/id/org/天津市教育委员会> } }",
        "g",
    )
    # the seed's issuer and the district plan's partner are one body
    assert sorted(graphs) == [
        "https://w3id.org/vetkg/graph/津教职函-2025-1号",
        "https://w3id.org/vetkg/graph/津滨教体-2025-12号",
    ]
    both = values(
        store,
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p <https://w3id.org/vetkg/id/law/天津市职业教育条例> } }",
        "g",
    )
    # the two documents; what the ontology entails of their citations is in the inferred graph
    assert sorted(set(both) - {"https://w3id.org/vetkg/graph/inferred"}) == [
        "https://w3id.org/vetkg/graph/津教职函-2025-1号",
        "https://w3id.org/vetkg/graph/津滨教体-2025-12号",
    ]


@pytest.mark.parametrize(
    "name, kind, items",
    [
        ("天津港保税区", "vet:EconomicZone", {2}),
        ("天津经济技术开发区", "vet:EconomicZone", {2}),
        ("泰国", "vet:Country", {4}),
    ],
)
def test_zones_and_places(store, name, kind, items):
    assert items_of(store, name) == items
    assert values(store, f'SELECT ?x WHERE {{ ?x rdfs:label "{name}"@zh ; a {kind} }}')


@pytest.mark.parametrize(
    "industry, items",
    [("信创", {1}), ("生物医药", {1}), ("新能源", {1}), ("石油化工", {3}), ("港口物流", {2})],
)
def test_industries(store, industry, items):
    assert items_of(store, industry) == items


@pytest.mark.parametrize(
    "action, counted, value, unit, comparator",
    [
        ("新增", "专业", 8, "个", "exactly"),
        ("撤并", "专业", 3, "个", "exactly"),
        ("建设", "市级高水平专业群", 2, "个", "exactly"),
        ("新增", "校企合作企业", 40, "家", "exactly"),
        ("建设", "区级公共实训基地", 5, "个", "exactly"),
        ("培训", "技能人才", 1200, "人次", "exactly"),
        ("", "企业实践", 30, "天", "atLeast"),
    ],
)
def test_quantified_targets(store, action, counted, value, unit, comparator):
    action_pattern = f'; vet:targetAction "{action}"@zh' if action else ""
    rows = select(
        store,
        f"""SELECT ?t WHERE {{ ?t a vet:QuantifiedTarget ; schema:value {value} ; schema:unitText "{unit}" ;
              vet:countedThing "{counted}"@zh ; vet:comparator "{comparator}" {action_pattern} .
              ?t vet:foundIn/vet:partOf/vet:partOf/vet:partOf/^vet:issues/vet:documentNumber '津滨教体〔2025〕12号' }}""",
    )
    assert len(rows) == 1


def test_full_width_digits_are_read(store):
    raw = BINHAI.read_text(encoding="utf-8")
    rows = select(
        store,
        """SELECT ?s ?e WHERE { ?t schema:value 1200 ; vet:textSpan/oa:hasSelector ?p . ?p oa:start ?s ; oa:end ?e }""",
    )
    assert len(rows) == 1
    assert "１２００" in raw[int(rows[0]["s"]) : int(rows[0]["e"])]


@pytest.mark.parametrize(
    "fragment, kind",
    [
        ("“产业园区+职业教育”模式", "vet:kindModel"),
        ("鲁班工坊", "vet:kindWorkshop"),
        ("一带一路", "vet:kindInitiative"),
        ("现代港口物流产业学院", "vet:kindIndustryCollege"),
    ],
)
def test_programmes_and_models(store, fragment, kind):
    rows = values(
        store,
        f"""SELECT ?x WHERE {{ ?p a vet:Programme ; rdfs:label ?x ; vet:programmeKind {kind} .
              FILTER(CONTAINS(?x, "{fragment}"))
              ?m vet:mentions ?p ; a vet:Measure ;
                 vet:partOf/vet:partOf/vet:partOf/^vet:issues/vet:documentNumber '津滨教体〔2025〕12号' }}""",
    )
    assert rows


def test_law_in_part_three(store):
    rows = values(
        store,
        f"""SELECT DISTINCT ?x WHERE {{ {DOC} ?n vet:issues ?p . ?part vet:partOf ?p ; vet:ordinal 3 .
              ?m vet:partOf ?part ; vet:citesLaw/rdfs:label ?x }}""",
    )
    assert rows == ["天津市职业教育条例"]


def test_word_broken_at_the_end_is_rejoined(store):
    texts = values(store, f"SELECT ?x WHERE {{ {DOC} ?n vet:issues ?p . ?part vet:partOf ?p ; vet:ordinal 3 . ?m vet:partOf ?part ; vet:text ?x }}")
    assert texts == ["贯彻落实《天津市职业教育条例》，把职业教育纳入新区经济社会发展规划，完善经费保障机制，加强督导检查。"]


def test_a_shared_entity_is_described_once(store):
    """COUNT over the union default graph sees one label, not one per document naming it."""
    rows = values(
        store,
        "SELECT (COUNT(*) AS ?x) WHERE { <https://w3id.org/vetkg/id/law/天津市职业教育条例> rdfs:label ?l }",
    )
    assert rows == ["1"]
    duplicates = values(
        store,
        """SELECT (COUNT(*) AS ?x) WHERE { GRAPH ?g1 { ?s ?p ?o } GRAPH ?g2 { ?s ?p ?o } FILTER(STR(?g1) < STR(?g2)) }""",
    )
    assert duplicates == ["0"]


def test_rebuilding_one_document_keeps_the_other_and_drops_nothing_shared(store):
    def data_quads() -> list[str]:
        # ontology and shapes hold RDF lists, whose blank nodes are new on every parse; data has none
        graphs = [g for g in store.graphs() if "/graph/" in g and not g.endswith("/graph/shapes")]
        return sorted(str(q) for g in graphs for q in store.quads(g))

    before = data_quads()
    assert len(before) > 4000
    report = build_into(store, BINHAI, force=True)  # force: its text is already in the store
    assert report.built == 1
    assert data_quads() == before
