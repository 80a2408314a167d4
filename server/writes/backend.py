"""Where the writer reads and commits: the embedded Oxigraph store or a remote SPARQL server.

Everything before the commit is the same for both: the change is computed over a pending state
(read through :meth:`Backend.source`), checked, and rejected or accepted alike. They differ in
the commit: Oxigraph takes the change and its history record in one ``update()``, one
transaction; a remote server gets idempotent ``DELETE DATA`` / ``INSERT DATA`` requests behind a
journal entry (:mod:`.journal`), since it may not be transactional across them.
"""
from __future__ import annotations

from typing import Any, Protocol

import pyoxigraph as ox

from vetkg.store.base import Store
from vetkg.store.memory_copy import MemoryCopy
from vetkg.store.remote_quads import RemoteQuads
from vetkg.store.sparql import RemoteSparqlStore

from .change import Change
from .commit import commit
from .history_details import details_store
from .journal import pending, repair, run_journaled
from .remote_commit import remote_operations, requests_of
from .source import QuadSource
from .state import PendingState


class Backend(Protocol):
    #: Whether one commit is one transaction (False: see :mod:`.journal`).
    atomic: bool
    #: Whether the store's own default graph may be written (a remote's is not vetkg's).
    default_graph: bool

    def source(self) -> QuadSource:
        """A reader of the store as it is now, for one write."""

    def query(self, sparql: str) -> Any:
        """A SPARQL SELECT or ASK over the store (the history reads itself with it)."""

    def commit(self, change: Change, state: PendingState, extra: list[ox.Quad]) -> None:
        """Write the checked change and the ``extra`` quads (its history record)."""

    def recover(self) -> bool:
        """Complete a commit that was interrupted; True when there was one."""

    def interrupted(self) -> bool:
        """Whether a commit was interrupted and not yet completed."""


class EmbeddedBackend:
    atomic = True
    default_graph = True

    def __init__(self, store: ox.Store | MemoryCopy, details: ox.Store | None = None) -> None:
        self.store = store
        #: Where the history records' details live, out of the union (:mod:`.history_details`).
        self.details = details

    def source(self) -> ox.Store | MemoryCopy:
        return self.store

    def query(self, sparql: str) -> Any:
        return self.store.query(sparql)

    def commit(self, change: Change, state: PendingState, extra: list[ox.Quad]) -> None:
        commit(self.store, change, state, extra)

    def recover(self) -> bool:
        return False  # a commit is one transaction: it happened or it did not

    def interrupted(self) -> bool:
        return False


class RemoteBackend:
    """A SPARQL 1.1 Query + Update server (:class:`RemoteSparqlStore`) whose only writer is vetkg."""

    atomic = False
    default_graph = False

    def __init__(self, store: RemoteSparqlStore, base_iri: str) -> None:
        self.store = store
        self.base_iri = base_iri
        self.history = ox.NamedNode(f"{base_iri}graph/history")

    def source(self) -> RemoteQuads:
        return RemoteQuads(self.store)

    def query(self, sparql: str) -> Any:
        return self.store.query(sparql)

    def commit(self, change: Change, state: PendingState, extra: list[ox.Quad]) -> None:
        operations = remote_operations(change, state, extra, self.store.chunk_triples)
        run_journaled(self.store, self.base_iri, self.history, requests_of(operations, self.store.max_update_bytes))

    def recover(self) -> bool:
        return repair(self.store, self.base_iri, self.history)

    def interrupted(self) -> bool:
        return pending(self.store, self.base_iri, self.history) is not None


def backend_for(store: Store | ox.Store, base_iri: str) -> EmbeddedBackend | RemoteBackend | None:
    """The backend for an opened store; None for a store vetkg cannot write through."""
    if isinstance(store, (ox.Store, MemoryCopy)):
        return EmbeddedBackend(store)
    embedded = getattr(store, "oxigraph", None)
    if isinstance(embedded, (ox.Store, MemoryCopy)):
        # A store served from a copy in memory takes the same update, on disk and in memory.
        return EmbeddedBackend(embedded, details_store(store))
    if isinstance(store, RemoteSparqlStore):
        return RemoteBackend(store, base_iri)
    return None

