"""What a pending state reads the store through: four calls pyoxigraph's ``Store`` already has.

The embedded store is its own source. A remote SPARQL store is read through
:class:`vetkg.store.remote_quads.RemoteQuads`, which answers the same calls with SPARQL
queries, so :class:`vetkg.server.writes.state.PendingState`, the checks and the reports do not know which it is.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

import pyoxigraph as ox

from vetkg.store.terms import OxGraph, OxSubject, OxTerm


class QuadSource(Protocol):
    def quads_for_pattern(
        self,
        subject: OxSubject | None,
        predicate: ox.NamedNode | None,
        object: OxTerm | None,
        graph_name: OxGraph | None = None,
    ) -> Iterable[ox.Quad]:
        """The quads matching the pattern; ``graph_name`` None means every graph."""

    def __contains__(self, quad: ox.Quad) -> bool: ...

    def contains_named_graph(self, graph_name: ox.NamedNode | ox.BlankNode) -> bool: ...

    def named_graphs(self) -> Iterable[ox.NamedNode | ox.BlankNode]: ...
