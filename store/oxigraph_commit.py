"""A validated change written to Oxigraph in ONE ``update()`` call, hence one transaction.

Blank nodes cannot be named in DELETE DATA (a label there is a new node, not the stored one), and
the ontology and shapes graphs hold RDF lists made of them. So a graph whose change adds or
removes a quad with a blank node is rewritten whole in the same update (DROP, then INSERT DATA of
everything it holds afterwards); its blank nodes then get new ids, with the same structure. Other
graphs get DELETE DATA / INSERT DATA of exactly the change.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from .change import Change
from .terms import has_blank
from .write_backend import StoreAfterChange

if TYPE_CHECKING:
    from .memory_copy import MemoryCopy


def data_block(quads: Iterable[ox.Quad]) -> str:
    """The body of an ``INSERT DATA`` / ``DELETE DATA`` of ``quads`` (both commits write it)."""
    by_graph: dict[object, list[str]] = {}
    for q in quads:
        by_graph.setdefault(q.graph_name, []).append(f"{q.subject} {q.predicate} {q.object} .")
    parts = []
    for graph, lines in by_graph.items():
        body = "\n".join(lines)
        parts.append(body if isinstance(graph, ox.DefaultGraph) else f"GRAPH {graph} {{\n{body}\n}}")
    return "\n".join(parts)


def commit_text(change: Change, state: StoreAfterChange, extra: Iterable[ox.Quad] = ()) -> str:
    """The SPARQL update that takes the store to ``state``; ``extra`` quads (history) are inserted too."""
    rewritten = {q.graph_name for q in change.added | change.removed if has_blank(q)}
    dropped = {ox.NamedNode(g) for g in change.dropped_graphs}
    operations: list[str] = []
    removals = [q for q in change.removed if q.graph_name not in rewritten and q.graph_name not in dropped]
    if removals:
        operations.append(f"DELETE DATA {{\n{data_block(removals)}\n}}")
    operations.extend(f"DROP SILENT GRAPH {g}" for g in sorted(dropped, key=str))
    whole: list[ox.Quad] = []
    for graph in sorted(rewritten, key=str):
        operations.append("CLEAR SILENT DEFAULT" if isinstance(graph, ox.DefaultGraph) else f"DROP SILENT GRAPH {graph}")
        whole.extend(state.quads(g=graph))
    insertions = [q for q in change.added if q.graph_name not in rewritten] + whole + list(extra)
    if insertions:
        # One INSERT DATA: a blank node label names one node across all the graphs written here.
        operations.append(f"INSERT DATA {{\n{data_block(insertions)}\n}}")
    for iri in sorted(change.created_graphs):
        operations.append(f"CREATE SILENT GRAPH <{iri}>")
    for graph in sorted(rewritten, key=str):
        if isinstance(graph, ox.NamedNode) and graph.value not in change.dropped_graphs and state.graph_exists(graph):
            operations.append(f"CREATE SILENT GRAPH {graph}")  # rewritten to empty, still there
    return " ;\n".join(operations)


def commit(store: ox.Store | MemoryCopy, change: Change, state: StoreAfterChange, extra: Iterable[ox.Quad] = ()) -> None:
    text = commit_text(change, state, extra)
    if text:
        store.update(text)


class EmbeddedBackend:
    """The write backend of the embedded store (:meth:`vetkg.store.oxigraph.OxigraphStore.write_backend`)."""

    default_graph = True

    def __init__(self, store: ox.Store | MemoryCopy, details: ox.Store | None = None) -> None:
        self.store = store
        #: Where the history records' details live, out of the union (:mod:`.history_details`).
        self.details = details

    def source(self) -> ox.Store | MemoryCopy:
        return self.store

    def query(self, sparql: str) -> Any:
        return self.store.query(sparql)

    def commit(self, change: Change, state: StoreAfterChange, extra: Iterable[ox.Quad]) -> None:
        commit(self.store, change, state, extra)

    def recover(self) -> bool:
        return False  # a commit is one transaction: it happened or it did not

    def interrupted(self) -> bool:
        return False
