"""A validated change as SPARQL Update requests for a remote store.

The same change :mod:`.oxigraph_commit` writes to Oxigraph in one ``update()``, in the form every SPARQL
1.1 server takes: ``DELETE DATA`` / ``INSERT DATA`` of at most ``chunk_triples`` triples each,
graphs holding changed blank nodes rewritten whole (DROP, then INSERT), the blank-node triples in
one ``INSERT { … } WHERE {}`` (Virtuoso refuses blank nodes in ``INSERT DATA``), and the
operations grouped into requests of at most ``max_bytes``.

Each request is idempotent given the ones before it ran: run again from the first, the list
leaves the store as one uninterrupted run would. That is what makes a write the remote stopped
half-way repairable (:mod:`.sparql_journal`).
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from vetkg.ontology.graphs import store_graphs

from .change import Change
from .oxigraph_commit import data_block
from .remote_quads import RemoteQuads
from .sparql_journal import pending, repair, run_journaled
from .terms import has_blank
from .write_backend import StoreAfterChange

if TYPE_CHECKING:
    from .sparql import RemoteSparqlStore


def _chunks(verb: str, quads: list[ox.Quad], size: int) -> list[str]:
    ordered = sorted(quads, key=str)  # the same change gives the same requests
    return [f"{verb} {{\n{data_block(ordered[i:i + size])}\n}}" for i in range(0, len(ordered), size)]


def remote_operations(change: Change, state: StoreAfterChange, extra: Iterable[ox.Quad], chunk_triples: int) -> list[str]:
    """The operations that take the remote store to ``state``; ``extra`` (history) is inserted last."""
    rewritten = {q.graph_name for q in change.added | change.removed if has_blank(q)}
    dropped = {ox.NamedNode(g) for g in change.dropped_graphs}
    removals = [q for q in change.removed if q.graph_name not in rewritten and q.graph_name not in dropped]
    operations = _chunks("DELETE DATA", removals, chunk_triples)
    operations.extend(f"DROP SILENT GRAPH {g}" for g in sorted(dropped | rewritten, key=str))
    whole = [q for graph in sorted(rewritten, key=str) for q in state.quads(g=graph)]
    plain = [q for q in change.added if q.graph_name not in rewritten] + [q for q in whole if not has_blank(q)]
    operations.extend(_chunks("INSERT DATA", plain, chunk_triples))
    blank = [q for q in whole if has_blank(q)]
    if blank:
        # One template: a blank node label names one node wherever it occurs in it.
        operations.append(f"INSERT {{\n{data_block(blank)}\n}} WHERE {{}}")
    operations.extend(f"CREATE SILENT GRAPH <{g}>" for g in sorted(change.created_graphs))
    # The history record last, so that a record means its change was written before it.
    operations.extend(_chunks("INSERT DATA", list(extra), chunk_triples))
    return operations


def requests_of(operations: list[str], max_bytes: int) -> list[str]:
    """The operations joined into as few requests as ``max_bytes`` allows, in order."""
    requests: list[str] = []
    current: list[str] = []
    size = 0
    for op in operations:
        length = len(op.encode("utf-8")) + 3
        if current and size + length > max_bytes:
            requests.append(" ;\n".join(current))
            current, size = [], 0
        current.append(op)
        size += length
    if current:
        requests.append(" ;\n".join(current))
    return requests


class RemoteBackend:
    """The write backend of a SPARQL 1.1 Query + Update server whose only writer is vetkg
    (:meth:`vetkg.store.sparql.RemoteSparqlStore.write_backend`)."""

    default_graph = False

    def __init__(self, store: RemoteSparqlStore, base_iri: str) -> None:
        self.store = store
        self.base_iri = base_iri
        self.history = ox.NamedNode(store_graphs(base_iri).history)

    def source(self) -> RemoteQuads:
        return RemoteQuads(self.store)

    def query(self, sparql: str) -> Any:
        return self.store.query(sparql)

    def commit(self, change: Change, state: StoreAfterChange, extra: Iterable[ox.Quad]) -> None:
        operations = remote_operations(change, state, extra, self.store.chunk_triples)
        run_journaled(self.store, self.base_iri, self.history, requests_of(operations, self.store.max_update_bytes))

    def recover(self) -> bool:
        return repair(self.store, self.base_iri, self.history)

    def interrupted(self) -> bool:
        return pending(self.store, self.base_iri, self.history) is not None
