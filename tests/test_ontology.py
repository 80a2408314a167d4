"""The OWL ontology: its header, its terms against namespace.py, its annotations and alignments,
and the HermiT check in vetkg.ontology.owl (which must find real problems, not just say yes)."""
from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import redirect_stdout
from pathlib import Path

import owlready2
import pytest
from rdflib import OWL, RDF, RDFS, SKOS, Dataset, Graph, Literal, URIRef

from vetkg.ontology import ONTOLOGY_FILE, ONTOLOGY_IRI, VET
from vetkg.ontology.owl import ConsistencyResult, check_consistency, load_ontology_graph, main

VET_NS = str(VET._NS)
ONTOLOGY = URIRef(ONTOLOGY_IRI)
TERM_KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.NamedIndividual)
DECLARATION_KINDS = (*TERM_KINDS, OWL.AnnotationProperty)
BUILTIN_NAMESPACES = (str(RDF), str(RDFS), str(OWL))
TEST_NS = "https://example.org/vetkg-test#"

# A document as README.md's "Shape of the data" writes it, with every vet: property in use, so
# that the ontology's domains, ranges and disjointness are tried against real-looking data.
README_DATA = """
@base <https://w3id.org/vetkg/> .
@prefix vet: <https://w3id.org/vetkg/ontology#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix schema: <https://schema.org/> .
@prefix oa: <http://www.w3.org/ns/oa#> .

<doc/D> a vet:Notice ;
    dcterms:title "关于印发2025年天津市职业教育工作要点的通知"@zh ;
    vet:documentNumber "津教职函〔2025〕1号" ;
    dcterms:issued "2025-04-18"^^xsd:date ;
    vet:issuedBy <id/org/天津市教育委员会> , <id/org/中共天津市委教育工作委员会> ;
    vet:addressedTo <id/addressee/各区> , <id/addressee/各职业学校> ;
    vet:issues <doc/D/plan> ;
    vet:sourceText "……2025年天津市职业教育工作要点……" ;
    vet:contentDigest "777b55b23df1fdd7777b55b23df1fdd7777b55b23df1fdd7777b55b23df1fdd7" .

<doc/D/plan> a vet:WorkPlan ; dcterms:title "2025年天津市职业教育工作要点"@zh ;
    vet:year "2025"^^xsd:gYear .

<doc/D/requirements> a vet:GeneralRequirements ; vet:partOf <doc/D/plan> ;
    vet:text "2025年全市职业教育工作总体要求是……"@zh ; vet:goal "深化产教融合"@zh , "促进职普融通"@zh ;
    vet:mentions <id/event/全国教育大会> ; vet:textSpan <doc/D/span/10-40> .

<doc/D/i3> a vet:WorkArea ; vet:partOf <doc/D/plan> ; vet:ordinal 3 ;
    dcterms:title "提升院校关键办学能力"@zh ; vet:text "三、提升院校关键办学能力……"@zh ;
    vet:textSpan <doc/D/span/100-400> .

<doc/D/i3/measure/1> a vet:Measure ; vet:partOf <doc/D/i3> ; vet:ordinal 1 ;
    vet:text "实施第二轮“双高计划”，遴选打造7所左右国家级高水平学校和专业群。"@zh ;
    vet:actionVerb "实施"@zh , "遴选"@zh ;
    vet:mentions <id/programme/双高计划> , <id/org/天津职业技术师范大学> ;
    vet:involves <id/org/天津职业技术师范大学> ;
    vet:hasInvolvement <doc/D/i3/measure/1/involvement/1> ;
    vet:targetsIndustry <id/industry/轨道交通> ;
    vet:citesLaw <id/law/天津市职业教育条例> ;
    vet:setsTarget <doc/D/target/120-140> , <doc/D/target/102-110> ;
    vet:textSpan <doc/D/span/100-150> ;
    prov:wasDerivedFrom <doc/D> .

<doc/D/i3/measure/1/involvement/1> a vet:Involvement ;
    vet:agent <id/org/天津职业技术师范大学> ; vet:role vet:roleSupport .

<doc/D/target/120-140> a vet:QuantifiedTarget ; schema:value 7 ; schema:unitText "所" ;
    vet:countedThing "国家级高水平学校和专业群"@zh ; vet:approximate true ;
    vet:comparator "approximately" ; vet:targetAction "遴选打造"@zh ; vet:valueKind "level" ;
    vet:year "2025"^^xsd:gYear ;
    vet:textSpan <doc/D/span/120-140> ; vet:foundIn <doc/D/i3/measure/1> .

<doc/D/area/3/measure/1> vet:statesBaseline <doc/D/baseline/90-99> .
<doc/D/baseline/90-99> a vet:Baseline ; schema:value 6 ; schema:unitText "个" ;
    vet:countedThing "区域开放型产教融合实践中心"@zh ; vet:approximate false ; vet:comparator "exactly" ;
    vet:targetAction "依托"@zh ; vet:year "2024"^^xsd:gYear ;
    vet:textSpan <doc/D/span/90-99> ; vet:foundIn <doc/D/area/3/measure/1> .

<doc/D/target/102-110> a vet:OrdinalTarget ; vet:ordinalNumber 2 ; vet:ordinalUnit "轮" ;
    vet:concerns <id/programme/双高计划> ; vet:locatedIn <id/place/天津市> ;
    vet:textSpan <doc/D/span/102-110> ; vet:foundIn <doc/D/i3/measure/1> .

<doc/D/ch2> a vet:Part , vet:Chapter ; vet:partOf <doc/D/plan> ; vet:ordinal 2 ; vet:marker "第二章" ;
    dcterms:title "重点任务"@zh ; vet:textSpan <doc/D/span/500-505> .

<doc/D/ch2/s1> a vet:WorkArea , vet:Section ; vet:partOf <doc/D/ch2> ; vet:ordinal 1 ; vet:marker "第一节" ;
    dcterms:title "优化院校布局"@zh ; vet:text "优化院校布局……"@zh ; vet:textSpan <doc/D/span/506-560> .

<doc/D/ch2/s1/box1> a vet:Box ; vet:partOf <doc/D/ch2/s1> ; vet:ordinal 1 ; vet:marker "专栏1" ;
    dcterms:title "专栏1 职业教育提质培优重点工程"@zh ; vet:text "职业教育提质培优重点工程……"@zh ;
    vet:textSpan <doc/D/span/561-600> .

<doc/D/ch2/s1/box1/measure/1> a vet:Measure ; vet:partOf <doc/D/ch2/s1/box1> ; vet:ordinal 1 ;
    vet:text "高水平专业群建设工程。"@zh ; vet:textSpan <doc/D/span/570-580> .

<doc/D/ch2/s1/row/1> a vet:TableRow ; vet:partOf <doc/D/ch2/s1> ; vet:ordinal 1 ;
    vet:text "高职学校数（所）\t80\t90"@zh ; vet:textSpan <doc/D/span/601-615> ;
    vet:mentions <id/org/天津职业大学> ; vet:setsTarget <doc/D/target/612-614> .

<doc/D/att1> a vet:Attachment ; vet:partOf <doc/D> ; vet:ordinal 1 ;
    dcterms:title "第二批省级产教融合实训基地名单"@zh ; vet:text "第二批省级产教融合实训基地名单"@zh ;
    vet:textSpan <doc/D/span/700-715> .

<doc/D/att1/row/1> a vet:TableRow ; vet:partOf <doc/D/att1> ; vet:ordinal 1 ;
    vet:text "1.\t天津职业大学"@zh ; vet:textSpan <doc/D/span/716-724> ;
    vet:involves <id/org/天津职业大学> ; vet:hasInvolvement <doc/D/att1/row/1/involvement/1> .

<doc/D/att1/row/1/involvement/1> a vet:Involvement ;
    vet:agent <id/org/天津职业大学> ; vet:role vet:roleImplement .

<doc/D> vet:copiedTo <id/addressee/教育部职业教育与成人教育司> .
<id/addressee/教育部职业教育与成人教育司> a vet:AddresseeGroup ; rdfs:label "教育部职业教育与成人教育司"@zh .

<doc/D/mention/104-108> a vet:Mention , oa:Annotation ; oa:hasBody <id/programme/双高计划> ;
    oa:hasTarget <doc/D/span/104-108> ; vet:textSpan <doc/D/span/104-108> ;
    vet:foundIn <doc/D/i3/measure/1> .

<doc/D/span/104-108> a oa:SpecificResource ; oa:hasSource <doc/D> ;
    oa:hasSelector <doc/D/span/104-108#position> , <doc/D/span/104-108#quote> .
<doc/D/span/104-108#position> a oa:TextPositionSelector ; oa:start 104 ; oa:end 108 .
<doc/D/span/104-108#quote> a oa:TextQuoteSelector ; oa:exact "双高计划" ; oa:prefix "实施第二轮“" ;
    oa:suffix "”，遴选" .

<id/org/天津市教育委员会> a vet:GovernmentBody ; rdfs:label "天津市教育委员会"@zh .
<id/org/中共天津市委教育工作委员会> a vet:GovernmentBody ; rdfs:label "中共天津市委教育工作委员会"@zh .
<id/org/天津职业技术师范大学> a vet:University ; rdfs:label "天津职业技术师范大学"@zh ;
    skos:prefLabel "天津职业技术师范大学"@zh ; vet:locatedIn <id/place/天津市> .
<id/org/天津职业大学> a vet:HigherVocationalCollege ; rdfs:label "天津职业大学"@zh .
<id/org/天津市教育科学研究院> a vet:ResearchInstitute , vet:Centre ; rdfs:label "天津市教育科学研究院"@zh .
<id/addressee/各区> a vet:AddresseeGroup ; rdfs:label "各区"@zh .
<id/addressee/各职业学校> a vet:AddresseeGroup ; rdfs:label "各职业学校"@zh .
<id/industry/轨道交通> a vet:Industry ; skos:inScheme vet:IndustryScheme ; skos:prefLabel "轨道交通"@zh .
<id/programme/双高计划> a vet:Programme ; vet:programmeKind vet:kindPlan ; rdfs:label "双高计划"@zh .
<id/law/天津市职业教育条例> a vet:Law ; rdfs:label "天津市职业教育条例"@zh .
<id/event/全国教育大会> a vet:Event ; rdfs:label "全国教育大会"@zh .
<id/place/天津市> a vet:AdministrativeArea ; rdfs:label "天津市"@zh .
<id/place/哈萨克斯坦> a vet:Country ; rdfs:label "哈萨克斯坦"@zh .
<id/publication/鲁班工坊质量年度报告> a vet:Report ; vet:publishedBy <id/org/天津市教育科学研究院> ;
    rdfs:label "鲁班工坊质量年度报告"@zh .
"""

PREFIXES = """
@prefix vet: <https://w3id.org/vetkg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix t: <https://example.org/vetkg-test#> .
"""


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_ontology_graph()


@pytest.fixture(scope="module")
def ontology_result(ontology: Graph) -> ConsistencyResult:
    return check_consistency(ontology)


def _turtle(text: str) -> Graph:
    return Graph().parse(data=PREFIXES + text, format="turtle")


def _broken(ontology: Graph, turtle: str) -> Graph:
    copy = Graph()
    for triple in ontology:
        copy.add(triple)
    for triple in _turtle(turtle):
        copy.add(triple)
    return copy


def _vet_terms(ontology: Graph, kinds: tuple[URIRef, ...] = TERM_KINDS) -> set[URIRef]:
    return {
        subject
        for kind in kinds
        for subject in ontology.subjects(RDF.type, kind)
        if isinstance(subject, URIRef) and str(subject).startswith(VET_NS)
    }


def _superclasses(ontology: Graph, cls: URIRef) -> Iterator[URIRef]:
    seen: set[URIRef] = set()
    todo = [cls]
    while todo:
        for parent in ontology.objects(todo.pop(), RDFS.subClassOf):
            if isinstance(parent, URIRef) and parent not in seen:
                seen.add(parent)
                todo.append(parent)
                yield parent


# (a) header


def test_ontology_file_parses_with_header(ontology: Graph) -> None:
    assert ONTOLOGY_FILE.name == "vetkg.ttl"
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(ONTOLOGY, OWL.versionIRI) == URIRef(ONTOLOGY_IRI + "/0.1.0")
    assert ontology.value(ONTOLOGY, OWL.versionInfo) == Literal("0.1.0")
    assert list(ontology.subjects(RDF.type, OWL.Ontology)) == [ONTOLOGY]
    prefix = URIRef("http://purl.org/vocab/vann/preferredNamespacePrefix")
    assert ontology.value(ONTOLOGY, prefix) == Literal("vet")
    for term in ("title", "description", "created", "license"):
        assert ontology.value(ONTOLOGY, URIRef("http://purl.org/dc/terms/" + term)) is not None, term


# (b) the ontology and namespace.py define the same terms


def test_defined_terms_equal_namespace(ontology: Graph) -> None:
    defined = {str(term)[len(VET_NS):] for term in _vet_terms(ontology)}
    assert defined == set(VET.__annotations__)


def test_no_undefined_vet_iri_is_used(ontology: Graph) -> None:
    # A typo in a domain or a disjointness list would otherwise name a class nobody defines.
    used = {
        node for node in ontology.all_nodes()
        if isinstance(node, URIRef) and str(node).startswith(VET_NS)
    }
    assert used - _vet_terms(ontology) == set()


def test_each_iri_has_one_kind(ontology: Graph) -> None:
    # OWL 2 DL (and owlready2) cannot take an IRI that is, say, both a class and a property.
    kinds: dict[URIRef, set[URIRef]] = {}
    for kind in DECLARATION_KINDS:
        for subject in ontology.subjects(RDF.type, kind):
            if isinstance(subject, URIRef):
                kinds.setdefault(subject, set()).add(kind)
    punned = {str(iri): sorted(map(str, found)) for iri, found in kinds.items() if len(found) > 1}
    assert punned == {}


def test_every_external_term_is_declared(ontology: Graph) -> None:
    declared = {s for kind in DECLARATION_KINDS for s in ontology.subjects(RDF.type, kind)}
    used: set[URIRef] = set(ontology.predicates())
    for link in (RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range, RDF.type):
        used.update(o for o in ontology.objects(None, link) if isinstance(o, URIRef))
    xsd = "http://www.w3.org/2001/XMLSchema#"
    undeclared = {str(iri) for iri in used - declared if not str(iri).startswith((*BUILTIN_NAMESPACES, xsd))}
    assert undeclared == set()


# (c) labels and definitions in both languages


@pytest.mark.parametrize("predicate", [RDFS.label, SKOS.definition], ids=["label", "definition"])
def test_every_term_has_zh_and_en(ontology: Graph, predicate: URIRef) -> None:
    problems = []
    for term in sorted(_vet_terms(ontology)):
        languages = [value.language for value in ontology.objects(term, predicate)
                     if isinstance(value, Literal)]
        if sorted(languages) != ["en", "zh"]:
            problems.append(f"{term}: {languages}")
        elif any(not str(value).strip() for value in ontology.objects(term, predicate)):
            problems.append(f"{term}: empty")
    assert problems == []


def test_definitions_are_real_sentences(ontology: Graph) -> None:
    # Guard against placeholder definitions that merely repeat the label.
    for term in _vet_terms(ontology):
        labels = {str(label) for label in ontology.objects(term, RDFS.label)}
        for definition in ontology.objects(term, SKOS.definition):
            assert str(definition) not in labels, term
            assert len(str(definition)) >= 12, (term, str(definition))


# (d) alignment to standard vocabularies


def test_every_class_is_aligned_outside_vet(ontology: Graph) -> None:
    unaligned = [
        str(cls) for cls in sorted(_vet_terms(ontology, (OWL.Class,)))
        if not any(not str(parent).startswith(VET_NS) and parent != OWL.Thing
                   for parent in _superclasses(ontology, cls))
    ]
    assert unaligned == []


def test_model_properties_have_domain_and_range(ontology: Graph) -> None:
    missing = [
        str(prop) for prop in sorted(_vet_terms(ontology, (OWL.ObjectProperty, OWL.DatatypeProperty)))
        if ontology.value(prop, RDFS.domain) is None or ontology.value(prop, RDFS.range) is None
    ]
    assert missing == []


def test_required_characteristics_and_alignments(ontology: Graph) -> None:
    assert (VET.approximate, RDF.type, OWL.FunctionalProperty) in ontology
    assert (VET.ordinalNumber, RDF.type, OWL.FunctionalProperty) in ontology
    prov = "http://www.w3.org/ns/prov#"
    assert (VET.textSpan, RDFS.subPropertyOf, URIRef(prov + "wasDerivedFrom")) in ontology
    assert (VET.Mention, RDFS.subClassOf, URIRef("http://www.w3.org/ns/oa#Annotation")) in ontology
    assert (VET.partOf, RDFS.subPropertyOf, URIRef("http://purl.org/dc/terms/isPartOf")) in ontology
    assert (VET.Industry, RDFS.subClassOf, SKOS.Concept) in ontology


def test_scheme_individuals(ontology: Graph) -> None:
    schemes = {VET.IndustryScheme, VET.RoleScheme, VET.ProgrammeKindScheme}
    for scheme in schemes:
        assert (scheme, RDF.type, SKOS.ConceptScheme) in ontology
    for cls, scheme, prefix in ((VET.Role, VET.RoleScheme, "role"),
                                (VET.ProgrammeKind, VET.ProgrammeKindScheme, "kind")):
        members = set(ontology.subjects(RDF.type, cls))
        expected = {VET[name] for name in VET.__annotations__
                    if name.startswith(prefix) and name[len(prefix):][:1].isupper()}
        assert members == expected
        for member in members:
            assert (member, RDF.type, OWL.NamedIndividual) in ontology
            assert (member, RDF.type, SKOS.Concept) in ontology
            assert ontology.value(member, SKOS.inScheme) == scheme
            assert "zh" in {label.language for label in ontology.objects(member, SKOS.prefLabel)}


# (e) HermiT: the ontology is consistent and every class satisfiable


def test_ontology_is_consistent(ontology_result: ConsistencyResult) -> None:
    assert ontology_result.consistent, ontology_result.message
    assert ontology_result.unsatisfiable == []
    assert ontology_result.ok
    assert "consistent" in ontology_result.message


def test_readme_data_is_consistent_with_the_ontology() -> None:
    data = Graph().parse(data=README_DATA, format="turtle")
    result = check_consistency(data=data)
    assert result.ok, result.message


# (f) HermiT finds what is wrong


def test_individual_in_disjoint_classes_is_inconsistent(ontology: Graph) -> None:
    broken = _broken(ontology, "t:school a vet:HigherVocationalCollege , vet:SecondaryVocationalSchool .")
    result = check_consistency(broken)
    assert not result.consistent
    assert not result.ok
    assert "inconsistent" in result.message


def test_subclass_of_disjoint_classes_is_unsatisfiable(ontology: Graph) -> None:
    broken = _broken(ontology, """
        t:PlaceOrganisation rdfs:subClassOf vet:Organization , vet:Place .
        vet:Centre rdfs:subClassOf vet:Industry .
    """)
    result = check_consistency(broken)
    assert result.consistent, result.message
    expected = [TEST_NS + "PlaceOrganisation", str(VET.Centre)]
    assert sorted(result.unsatisfiable) == sorted(expected)
    assert str(OWL.Nothing) not in result.unsatisfiable
    for iri in expected:
        assert iri in result.message
    assert "unsatisfiable" in result.message


@pytest.mark.parametrize("bad", [
    # two values of a functional property
    "<https://w3id.org/vetkg/doc/D/target/120-140> vet:approximate false .",
    # ordinals count from 1
    "<https://w3id.org/vetkg/doc/D/area/9> a vet:WorkArea ; vet:ordinal 0 .",
    # the domain of vet:issuedBy makes the organisation a notice
    "<https://w3id.org/vetkg/id/org/天津职业大学> vet:issuedBy <https://w3id.org/vetkg/id/org/x> .",
    # a baseline is no target: what a measure reports is not what it sets
    "<https://w3id.org/vetkg/doc/D/area/3/measure/1> vet:setsTarget <https://w3id.org/vetkg/doc/D/baseline/90-99> .",
], ids=["functional", "range", "domain", "baseline-is-no-target"])
def test_bad_data_in_a_named_graph_is_inconsistent(bad: str) -> None:
    # The data arrives as a Dataset with named graphs, as the store holds it.
    dataset = Dataset()
    graph = dataset.graph(URIRef("https://w3id.org/vetkg/graph/D"))
    graph.parse(data=README_DATA, format="turtle")
    graph.parse(data=PREFIXES + bad, format="turtle")
    result = check_consistency(data=dataset)
    assert not result.consistent, bad


def test_checks_do_not_leak_into_each_other(ontology: Graph) -> None:
    broken = _broken(ontology, "t:x a vet:Organization , vet:Place .")
    assert not check_consistency(broken).consistent
    assert check_consistency(ontology).ok


def test_missing_java_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(owlready2, "JAVA_EXE", "/nonexistent/java")
    with pytest.raises(RuntimeError, match="default-jre-headless"):
        check_consistency()


def test_command_line_reports_problems(tmp_path: Path) -> None:
    data = tmp_path / "bad.ttl"
    data.write_text(PREFIXES + "t:x a vet:Organization , vet:Place .", encoding="utf-8")
    out = io.StringIO()
    with redirect_stdout(out):
        status = main([str(data)])
    assert status == 1
    assert "inconsistent" in out.getvalue()
