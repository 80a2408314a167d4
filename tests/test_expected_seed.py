"""Every row of seed-expected.md (tests/data/seed-expected.md), asked in SPARQL of the built graph."""
from __future__ import annotations

import pytest
from ingest_helpers import SEED, build_store, select, values

NOTICE = "?n a vet:Notice ; vet:documentNumber '津教职函〔2025〕1号' ."


@pytest.fixture(scope="module")
def store():
    return build_store(SEED)


def work_areas_of(store, label: str, kind: str = "") -> set[int]:
    """Ordinals of the work areas whose measures mention the thing labelled ``label``."""
    type_filter = f"?x a {kind} ." if kind else ""
    rows = values(
        store,
        f"""SELECT DISTINCT ?k WHERE {{
              ?x rdfs:label "{label}"@zh . {type_filter}
              ?m vet:mentions ?x ; vet:partOf ?a . ?a a vet:WorkArea ; vet:ordinal ?k .
              ?mention oa:hasBody ?x ; vet:foundIn ?m .
            }}""",
        "k",
    )
    return {int(k) for k in rows}


def test_notice_title_rejoined(store):
    assert values(store, f"SELECT ?x WHERE {{ {NOTICE} ?n dcterms:title ?x }}") == [
        "关于印发2025年天津市职业教育工作要点的通知"
    ]


def test_plan_title(store):
    assert values(store, f"SELECT ?x WHERE {{ {NOTICE} ?n vet:issues ?p . ?p a vet:WorkPlan ; dcterms:title ?x }}") == [
        "2025年天津市职业教育工作要点"
    ]


def test_issuers(store):
    rows = values(store, f"SELECT ?x WHERE {{ {NOTICE} ?n vet:issuedBy ?o . ?o a vet:GovernmentBody ; rdfs:label ?x }}")
    assert sorted(rows) == sorted(["中共天津市委教育工作委员会", "天津市教育委员会"])


def test_document_number_and_date(store):
    rows = select(store, "SELECT ?num ?date WHERE { ?n a vet:Notice ; vet:documentNumber ?num ; dcterms:issued ?date }")
    assert rows == [{"num": "津教职函〔2025〕1号", "date": "2025-04-18"}]
    assert values(store, "SELECT ?x WHERE { ?n dcterms:issued ?d . BIND(DATATYPE(?d) AS ?x) }") == [
        "http://www.w3.org/2001/XMLSchema#date"
    ]


def test_addressees(store):
    rows = values(store, f"SELECT ?x WHERE {{ {NOTICE} ?n vet:addressedTo ?a . ?a a vet:AddresseeGroup ; rdfs:label ?x }}")
    assert sorted(rows) == sorted(["各区", "各办学主管部门", "有关普通高等学校", "各职业学校"])


def test_general_requirements(store):
    text = values(store, "SELECT ?x WHERE { ?r a vet:GeneralRequirements ; vet:text ?x }")
    assert len(text) == 1 and text[0].startswith("2025年全市职业教育工作总体要求是")
    goals = set(values(store, "SELECT ?x WHERE { ?r a vet:GeneralRequirements ; vet:goal ?x }"))
    assert {"提升职业教育关键办学能力", "深化产教融合", "促进职普融通"} <= goals
    events = set(values(store, "SELECT ?x WHERE { ?r a vet:GeneralRequirements ; vet:mentions ?e . ?e a vet:Event ; rdfs:label ?x }"))
    assert {"全国教育大会", "全市教育大会"} <= events


def test_work_areas_in_order(store):
    rows = select(
        store,
        "SELECT ?k ?t WHERE { ?a a vet:WorkArea ; vet:partOf/a vet:WorkPlan ; vet:ordinal ?k ; dcterms:title ?t } ORDER BY ?k",
    )
    assert [(int(r["k"]), r["t"]) for r in rows] == list(
        enumerate(
            [
                "加强党对职业教育工作的全面领导",
                "德技并修培养时代新人",
                "提升院校关键办学能力",
                "创新产教融合发展机制",
                "推动职普融通人才培养",
                "构建数字化教学新生态",
                "打造职教国际交往中心",
                "强化政策支持宣传引领",
                "筑牢安全工作防线",
            ],
            start=1,
        )
    )


def test_measures_are_sentences_in_order_with_verbs(store):
    rows = select(
        store,
        """SELECT ?k ?i ?text WHERE { ?m a vet:Measure ; vet:partOf ?a ; vet:ordinal ?i ; vet:text ?text .
                                    ?a vet:ordinal ?k } ORDER BY ?k ?i""",
    )
    by_area: dict[int, list[str]] = {}
    for r in rows:
        by_area.setdefault(int(r["k"]), []).append(r["text"])
    assert sorted(by_area) == list(range(1, 10))
    assert by_area[3][0] == "实施第二轮“双高计划”，遴选打造7所左右“服务好、支撑好”的国家级高水平学校和专业群。"
    assert by_area[9][-1].endswith("切实守护好师生“舌尖上的安全”。")
    assert all(t.endswith("。") for texts in by_area.values() for t in texts)
    assert sum(map(len, by_area.values())) == 45
    verbs = set(values(store, "SELECT ?x WHERE { ?m a vet:Measure ; vet:actionVerb ?x }"))
    assert {"实施", "推进", "建设", "遴选", "发布"} <= verbs
    first = values(store, "SELECT ?x WHERE { ?m vet:ordinal 1 ; vet:actionVerb ?x ; vet:partOf/vet:ordinal 3 }")
    assert {"实施", "遴选"} <= set(first)


@pytest.mark.parametrize(
    "name, kind, areas",
    [
        ("天津职业技术师范大学", "vet:University", {3, 5}),
        ("天津理工大学", "vet:University", {5}),
        ("天津职业大学", "vet:HigherVocationalCollege", {6, 9}),
        ("天津医学高等专科学校", "vet:HigherVocationalCollege", {6}),
        ("天津现代职业技术学院", "vet:HigherVocationalCollege", {6}),
        ("天津渤海职业技术学院", "vet:HigherVocationalCollege", {9}),
        ("天津市教育科学研究院", "vet:ResearchInstitute", {4, 7}),
        ("天津市职业教育课程思政教学研究中心", "vet:Centre", {2}),
        ("天津市人工智能赋能职业教育创新发展联盟", "vet:Alliance", {6}),
    ],
)
def test_institutions(store, name, kind, areas):
    assert work_areas_of(store, name, kind) == areas


def test_institution_roles(store):
    rows = select(
        store,
        """SELECT ?k ?role WHERE { ?m vet:hasInvolvement ?i ; vet:partOf/vet:ordinal ?k .
              ?i vet:agent/rdfs:label "天津理工大学"@zh ; vet:role ?role }""",
    )
    assert rows == [{"k": "5", "role": "https://w3id.org/vetkg/ontology#roleSupport"}]
    guided = values(
        store,
        """SELECT ?x WHERE { ?m vet:hasInvolvement ?i ; vet:partOf/vet:ordinal 9 .
              ?i vet:role vet:roleGuide ; vet:agent/rdfs:label ?x }""",
    )
    assert sorted(guided) == sorted(["天津职业大学", "天津渤海职业技术学院"])


@pytest.mark.parametrize(
    "value, unit, counted, area, approximate",
    [
        (7, "所", "国家级高水平学校和专业群", 3, True),
        (13, "所", "市级高水平高职学校", 3, False),
        (11, "所", "优质中职学校", 3, False),
        (10, "个", "专业大类", 4, False),
    ],
)
def test_quantified_targets(store, value, unit, counted, area, approximate):
    rows = select(
        store,
        f"""SELECT ?approx WHERE {{
              ?m vet:setsTarget ?t ; vet:partOf/vet:ordinal {area} .
              ?t a vet:QuantifiedTarget ; schema:value {value} ; schema:unitText "{unit}" ;
                 vet:countedThing "{counted}"@zh ; vet:approximate ?approx ; vet:textSpan ?span .
            }}""",
    )
    assert rows == [{"approx": str(approximate).lower()}]


def test_an_existing_means_is_a_baseline_not_a_target(store):
    # 依托 6 个区域开放型产教融合实践中心…打造…: the six centres exist; the plan relies on them
    rows = select(
        store,
        """SELECT ?t ?type WHERE {
              ?m vet:statesBaseline ?t ; vet:partOf/vet:ordinal 2 .
              ?t a vet:Baseline ; schema:value 6 ; schema:unitText "个" ;
                 vet:countedThing "区域开放型产教融合实践中心"@zh ; vet:textSpan ?span .
            }""",
    )
    assert len(rows) == 1
    assert not values(store, 'SELECT ?t WHERE { ?t a vet:Target ; vet:countedThing "区域开放型产教融合实践中心"@zh }')


@pytest.mark.parametrize(
    "number, unit, thing, area, place",
    [
        (2, "轮", "双高计划", 3, None),
        (3, "批", "产教融合专业", 3, None),
        (2, "批", "市域产教联合体", 4, None),
        (1, "个", "鲁班工坊", 7, "美洲"),
        (2, "个", "鲁班工坊", 7, "哈萨克斯坦"),
    ],
)
def test_ordinal_targets(store, number, unit, thing, area, place):
    place_pattern = f'?t vet:locatedIn/rdfs:label "{place}"@zh .' if place else ""
    rows = select(
        store,
        f"""SELECT ?t WHERE {{
              ?m vet:setsTarget ?t ; vet:partOf/vet:ordinal {area} .
              ?t a vet:OrdinalTarget ; vet:ordinalNumber {number} ; vet:ordinalUnit "{unit}" ;
                 vet:countedThing "{thing}"@zh . {place_pattern}
            }}""",
    )
    assert len(rows) == 1


def test_ordinal_target_concerns_programme(store):
    rows = values(
        store,
        """SELECT ?x WHERE { ?t a vet:OrdinalTarget ; vet:ordinalNumber 2 ; vet:ordinalUnit "轮" ;
                               vet:concerns ?p . ?p a vet:Programme ; rdfs:label ?x }""",
    )
    assert rows == ["双高计划"]


@pytest.mark.parametrize(
    "industry, areas",
    [
        ("制造业", {2}),
        ("生产性服务业", {2}),
        ("智能制造", {4}),
        ("轨道交通", {4}),
        ("汽车装备", {4}),
        ("集成电路", {4}),
        ("智能供应链", {4}),
        ("新能源", {4}),
        ("石油化工", {4}),
        ("装备制造", {4}),
    ],
)
def test_industries(store, industry, areas):
    assert work_areas_of(store, industry, "vet:Industry") == areas
    rows = values(store, f'SELECT ?m WHERE {{ ?m vet:targetsIndustry/rdfs:label "{industry}"@zh }}', "m")
    assert rows


def test_industries_by_programme(store):
    """智能制造 … 集成电路 are named with the 市域产教联合体 in one measure."""
    rows = values(
        store,
        """SELECT ?x WHERE { ?m vet:mentions ?p ; vet:targetsIndustry/rdfs:label ?x .
                              ?p rdfs:label "市域产教联合体"@zh ; a vet:Programme .
                              ?m vet:partOf/vet:ordinal 4 }""",
    )
    assert {"智能制造", "轨道交通", "汽车装备", "集成电路"} <= set(rows)


@pytest.mark.parametrize(
    "programme, industries",
    [
        ("行业产教融合共同体", {"智能供应链", "新能源"}),
        ("开放型产教融合实践中心", {"石油化工", "轨道交通"}),
    ],
)
def test_industries_with_their_programme(store, programme, industries):
    rows = values(
        store,
        f"""SELECT ?x WHERE {{ ?m vet:mentions ?p ; vet:targetsIndustry/rdfs:label ?x ; vet:partOf/vet:ordinal 4 .
                               ?p rdfs:label "{programme}"@zh ; a vet:Programme }}""",
    )
    assert industries <= set(rows)


def test_laws(store):
    rows = values(store, "SELECT ?x WHERE { ?m vet:citesLaw ?l ; vet:partOf/vet:ordinal 8 . ?l a vet:Law ; rdfs:label ?x }")
    assert sorted(rows) == sorted(["天津市职业教育条例", "天津市职业教育产教融合促进条例"])


@pytest.mark.parametrize("place", ["美洲", "哈萨克斯坦"])
def test_places(store, place):
    assert work_areas_of(store, place) == {7}


@pytest.mark.parametrize(
    "fragment, areas",
    [
        ("双高计划", {3}),
        ("职业教育创优赋能项目", {3}),
        ("“双带头人”教师党支部书记“赋能拔尖”培育计划", {1}),
        ("“强国行”专项行动", {1}),
        ("三全育人", {2}),
        ("开学第一课", {2}),
        ("“双千”计划", {2}),
        ("“劳模工匠进校园”行动", {2}),
        ("三张清单", {3}),
        ("市域产教联合体", {4, 5}),
        ("行业产教融合共同体", {4, 5}),
        ("“产业园区+职业教育”模式", {4}),
        ("五年一贯制", {5}),
        ("“人工智能+”提升行动计划", {6}),
        ("“人工智能+”课程体系", {6}),
        ("鲁班工坊", {7}),
        ("工程实践创新项目（EPIP）", {7}),
    ],
)
def test_programmes(store, fragment, areas):
    rows = select(
        store,
        f"""SELECT DISTINCT ?k WHERE {{ ?p a vet:Programme ; rdfs:label ?l ; vet:programmeKind ?kind .
              FILTER(CONTAINS(?l, "{fragment}"))
              ?m vet:mentions ?p ; vet:partOf/vet:ordinal ?k . ?m a vet:Measure }}""",
    )
    assert {int(r["k"]) for r in rows} == areas


@pytest.mark.parametrize("platform, area", [("国家和天津职业教育智慧教育平台", 6), ("产教城融合智能体综合服务平台", 4)])
def test_platforms(store, platform, area):
    assert work_areas_of(store, platform, "vet:Platform") == {area}


@pytest.mark.parametrize(
    "event, area",
    [("世界职业技术教育发展大会", 7), ("上合峰会", 7), ("2025年职业教育活动周", 8), ("职业院校技能大赛", 8)],
)
def test_events(store, event, area):
    assert work_areas_of(store, event, "vet:Event") == {area}


@pytest.mark.parametrize(
    "title, kind, area, publisher",
    [
        ("2024年天津市高等职业教育专业对接服务产业发展蓝皮书", "vet:Report", 4, "天津市教育科学研究院"),
        ("世界职业技术教育", "vet:Periodical", 7, None),
        ("鲁班工坊质量年度报告", "vet:Report", 7, "天津市教育科学研究院"),
    ],
)
def test_publications(store, title, kind, area, publisher):
    assert work_areas_of(store, title, kind) == {area}
    if publisher:
        assert values(
            store, f'SELECT ?x WHERE {{ ?p rdfs:label "{title}"@zh ; vet:publishedBy/rdfs:label ?x }}'
        ) == [publisher]


def test_words_split_across_page_breaks_are_rejoined(store):
    texts = values(store, "SELECT ?x WHERE { ?m a vet:Measure ; vet:text ?x }")
    assert any("提升课程思政育人质效。" in t for t in texts)
    assert any("健全完善全市职业院校集体教研机制" in t for t in texts)
    assert not any("\n" in t for t in texts)


def test_stray_english_word_kept_and_not_an_entity(store):
    texts = values(store, "SELECT ?x WHERE { ?m a vet:Measure ; vet:partOf/vet:ordinal 1 ; vet:text ?x }")
    assert any("思想 and 党的二十大精神" in t for t in texts)
    labels = values(store, "SELECT ?x WHERE { ?e rdfs:label ?x . FILTER(REGEX(?x, 'and')) }")
    assert labels == []


def test_every_mention_points_at_its_words_in_the_original(store):
    raw = SEED.read_text(encoding="utf-8")
    rows = select(
        store,
        """SELECT ?label ?start ?end ?exact WHERE {
              ?mention a vet:Mention ; oa:hasBody/rdfs:label ?label ; oa:hasTarget ?span .
              ?span oa:hasSource ?doc ; oa:hasSelector ?pos, ?quote .
              ?pos oa:start ?start ; oa:end ?end . ?quote oa:exact ?exact }""",
    )
    assert len(rows) > 80
    for r in rows:
        original = raw[int(r["start"]) : int(r["end"])]
        assert original == r["exact"]
        squeezed = "".join(original.split())
        assert squeezed.strip("“”") == r["label"] or r["label"] in squeezed or squeezed in r["label"]


def test_every_measure_has_its_sentence_in_the_original(store):
    raw = SEED.read_text(encoding="utf-8")
    rows = select(
        store,
        """SELECT ?text ?start ?end WHERE { ?m a vet:Measure ; vet:text ?text ; vet:textSpan ?s .
              ?s oa:hasSelector ?p . ?p oa:start ?start ; oa:end ?end }""",
    )
    assert len(rows) == 45
    for r in rows:
        original = raw[int(r["start"]) : int(r["end"])]
        assert "".join(original.split()) == "".join(r["text"].split())
