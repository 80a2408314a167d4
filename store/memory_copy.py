"""An on-disk Oxigraph store served from a copy of it in memory.

Measured at 1M quads on the 2-core machine, Oxigraph's in-memory store answers the benchmark's
joins and aggregations 4-15 times faster than the same data in RocksDB (25 ms against 377 ms for
a three-hop join; 47 ms against 672 ms for an aggregation), and a million quads take about
470 MB. So ``vetkg serve`` holds a copy when the store is small enough
(``memory_copy_max_quads``): reads go to the copy, every write goes to the disk first, which
stays the durable truth, and then to the copy.

Both copies get the same operations, so they hold the same quads; blank nodes a SPARQL update
creates get different ids in each, which nothing depends on (no write names a stored blank node:
a graph whose blank nodes change is rewritten whole, see ``store/oxigraph_commit.py``).
"""
from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from itertools import chain, islice
from typing import Any

import pyoxigraph as ox

log = logging.getLogger(__name__)

# The copy is made in batches of this many quads: one ``bulk_extend`` of a whole store first
# gathers all its quads in large buffers. At 1M quads (1.4M, glibc, 2026-12-03) ``vetkg serve``
# peaked at 774 MB resident while copying and idled at 674 MB after; in batches of 10,000, at 656
# and 645 MB (less of the copy's memory is left free between its allocations), in as long (13.5 s
# against 13.6 s for the copy alone). Its query worker also copies fewer pages of the store it
# shares: after the 14 queries of ``bench/queries.py`` twice, server and worker held 965 MB
# against 1,038. Batches of 2,000 were slower (15.7 s); 250,000 kept most of the peak.
COPY_BATCH = 10_000


class MemoryCopy:
    """The part of pyoxigraph's ``Store`` interface vetkg uses, over ``disk`` and a copy of it.

    A method not written here is missing on purpose: an unforeseen write must fail loudly, not
    reach one copy only.
    """

    def __init__(self, disk: ox.Store) -> None:
        self.disk = disk
        self.memory = _copy_of(disk)

    # -- reads: from the copy ---------------------------------------------------------------------

    def query(self, *args: Any, **kwargs: Any) -> Any:
        return self.memory.query(*args, **kwargs)

    def quads_for_pattern(self, *args: Any, **kwargs: Any) -> Iterator[ox.Quad]:
        return self.memory.quads_for_pattern(*args, **kwargs)

    def named_graphs(self) -> Iterator[ox.NamedNode | ox.BlankNode]:
        return self.memory.named_graphs()

    def contains_named_graph(self, graph: ox.NamedNode | ox.BlankNode | ox.DefaultGraph) -> bool:
        return self.memory.contains_named_graph(graph)

    def dump(self, *args: Any, **kwargs: Any) -> Any:
        return self.memory.dump(*args, **kwargs)

    def __contains__(self, quad: ox.Quad) -> bool:
        return quad in self.memory

    def __iter__(self) -> Iterator[ox.Quad]:
        return iter(self.memory)

    def __len__(self) -> int:
        return len(self.memory)

    # -- writes: the disk, then the copy ----------------------------------------------------------

    def update(self, *args: Any, **kwargs: Any) -> None:
        self.disk.update(*args, **kwargs)
        self._follow(lambda store: store.update(*args, **kwargs))

    def bulk_load(self, input: Any = None, *args: Any, **kwargs: Any) -> None:
        if hasattr(input, "read"):
            input = input.read()  # a stream reads once; both copies need it
        self.disk.bulk_load(input, *args, **kwargs)
        self._follow(lambda store: store.bulk_load(input, *args, **kwargs))

    def load(self, input: Any = None, *args: Any, **kwargs: Any) -> None:
        if hasattr(input, "read"):
            input = input.read()
        self.disk.load(input, *args, **kwargs)
        self._follow(lambda store: store.load(input, *args, **kwargs))

    def extend(self, quads: Iterable[ox.Quad]) -> None:
        quads = list(quads)
        self.disk.extend(quads)
        self._follow(lambda store: store.extend(quads))

    def bulk_extend(self, quads: Iterable[ox.Quad]) -> None:
        quads = list(quads)
        self.disk.bulk_extend(quads)
        self._follow(lambda store: store.bulk_extend(quads))

    def add(self, quad: ox.Quad) -> None:
        self.disk.add(quad)
        self._follow(lambda store: store.add(quad))

    def remove(self, quad: ox.Quad) -> None:
        self.disk.remove(quad)
        self._follow(lambda store: store.remove(quad))

    def add_graph(self, graph: ox.NamedNode | ox.BlankNode) -> None:
        self.disk.add_graph(graph)
        self._follow(lambda store: store.add_graph(graph))

    def clear_graph(self, graph: ox.NamedNode | ox.BlankNode | ox.DefaultGraph) -> None:
        self.disk.clear_graph(graph)
        self._follow(lambda store: store.clear_graph(graph))

    def remove_graph(self, graph: ox.NamedNode | ox.BlankNode) -> None:
        self.disk.remove_graph(graph)
        self._follow(lambda store: store.remove_graph(graph))

    def clear(self) -> None:
        self.disk.clear()
        self._follow(lambda store: store.clear())

    # -- the disk's own housekeeping --------------------------------------------------------------

    def flush(self) -> None:
        self.disk.flush()

    def optimize(self) -> None:
        self.disk.optimize()

    def _follow(self, operation: Any) -> None:
        """Apply to the copy what the disk has just taken. Should the copy refuse what the disk
        accepted, it is made again from the disk rather than left behind it."""
        try:
            operation(self.memory)
        except Exception:
            log.exception("the in-memory copy refused a write the disk took; copying the store again")
            self.memory = _copy_of(self.disk)


def _copy_of(disk: ox.Store) -> ox.Store:
    memory = ox.Store()
    # Streamed quad by quad (a dump to load would hold the whole store twice more at the peak),
    # from one iterator, so from one snapshot of the disk, COPY_BATCH quads per bulk_extend. Not
    # as lists: 10,000 quad objects made and freed per batch left 18 MB of the heap that the first
    # query of every forked worker wrote to, and so copied.
    quads = iter(disk)
    for first in quads:
        memory.bulk_extend(chain((first,), islice(quads, COPY_BATCH - 1)))
    for graph in disk.named_graphs():
        memory.add_graph(graph)  # graphs without quads exist too (CREATE GRAPH)
    return memory
