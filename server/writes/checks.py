"""Whether a pending change may be committed: SHACL for data, HermiT for the ontology.

* A change to data graphs is validated incrementally (:func:`vetkg.shapes.incremental.validate_change`):
  only the focus nodes it can affect, on the small graph their validation reads.
* A change to the shapes graph, or to the ontology's class hierarchy (which decides what the
  shapes target), revalidates all data against the shapes and hierarchy as they will be.
* A change to the ontology graph must leave it consistent with no unsatisfiable class (HermiT).

* A change to the shapes graph must leave a usable shapes graph (:mod:`vetkg.shapes.meta`):
  conforming to SHACL-SHACL, and not vacuous.

What is data is :mod:`vetkg.ontology.graphs`' rule: every graph but the ontology, shapes and
history graphs, the store's default graph included (a triple written there is visible to queries,
so it is checked too), the rule ``vetkg validate`` follows.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox
import rdflib
from rdflib import Graph
from rdflib.namespace import RDF

from vetkg.ontology.graphs import store_graphs
from vetkg.ontology.owl import check_consistency, load_ontology_graph
from vetkg.shapes.incremental import validate_change
from vetkg.shapes.meta import shapes_problems
from vetkg.shapes.validate import (
    ValidationResult,
    Violation,
    class_hierarchy,
    load_shapes,
    validate_graph,
)
from vetkg.store.change import Change
from vetkg.store.terms import to_rdflib
from vetkg.store.union import DataUnion, pending_union, union_change

from .disjoint import Pairs, add_to_report, disjoint_pairs, disjoint_violations
from .state import PendingState


@dataclass
class Verdict:
    """The outcome of checking a change. ``ok`` means it may be committed."""

    report: Graph | None = None  # the sh:ValidationReport, when SHACL ran
    violations: list[Violation] = field(default_factory=list)
    shacl_conforms: bool = True
    ontology_message: str = ""
    unsatisfiable: list[str] = field(default_factory=list)
    ontology_consistent: bool = True
    full_validation: bool = False
    shapes_problems: list[str] = field(default_factory=list)  # the new shapes graph is unusable

    @property
    def ok(self) -> bool:
        return self.shacl_conforms and self.ontology_consistent and not self.unsatisfiable and not self.shapes_problems

    @property
    def errors(self) -> list[Violation]:
        return [v for v in self.violations if v.severity == "Violation"]


def _rdflib_graph(quads: Iterator[ox.Quad]) -> Graph:
    graph = Graph()
    for q in quads:
        graph.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    return graph


class Checker:
    """Checks changes against the shapes and ontology stored with the data.

    The shapes graph and the class hierarchy are read from the store once and kept until a
    committed change touches their graphs (:meth:`committed`)."""

    def __init__(self, base_iri: str) -> None:
        self.graphs = store_graphs(base_iri)
        self.ontology = ox.NamedNode(self.graphs.ontology)
        self.shapes = ox.NamedNode(self.graphs.shapes)
        self.history = ox.NamedNode(self.graphs.history)
        self._cached: tuple[Graph, list[tuple[rdflib.URIRef, rdflib.URIRef]] | None] | None = None
        self._pairs: Pairs | None = None

    def _shapes_of(self, state: PendingState) -> Graph:
        if state.graph_exists(self.shapes):
            graph = _rdflib_graph(state.quads(g=self.shapes))
            if len(graph):
                return graph
        return load_shapes()  # no shapes in the store: the ones shipped with vetkg

    def _hierarchy_of(self, state: PendingState) -> list[tuple[rdflib.URIRef, rdflib.URIRef]] | None:
        if not state.graph_exists(self.ontology):
            return None  # class_hierarchy() then reads ontology/vetkg.ttl
        return class_hierarchy(_rdflib_graph(state.quads(g=self.ontology)))

    def _current(self, state: PendingState) -> tuple[Graph, list[tuple[rdflib.URIRef, rdflib.URIRef]] | None]:
        if self._cached is None:
            self._cached = (self._shapes_of(state), self._hierarchy_of(state))
        return self._cached

    def _pairs_of(self, state: PendingState) -> Pairs:
        if state.graph_exists(self.ontology):
            return disjoint_pairs(_rdflib_graph(state.quads(g=self.ontology)))
        return disjoint_pairs(load_ontology_graph())

    def committed(self, change: Change) -> None:
        if change.touches(self.shapes.value) or change.touches(self.ontology.value):
            self.forget()

    def forget(self) -> None:
        """Read the shapes and the ontology from the store again at the next check."""
        self._cached = None
        self._pairs = None

    def check(self, change: Change, state: PendingState) -> Verdict:
        verdict = Verdict()
        if not change:
            return verdict
        touches_ontology = change.touches(self.ontology.value)
        touches_shapes = change.touches(self.shapes.value)
        if touches_ontology and state.graph_exists(self.ontology):
            consistency = check_consistency(_rdflib_graph(state.quads(g=self.ontology)))
            verdict.ontology_consistent = consistency.consistent
            verdict.unsatisfiable = list(consistency.unsatisfiable)
            verdict.ontology_message = consistency.message
            if not consistency.ok:
                return verdict
        # The base store is unchanged until commit, so "current" is the state before the change.
        shapes, hierarchy = self._current(state)
        if touches_shapes:
            shapes = self._shapes_of(state)
            verdict.shapes_problems = shapes_problems(shapes)
            if verdict.shapes_problems:
                return verdict
        if touches_ontology:
            new_hierarchy = self._hierarchy_of(state)
            full = sorted(new_hierarchy or class_hierarchy()) != sorted(hierarchy or class_hierarchy())
            hierarchy = new_hierarchy
        else:
            full = False
        full = full or touches_shapes
        after = pending_union(state, self.graphs)
        if full:
            result: ValidationResult = validate_graph(after.graph(), shapes, hierarchy=hierarchy)
            verdict.full_validation = True
        else:
            to_union = self._union_change(change, state)
            if not to_union:
                return verdict
            result = validate_change(to_union, after, shapes, hierarchy)
        verdict.report = result.report
        verdict.violations = list(result.violations)
        verdict.shacl_conforms = result.conforms
        clashes = self._disjoint(change, state, after, hierarchy, touches_ontology)
        if clashes:
            verdict.report = add_to_report(verdict.report, clashes)
            verdict.violations.extend(clashes)
            verdict.shacl_conforms = False
        return verdict

    def _disjoint(self, change: Change, state: PendingState, after: DataUnion, hierarchy: list | None, fresh: bool) -> list:
        """Nodes given a new type must not end up in two disjoint classes (see :mod:`.disjoint`)."""
        rdf_type = ox.NamedNode(str(RDF.type))
        nodes = {to_rdflib(q.subject) for q in change.added if q.predicate == rdf_type and after.is_data(q.graph_name)}
        if not nodes:
            return []
        if fresh or self._pairs is None:
            pairs = self._pairs_of(state)
            if not fresh:
                self._pairs = pairs
        else:
            pairs = self._pairs
        types_of = {n: {o for _, _, o in after.triples(n, RDF.type, None)} for n in nodes}
        edges = list(hierarchy if hierarchy is not None else class_hierarchy())
        return disjoint_violations(sorted(nodes, key=str), types_of, edges, pairs)

    def _union_change(self, change: Change, state: PendingState) -> Change:
        """The change to the union of the data graphs (:func:`vetkg.store.union.union_change`)."""
        before = pending_union(state, self.graphs, before=True)
        prefetch = getattr(state.base, "prefetch_triples", None)
        if prefetch is not None:
            # A remote store: one query per batch of triples instead of one per triple.
            prefetch([q.triple for q in change.added | change.removed if before.is_data(q.graph_name)])
        return union_change(change, before)
