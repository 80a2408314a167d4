"""The store as a write would leave it, without writing: the store minus removed plus added quads.

Everything that computes a change (SPARQL Update, the Graph Store Protocol) reads and writes a
:class:`PendingState`; the store itself is written once, after validation (:mod:`.transaction`).
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph as ox

from vetkg.store.change import Change
from vetkg.store.source import QuadSource
from vetkg.store.terms import OxGraph, OxSubject, OxTerm

GraphPattern = OxGraph | None  # None: every graph


def _matches(quad: ox.Quad, s: OxSubject | None, p: ox.NamedNode | None, o: OxTerm | None, g: GraphPattern) -> bool:
    return (
        (s is None or quad.subject == s)
        and (p is None or quad.predicate == p)
        and (o is None or quad.object == o)
        and (g is None or quad.graph_name == g)
    )


class PendingState:
    """``base`` with a change applied on top. ``base`` must not change meanwhile: the writer's lock
    is held from the first read to the commit. It is the embedded store or a remote one read
    through SPARQL (:mod:`vetkg.store.source`)."""

    def __init__(self, base: QuadSource) -> None:
        self.base = base
        self._added: dict[OxGraph, set[ox.Quad]] = {}
        # The added quads by subject and by object: the checks look a node up thousands of times
        # in a change of thousands of quads (a document posted whole), too many for a scan each.
        self._by_subject: dict[object, set[ox.Quad]] = {}
        self._by_object: dict[object, set[ox.Quad]] = {}
        self._removed: set[ox.Quad] = set()
        # Explicit existence of named graphs: True after CREATE or a first quad, False after DROP.
        self._exists: dict[ox.NamedNode, bool] = {}

    # -- reading ----------------------------------------------------------------------------------

    def quads(
        self,
        s: OxSubject | None = None,
        p: ox.NamedNode | None = None,
        o: OxTerm | None = None,
        g: GraphPattern = None,
    ) -> Iterator[ox.Quad]:
        removed = self._removed
        for quad in self.base.quads_for_pattern(s, p, o, g):
            if quad not in removed:
                yield quad
        if s is not None or o is not None:
            index = self._by_subject.get(s, ()) if s is not None else self._by_object.get(o, ())
            for quad in list(index):
                if _matches(quad, s, p, o, g):
                    yield quad
            return
        pools = self._added.values() if g is None else [self._added.get(g, ())]
        for pool in pools:
            for quad in list(pool):
                if _matches(quad, s, p, o, None):
                    yield quad

    def graph_exists(self, graph: ox.NamedNode) -> bool:
        explicit = self._exists.get(graph)
        if explicit is not None:
            return explicit
        return self.base.contains_named_graph(graph)

    def named_graphs(self) -> list[ox.NamedNode]:
        names = {g for g in self.base.named_graphs() if isinstance(g, ox.NamedNode)}
        names.update(g for g, alive in self._exists.items() if alive)
        names.difference_update(g for g, alive in self._exists.items() if not alive)
        return sorted(names, key=lambda n: n.value)

    # -- writing ----------------------------------------------------------------------------------

    def add(self, quad: ox.Quad) -> None:
        if isinstance(quad.graph_name, ox.NamedNode):
            self._exists[quad.graph_name] = True
        if quad in self._removed:
            self._removed.discard(quad)
        elif quad not in self.base:
            self._added.setdefault(quad.graph_name, set()).add(quad)
            self._by_subject.setdefault(quad.subject, set()).add(quad)
            self._by_object.setdefault(quad.object, set()).add(quad)

    def add_all(self, quads: Iterable[ox.Quad]) -> None:
        """``add`` each; a remote base is asked about all of them at once first."""
        for quad in self.prefetch(quads):
            self.add(quad)

    def remove_all(self, quads: Iterable[ox.Quad]) -> None:
        for quad in self.prefetch(quads):
            self.remove(quad)

    def prefetch(self, quads: Iterable[ox.Quad]) -> list[ox.Quad]:
        """Tell the base which quads are about to be looked up; returns them as a list. Over HTTP,
        "is it in the store?" is a request per quad otherwise (see RemoteQuads.prefetch)."""
        quads = list(quads)
        prefetch = getattr(self.base, "prefetch", None)
        if prefetch is not None:
            prefetch(quads)
        return quads

    def remove(self, quad: ox.Quad) -> None:
        pool = self._added.get(quad.graph_name)
        if pool is not None and quad in pool:
            pool.discard(quad)
            self._by_subject[quad.subject].discard(quad)
            self._by_object[quad.object].discard(quad)
        elif quad in self.base:
            self._removed.add(quad)

    def clear(self, graph: OxGraph) -> None:
        for quad in list(self.quads(g=graph)):
            self.remove(quad)

    def create(self, graph: ox.NamedNode) -> None:
        self._exists[graph] = True

    def drop(self, graph: ox.NamedNode) -> None:
        self.clear(graph)
        self._exists[graph] = False

    # -- the result -------------------------------------------------------------------------------

    def change(self) -> Change:
        added = frozenset(q for pool in self._added.values() for q in pool)
        created, dropped = set(), set()
        for graph, alive in self._exists.items():
            before = self.base.contains_named_graph(graph)
            if alive and not before:
                created.add(graph.value)
            elif not alive and before:
                dropped.add(graph.value)
        return Change(added, frozenset(self._removed), frozenset(created), frozenset(dropped))
