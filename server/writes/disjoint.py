"""Disjoint classes in the data: a node typed with two classes the ontology declares disjoint.

The SHACL shapes do not state the ontology's disjointness axioms, and running HermiT over all the
data on every write would take seconds. So every node that gains a type in a change has its types
(with their superclasses) checked against ``owl:disjointWith`` and ``owl:AllDisjointClasses``:
typing a law as a vet:Place is refused here. The results join the SHACL report.
"""
from __future__ import annotations

from collections.abc import Iterable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, SH
from rdflib.term import Node

from vetkg.shapes.validate import Violation

Pairs = set[frozenset[Node]]


def disjoint_pairs(ontology: Graph) -> Pairs:
    pairs: Pairs = set()
    for a, b in ontology.subject_objects(OWL.disjointWith):
        pairs.add(frozenset((a, b)))
    for group in ontology.subjects(RDF.type, OWL.AllDisjointClasses):
        members = [m for head in ontology.objects(group, OWL.members) for m in Collection(ontology, head)]
        pairs.update(frozenset((a, b)) for i, a in enumerate(members) for b in members[i + 1:])
    return pairs


def _closure(classes: set[Node], edges: Iterable[tuple[Node, Node]]) -> set[Node]:
    supers: dict[Node, set[Node]] = {}
    for sub, sup in edges:
        supers.setdefault(sub, set()).add(sup)
    found, todo = set(classes), list(classes)
    while todo:
        for sup in supers.get(todo.pop(), ()):
            if sup not in found:
                found.add(sup)
                todo.append(sup)
    return found


def disjoint_violations(nodes: Iterable[Node], types_of: dict[Node, set[Node]], edges: list[tuple[Node, Node]], pairs: Pairs) -> list[Violation]:
    found = []
    for node in nodes:
        declared = types_of.get(node, set())
        classes = _closure(declared, edges)
        clashes = sorted({tuple(sorted(map(str, p))) for p in pairs if p <= classes})
        for a, b in clashes:
            found.append(Violation(
                focus_node=node, path=RDF.type, value=None,
                message_zh=f"类型冲突：本体声明 <{a}> 与 <{b}> 不相交，同一资源不能同属二者。",
                message_en=f"Disjoint types: the ontology declares <{a}> and <{b}> disjoint; a node cannot be both.",
                severity="Violation", source_shape=None,
            ))
    return found


def add_to_report(report: Graph, violations: list[Violation]) -> Graph:
    """``report`` with the violations added as sh:ValidationResults and sh:conforms false."""
    root = next(report.subjects(RDF.type, SH.ValidationReport), None)
    if root is None:
        root = BNode()
        report.add((root, RDF.type, SH.ValidationReport))
    report.set((root, SH.conforms, Literal(False)))
    for v in violations:
        result = BNode()
        report.add((root, SH.result, result))
        report.add((result, RDF.type, SH.ValidationResult))
        report.add((result, SH.focusNode, v.focus_node))
        report.add((result, SH.resultPath, RDF.type))
        report.add((result, SH.resultSeverity, SH.Violation))
        report.add((result, SH.sourceConstraintComponent, URIRef(str(OWL.disjointWith))))
        report.add((result, SH.resultMessage, Literal(v.message_zh, lang="zh")))
        report.add((result, SH.resultMessage, Literal(v.message_en, lang="en")))
    return report
