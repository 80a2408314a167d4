"""Incremental validation of a write agrees with validating the whole graph.

Every case is a change to the store built from the two test documents. It is applied both to an
rdflib copy of the union (validated whole, the reference) and to the store itself (read through
its DataUnion), then undone. The reference must equal: the violations before the change on nodes the
change cannot affect, plus exactly what incremental validation reports. Each case runs against
the vetkg shapes and against those shapes plus test-only shapes that use every path kind and
nesting the incremental code follows (the vetkg shapes use only predicate and inverse paths).
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pyoxigraph as ox
import pytest
from ingest_helpers import BINHAI, SEED, build_store
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, SKOS, XSD
from rdflib.term import Node

from vetkg.ontology.namespace import OA, VET
from vetkg.shapes.incremental import IncrementalResult, affected_focus_nodes, validate_change
from vetkg.shapes.validate import ValidationResult, class_hierarchy, load_shapes, validate_graph
from vetkg.store.base import Store
from vetkg.store.change import Change
from vetkg.store.terms import to_ox
from vetkg.store.union import ChangedView, DataUnion, as_triples, triples_change, union_change

BASE = "https://w3id.org/vetkg/"
SCHEMA = Namespace("https://schema.org/")
TSH = Namespace("https://example.org/test-shapes#")
D1 = BASE + "doc/津教职函-2025-1号"
D2 = BASE + "doc/津滨教体-2025-12号"
GRAPH_D1 = BASE + "graph/津教职函-2025-1号"
GRAPH_ENTITIES = BASE + "graph/entities"

NOTICE_1 = URIRef(D1)
PLAN_1 = URIRef(D1 + "/plan")
PLAN_2 = URIRef(D2 + "/plan")
PART_2 = URIRef(D2 + "/2")
AREA_2_1 = URIRef(D2 + "/2/p1")
MEASURE_INVOLVES = URIRef(D2 + "/2/p4/measure/1")
MEASURE_2_1_1 = URIRef(D2 + "/2/p1/measure/1")
MEASURE_2_1_2 = URIRef(D2 + "/2/p1/measure/2")
MEASURE_2_3_1 = URIRef(D2 + "/2/p3/measure/1")
MEASURE_LAW = URIRef(D1 + "/i8/measure/1")
INVOLVEMENT = URIRef(D2 + "/2/p1/measure/2/involvement/1")
SPAN_551 = URIRef(D2 + "/span/551-587")
POSITION_551 = URIRef(D2 + "/span/551-587#position")
MENTION_390 = URIRef(D2 + "/mention/390-392")
TARGET_464 = URIRef(D2 + "/target/464-474")
COLLEGE = URIRef(BASE + "id/org/天津滨海职业学院")
COMMISSION = URIRef(BASE + "id/org/天津市教育委员会")
LAW = URIRef(BASE + "id/law/天津市职业教育条例")

# Paths and nestings the vetkg shapes do not use, each over real data that satisfies it.
EXTRA_SHAPES = f"""
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix vet: <https://w3id.org/vetkg/ontology#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix tsh: <{TSH}> .

tsh:MeasureSelectors a sh:NodeShape ; sh:targetClass vet:Measure ;
    sh:property tsh:MeasureSelectorOrder , tsh:MeasureRoot .
tsh:MeasureSelectorOrder a sh:PropertyShape ;
    sh:path ( vet:textSpan oa:hasSelector ) ; sh:node tsh:SelectorOrder .
tsh:SelectorOrder a sh:NodeShape ; sh:property tsh:SelectorStartBeforeEnd .
tsh:SelectorStartBeforeEnd a sh:PropertyShape ; sh:path oa:start ; sh:lessThan oa:end .
tsh:MeasureRoot a sh:PropertyShape ; sh:path [ sh:oneOrMorePath vet:partOf ] ;
    sh:qualifiedValueShape [ sh:class vet:WorkPlan ] ; sh:qualifiedMinCount 1 .

tsh:NoticeSpans a sh:NodeShape ; sh:targetClass vet:Notice ; sh:property tsh:NoticeSpansAreSpans .
tsh:NoticeSpansAreSpans a sh:PropertyShape ;
    sh:path [ sh:inversePath oa:hasSource ] ; sh:class oa:SpecificResource .

tsh:Named a sh:NodeShape ; sh:targetClass vet:Organization ;
    sh:property tsh:NamedInChinese ; sh:not [ sh:class vet:Place ] .
tsh:NamedInChinese a sh:PropertyShape ;
    sh:path [ sh:alternativePath ( rdfs:label skos:prefLabel ) ] ; sh:minCount 1 ; sh:languageIn ( "zh" ) .

tsh:AreaChain a sh:NodeShape ; sh:targetClass vet:WorkArea ; sh:property tsh:AreaChainKinds .
tsh:AreaChainKinds a sh:PropertyShape ; sh:path [ sh:zeroOrMorePath vet:partOf ] ;
    sh:xone ( [ sh:class vet:WorkArea ] [ sh:class vet:Part ; sh:not [ sh:class vet:WorkArea ] ] [ sh:class vet:WorkPlan ] ) .

tsh:MentionTarget a sh:PropertyShape ; sh:targetClass vet:Mention ;
    sh:path oa:hasTarget ; sh:equals vet:textSpan .

tsh:PrefNotAlt a sh:PropertyShape ; sh:targetSubjectsOf skos:prefLabel ;
    sh:path skos:prefLabel ; sh:disjoint skos:altLabel .

tsh:InvolvementClosed a sh:NodeShape ; sh:targetClass vet:Involvement ;
    sh:closed true ; sh:ignoredProperties ( rdf:type ) ;
    sh:property [ sh:path vet:agent ] , [ sh:path vet:role ] .

tsh:Involved a sh:NodeShape ; sh:targetObjectsOf vet:involves ;
    sh:and ( [ sh:class vet:Organization ] tsh:InvolvedByTextedMeasures ) .
tsh:InvolvedByTextedMeasures a sh:NodeShape ; sh:property tsh:InvolvedBy .
tsh:InvolvedBy a sh:PropertyShape ; sh:path [ sh:inversePath vet:involves ] ; sh:node tsh:HasText .
tsh:HasText a sh:NodeShape ; sh:property tsh:HasTextValue .
tsh:HasTextValue a sh:PropertyShape ; sh:path vet:text ; sh:minCount 1 .

tsh:FoundInHasText a sh:NodeShape ; sh:targetClass vet:QuantifiedTarget ;
    sh:sparql [
        sh:message "A target is found in a node with text." ;
        sh:select \"\"\"SELECT $this ?value WHERE {{
            $this <{VET.foundIn}> ?value .
            FILTER NOT EXISTS {{ ?value <{VET.text}> ?t }}
        }}\"\"\" ] .

tsh:Commission a sh:NodeShape ; sh:targetNode <{COMMISSION}> ;
    sh:property tsh:CommissionIssues , tsh:CommissionRoot .
tsh:CommissionIssues a sh:PropertyShape ;
    sh:path [ sh:inversePath vet:issuedBy ] ; sh:minCount 1 ; sh:class vet:Notice .
tsh:CommissionRoot a sh:PropertyShape ; sh:path [ sh:zeroOrOnePath vet:partOf ] ; sh:maxCount 1 .
"""


@dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[Graph], Change]
    # (focus, source shape) results incremental validation must report with that shape set.
    expect: tuple[tuple[str, Node, Node], ...] = ()
    conforms: bool | None = None


def zh(text: str) -> Literal:
    return Literal(text, lang="zh")


def add(*triples: tuple[Node, Node, Node]) -> Callable[[Graph], Change]:
    return lambda g: triples_change(added=set(triples))


def remove(*triples: tuple[Node, Node, Node]) -> Callable[[Graph], Change]:
    return lambda g: triples_change(removed=set(triples))


def replace_object(s: Node, p: Node, new: Node) -> Callable[[Graph], Change]:
    return lambda g: triples_change(added={(s, p, new)}, removed={(s, p, o) for o in g.objects(s, p)})


def delete_node(node: Node) -> Callable[[Graph], Change]:
    return lambda g: triples_change(removed=set(g.triples((node, None, None))) | set(g.triples((None, None, node))))


def relabel_language(node: Node, lang: str) -> Callable[[Graph], Change]:
    """Every name of ``node`` (rdfs:label and skos:prefLabel) moved to ``lang``."""
    def build(g: Graph) -> Change:
        old = set(g.triples((node, RDFS.label, None))) | set(g.triples((node, SKOS.prefLabel, None)))
        return triples_change(added={(s, p, Literal(str(o), lang=lang)) for s, p, o in old}, removed=old)

    return build


def new_involvement_without_agent(g: Graph) -> Change:
    blank = BNode("newInvolvement")
    return triples_change(added={(MEASURE_2_1_1, VET.hasInvolvement, blank), (blank, RDF.type, VET.Involvement)})


def rewrite_text(g: Graph) -> Change:
    old = set(g.triples((MEASURE_2_1_1, VET.text, None)))
    return triples_change(added={(MEASURE_2_1_1, VET.text, zh("改写后的措施正文。"))}, removed=old)


BOTH, EXTRA = "vetkg", "extra"
CASES = [
    Case(
        "org-type-removed-breaks-involves",
        remove((COLLEGE, RDF.type, VET.HigherVocationalCollege)),
        expect=((BOTH, MEASURE_INVOLVES, URIRef("https://w3id.org/vetkg/shapes#Involves-value")),),
        conforms=False,
    ),
    Case(
        "measure-type-on-node-without-text",
        add((COLLEGE, RDF.type, VET.Measure)),
        expect=((BOTH, COLLEGE, URIRef("https://w3id.org/vetkg/shapes#Measure-text")),),
        conforms=False,
    ),
    Case(
        "span-start-after-end",
        replace_object(POSITION_551, OA.start, Literal(600, datatype=XSD.integer)),
        expect=(
            (BOTH, POSITION_551, URIRef("https://w3id.org/vetkg/shapes#PositionSelector-order")),
            (EXTRA, URIRef(D2 + "/2/p5/measure/1"), TSH.MeasureSelectorOrder),
        ),
        conforms=False,
    ),
    Case("span-source-removed", remove((SPAN_551, OA.hasSource, URIRef(D2))), conforms=False),
    Case("mention-deleted", delete_node(MENTION_390), conforms=True),
    Case(
        "law-retyped-as-place",
        lambda g: triples_change(added={(LAW, RDF.type, VET.Place)}, removed={(LAW, RDF.type, VET.Law)}),
        expect=((BOTH, MEASURE_LAW, URIRef("https://w3id.org/vetkg/shapes#CitesLaw-value")),),
        conforms=False,
    ),
    Case("second-partOf", add((MEASURE_2_1_1, VET.partOf, PART_2)), conforms=False),
    Case("label-language-changed", relabel_language(COLLEGE, "en"), conforms=False),
    Case("english-label-beside-chinese", add((COLLEGE, RDFS.label, Literal("Tianjin College", lang="en"))), conforms=True),
    Case("valid-actionVerb-added", add((MEASURE_2_1_1, VET.actionVerb, zh("推进"))), conforms=True),
    Case(
        "remove-and-re-add-same-triple",
        lambda g: triples_change(
            added={(MEASURE_2_1_1, VET.ordinal, Literal(1))}, removed={(MEASURE_2_1_1, VET.ordinal, Literal(1))}
        ),
        conforms=True,
    ),
    Case(
        "notice-no-longer-issues-plan",
        remove((URIRef(D2), VET.issues, PLAN_2)),
        expect=((BOTH, PLAN_2, URIRef("https://w3id.org/vetkg/shapes#WorkPlan-issuedIn")),),
        conforms=False,
    ),
    Case(
        "plan-type-removed",
        remove((PLAN_2, RDF.type, VET.WorkPlan)),
        expect=(
            (BOTH, URIRef(D2 + "/1"), URIRef("https://w3id.org/vetkg/shapes#Part-partOf")),
            (EXTRA, MEASURE_2_1_1, TSH.MeasureRoot),
        ),
        conforms=False,
    ),
    Case(
        "org-also-a-place",
        add((COLLEGE, RDF.type, VET.Place)),
        expect=((EXTRA, COLLEGE, TSH.Named),),
        conforms=None,
    ),
    Case(
        "area-part-of-a-measure",
        replace_object(AREA_2_1, VET.partOf, MEASURE_2_3_1),
        expect=(
            (BOTH, AREA_2_1, URIRef("https://w3id.org/vetkg/shapes#PartOf-value")),
            (EXTRA, AREA_2_1, TSH.AreaChainKinds),
        ),
        conforms=False,
    ),
    Case(
        "position-selector-untyped",
        remove((POSITION_551, RDF.type, OA.TextPositionSelector)),
        expect=((BOTH, SPAN_551, URIRef("https://w3id.org/vetkg/shapes#Span-position")),),
        conforms=False,
    ),
    Case(
        "textSpan-to-empty-node",
        add((MEASURE_2_1_1, VET.textSpan, URIRef(D2 + "/span/0-1"))),
        expect=((BOTH, URIRef(D2 + "/span/0-1"), URIRef("https://w3id.org/vetkg/shapes#Span-source")),),
        conforms=False,
    ),
    Case("role-not-in-list", replace_object(INVOLVEMENT, VET.role, URIRef(str(VET) + "roleNone")), conforms=False),
    Case(
        "second-hasTarget",
        add((MENTION_390, OA.hasTarget, SPAN_551)),
        expect=((EXTRA, MENTION_390, TSH.MentionTarget),),
        conforms=False,
    ),
    Case(
        "altLabel-equal-to-prefLabel",
        lambda g: triples_change(added={(COMMISSION, SKOS.altLabel, o) for o in g.objects(COMMISSION, SKOS.prefLabel)}),
        expect=((EXTRA, COMMISSION, TSH.PrefNotAlt),),
        conforms=None,
    ),
    Case(
        "measure-text-removed",
        lambda g: triples_change(removed=set(g.triples((MEASURE_2_3_1, VET.text, None)))),
        expect=((EXTRA, TARGET_464, TSH.FoundInHasText),),
        conforms=False,
    ),
    Case(
        "involver-text-removed",
        lambda g: triples_change(removed=set(g.triples((MEASURE_INVOLVES, VET.text, None)))),
        expect=((EXTRA, COLLEGE, TSH.Involved),),
        conforms=False,
    ),
    Case(
        "involvement-extra-property",
        add((INVOLVEMENT, RDFS.comment, Literal("x"))),
        expect=((EXTRA, INVOLVEMENT, TSH.InvolvementClosed),),
        conforms=None,
    ),
    Case("area-partOf-removed", lambda g: triples_change(removed=set(g.triples((AREA_2_1, VET.partOf, None)))), conforms=False),
    Case("value-as-double", replace_object(TARGET_464, SCHEMA.value, Literal(1.5e3, datatype=XSD.double)), conforms=False),
    Case(
        "notice-type-removed",
        remove((NOTICE_1, RDF.type, VET.Notice)),
        expect=((BOTH, URIRef(D1 + "/span/286-292"), URIRef("https://w3id.org/vetkg/shapes#Span-source")),),
        conforms=False,
    ),
    Case("measure-text-rewritten", rewrite_text, conforms=True),
    Case("blank-involvement-without-agent", new_involvement_without_agent, conforms=False),
    Case(
        "commission-no-longer-issues",
        lambda g: triples_change(removed=set(g.triples((None, VET.issuedBy, COMMISSION)))),
        expect=((EXTRA, COMMISSION, TSH.CommissionIssues),),
        conforms=None,
    ),
    Case("commission-part-of-plan", add((COMMISSION, VET.partOf, PLAN_1), (COMMISSION, VET.partOf, PLAN_2)), conforms=None),
]


# ------------------------------------------------------------------------------------------------
# Fixtures: one store, its union as rdflib, and the full validation before any change
# ------------------------------------------------------------------------------------------------


class GraphView:
    """The union as an rdflib graph, read as the validator reads a store's."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def triples(self, s: Node | None, p: Node | None, o: Node | None) -> Iterator[tuple[Node, Node, Node]]:
        return self.graph.triples((s, p, o))


def store_union(store: Store) -> DataUnion:
    return DataUnion(store.oxigraph.quads_for_pattern)  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def store() -> Store:
    return build_store(SEED, BINHAI)


@pytest.fixture(scope="module")
def union(store: Store) -> Graph:
    # Read through the store's union so both sides use the same terms (plain literals, blank node ids).
    graph = Graph()
    for t in store_union(store).triples(None, None, None):
        graph.add(t)
    return graph


@pytest.fixture(scope="module")
def hierarchy() -> list[tuple[URIRef, URIRef]]:
    return class_hierarchy()


@pytest.fixture(scope="module")
def shape_sets() -> dict[str, Graph]:
    extra = Graph()
    extra += load_shapes()
    extra.parse(data=EXTRA_SHAPES, format="turtle")
    return {BOTH: load_shapes(), EXTRA: extra}


@pytest.fixture(scope="module")
def full_before(union: Graph, shape_sets: dict[str, Graph], hierarchy: list) -> dict[str, ValidationResult]:
    return {name: validate_graph(union, shapes, hierarchy=hierarchy) for name, shapes in shape_sets.items()}


def test_the_unchanged_data_conforms_to_both_shape_sets(full_before: dict[str, ValidationResult]) -> None:
    # Every case's expectations assume a conforming start: a new violation is the change's doing.
    for name, result in full_before.items():
        assert result.conforms, f"{name}:\n{result.text}"


# ------------------------------------------------------------------------------------------------
# Applying and undoing a change
# ------------------------------------------------------------------------------------------------


@contextmanager
def _graph_change(graph: Graph, change: Change) -> Iterator[None]:
    present_removed = {t for t in as_triples(change.removed) if t in graph}
    absent_added = {t for t in as_triples(change.added) if t not in graph}
    for t in present_removed:
        graph.remove(t)
    for t in absent_added:
        graph.add(t)
    try:
        yield
    finally:
        for t in absent_added:
            graph.remove(t)
        for t in present_removed:
            graph.add(t)


@contextmanager
def _store_change(store: Store, change: Change) -> Iterator[None]:
    view = store_union(store)
    ox_store = store.oxigraph  # type: ignore[attr-defined]
    removed = [_in(q.triple, g) for q in change.removed for g in view.graphs_holding(q.triple)]
    added = [_in(q.triple, ox.NamedNode(GRAPH_D1)) for q in change.added if not view.has(q.triple)]
    for q in removed:
        ox_store.remove(q)
    for q in added:
        ox_store.add(q)
    try:
        yield
    finally:
        for q in added:
            ox_store.remove(q)
        for q in removed:
            ox_store.add(q)


def _in(t: ox.Triple, graph: ox.NamedNode | ox.BlankNode | ox.DefaultGraph) -> ox.Quad:
    return ox.Quad(t.subject, t.predicate, t.object, graph)


# ------------------------------------------------------------------------------------------------
# Comparing results
# ------------------------------------------------------------------------------------------------


def _path_key(path: Node | None, report: Graph) -> str:
    """A path as text: blank-node paths differ between reports, their structure does not."""
    if path is None or not isinstance(path, BNode):
        return str(path)
    for pred, mark in ((SH.inversePath, "^"), (SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
        inner = report.value(path, pred)
        if inner is not None:
            return f"{mark}({_path_key(inner, report)})"
    alternatives = report.value(path, SH.alternativePath)
    if alternatives is not None:
        return "|".join(_path_key(p, report) for p in Collection(report, alternatives))
    return "/".join(_path_key(p, report) for p in Collection(report, path))


def keys(result: ValidationResult) -> set[tuple[Node, str, Node | None, str]]:
    return {(v.focus_node, _path_key(v.path, result.report), v.source_shape, v.severity) for v in result.violations}


def _assert_agrees(before: ValidationResult, after: ValidationResult, incremental: IncrementalResult) -> None:
    unaffected = {k for k in keys(before) if k[0] not in incremental.focus_nodes}
    assert keys(after) == unaffected | keys(incremental), (
        f"missed by incremental: {keys(after) - unaffected - keys(incremental)}\n"
        f"reported only by incremental: {keys(incremental) - keys(after)}\n"
        f"vanished on unaffected nodes: {unaffected - keys(after)}"
    )
    assert incremental.conforms == after.conforms


# ------------------------------------------------------------------------------------------------
# The agreement tests
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("shape_set", [BOTH, EXTRA])
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_incremental_agrees_with_full_validation(
    case: Case,
    shape_set: str,
    store: Store,
    union: Graph,
    shape_sets: dict[str, Graph],
    full_before: dict[str, ValidationResult],
    hierarchy: list,
) -> None:
    shapes = shape_sets[shape_set]
    change = case.build(union)
    assert change, "a case must change something"
    with _graph_change(union, change):
        full_after = validate_graph(union, shapes, hierarchy=hierarchy)
        on_graph = validate_change(change, GraphView(union), shapes, hierarchy)
    with _store_change(store, change):
        on_store = validate_change(change, store_union(store), shapes, hierarchy)

    _assert_agrees(full_before[shape_set], full_after, on_graph)
    _assert_agrees(full_before[shape_set], full_after, on_store)
    assert keys(on_graph) == keys(on_store)
    if case.conforms is not None and shape_set == BOTH:
        assert on_graph.conforms is case.conforms, on_graph.text
    reported = {(v.focus_node, v.source_shape) for v in on_graph.violations}
    for applies_to, focus, shape in case.expect:
        if applies_to == BOTH or applies_to == shape_set:
            assert (focus, shape) in reported, f"{case.name}: expected {shape} on {focus}\n{on_graph.text}"


def test_a_violation_on_a_node_the_change_does_not_touch_is_found(
    union: Graph, shape_sets: dict[str, Graph], hierarchy: list
) -> None:
    # Removing an organisation's type breaks sh:class on the measures that involve it: checking
    # only the subjects and objects of the changed triple would miss them.
    change = triples_change(removed={(COLLEGE, RDF.type, VET.HigherVocationalCollege)})
    touched = {n for t in as_triples(change.removed) for n in (t[0], t[2])}
    with _graph_change(union, change):
        result = validate_change(change, GraphView(union), shape_sets[BOTH], hierarchy)
    broken = {v.focus_node for v in result.errors}
    assert MEASURE_INVOLVES in broken
    assert broken - touched, "every violation was on a touched node: the test proves nothing"


def test_affected_nodes_follow_sequence_and_transitive_paths(
    union: Graph, shape_sets: dict[str, Graph], hierarchy: list
) -> None:
    view = GraphView(union)
    # The selector is two steps (vet:textSpan / oa:hasSelector) from its measure.
    change = triples_change(removed={(POSITION_551, OA.end, o) for o in union.objects(POSITION_551, OA.end)})
    nodes = affected_focus_nodes(change, view, view, shape_sets[EXTRA], hierarchy)
    assert URIRef(D2 + "/2/p5/measure/1") in nodes
    assert URIRef(D2 + "/2/p5/measure/1") not in affected_focus_nodes(
        change, view, view, shape_sets[BOTH], hierarchy
    )
    # A changed triple in the middle of the sequence path reaches back to the measure too.
    change = triples_change(removed={(SPAN_551, OA.hasSelector, POSITION_551)})
    nodes = affected_focus_nodes(change, view, view, shape_sets[EXTRA], hierarchy)
    assert URIRef(D2 + "/2/p5/measure/1") in nodes
    # Every measure below the area reaches the plan through vet:partOf+.
    change = triples_change(removed={(AREA_2_1, VET.partOf, PART_2)})
    nodes = affected_focus_nodes(change, view, view, shape_sets[EXTRA], hierarchy)
    assert {MEASURE_2_1_1, MEASURE_2_1_2} <= nodes


def test_a_one_triple_update_reads_a_small_part_of_the_graph(
    store: Store, union: Graph, shape_sets: dict[str, Graph], hierarchy: list
) -> None:
    change = triples_change(added={(MEASURE_2_1_1, VET.actionVerb, zh("推进"))})
    with _store_change(store, change):
        result = validate_change(change, store_union(store), shape_sets[BOTH], hierarchy)
    assert result.conforms
    assert MEASURE_2_1_1 in result.focus_nodes
    assert 0 < result.checked_triples < len(union) / 20, result.checked_triples


def test_quads_of_other_graphs_and_triples_still_held_elsewhere_change_nothing(store: Store) -> None:
    view = store_union(store)
    label = ox.Triple(*(to_ox(t) for t in next(iter(view.triples(COMMISSION, RDFS.label, None)))))  # type: ignore[arg-type]
    held_by = view.graphs_holding(label)
    assert held_by, "the commission's label is in a data graph"
    shapes_graph = ox.NamedNode(BASE + "graph/shapes")
    comment = ox.Quad(ox.NamedNode(COMMISSION), ox.NamedNode(RDFS.comment), ox.Literal("x"), shapes_graph)
    change = union_change(
        Change(added=frozenset({comment}), removed=frozenset({_in(label, next(iter(held_by)))} if len(held_by) > 1 else ())),
        view,
    )
    assert not change
    # Removing it from every graph that holds it removes it from the union.
    change = union_change(Change(removed=frozenset(_in(label, g) for g in held_by)), view)
    assert change.removed == {_in(label, ox.DefaultGraph())} and not change.added
    # Adding a triple the union already has, to another graph, changes nothing either.
    assert not union_change(Change(added=frozenset({_in(label, ox.NamedNode(GRAPH_ENTITIES + "-other"))})), view)


class _Triples:
    def __init__(self, triples: set[tuple[Node, Node, Node]]) -> None:
        self.held = triples

    def triples(self, s: Node | None, p: Node | None, o: Node | None) -> Iterator[tuple[Node, Node, Node]]:
        return (t for t in self.held if all(x is None or x == y for x, y in zip((s, p, o), t, strict=True)))


def test_a_changed_view_answers_every_pattern_as_the_changed_set_would() -> None:
    # ChangedView indexes what it adds by position at the first lookup (a large removal was
    # checked in quadratic time): every pattern, before and after the index exists, must match
    # the plain set arithmetic.
    ex = Namespace("http://example.org/")
    terms = [ex.a, ex.b, ex.c, Literal("x")]
    every = {(s, p, o) for s in terms[:3] for p in (ex.p, ex.q) for o in terms}
    base = {t for i, t in enumerate(sorted(every)) if i % 3}
    minus = {t for i, t in enumerate(sorted(base)) if i % 4 == 0}
    plus = {t for i, t in enumerate(sorted(every - base)) if i % 2}
    view = ChangedView(_Triples(base), plus=plus, minus=minus)
    expected_all = (base - minus) | plus
    for _ in range(2):  # the second round reads through the indexes the first built
        for s in (None, *terms[:3]):
            for p in (None, ex.p, ex.q):
                for o in (None, *terms):
                    got = list(view.triples(s, p, o))
                    want = {t for t in expected_all if all(x is None or x == y for x, y in zip((s, p, o), t, strict=True))}
                    assert len(got) == len(set(got)) and set(got) == want, (s, p, o)
