"""An rdflib Dataset over a :class:`PendingState`, so rdflib's SPARQL engine can evaluate the
WHERE clause of an update against the store as the earlier operations of the request left it.

Only reading goes through rdflib: the operations themselves write into the PendingState
(:mod:`.update`). The view also fixes the dataset an operation sees: its default graph (the union,
the store's default graph, or the USING / using-graph-uri graphs) and which named graphs exist.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox
import rdflib
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID, Graph
from rdflib.store import Store
from rdflib.term import URIRef

from vetkg.store.terms import OxGraph, ox_pattern, to_rdflib

from .state import PendingState

UNION = "union"


class _ReadOnly(Exception):
    pass


class PendingView(Store):
    """A read-only, context-aware rdflib store.

    ``default``: ``UNION`` (every graph, as queries see the store), ``None`` (the store's own
    default graph) or a list of named graph IRIs whose merge is the default graph.
    ``named``: the named graphs visible to ``GRAPH``, or None for all of them.
    """

    context_aware = True
    graph_aware = True
    formula_aware = False
    transaction_aware = False

    def __init__(self, state: PendingState, default: str | list[str] | None, named: list[str] | None) -> None:
        super().__init__()
        self.state = state
        self.default = default
        self.named = None if named is None else {ox.NamedNode(n) for n in named}

    def _sources(self, context: Graph | None) -> list[OxGraph | None]:
        identifier = None if context is None else context.identifier
        if identifier is None:
            return [None]
        if identifier == DATASET_DEFAULT_GRAPH_ID:
            if self.default == UNION:
                return [None]
            if self.default is None:
                return [ox.DefaultGraph()]
            return [ox.NamedNode(g) for g in self.default]
        if not isinstance(identifier, URIRef):
            return []
        node = ox.NamedNode(str(identifier))
        if self.named is not None and node not in self.named:
            return []
        return [node]

    def triples(self, triple_pattern: Any, context: Graph | None = None) -> Iterator[Any]:
        pattern = ox_pattern(*triple_pattern)
        if pattern is None:
            return
        sources = self._sources(context)
        seen: set[ox.Triple] | None = set() if len(sources) > 1 or sources == [None] else None
        for source in sources:
            for quad in self.state.quads(*pattern, source):
                if seen is not None:
                    if quad.triple in seen:
                        continue
                    seen.add(quad.triple)
                triple = (to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object))
                yield triple, iter(())

    def __len__(self, context: Graph | None = None) -> int:
        return sum(1 for _ in self.triples((None, None, None), context))

    # rdflib's Store types contexts as Graphs, but its Dataset takes an identifier too (get_context)
    def contexts(self, triple: Any = None) -> Iterator[URIRef]:  # type: ignore[override]
        pattern = None if triple is None else ox_pattern(*triple)
        for graph in self.state.named_graphs():
            if self.named is not None and graph not in self.named:
                continue
            if triple is not None and (pattern is None or not any(True for _ in self.state.quads(*pattern, graph))):
                continue
            yield URIRef(graph.value)

    def add_graph(self, graph: Graph) -> None:
        pass  # rdflib registers graphs it is merely asked about; existence is the state's

    def add(self, triple: Any, context: Any, quoted: bool = False) -> None:
        raise _ReadOnly("the dataset view is read-only")

    def remove(self, triple: Any, context: Any = None) -> None:
        raise _ReadOnly("the dataset view is read-only")

    def remove_graph(self, graph: Graph) -> None:
        raise _ReadOnly("the dataset view is read-only")


def view_dataset(state: PendingState, default: str | list[str] | None, named: list[str] | None) -> rdflib.Dataset:
    return rdflib.Dataset(store=PendingView(state, default, named))
