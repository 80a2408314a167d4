"""What every store offers the rest of vetkg.

Terms and results are pyoxigraph's: the embedded store hands them over without conversion and
they serialise straight to every SPARQL results format.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import AbstractContextManager, nullcontext
from typing import IO, Any

import pyoxigraph as ox

from .write_backend import WriteBackend


class StoreError(Exception):
    """A store could not be opened or could not do what was asked."""


class StoreTimeout(StoreError):
    """The store did not answer within the time it was given."""


class StoreRefused(StoreError):
    """The store refused the request itself (malformed or unsupported there): nothing ran."""


class Store(ABC):
    """A quad store holding one named graph per document plus ontology, shapes and history."""

    #: True when a query can be stopped at a deadline without killing a process: a remote server
    #: is left to its own timeout while the HTTP call gives up. The embedded store cannot be
    #: interrupted, so the endpoint forks a worker per query for it.
    enforces_deadlines: bool = False

    def deadline(self, seconds: float) -> AbstractContextManager[Any]:
        """Queries this thread runs inside the block give up after ``seconds``
        (:class:`StoreTimeout`). Only stores that set ``enforces_deadlines`` honour it."""
        return nullcontext()

    @abstractmethod
    def query(
        self,
        sparql: str,
        *,
        union_default_graph: bool = True,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> Any:
        """Run a SPARQL query; returns pyoxigraph QuerySolutions, QueryBoolean or QueryTriples."""

    @abstractmethod
    def update(self, sparql: str) -> None:
        """Run a SPARQL update."""

    @abstractmethod
    def graphs(self) -> list[str]:
        """The IRIs of the named graphs."""

    @abstractmethod
    def replace_graphs(self, graphs: dict[str, list[ox.Triple]], then: str = "") -> None:
        """Replace several graphs, then run the SPARQL update ``then``, in one transaction."""

    @abstractmethod
    def remove_graph(self, graph: str) -> None:
        """Drop a named graph and all its triples."""

    @abstractmethod
    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        """All quads, or those of one named graph."""

    @abstractmethod
    def dump(self, output: IO[bytes], fmt: ox.RdfFormat, graph: str | None = None) -> None:
        """Serialise the dataset (or one graph) to ``output``."""

    @abstractmethod
    def __len__(self) -> int:
        """Number of quads."""

    def hold_in_memory(self) -> bool:
        """Serve reads from a copy in memory, if this kind of store can; True when it does."""
        return False

    @property
    def in_memory_copy(self) -> bool:
        """Whether reads are served from a copy in memory (see :meth:`hold_in_memory`)."""
        return False

    def graph_size(self, graph: str) -> int:
        return sum(1 for _ in self.quads(graph))

    def write_backend(self, base_iri: str) -> WriteBackend | None:
        """What commits a checked change to this store (:mod:`.write_backend`); None: vetkg
        cannot write to it. ``base_iri`` names the history graph a journal lives in."""
        return None

    def history_details(self) -> ox.Store | None:
        """Where this store keeps who made each write and what it changed, out of every query
        (:mod:`.history_details`); None: the records are whole in the history graph."""
        return None

    def close(self) -> None:  # noqa: B027 - optional for stores that hold nothing open
        """Release files or connections."""
