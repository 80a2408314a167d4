"""The data graphs seen as one graph, before or after a change: what SHACL validates.

A shape does not care which graph holds a triple, so the incremental validator
(:mod:`vetkg.shapes.incremental`), the write gate (:mod:`vetkg.server.writes.checks`) and the write
report read the data as one graph of rdflib triples (pyshacl's terms): a :class:`DataView`. Here
are its one reading of a store (:class:`DataUnion`), the data as a change leaves it
(:func:`with_change`) and the change a write makes to that one graph
(:func:`union_change`). Which graphs are data is :mod:`vetkg.ontology.graphs`' rule.

A change to the union is a :class:`~vetkg.store.change.Change` like any other, to a dataset of
one graph: its quads are in the default graph.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Protocol

import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import Node

from vetkg.ontology.graphs import StoreGraphs, store_graphs

from .change import Change
from .source import QuadSource
from .terms import OxGraph, OxSubject, OxTerm, ox_pattern, to_ox, to_rdflib
from .write_backend import StoreAfterChange

Triple = tuple[Node, Node, Node]
#: ``quads_for_pattern`` of a store, or ``quads`` of a pending state: quads matching a pattern.
QuadReader = Callable[[OxSubject | None, ox.NamedNode | None, OxTerm | None, OxGraph | None], Iterable[ox.Quad]]


class DataView(Protocol):
    """The one read the validator needs: the triples of the data matching a pattern."""

    def triples(self, s: Node | None, p: Node | None, o: Node | None) -> Iterable[Triple]: ...


class Pending(StoreAfterChange, Protocol):
    """The writer's pending state, with the store it was made on (``base``): the union before
    the change is read from there."""

    base: QuadSource


class DataUnion:
    """The data graphs that ``read`` sees, as one graph: a triple held by several is seen once.

    ``read`` is a store's ``quads_for_pattern`` or a pending state's ``quads``. A quad's graph
    is data by ``graphs.is_data`` (the store's default graph, and any graph that is not a named
    one, as ``None``): a triple written there is visible to queries, so it is checked too.
    """

    def __init__(self, read: QuadReader, graphs: StoreGraphs | None = None) -> None:
        self._read = read
        self._graphs = graphs if graphs is not None else store_graphs()
        self._data_graph: dict[object, bool] = {}  # each graph's verdict, asked once

    def is_data(self, graph: object) -> bool:
        """Whether a quad's graph name is a data graph."""
        known = self._data_graph.get(graph)
        if known is None:
            iri = graph.value if isinstance(graph, ox.NamedNode) else None
            known = self._data_graph[graph] = self._graphs.is_data(iri)
        return known

    def triples(self, s: Node | None, p: Node | None, o: Node | None) -> Iterator[Triple]:
        pattern = ox_pattern(s, p, o)
        if pattern is None:
            return
        seen: set[ox.Triple] = set()
        for quad in self._read(*pattern, None):
            if quad.triple in seen or not self.is_data(quad.graph_name):
                continue
            seen.add(quad.triple)
            yield to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)

    def graphs_holding(self, triple: ox.Triple) -> set[OxGraph]:
        """The data graphs that hold ``triple``."""
        s, o = triple.subject, triple.object
        if isinstance(s, ox.Triple) or isinstance(o, ox.Triple):
            return set()  # a quoted triple is no term of vetkg's (store.terms)
        return {q.graph_name for q in self._read(s, triple.predicate, o, None) if self.is_data(q.graph_name)}

    def has(self, triple: ox.Triple) -> bool:
        return bool(self.graphs_holding(triple))

    def graph(self) -> Graph:
        """The whole union as an rdflib graph (for a full validation)."""
        data = Graph()
        for t in self.triples(None, None, None):
            data.add(t)
        return data


def pending_union(state: Pending, graphs: StoreGraphs | None = None, before: bool = False) -> DataUnion:
    """The data of a pending state as the change leaves it, or with ``before`` as the store has it."""
    return DataUnion(state.base.quads_for_pattern if before else state.quads, graphs)


def union_change(change: Change, before: DataUnion) -> Change:
    """The change that ``change`` (to the store ``before`` reads) makes to the union of its data
    graphs, in the default graph. Quads of other graphs change nothing; a triple another data
    graph still holds did not leave the union, and a triple it already held did not enter it.

    Exact by :class:`Change`'s rule: its added quads are none the store had, its removed quads
    only quads it had.
    """
    added = {q.triple for q in change.added if before.is_data(q.graph_name)}
    removing: dict[ox.Triple, set[OxGraph]] = {}
    for q in change.removed:
        if before.is_data(q.graph_name):
            removing.setdefault(q.triple, set()).add(q.graph_name)
    return Change(
        added=frozenset(_in_default_graph(t) for t in added if not before.has(t)),
        removed=frozenset(
            _in_default_graph(t)
            for t, graphs in removing.items()
            if t not in added and not before.graphs_holding(t) - graphs
        ),
    )


def _in_default_graph(t: ox.Triple) -> ox.Quad:
    return ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())


def triples_change(added: Iterable[Triple] = (), removed: Iterable[Triple] = ()) -> Change:
    """A change to the union given as rdflib triples. A triple both removed and added is kept as
    added only: the data after it holds the triple, and checking it as new checks a little more
    than needed but never less."""
    plus = {_quad(t) for t in added}
    return Change(added=frozenset(plus), removed=frozenset(_quad(t) for t in removed) - plus)


def _quad(t: Triple) -> ox.Quad:
    s, p, o = (to_ox(x) for x in t)
    if isinstance(s, ox.Literal) or not isinstance(p, ox.NamedNode):
        raise ValueError(f"not an RDF triple: {t!r}")
    return ox.Quad(s, p, o, ox.DefaultGraph())


def as_triples(quads: Iterable[ox.Quad]) -> set[Triple]:
    """The triples of ``quads`` in rdflib terms, whatever their graphs."""
    return {(to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)) for q in quads}


class ChangedView:
    """``base`` with ``plus`` added and ``minus`` removed, without copying ``base``."""

    def __init__(self, base: DataView, plus: set[Triple], minus: set[Triple]) -> None:
        self.base, self.plus, self.minus = base, plus, minus
        # ``plus`` by the term at one position (0, 1, 2), built at the first lookup bound there:
        # scanning it whole for every lookup made the check of a large removal quadratic (a
        # DROP ALL of 100k triples read the 100k once per node it checked).
        self._plus_by: dict[int, dict[Node, list[Triple]]] = {}

    def _plus_candidates(self, pattern: tuple[Node | None, Node | None, Node | None]) -> Iterable[Triple]:
        for position, term in enumerate(pattern):
            if term is not None:
                index = self._plus_by.get(position)
                if index is None:
                    index = self._plus_by[position] = {}
                    for t in self.plus:
                        index.setdefault(t[position], []).append(t)
                return index.get(term, ())
        return self.plus

    def triples(self, s: Node | None, p: Node | None, o: Node | None) -> Iterator[Triple]:
        for t in self.base.triples(s, p, o):
            if t not in self.minus and t not in self.plus:
                yield t
        for t in self._plus_candidates((s, p, o)):
            if (s is None or t[0] == s) and (p is None or t[1] == p) and (o is None or t[2] == o):
                yield t


def with_change(before: DataView, change: Change) -> ChangedView:
    """The union ``before`` as ``change`` (a change to the union) leaves it."""
    return ChangedView(before, plus=as_triples(change.added), minus=as_triples(change.removed))

