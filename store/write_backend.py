"""How the writer reads and commits a store: the interface each store that vetkg writes offers.

Everything before the commit is the same for every store: the change is computed over a pending
state (read through :meth:`WriteBackend.source`), checked, and rejected or accepted alike. The
commit is the store's own: Oxigraph takes the change and its history record in one ``update()``,
one transaction (:mod:`.oxigraph_commit`); a remote server gets idempotent ``DELETE DATA`` /
``INSERT DATA`` requests behind a journal entry (:mod:`.sparql_commit`, :mod:`.sparql_journal`),
since it may not be transactional across them. A store gives its backend from
:meth:`vetkg.store.base.Store.write_backend`, so a new writable store is one module.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Protocol

import pyoxigraph as ox

from .change import Change
from .source import QuadSource
from .terms import OxGraph, OxSubject, OxTerm


class StoreAfterChange(Protocol):
    """The store as a change leaves it (the writer's pending state): what a commit rewrites a
    graph from when the graph is written whole."""

    def quads(
        self,
        s: OxSubject | None = None,
        p: ox.NamedNode | None = None,
        o: OxTerm | None = None,
        g: OxGraph | None = None,
    ) -> Iterator[ox.Quad]: ...

    def graph_exists(self, graph: ox.NamedNode) -> bool: ...


class WriteBackend(Protocol):
    #: Whether the store's own default graph may be written (a remote's is not vetkg's).
    default_graph: bool

    def source(self) -> QuadSource:
        """A reader of the store as it is now, for one write."""

    def query(self, sparql: str) -> Any:
        """A SPARQL SELECT or ASK over the store (the history reads itself with it)."""

    def commit(self, change: Change, state: StoreAfterChange, extra: Iterable[ox.Quad]) -> None:
        """Write the checked change and the ``extra`` quads (its history record)."""

    def recover(self) -> bool:
        """Complete a commit that was interrupted; True when there was one."""

    def interrupted(self) -> bool:
        """Whether a commit was interrupted and not yet completed."""
