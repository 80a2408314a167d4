"""Validate vetkg graphs against the SHACL shapes in ``vetkg-shapes.ttl``.

SHACL's ``sh:targetClass`` and ``sh:class`` follow ``rdfs:subClassOf`` *in the data graph*, and a
document graph holds no class axioms. Instead of pyshacl's RDFS inference (which materialises every
entailment of the data and the ontology and is many times slower), the ontology's subclass axioms
between named classes are added to a copy of the data: that is exactly what the shapes need for a
``vet:HigherVocationalCollege`` to be checked by the Organization shape.

Two engines: pyshacl-turbo (a Rust SHACL engine) decides whether a graph conforms, about ten
times faster than pyshacl; pyshacl writes the report of a graph that does not, so what people
read is the same as before. ``tests/test_shapes_engines.py`` holds the two to the same results,
on real documents and on graphs broken against every shape.
"""
from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
import pyshacl_turbo
import rdflib
from pyshacl_turbo.rdf import Input as _TurboInput
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, SKOS
from rdflib.term import Node

from vetkg.ontology import DEFAULT_BASE_IRI, ONTOLOGY_FILE, ONTOLOGY_IRI, VET
from vetkg.ontology.graphs import store_graphs

from . import SHAPES_FILE

if TYPE_CHECKING:
    from vetkg.store.base import Store

__all__ = [
    "NonConformingGraph",
    "ValidationResult",
    "Violation",
    "class_hierarchy",
    "conforms_ntriples",
    "ensure_conforms",
    "ensure_conforms_ntriples",
    "graph_of",
    "load_shapes",
    "prepare_fast_check",
    "stored_hierarchy",
    "stored_shapes",
    "validate_graph",
    "validate_store",
]

# Used only while ontology/vetkg.ttl is absent (and no ontology graph is in the store): the
# subclass edges the shapes rely on, as README.md and namespace.py group the classes. Once the
# ontology exists it is the only source, so a change there is never shadowed by this list.
_FALLBACK_HIERARCHY: tuple[tuple[URIRef, URIRef], ...] = tuple(
    (sub, sup)
    for sup, subs in {
        VET.Organization: (
            VET.GovernmentBody,
            VET.HigherVocationalCollege,
            VET.SecondaryVocationalSchool,
            VET.University,
            VET.ResearchInstitute,
            VET.Centre,
            VET.Alliance,
            VET.Enterprise,
        ),
        VET.Place: (VET.Country, VET.Region, VET.AdministrativeArea, VET.EconomicZone),
        VET.Publication: (VET.Periodical, VET.Report),
        VET.Target: (VET.QuantifiedTarget, VET.OrdinalTarget),
    }.items()
    for sub in subs
)

_log = logging.getLogger(__name__)

_SEVERITY_NAMES: dict[Node | None, str] = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


@dataclass(frozen=True)
class Violation:
    """One SHACL validation result, flattened for people and for tests."""

    focus_node: Node
    path: Node | None
    value: Node | None
    message_zh: str
    message_en: str
    severity: str
    source_shape: Node | None


@dataclass
class ValidationResult:
    conforms: bool
    report: rdflib.Graph
    text: str
    violations: list[Violation] = field(default_factory=list)

    @property
    def errors(self) -> list[Violation]:
        """The results that make the graph non-conforming (warnings excluded)."""
        return [v for v in self.violations if v.severity == "Violation"]


class NonConformingGraph(Exception):
    """A graph failed the shapes; ``str()`` is one line fit for the CLI's stderr."""

    def __init__(self, label: str, result: ValidationResult) -> None:
        self.label = label
        self.result = result
        errors = result.errors or result.violations
        count = len(errors)
        noun = "violation" if count == 1 else "violations"
        if errors:
            first = errors[0]
            where = _short(first.focus_node)
            if first.path is not None:
                where += " " + _path_text(first.path, result.report)
            detail = f"; first: {where}: {_one_line(first.message_en)} / {_one_line(first.message_zh)}"
        else:
            detail = ""
        super().__init__(f"{label} does not conform to the vetkg shapes: {count} {noun}{detail}")


# ------------------------------------------------------------------------------------------------
# Shapes and class hierarchy, loaded once per process
# ------------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def load_shapes() -> Graph:
    """The shapes graph, parsed once; treat it as read-only."""
    return Graph().parse(SHAPES_FILE, format="turtle")


def class_hierarchy(ontology: Graph | None = None) -> list[tuple[URIRef, URIRef]]:
    """Subclass edges ``(sub, super)`` between named classes of ``ontology``.

    Without an argument the edges come from ``ontology/vetkg.ttl``, re-read when the file changes,
    or from the built-in fallback while that file does not exist.
    """
    if ontology is not None:
        return _named_subclass_edges(ontology)
    path = Path(ONTOLOGY_FILE)
    if not path.exists():
        return list(_FALLBACK_HIERARCHY)
    stat = path.stat()
    return list(_hierarchy_of_file(str(path), stat.st_mtime_ns, stat.st_size))


@lru_cache(maxsize=4)
def _hierarchy_of_file(path: str, mtime_ns: int, size: int) -> tuple[tuple[URIRef, URIRef], ...]:
    # mtime and size are part of the cache key so an edited ontology is picked up without restart.
    return tuple(_named_subclass_edges(Graph().parse(path, format="turtle")))


def _named_subclass_edges(ontology: Graph) -> list[tuple[URIRef, URIRef]]:
    edges = set()
    for sub, sup in ontology.subject_objects(RDFS.subClassOf):
        if isinstance(sub, URIRef) and isinstance(sup, URIRef) and sub != sup:
            edges.add((sub, sup))
    # Equivalent named classes behave as mutual subclasses for targeting.
    for a, b in ontology.subject_objects(OWL.equivalentClass):
        if isinstance(a, URIRef) and isinstance(b, URIRef) and a != b:
            edges.update({(a, b), (b, a)})
    return sorted(edges)


# ------------------------------------------------------------------------------------------------
# Validation
# ------------------------------------------------------------------------------------------------


def validate_graph(
    data: rdflib.Graph,
    shapes: rdflib.Graph | None = None,
    focus_nodes: Sequence[Node | str] | None = None,
    *,
    hierarchy: Iterable[tuple[Node, Node]] | None = None,
) -> ValidationResult:
    """Validate ``data`` against the vetkg shapes (or ``shapes``).

    ``focus_nodes`` restricts the report to those nodes: each is checked by every shape that
    targets it, and nothing else is reported. The whole graph is still validated, because
    pyshacl 0.40's own ``focus_nodes`` drops the value nodes of nested shapes (sh:or, sh:node,
    sh:not) and so passes what it should fail; for speed, validate a change with
    :func:`vetkg.shapes.incremental.validate_change`, which validates a small extract instead. ``hierarchy`` overrides the subclass edges taken
    from the ontology (see :func:`class_hierarchy`). ``data`` is never modified.
    """
    shapes_graph = load_shapes() if shapes is None else shapes
    edges = class_hierarchy() if hierarchy is None else list(hierarchy)

    # A private copy: pyshacl may then run in place, and the caller's graph stays free of the
    # ontology's axioms.
    work = Graph()
    work += data
    work.addN((sub, RDFS.subClassOf, sup, work) for sub, sup in edges)

    focus: list[URIRef] | None = None
    if focus_nodes is not None:
        focus = [n if isinstance(n, URIRef) else URIRef(str(n)) for n in focus_nodes]
        if not focus:
            # pyshacl reads an empty list as "no restriction"; nothing asked means nothing to check.
            return _result(True, _empty_report(), data, [], checked_nodes=0)

    # imported here: a build decides with pyshacl-turbo and needs pyshacl (a sixth of a second
    # to import) only to report a failing document
    import pyshacl

    conforms, report, _ = pyshacl.validate(
        work,
        shacl_graph=shapes_graph,
        inference="none",
        inplace=True,
        # Warnings (e.g. a second skos:prefLabel from another document) are reported, not fatal.
        allow_warnings=True,
    )
    if not isinstance(report, Graph):  # pyshacl hands back the exception on a validation failure
        raise RuntimeError(f"SHACL validation could not run: {report}")
    violations = _violations(report)
    if focus is not None:
        keep = set(focus)
        violations = [v for v in violations if v.focus_node in keep]
        report = _report_for(report, keep)
        conforms = not any(v.severity == "Violation" for v in violations)
    checked = len(focus) if focus is not None else len(set(data.subjects()))
    return _result(bool(conforms), report, data, violations, checked_nodes=checked)


def ensure_conforms(data: rdflib.Graph, label: str) -> None:
    """Raise :class:`NonConformingGraph` unless ``data`` conforms; ``label`` names the document."""
    ensure_conforms_ntriples(data.serialize(format="nt", encoding="utf-8").decode("utf-8"), label, lambda: data)


def ensure_conforms_ntriples(ntriples: str, label: str, graph: Callable[[], rdflib.Graph]) -> None:
    """Raise :class:`NonConformingGraph` unless the graph whose N-Triples are ``ntriples``
    conforms. ``graph()`` gives the same graph in rdflib, for pyshacl to write the report: it is
    called only for a graph that pyshacl-turbo finds not to conform."""
    fast = conforms_ntriples(ntriples)
    if fast:
        return
    result = validate_graph(graph())
    if not result.conforms:
        raise NonConformingGraph(label, result)
    # pyshacl, whose report people read, has the last word; a disagreement is a bug to report
    if fast is False:
        _log.warning("%s: pyshacl-turbo finds a violation that pyshacl does not; pyshacl's verdict is kept", label)


def conforms_ntriples(ntriples: str, *, hierarchy: Iterable[tuple[Node, Node]] | None = None) -> bool | None:
    """Whether the graph whose N-Triples are ``ntriples`` conforms to the vetkg shapes
    (warnings allowed), as pyshacl-turbo decides; None when it cannot decide (it failed)."""
    data = _turbo_input(ntriples, hierarchy)
    try:
        conforms, _, _ = _turbo_shapes().validate(data, allow_warnings=True)
    except Exception:
        return None
    return bool(conforms)


def turbo_report(ntriples: str, *, hierarchy: Iterable[tuple[Node, Node]] | None = None) -> tuple[bool, Graph]:
    """(conforms, report graph) of pyshacl-turbo for the N-Triples ``ntriples``; for tests that
    compare the two engines."""
    conforms, report, _ = _turbo_shapes().validate(_turbo_input(ntriples, hierarchy), allow_warnings=True)
    return bool(conforms), report


def prepare_fast_check() -> None:
    """Compile the shapes for pyshacl-turbo now (a build worker does it once, before its
    first document)."""
    _turbo_shapes()
    _edges_ntriples(tuple(class_hierarchy()))


def _turbo_input(ntriples: str, hierarchy: Iterable[tuple[Node, Node]] | None) -> _TurboInput:
    # N-Triples handed over as they are: given an rdflib graph, pyshacl-turbo would convert it
    # term by term, which costs more than its validation
    edges = tuple(class_hierarchy()) if hierarchy is None else tuple(hierarchy)
    if ntriples and not ntriples.endswith("\n"):
        ntriples += "\n"
    return _TurboInput(ntriples + _edges_ntriples(edges), "nt", None, {})


@lru_cache(maxsize=1)
def _turbo_shapes() -> pyshacl_turbo.CompiledShapes:
    return pyshacl_turbo.compile_shapes(load_shapes())


@lru_cache(maxsize=4)
def _edges_ntriples(edges: tuple[tuple[URIRef, URIRef], ...]) -> str:
    return "".join(f"<{sub}> <{RDFS.subClassOf}> <{sup}> .\n" for sub, sup in edges)


def validate_store(
    store: Store, shapes: rdflib.Graph | None = None, base_iri: str = DEFAULT_BASE_IRI, graph: str | None = None
) -> ValidationResult:
    """Validate the data of ``store`` (or its one data graph ``graph``) against ``shapes`` if
    given, else the shapes graph the store holds (the one the write gate checks against), else
    the vetkg shapes.

    What is data is :mod:`vetkg.ontology.graphs`' rule, the write gate's: every graph but the
    ontology, shapes and history graphs, and the store's own default graph. The subclass axioms
    come from the ontology graph in the store when it is there (the ontology the data was built
    with), else from ``ontology/vetkg.ttl``.
    """
    roles = store_graphs(base_iri)
    stored = store.graphs()
    graphs = roles.data_graphs(stored)
    if graph is not None:
        if graph not in graphs:
            raise ValueError(f"<{graph}> is not a data graph of the store")
        graphs = [graph]
    data = Graph()
    for iri in graphs:
        data += graph_of(store, iri)
    if graph is None:
        default = _default_graph_ntriples(store)
        if default:
            data.parse(data=default, format="nt")
    if shapes is None:
        shapes = stored_shapes(store, base_iri)
    result = validate_graph(data, shapes, hierarchy=stored_hierarchy(store))
    if result.conforms:
        result.text = f"{len(graphs)} data graph(s): " + result.text
    return result


def graph_of(store: Store, iri: str) -> Graph:
    """The named graph ``iri`` of ``store`` as an rdflib Graph."""
    data = Graph()
    buffer = io.BytesIO()
    # N-Triples is the cheapest exact round trip from Oxigraph to rdflib.
    store.dump(buffer, ox.RdfFormat.N_TRIPLES, graph=iri)
    if buffer.tell():
        data.parse(data=buffer.getvalue(), format="nt")
    return data


def stored_shapes(store: Store, base_iri: str = DEFAULT_BASE_IRI) -> Graph | None:
    """The shapes graph ``store`` holds (what the write gate checks against); None without one."""
    roles = store_graphs(base_iri)
    if roles.shapes not in store.graphs():
        return None
    held = graph_of(store, roles.shapes)
    return held if len(held) else None


def stored_hierarchy(store: Store) -> list[tuple[URIRef, URIRef]] | None:
    """The subclass edges of the ontology graph in ``store``; None without one (then
    :func:`class_hierarchy` reads ``ontology/vetkg.ttl``)."""
    if ONTOLOGY_IRI not in store.graphs():
        return None
    ontology = Graph()
    subclass = ox.NamedNode(str(RDFS.subClassOf))
    equivalent = ox.NamedNode(str(OWL.equivalentClass))
    for quad in store.quads(ONTOLOGY_IRI):
        sub, sup = quad.subject, quad.object
        if quad.predicate in (subclass, equivalent) and isinstance(sub, ox.NamedNode) and isinstance(sup, ox.NamedNode):
            ontology.add((URIRef(sub.value), URIRef(quad.predicate.value), URIRef(sup.value)))
    return class_hierarchy(ontology)


def _default_graph_ntriples(store: Store) -> bytes:
    """The store's own default graph as N-Triples; empty for a remote store, whose default graph
    is not vetkg's (writes to it are refused there)."""
    embedded = getattr(store, "oxigraph", None)
    if embedded is None:
        return b""
    quads = embedded.quads_for_pattern(None, None, None, ox.DefaultGraph())
    return ox.serialize([q.triple for q in quads], format=ox.RdfFormat.N_TRIPLES) or b""


# ------------------------------------------------------------------------------------------------
# Reading pyshacl's report
# ------------------------------------------------------------------------------------------------


def _violations(report: Graph) -> list[Violation]:
    found = []
    for res in report.subjects(RDF.type, SH.ValidationResult):
        messages = list(report.objects(res, SH.resultMessage))
        zh = next((str(m) for m in messages if isinstance(m, Literal) and (m.language or "").startswith("zh")), None)
        en = next((str(m) for m in messages if isinstance(m, Literal) and (m.language or "").startswith("en")), None)
        # A shape without sh:message gets pyshacl's own English text, untagged.
        plain = next((str(m) for m in messages if isinstance(m, Literal) and not m.language), "")
        severity = report.value(res, SH.resultSeverity)
        focus = report.value(res, SH.focusNode)
        assert focus is not None  # SHACL gives every validation result exactly one sh:focusNode
        found.append(
            Violation(
                focus_node=focus,
                path=report.value(res, SH.resultPath),
                value=report.value(res, SH.value),
                message_zh=zh or plain or (en or ""),
                message_en=en or plain or (zh or ""),
                severity=_SEVERITY_NAMES.get(severity, str(severity)),
                source_shape=report.value(res, SH.sourceShape),
            )
        )
    # One shape can fail several of its components on one value (sh:datatype and sh:languageIn for
    # an untagged label); its message is the same, so people see it once. The report keeps all.
    unique = list(dict.fromkeys(found))
    unique.sort(key=lambda v: (v.severity != "Violation", str(v.focus_node), str(v.path), str(v.source_shape)))
    return unique


def _result(
    conforms: bool, report: Graph, data: Graph, violations: list[Violation], checked_nodes: int
) -> ValidationResult:
    return ValidationResult(
        conforms=conforms,
        report=report,
        text=summary_text(conforms, report, data, violations, checked_nodes),
        violations=violations,
    )


def _report_for(report: Graph, focus: set[URIRef]) -> Graph:
    """The part of ``report`` about ``focus``: its results and what they hang from."""
    kept = Graph(namespace_manager=report.namespace_manager)
    keep = [r for r in report.subjects(RDF.type, SH.ValidationResult) if report.value(r, SH.focusNode) in focus]
    node = BNode()
    kept.add((node, RDF.type, SH.ValidationReport))
    kept.add((node, SH.conforms, Literal(not any(report.value(r, SH.resultSeverity) == SH.Violation for r in keep))))
    for result in keep:
        kept.add((node, SH.result, result))
        for triple in report.triples((result, None, None)):
            kept.add(triple)
            if isinstance(triple[2], BNode):  # sh:resultPath lists and nested details
                kept += report.cbd(triple[2])
    return kept


def _empty_report() -> Graph:
    report = Graph()
    node = BNode()
    report.add((node, RDF.type, SH.ValidationReport))
    report.add((node, SH.conforms, Literal(True)))
    return report


def summary_text(
    conforms: bool, report: Graph, data: Graph, violations: list[Violation], checked_nodes: int
) -> str:
    """The plain-text report of a validation: the verdict with what was checked, then each
    violation (:func:`violation_lines`); whole-graph and incremental validation both write it."""
    errors = sum(1 for v in violations if v.severity == "Violation")
    others = len(violations) - errors
    lines: list[str] = []
    if conforms:
        lines.append(f"The graph conforms to the vetkg shapes: {checked_nodes} nodes, {len(data)} triples checked.")
        if others:
            lines.append(f"{others} warning(s):")
    else:
        lines.append(
            f"The graph does not conform to the vetkg shapes: {errors} violation(s)"
            + (f", {others} warning(s)" if others else "")
            + f" ({checked_nodes} nodes, {len(data)} triples checked)."
        )
    for v in violations:
        lines.append("")
        lines.extend(violation_lines(v, report, label=_label(data, v.focus_node)))
    return "\n".join(lines)


def violation_lines(v: Violation, report: Graph | None, label: str | None = None, source: str | None = None) -> list[str]:
    """The one way a violation is written for people (``vetkg validate``, ``vetkg validate
    --update``, the text/plain answer to a rejected write): the focus node with its label, the
    path and value in the shapes' prefixes, both messages, and the source sentence and the
    shape when they are known. ``report`` resolves a path given as a blank node."""
    nm = _namespaces(report if report is not None else Graph())
    head = f"[{v.severity}] {_node_text(v.focus_node, nm)}"
    if label:
        head += f"  «{label}»"
    lines = [head]
    if v.path is not None:
        lines.append(f"  path / 属性:   {_path_text(v.path, report if report is not None else Graph(), nm)}")
    if v.value is not None:
        lines.append(f"  value / 值:    {_n3(v.value, nm)}")
    lines.append(f"  zh:            {v.message_zh}")
    lines.append(f"  en:            {v.message_en}")
    if source:
        lines.append(f"  source / 原文: {source}")
    if v.source_shape is not None and not isinstance(v.source_shape, BNode):
        lines.append(f"  shape / 形状:  {_n3(v.source_shape, nm)}")
    return lines


def _node_text(node: Node, nm: rdflib.namespace.NamespaceManager) -> str:
    # A focus node is never cut short (a reader copies it into a query); a blank node's label
    # means nothing outside the report.
    return "(blank node)" if isinstance(node, BNode) else node.n3(nm)


def _namespaces(report: Graph) -> rdflib.namespace.NamespaceManager:
    nm = rdflib.namespace.NamespaceManager(Graph(), bind_namespaces="core")
    for prefix, ns in load_shapes().namespaces():
        nm.bind(prefix, ns, override=True, replace=True)
    return nm


def _n3(node: Node, nm: rdflib.namespace.NamespaceManager | None = None) -> str:
    text = node.n3(nm) if hasattr(node, "n3") else str(node)
    return text if len(text) <= 160 else text[:157] + "…"


def _short(node: Node) -> str:
    return _n3(node, _namespaces(Graph()))


def _path_text(path: Node, report: Graph, nm: rdflib.namespace.NamespaceManager | None = None) -> str:
    nm = nm or _namespaces(report)
    if isinstance(path, BNode):
        inverse = report.value(path, SH.inversePath)
        if inverse is not None:
            return "^" + _path_text(inverse, report, nm)
        return "(complex path)"
    return _n3(path, nm)


def _label(data: Graph, node: Node) -> str | None:
    for prop in (RDFS.label, SKOS.prefLabel, DCTERMS.title):
        value = data.value(node, prop)
        if value is not None:
            return _one_line(str(value))
    return None


def _one_line(text: str) -> str:
    return " ".join(text.split())
