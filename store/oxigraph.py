"""The embedded store: Oxigraph on disk (or in memory for tests) through pyoxigraph.

rdflib adds nothing on this path, so the store talks to pyoxigraph directly; ingest converts its
rdflib graphs with :func:`triples_from_rdflib`.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from .base import Store, StoreError
from .history_details import open_details
from .memory_copy import MemoryCopy
from .oxigraph_commit import EmbeddedBackend


def _graph_list(iris: list[str] | None) -> list[ox.NamedNode] | None:
    return None if iris is None else [ox.NamedNode(i) for i in iris]


class OxigraphStore(Store):
    """Oxigraph at ``path``; ``read_only`` opens it beside a running writer."""

    def __init__(self, path: str | Path | None = None, read_only: bool = False, **_: Any) -> None:
        self._store: ox.Store | MemoryCopy
        try:
            if path is None:
                self._store = ox.Store()
            elif read_only:
                self._store = ox.Store.read_only(str(path))
            else:
                Path(path).mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(path))
        except OSError as exc:
            raise StoreError(f"cannot open the Oxigraph store at {path}: {exc}") from exc
        self.path = None if path is None else Path(path)
        #: SPARQL extension functions every query may call (IRI -> callable), e.g. the full-text
        #: search of server/workbench; forked query workers inherit them.
        self.custom_functions: dict[ox.NamedNode, Callable[..., Any]] = {}

    @property
    def oxigraph(self) -> ox.Store | MemoryCopy:
        return self._store

    def write_backend(self, base_iri: str) -> EmbeddedBackend:
        # A store served from a copy in memory takes the same update, on disk and in memory.
        return EmbeddedBackend(self.oxigraph, self.history_details())

    def history_details(self) -> ox.Store:
        found: ox.Store | None = self.__dict__.get("_history_details")
        if found is None:
            found = self.__dict__["_history_details"] = open_details(self.path)
        return found

    def hold_in_memory(self) -> bool:
        """Answer reads from a copy in memory, writing to the disk and the copy (see
        :mod:`.memory_copy`)."""
        disk = self._store
        if self.path is None or isinstance(disk, MemoryCopy):
            return self.in_memory_copy
        self._store = MemoryCopy(disk)
        return True

    @property
    def in_memory_copy(self) -> bool:
        return isinstance(self._store, MemoryCopy)

    def query(
        self,
        sparql: str,
        *,
        union_default_graph: bool = True,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> Any:
        kwargs: dict[str, Any] = {}
        if default_graphs is not None:
            kwargs["default_graph"] = _graph_list(default_graphs)
        else:
            kwargs["use_default_graph_as_union"] = union_default_graph
        if named_graphs is not None:
            kwargs["named_graphs"] = _graph_list(named_graphs)
        if self.custom_functions:
            kwargs["custom_functions"] = self.custom_functions
        return self._store.query(sparql, **kwargs)

    def update(self, sparql: str) -> None:
        self._store.update(sparql)

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def replace_graphs(self, graphs: dict[str, list[ox.Triple]], then: str = "") -> None:
        # Oxigraph's update is one transaction: clearing and inserting in a single call means a
        # reader sees the old graphs or the new ones, never an empty one.
        parts = []
        for iri, triples in graphs.items():
            body = "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples)
            parts.append(f"DROP SILENT GRAPH <{iri}> ;\nINSERT DATA {{ GRAPH <{iri}> {{\n{body}\n}} }}")
        if then:
            parts.append(then)
        if parts:
            self._store.update(" ;\n".join(parts))

    def remove_graph(self, graph: str) -> None:
        node = ox.NamedNode(graph)
        if self._store.contains_named_graph(node):
            self._store.remove_graph(node)

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        g = None if graph is None else ox.NamedNode(graph)
        return iter(self._store.quads_for_pattern(None, None, None, g))

    def dump(self, output: IO[bytes], fmt: ox.RdfFormat, graph: str | None = None) -> None:
        if graph is not None:
            self._store.dump(output, format=fmt, from_graph=ox.NamedNode(graph))
        elif fmt.supports_datasets:
            self._store.dump(output, format=fmt)
        else:
            raise StoreError(f"{fmt.name} holds one graph; name the graph to dump")

    def __len__(self) -> int:
        return len(self._store)

    def close(self) -> None:
        if self.path is not None:
            self._store.flush()


class MemoryStore(OxigraphStore):
    """Oxigraph in memory, for tests and throw-away builds."""

    def __init__(self, **options: Any) -> None:
        options.pop("path", None)
        super().__init__(path=None, **options)
