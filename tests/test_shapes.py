"""The SHACL shapes accept a graph built as ontology/README.md describes and reject each fault
with the message that names it."""
from __future__ import annotations

import time
from decimal import Decimal

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from vetkg.ontology.namespace import OA, VET
from vetkg.shapes.validate import (
    NonConformingGraph,
    ValidationResult,
    class_hierarchy,
    ensure_conforms,
    load_shapes,
    validate_graph,
    validate_store,
)
from vetkg.store import get_store
from vetkg.store.terms import triples_from_rdflib

SCHEMA = Namespace("https://schema.org/")
BASE = "https://w3id.org/vetkg/"
DOC = Namespace(BASE + "doc/津教职函-2025-1号/")
NOTICE = URIRef(BASE + "doc/津教职函-2025-1号")
ID = Namespace(BASE + "id/")

SOURCE = (
    "津教职函〔2025〕1号\n关于印发2025年天津市职业教育工作要点的通知\n"
    "三、提升院校关键办学能力\n"
    "实施第二轮“双高计划”，遴选打造7所左右国家级高水平学校和专业群。"
)

MEASURE = DOC["area/3/measure/1"]
AREA = DOC["area/3"]
PLAN = DOC["plan"]
ORG_COMMISSION = ID["org/天津市教育委员会"]
ORG_COLLEGE = ID["org/天津职业大学"]
PROGRAMME = ID["programme/双高计划"]
TARGET = DOC["target/50-72"]
MENTION = DOC["mention/56-62"]
# A class no ontology defines, for the test that the stored ontology is read.
PILOT_COLLEGE = URIRef("https://example.org/test#PilotCollege")


def zh(text: str) -> Literal:
    return Literal(text, lang="zh")


def add_span(g: Graph, start: int, end: int) -> URIRef:
    span = DOC[f"span/{start}-{end}"]
    position = URIRef(f"{span}#position")
    quote = URIRef(f"{span}#quote")
    g.add((span, RDF.type, OA.SpecificResource))
    g.add((span, OA.hasSource, NOTICE))
    g.add((span, OA.hasSelector, position))
    g.add((span, OA.hasSelector, quote))
    g.add((position, RDF.type, OA.TextPositionSelector))
    g.add((position, OA.start, Literal(start, datatype=XSD.nonNegativeInteger)))
    g.add((position, OA.end, Literal(end, datatype=XSD.nonNegativeInteger)))
    g.add((quote, RDF.type, OA.TextQuoteSelector))
    g.add((quote, OA.exact, Literal(SOURCE[start:end])))
    return span


def valid_graph() -> Graph:
    """One notice with its plan, a work area, a measure, a target, a mention and an involvement."""
    g = Graph()
    g.add((NOTICE, RDF.type, VET.Notice))
    g.add((NOTICE, DCTERMS.title, zh("关于印发2025年天津市职业教育工作要点的通知")))
    g.add((NOTICE, VET.documentNumber, Literal("津教职函〔2025〕1号")))
    g.add((NOTICE, DCTERMS.issued, Literal("2025-04-18", datatype=XSD.date)))
    g.add((NOTICE, VET.issuedBy, ORG_COMMISSION))
    g.add((NOTICE, VET.addressedTo, ID["addressee/各区"]))
    g.add((NOTICE, VET.issues, PLAN))
    g.add((NOTICE, VET.sourceText, Literal(SOURCE)))
    g.add((NOTICE, VET.contentDigest, Literal("ab" * 32)))

    g.add((PLAN, RDF.type, VET.WorkPlan))
    g.add((PLAN, DCTERMS.title, zh("2025年天津市职业教育工作要点")))
    g.add((PLAN, VET.year, Literal("2025", datatype=XSD.gYear)))

    g.add((AREA, RDF.type, VET.WorkArea))
    g.add((AREA, VET.partOf, PLAN))
    g.add((AREA, VET.ordinal, Literal(3)))
    g.add((AREA, DCTERMS.title, zh("提升院校关键办学能力")))
    g.add((AREA, VET.textSpan, add_span(g, 40, 50)))

    measure_text = SOURCE[50:]
    g.add((MEASURE, RDF.type, VET.Measure))
    g.add((MEASURE, VET.partOf, AREA))
    g.add((MEASURE, VET.ordinal, Literal(1)))
    g.add((MEASURE, VET.text, zh(measure_text)))
    g.add((MEASURE, VET.actionVerb, zh("实施")))
    g.add((MEASURE, VET.actionVerb, zh("遴选")))
    g.add((MEASURE, VET.mentions, PROGRAMME))
    g.add((MEASURE, VET.involves, ORG_COLLEGE))
    involvement = URIRef(f"{MEASURE}/involvement/1")
    g.add((MEASURE, VET.hasInvolvement, involvement))
    g.add((involvement, RDF.type, VET.Involvement))
    g.add((involvement, VET.agent, ORG_COLLEGE))
    g.add((involvement, VET.role, VET.roleSupport))
    g.add((MEASURE, VET.setsTarget, TARGET))
    g.add((MEASURE, VET.textSpan, add_span(g, 50, len(SOURCE))))
    g.add((MEASURE, PROV.wasDerivedFrom, NOTICE))

    g.add((TARGET, RDF.type, VET.QuantifiedTarget))
    g.add((TARGET, SCHEMA.value, Literal(7)))
    g.add((TARGET, SCHEMA.unitText, Literal("所")))
    g.add((TARGET, VET.countedThing, zh("国家级高水平学校和专业群")))
    g.add((TARGET, VET.approximate, Literal(True)))
    g.add((TARGET, VET.comparator, Literal("approximately")))
    g.add((TARGET, VET.targetAction, zh("遴选打造")))
    g.add((TARGET, VET.textSpan, add_span(g, 66, 72)))
    g.add((TARGET, VET.foundIn, MEASURE))

    g.add((MENTION, RDF.type, VET.Mention))
    g.add((MENTION, RDF.type, OA.Annotation))
    mention_span = add_span(g, 56, 62)
    g.add((MENTION, OA.hasBody, PROGRAMME))
    g.add((MENTION, OA.hasTarget, mention_span))
    g.add((MENTION, VET.textSpan, mention_span))
    g.add((MENTION, VET.foundIn, MEASURE))
    g.add((MENTION, VET.foundBy, VET.recogniserRules))

    for org, name, cls in (
        (ORG_COMMISSION, "天津市教育委员会", VET.GovernmentBody),
        (ORG_COLLEGE, "天津职业大学", VET.HigherVocationalCollege),
    ):
        g.add((org, RDF.type, cls))
        g.add((org, RDFS.label, zh(name)))
        g.add((org, SKOS.prefLabel, zh(name)))
    g.add((ID["addressee/各区"], RDF.type, VET.AddresseeGroup))
    g.add((ID["addressee/各区"], RDFS.label, zh("各区")))
    g.add((PROGRAMME, RDF.type, VET.Programme))
    g.add((PROGRAMME, VET.programmeKind, VET.kindPlan))
    g.add((PROGRAMME, RDFS.label, zh("双高计划")))
    return g


def only_errors(result: ValidationResult):
    return [v for v in result.violations if v.severity == "Violation"]


def single_error(g: Graph):
    result = validate_graph(g)
    errors = only_errors(result)
    assert not result.conforms, result.text
    assert len(errors) == 1, result.text
    return errors[0]


def position_of(start: int, end: int) -> URIRef:
    return URIRef(f"{DOC[f'span/{start}-{end}']}#position")


# ------------------------------------------------------------------------------------------------


def test_valid_graph_conforms() -> None:
    g = valid_graph()
    result = validate_graph(g)
    assert result.conforms, result.text
    assert result.violations == []
    assert "conforms" in result.text
    assert f"{len(g)} triples" in result.text


def test_validation_leaves_the_data_graph_unchanged() -> None:
    g = valid_graph()
    before = set(g)
    validate_graph(g)
    assert set(g) == before


def test_subclass_instances_are_checked_by_the_superclass_shape() -> None:
    # A college without any name: only the Organization shape, reached through
    # HigherVocationalCollege ⊑ Organization, can see this.
    g = valid_graph()
    g.remove((ORG_COLLEGE, RDFS.label, None))
    g.remove((ORG_COLLEGE, SKOS.prefLabel, None))
    error = single_error(g)
    assert error.focus_node == ORG_COLLEGE
    assert "rdfs:label 或 skos:prefLabel" in error.message_zh
    assert "An organisation" in error.message_en


def test_hierarchy_has_every_subclass_the_shapes_rely_on() -> None:
    # Whether it comes from ontology/vetkg.ttl or from the fallback, each of these must reach its
    # superclass, or the superclass's shape silently skips its instances.
    supers: dict = {}
    for sub, sup in class_hierarchy():
        supers.setdefault(sub, set()).add(sup)

    def reaches(cls, goal, seen=()) -> bool:
        return cls == goal or any(reaches(s, goal, (*seen, cls)) for s in supers.get(cls, ()) if s not in seen)

    expected = {
        VET.Organization: [
            VET.GovernmentBody, VET.HigherVocationalCollege, VET.SecondaryVocationalSchool, VET.University,
            VET.ResearchInstitute, VET.Centre, VET.Alliance, VET.Enterprise,
        ],
        VET.Place: [VET.Country, VET.Region, VET.AdministrativeArea, VET.EconomicZone],
        VET.Publication: [VET.Periodical, VET.Report],
        VET.Target: [VET.QuantifiedTarget, VET.OrdinalTarget],
    }
    missing = [(sub, sup) for sup, subs in expected.items() for sub in subs if not reaches(sub, sup)]
    assert missing == []


def test_missing_provenance_on_a_measure() -> None:
    g = valid_graph()
    g.remove((MEASURE, VET.textSpan, None))
    error = single_error(g)
    assert error.focus_node == MEASURE
    assert error.path == VET.textSpan
    assert error.message_en.startswith("A measure points to its place in the source text")
    assert "措施必须指明原文出处" in error.message_zh


def test_mention_says_what_found_it() -> None:
    g = valid_graph()
    g.remove((MENTION, VET.foundBy, None))
    error = single_error(g)
    assert (error.focus_node, error.path) == (MENTION, VET.foundBy)
    g.add((MENTION, VET.foundBy, VET.roleSupport))  # an individual of the ontology, not a recogniser
    error = single_error(g)
    assert (error.focus_node, error.path, error.value) == (MENTION, VET.foundBy, VET.roleSupport)
    assert "vet:foundBy" in error.message_en


def test_span_without_a_source_notice() -> None:
    g = valid_graph()
    span = DOC[f"span/50-{len(SOURCE)}"]
    g.remove((span, OA.hasSource, None))
    error = single_error(g)
    assert error.focus_node == span
    assert error.path == OA.hasSource
    assert "oa:hasSource" in error.message_en


def test_label_without_zh_tag() -> None:
    g = valid_graph()
    g.remove((PROGRAMME, RDFS.label, None))
    g.add((PROGRAMME, RDFS.label, Literal("双高计划")))
    errors = only_errors(validate_graph(g))
    assert {(e.focus_node, e.path, e.value) for e in errors} == {
        (PROGRAMME, RDFS.label, Literal("双高计划")),  # a vetkg thing's name is tagged
        (PROGRAMME, None, PROGRAMME),  # and it has a Chinese one
    }
    messages = {e.message_en for e in errors}
    assert "A programme has a Chinese name (an rdfs:label or skos:prefLabel tagged @zh)." in messages
    assert any("必须带语言标签" in e.message_zh for e in errors)


def test_an_english_label_or_title_beside_the_chinese_one_is_accepted() -> None:
    g = valid_graph()
    g.add((AREA, DCTERMS.title, Literal("Improve key capacities", lang="en")))
    g.add((PROGRAMME, RDFS.label, Literal("Double High Plan", lang="en")))
    g.add((PROGRAMME, SKOS.prefLabel, Literal("Double High Plan", lang="en")))
    g.add((NOTICE, DCTERMS.title, Literal("Notice on the 2025 key points", lang="en")))
    result = validate_graph(g)
    assert result.conforms, result.text
    assert not result.violations  # not even the one-preferred-label warning


def test_the_chinese_name_and_title_stay_required() -> None:
    g = valid_graph()
    g.remove((PROGRAMME, RDFS.label, None))
    g.remove((PROGRAMME, SKOS.prefLabel, None))
    g.add((PROGRAMME, RDFS.label, Literal("Double High Plan", lang="en")))
    g.remove((NOTICE, DCTERMS.title, None))
    g.add((NOTICE, DCTERMS.title, Literal("Notice on the 2025 key points", lang="en")))
    g.add((AREA, DCTERMS.title, Literal("Improve key capacities", lang="en")))
    g.add((AREA, DCTERMS.title, Literal("Improve capacities", lang="en")))  # two in one language
    errors = only_errors(validate_graph(g))
    assert {(e.focus_node, e.source_shape.rsplit("#", 1)[-1]) for e in errors} == {
        (PROGRAMME, "ProgrammeShape"), (NOTICE, "Notice-title"), (AREA, "WorkArea-title"),
    }
    assert any("exactly one dcterms:title tagged @zh" in e.message_en for e in errors)


def test_a_graph_outside_the_vetkg_vocabulary_is_checked_only_where_shapes_target_it() -> None:
    ex = Namespace("http://example.org/w3c-test#")
    g = Graph()
    g.add((ex.alice, RDF.type, URIRef("http://xmlns.com/foaf/0.1/Person")))
    g.add((ex.alice, RDFS.label, Literal("Alice", lang="en")))
    g.add((ex.bob, RDFS.label, Literal("Bob")))  # a plain literal, as many test suites write them
    g.add((ex.bob, DCTERMS.title, Literal("Dr", lang="en")))
    g.add((ex.bob, DCTERMS.title, Literal("Doctor", lang="en")))
    g.add((ex.doc, SKOS.prefLabel, Literal("Document", lang="en")))
    result = validate_graph(g)
    assert result.conforms, result.text
    # A shape that does target what such a graph holds still applies: a label is a string.
    g.add((ex.carol, RDFS.label, ex.notAString))
    errors = only_errors(validate_graph(g))
    assert [(e.focus_node, e.path, e.value) for e in errors] == [(ex.carol, RDFS.label, ex.notAString)]


@pytest.mark.parametrize(
    "date",
    [
        Literal("2025年4月18日"),
        Literal("2025年4月18日", datatype=XSD.date),  # ill-typed: the lexical form is no date
        Literal("2025-04-18T00:00:00", datatype=XSD.dateTime),
        Literal("2025-04-18", lang="zh"),
    ],
)
def test_date_that_is_not_xsd_date(date: Literal) -> None:
    g = valid_graph()
    g.set((NOTICE, DCTERMS.issued, date))
    error = single_error(g)
    assert error.focus_node == NOTICE
    assert error.path == DCTERMS.issued
    assert error.message_en == "Every dcterms:issued is an xsd:date."
    assert "xsd:date" in error.message_zh


def test_non_numeric_target_value() -> None:
    g = valid_graph()
    g.set((TARGET, SCHEMA.value, Literal("七")))
    error = single_error(g)
    assert error.focus_node == TARGET
    assert error.path == SCHEMA.value
    assert error.value == Literal("七")
    assert "xsd:integer or xsd:decimal" in error.message_en


def test_decimal_target_value_is_accepted() -> None:
    g = valid_graph()
    g.set((TARGET, SCHEMA.value, Literal(Decimal("1.5"))))
    assert validate_graph(g).conforms


def test_quantified_target_needs_its_unit_and_counted_thing() -> None:
    g = valid_graph()
    g.remove((TARGET, SCHEMA.unitText, None))
    g.remove((TARGET, VET.countedThing, None))
    errors = only_errors(validate_graph(g))
    assert {e.path for e in errors} == {SCHEMA.unitText, VET.countedThing}


@pytest.mark.parametrize(
    "number",
    ["津教职函〔2025〕1号", "津滨教体〔2025〕12号", "教职成〔2019〕13号", "教职成[2019]13号", "津教职函（2025）1号"],
)
def test_good_document_numbers(number: str) -> None:
    g = valid_graph()
    g.set((NOTICE, VET.documentNumber, Literal(number)))
    result = validate_graph(g)
    assert result.conforms, result.text


@pytest.mark.parametrize(
    "number", ["津教职函2025-1", "津教职函〔25〕1号", "津教职函〔2025）1号", "〔2025〕1号", "津教职函〔2025〕号"]
)
def test_bad_document_number(number: str) -> None:
    g = valid_graph()
    g.set((NOTICE, VET.documentNumber, Literal(number)))
    error = single_error(g)
    assert error.focus_node == NOTICE
    assert error.path == VET.documentNumber
    assert error.value == Literal(number)
    assert "津教职函〔2025〕1号" in error.message_en
    assert "发文字号" in error.message_zh


def test_involves_pointing_to_a_non_organisation() -> None:
    g = valid_graph()
    g.add((MEASURE, VET.involves, PROGRAMME))
    error = single_error(g)
    assert error.focus_node == MEASURE
    assert error.path == VET.involves
    assert error.value == PROGRAMME
    assert error.message_en == "Every vet:involves points to a vet:Organization."


def test_span_whose_start_is_not_before_its_end() -> None:
    g = valid_graph()
    position = position_of(40, 50)
    g.set((position, OA.start, Literal(50, datatype=XSD.nonNegativeInteger)))
    error = single_error(g)
    assert error.focus_node == position
    assert error.path == OA.start
    assert error.message_en == "A text span's oa:start is less than its oa:end."
    assert "起点（oa:start）必须小于终点（oa:end）" in error.message_zh


@pytest.mark.parametrize(
    "end", [Literal("50"), Literal(50.0), Literal(-1), Literal(-1, datatype=XSD.nonNegativeInteger)]
)
def test_span_offsets_are_non_negative_integers(end: Literal) -> None:
    g = valid_graph()
    position = position_of(40, 50)
    g.set((position, OA.end, end))
    errors = only_errors(validate_graph(g))
    assert any(e.path == OA.end and "a non-negative xsd:integer" in e.message_en for e in errors), errors


def test_span_offsets_read_back_from_oxigraph_as_xsd_integer_conform() -> None:
    g = valid_graph()
    for position in list(g.subjects(RDF.type, OA.TextPositionSelector)):
        for prop in (OA.start, OA.end):
            g.set((position, prop, Literal(int(g.value(position, prop)))))
    result = validate_graph(g)
    assert result.conforms, result.text


def test_measure_with_two_parents() -> None:
    g = valid_graph()
    other_area = DOC["area/4"]
    g.add((other_area, RDF.type, VET.WorkArea))
    g.add((other_area, VET.partOf, PLAN))
    g.add((other_area, VET.ordinal, Literal(4)))
    g.add((other_area, DCTERMS.title, zh("创新产教融合发展机制")))
    g.add((other_area, VET.textSpan, DOC["span/40-50"]))
    g.add((MEASURE, VET.partOf, other_area))
    error = single_error(g)
    assert error.focus_node == MEASURE
    assert error.path == VET.partOf
    assert error.message_en.startswith("A measure is part of exactly one")


def test_part_of_must_point_to_the_structure() -> None:
    g = valid_graph()
    g.set((MEASURE, VET.partOf, ORG_COLLEGE))
    error = single_error(g)
    assert error.path == VET.partOf
    assert error.value == ORG_COLLEGE
    assert "vet:WorkPlan, vet:Part, vet:WorkArea, vet:Box, vet:Attachment or vet:Notice" in error.message_en


def test_report_text_names_the_label_path_value_and_both_messages() -> None:
    g = valid_graph()
    g.add((MEASURE, VET.involves, PROGRAMME))
    text = validate_graph(g).text
    assert "does not conform" in text
    assert "vet:involves" in text
    assert "双高计划" in text  # the value, by IRI
    assert "参与机构（vet:involves）必须是机构" in text
    assert "Every vet:involves points to a vet:Organization." in text
    g2 = valid_graph()
    g2.remove((ORG_COLLEGE, SKOS.prefLabel, None))
    g2.set((ORG_COLLEGE, RDFS.label, Literal("天津职业大学", lang="en")))
    assert "«天津职业大学»" in validate_graph(g2).text  # focus node shown with its label


def test_focus_nodes_check_only_the_given_nodes() -> None:
    g = valid_graph()
    g.set((NOTICE, DCTERMS.issued, Literal("yesterday")))  # a fault outside the focus
    g.add((MEASURE, VET.involves, PROGRAMME))  # a fault on the focus node
    result = validate_graph(g, focus_nodes=[MEASURE])
    assert not result.conforms
    assert {(v.focus_node, v.path) for v in result.violations} == {(MEASURE, VET.involves)}

    clean = validate_graph(g, focus_nodes=[AREA, TARGET])
    assert clean.conforms, clean.text
    assert "2 nodes" in clean.text

    full = validate_graph(g)
    assert {v.path for v in full.violations} == {VET.involves, DCTERMS.issued}


def test_ensure_conforms_raises_with_one_line() -> None:
    ensure_conforms(valid_graph(), "津教职函〔2025〕1号")
    g = valid_graph()
    g.remove((MEASURE, VET.textSpan, None))
    g.set((NOTICE, DCTERMS.issued, Literal("2025")))
    with pytest.raises(NonConformingGraph) as caught:
        ensure_conforms(g, "graph/津教职函-2025-1号")
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("graph/津教职函-2025-1号 does not conform")
    assert "2 violations" in message
    assert caught.value.result.conforms is False
    assert len(caught.value.result.violations) == 2


def test_validate_store_uses_document_graphs_only() -> None:
    store = get_store("memory")
    store.replace_graphs({BASE + "graph/津教职函-2025-1号": list(triples_from_rdflib(valid_graph()))})
    # Shapes and history hold things the data shapes would reject (English labels): left out.
    # (The stored shapes graph is the one validated against, as the write gate does: it holds the
    # shapes and the junk triple.)
    junk = Graph()
    junk.add((URIRef(BASE + "history/1"), RDFS.label, Literal("build", lang="en")))
    store.replace_graphs({BASE + "graph/history": list(triples_from_rdflib(junk))})
    shapes = Graph()
    shapes += load_shapes()
    shapes += junk
    store.replace_graphs({BASE + "graph/shapes": list(triples_from_rdflib(shapes))})
    result = validate_store(store)
    assert result.conforms, result.text
    assert "1 data graph" in result.text

    # The store validates the union: a second graph adds a measure to the first one's work area.
    other = Graph()
    stray = DOC["area/3/measure/2"]
    other.add((stray, RDF.type, VET.Measure))
    other.add((stray, VET.partOf, AREA))
    other.add((stray, VET.ordinal, Literal(2)))
    other.add((stray, VET.text, zh("推进产教融合。")))
    store.replace_graphs({BASE + "graph/other": list(triples_from_rdflib(other))})
    result = validate_store(store)
    assert not result.conforms
    assert [(v.focus_node, v.path) for v in result.violations] == [(stray, VET.textSpan)]


def test_validate_store_checks_against_the_stored_shapes_as_the_write_gate_does() -> None:
    store = get_store("memory")
    store.replace_graphs({BASE + "graph/津教职函-2025-1号": list(triples_from_rdflib(valid_graph()))})
    assert validate_store(store).conforms
    SH = Namespace("http://www.w3.org/ns/shacl#")
    strict = Graph()
    strict += load_shapes()
    shape, prop = URIRef(BASE + "shapes/MeasureComment"), URIRef(BASE + "shapes/MeasureComment/comment")
    strict.add((shape, RDF.type, SH.NodeShape))
    strict.add((shape, SH.targetClass, VET.Measure))
    strict.add((shape, SH.property, prop))
    strict.add((prop, SH.path, RDFS.comment))
    strict.add((prop, SH.minCount, Literal(1)))
    store.replace_graphs({BASE + "graph/shapes": list(triples_from_rdflib(strict))})
    result = validate_store(store)
    assert not result.conforms
    assert {v.path for v in result.violations} == {RDFS.comment}


def test_validate_store_takes_the_hierarchy_from_the_stored_ontology() -> None:
    store = get_store("memory")
    g = valid_graph()
    # A class only a stored ontology knows about: its instances are organisations there.
    g.set((ORG_COLLEGE, RDF.type, PILOT_COLLEGE))
    ontology = Graph()
    for sub, sup in class_hierarchy():
        ontology.add((sub, RDFS.subClassOf, sup))
    ontology.add((PILOT_COLLEGE, RDFS.subClassOf, VET.Organization))
    store.replace_graphs({BASE + "graph/d": list(triples_from_rdflib(g))})
    store.replace_graphs({"https://w3id.org/vetkg/ontology": list(triples_from_rdflib(ontology))})
    assert result_conforms(validate_store(store))
    # Without the stored ontology the class is unknown and the college is no organisation.
    store.remove_graph("https://w3id.org/vetkg/ontology")
    result = validate_store(store)
    assert not result.conforms
    assert {(v.path, v.value) for v in result.violations} == {(VET.involves, ORG_COLLEGE), (VET.agent, ORG_COLLEGE)}


def result_conforms(result: ValidationResult) -> bool:
    assert result.conforms, result.text
    return True


def test_three_thousand_triples_validate_quickly() -> None:
    g = valid_graph()
    base = len(g)
    k = 0
    while len(g) < 3000:
        k += 1
        m = DOC[f"area/3/measure/{k + 1}"]
        g.add((m, RDF.type, VET.Measure))
        g.add((m, VET.partOf, AREA))
        g.add((m, VET.ordinal, Literal(k + 1)))
        g.add((m, VET.text, zh(f"措施{k}")))
        g.add((m, VET.actionVerb, zh("推进")))
        g.add((m, VET.involves, ORG_COLLEGE))
        g.add((m, VET.textSpan, add_span(g, 100 + k, 110 + k)))
    assert len(g) > base
    validate_graph(valid_graph())  # parse and cache the shapes first
    started = time.perf_counter()
    result = validate_graph(g)
    elapsed = time.perf_counter() - started
    assert result.conforms, result.text[:2000]
    assert elapsed < 10, f"{elapsed:.1f}s for {len(g)} triples"


def test_two_preferred_labels_warn_without_failing() -> None:
    # Two documents may spell one organisation differently; the union is still usable.
    g = valid_graph()
    g.add((ORG_COLLEGE, SKOS.prefLabel, zh("天津职大")))
    result = validate_graph(g)
    assert result.conforms, result.text
    assert [(v.focus_node, v.path, v.severity) for v in result.violations] == [
        (ORG_COLLEGE, SKOS.prefLabel, "Warning")
    ]
    assert "[Warning]" in result.text


def test_focus_node_validation_reports_nested_shape_violations():
    """pyshacl 0.40's own focus_nodes option passes sh:or value checks it should fail: a part
    of a Place is caught only when the whole graph is validated."""
    g = Graph()
    a, b = URIRef("http://example.org/a"), URIRef("http://example.org/b")
    g.add((a, VET.partOf, b))
    g.add((b, RDF.type, VET.Place))
    result = validate_graph(g, focus_nodes=[a])
    assert not result.conforms
    assert {str(v.source_shape) for v in result.violations} == {"https://w3id.org/vetkg/shapes#PartOf-value"}
    assert all(v.focus_node == a for v in result.violations)
