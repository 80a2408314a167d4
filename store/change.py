"""What one write does to the store, as quads: the unit that is validated, committed and logged."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox


@dataclass(frozen=True)
class Change:
    """Quads added and removed, and named graphs created (empty) or dropped, by one write.

    ``added`` and ``removed`` are disjoint; ``added`` holds no quad the store had before and
    ``removed`` only quads it had. Blank node ids in it are those of this change: when a graph
    holding blank nodes is written, the store gives them new ids (see :mod:`.oxigraph_commit`).
    """

    added: frozenset[ox.Quad] = field(default_factory=frozenset)
    removed: frozenset[ox.Quad] = field(default_factory=frozenset)
    created_graphs: frozenset[str] = field(default_factory=frozenset)
    dropped_graphs: frozenset[str] = field(default_factory=frozenset)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.created_graphs or self.dropped_graphs)

    def graphs(self) -> set[ox.NamedNode | ox.DefaultGraph]:
        """Every graph the change touches (the default graph as ``ox.DefaultGraph()``)."""
        touched: set[Any] = {q.graph_name for q in self.added | self.removed}
        touched.update(ox.NamedNode(g) for g in self.created_graphs | self.dropped_graphs)
        return touched

    def touches(self, graph: str) -> bool:
        node = ox.NamedNode(graph)
        return any(g == node for g in self.graphs())

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form, quads in N-Quads syntax, sorted so equal changes serialise alike."""
        return {
            "added": sorted(f"{q} ." for q in self.added),
            "removed": sorted(f"{q} ." for q in self.removed),
            "created_graphs": sorted(self.created_graphs),
            "dropped_graphs": sorted(self.dropped_graphs),
        }

    def summary(self) -> str:
        parts = [f"+{len(self.added)} -{len(self.removed)} quads"]
        if self.created_graphs:
            parts.append(f"{len(self.created_graphs)} graph(s) created")
        if self.dropped_graphs:
            parts.append(f"{len(self.dropped_graphs)} graph(s) dropped")
        return ", ".join(parts)
