"""pyshacl-turbo, which decides in the build whether a document conforms, and pyshacl, which
writes the report, find the same results: on real documents, and on graphs broken against every
constraint of every shape (tests/shape_mutations.py), so that the swap of engine can never
quietly let through what pyshacl would refuse."""
from __future__ import annotations

import logging

import pytest
from ingest_helpers import BINHAI, DATA, SEED, document
from rdflib import BNode, Graph
from rdflib.namespace import SH
from rdflib.term import Node
from shape_mutations import breakable, ill_typed_mutations, mutations
from test_corpus import corpus

from vetkg.shapes.validate import (
    NonConformingGraph,
    class_hierarchy,
    conforms_ntriples,
    ensure_conforms,
    ensure_conforms_ntriples,
    load_shapes,
    turbo_report,
    validate_graph,
)

GENERATED = 10


@pytest.fixture(scope="module")
def documents(tmp_path_factory) -> dict[str, Graph]:
    # boxes and table rows (sections-boxes-plan), attachments, their tables and a 抄送 line
    # (notice-attachments): the layout units every shape needs a node of to be broken
    layouts = ["chapters-plan.txt", "sections-boxes-plan.txt", "notice-attachments.txt"]
    paths = [DATA / "layouts" / name for name in layouts] + [BINHAI, SEED]
    paths += corpus.write_corpus(GENERATED, tmp_path_factory.mktemp("corpus"), seed=7)
    return {p.name: document(p).graph() for p in paths}


def _nt(g: Graph) -> str:
    return g.serialize(format="nt", encoding="utf-8").decode("utf-8")


def _shape_key(node: Node | None) -> object:
    """A shape named by IRI is itself; a blank one is what the shapes graph says of it, so that
    two engines' blank node labels need not agree."""
    if not isinstance(node, BNode):
        return node
    shapes = load_shapes()
    return frozenset((p, o if not isinstance(o, BNode) else "_") for p, o in shapes.predicate_objects(node))


def results(report: Graph) -> set[tuple]:
    """(focus node, result path, source shape, severity, constraint component) of each result."""
    out = set()
    for r in report.subjects(SH.resultSeverity, None):
        path = report.value(r, SH.resultPath)
        if isinstance(path, BNode):
            path = ("^", report.value(path, SH.inversePath))
        out.add(
            (
                report.value(r, SH.focusNode),
                path,
                _shape_key(report.value(r, SH.sourceShape)),
                report.value(r, SH.resultSeverity),
                report.value(r, SH.sourceConstraintComponent),
            )
        )
    return out


def both(g: Graph) -> tuple[tuple[bool, set], tuple[bool, set]]:
    reference = validate_graph(g)
    conforms, report = turbo_report(_nt(g))
    return (reference.conforms, results(reference.report)), (conforms, results(report))


def test_engines_agree_on_documents(documents: dict[str, Graph]) -> None:
    for name, g in documents.items():
        reference, turbo = both(g)
        assert reference[0], f"{name} should conform"
        assert turbo == reference, name


@pytest.fixture(scope="module")
def broken(documents: dict[str, Graph]):
    samples = sorted(documents.values(), key=len)
    logging.getLogger("rdflib.term").setLevel(logging.ERROR)  # ill-typed literals are the point
    return list(mutations(load_shapes(), class_hierarchy(), samples))


@pytest.fixture(scope="module")
def verdicts(broken):
    """(mutation, pyshacl's (conforms, results), turbo's) for each broken graph."""
    return [(m, *both(m.graph)) for m in broken]


def test_every_constraint_of_every_shape_is_broken(broken) -> None:
    made = {(m.shape, m.component) for m in broken}
    missing = [f"{s} {c}" for s, c in breakable(load_shapes()) if (s, c) not in made]
    assert not missing, "no sample document can show these; add one that has such a node: " + ", ".join(missing)


def test_engines_agree_on_broken_graphs(verdicts) -> None:
    disagreements = []
    for m, reference, turbo in verdicts:
        # the mutation must break what it says it breaks, or it tests nothing
        assert any(r[0] == m.focus or m.component == SH.targetObjectsOf for r in reference[1]), f"{m}: pyshacl finds nothing"
        shapes = {r[2] for r in reference[1]}
        assert _shape_key(m.shape) in shapes or m.component == SH.targetObjectsOf, f"{m}: not reported by its shape"
        if turbo != reference:
            disagreements.append(f"{m}: pyshacl {reference[0]} {sorted(map(str, reference[1] - turbo[1]))}, turbo {turbo[0]} {sorted(map(str, turbo[1] - reference[1]))}")
    assert not disagreements, "\n".join(disagreements)


def test_a_violation_is_refused_with_pyshacls_message(verdicts) -> None:
    refused = [m for m, reference, _ in verdicts if not reference[0]]
    assert len(refused) > len(verdicts) // 2
    for m in refused[:: max(1, len(refused) // 6)]:
        assert conforms_ntriples(_nt(m.graph)) is False, str(m)
        with pytest.raises(NonConformingGraph) as fast:
            ensure_conforms(m.graph, "doc.txt")
        assert str(fast.value) == str(NonConformingGraph("doc.txt", validate_graph(m.graph))), str(m)
        with pytest.raises(NonConformingGraph) as from_text:
            ensure_conforms_ntriples(_nt(m.graph), "doc.txt", lambda m=m: m.graph)
        assert str(from_text.value) == str(fast.value)


def test_a_warning_alone_is_accepted(verdicts) -> None:
    warned = [(m, reference) for m, reference, _ in verdicts if load_shapes().value(m.shape, SH.severity) == SH.Warning]
    assert warned, "the shapes have warnings: some mutation must break one"
    for m, reference in warned:
        assert reference[0] and conforms_ntriples(_nt(m.graph)) is True, str(m)
        assert {r[3] for r in reference[1]} == {SH.Warning}, str(m)
        ensure_conforms(m.graph, "doc.txt")


def test_the_fast_engine_failing_leaves_the_decision_to_pyshacl() -> None:
    assert conforms_ntriples("<not an iri> <x:p> <x:o> .\n") is None


def test_turbo_is_never_more_lenient_with_ill_typed_literals(documents: dict[str, Graph]) -> None:
    """A value of the right datatype whose lexical form is none of its values ("不是值"^^xsd:integer).

    The builder never writes one (its literals come from Python values), and here the engines may
    differ, but only one way: pyshacl-turbo checks the lexical forms of xsd:gYear, which pyshacl
    (through rdflib) does not. Whatever pyshacl refuses, pyshacl-turbo must refuse too."""
    samples = sorted(documents.values(), key=len)
    probes = list(ill_typed_mutations(load_shapes(), class_hierarchy(), samples))
    assert len(probes) >= 5
    for m in probes:
        reference, turbo = both(m.graph)
        assert not turbo[0], f"{m}: pyshacl-turbo accepts an ill-typed literal"
        assert reference[1] <= turbo[1], f"{m}: {sorted(map(str, reference[1] - turbo[1]))}"


def test_pyshacl_has_the_last_word(documents: dict[str, Graph], broken, monkeypatch, caplog) -> None:
    import vetkg.shapes.validate as validate

    good = documents["chapters-plan.txt"]
    bad = next(m.graph for m in broken if not validate_graph(m.graph).conforms)
    monkeypatch.setattr(validate, "conforms_ntriples", lambda _: False)
    with caplog.at_level(logging.WARNING, logger="vetkg.shapes.validate"):
        ensure_conforms(good, "good.txt")
    assert "good.txt: pyshacl-turbo finds a violation that pyshacl does not" in caplog.text
    monkeypatch.setattr(validate, "conforms_ntriples", lambda _: None)  # the fast engine failed
    ensure_conforms(good, "good.txt")
    with pytest.raises(NonConformingGraph):
        ensure_conforms(bad, "bad.txt")
