"""Which graphs of a vetkg store are data and which belong to the system: the one rule.

* **Data**: every document graph (``{base}graph/{doc}``), the shared entity descriptions
  (``{base}graph/entities``), any other named graph a client writes, and the store's own default
  graph. A triple in the default graph is visible to queries through the union default graph, so
  it is data too: the write gate validates it and so does ``vetkg validate``.
* **System**: the ontology (``ONTOLOGY_IRI``), the SHACL shapes (``{base}graph/shapes``), the
  write history (``{base}graph/history``) and what the ontology entails of the data
  (``{base}graph/inferred``, kept by ``store/entailment.py``; only an admin token may write it
  by hand, and the next refresh overwrites such a write). They are not validated as data; only an admin token
  may change the ontology and the shapes, and the history is written by the write path alone
  (append-only: no client may change or drop it).
* **Public**: every graph but the history. On the embedded store the history graph holds only
  each record's number and time (who wrote it and what it changed are kept beside the store,
  ``store/history_details.py``); it is left out of the dumps, exports, VoID and the pages
  unless asked for.

The write gate (``server/writes/checks.py``), ``vetkg validate`` (``shapes/validate.py``),
``shapes/incremental.py``, the dumps, VoID and the pages all ask this module.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from .namespace import DEFAULT_BASE_IRI, ONTOLOGY_IRI


@dataclass(frozen=True)
class StoreGraphs:
    """The graph roles of a store whose IRIs are minted under ``base_iri``."""

    base_iri: str = DEFAULT_BASE_IRI

    @property
    def prefix(self) -> str:
        """Where the name of every graph but the ontology's starts: ``{base}graph/``."""
        return f"{self.base_iri}graph/"

    def named(self, key: str) -> str:
        """The graph ``key`` (a document's key, ``entities``, ``history`` …)."""
        return f"{self.prefix}{key}"

    @property
    def ontology(self) -> str:
        return ONTOLOGY_IRI

    @property
    def shapes(self) -> str:
        return self.named("shapes")

    @property
    def history(self) -> str:
        return self.named("history")

    @property
    def entities(self) -> str:
        return self.named("entities")

    @property
    def inferred(self) -> str:
        """The triples the ontology's class and property hierarchy entails of the data."""
        return self.named("inferred")

    @property
    def system(self) -> frozenset[str]:
        """The graphs that are not data."""
        return frozenset((self.ontology, self.shapes, self.history, self.inferred))

    @property
    def admin_only(self) -> frozenset[str]:
        """The graphs only an admin token may change (the history: nobody, see :attr:`append_only`)."""
        return frozenset((self.ontology, self.shapes, self.inferred))

    @property
    def append_only(self) -> frozenset[str]:
        return frozenset((self.history,))

    @property
    def history_prefix(self) -> str:
        """IRIs minted by the write history (``{base}history/N``); no client may write them."""
        return f"{self.base_iri}history/"

    def is_data(self, iri: str | None) -> bool:
        """Whether graph ``iri`` (None: the store's default graph) holds data."""
        return iri is None or iri not in self.system

    def is_public(self, iri: str | None) -> bool:
        """Whether anonymous readers see graph ``iri`` (in the union, ``GRAPH ?g``, dumps)."""
        return iri != self.history

    def data_graphs(self, iris: Iterable[str]) -> list[str]:
        return [iri for iri in iris if self.is_data(iri)]

    def public_graphs(self, iris: Iterable[str]) -> list[str]:
        return [iri for iri in iris if self.is_public(iri)]


@lru_cache(maxsize=16)
def store_graphs(base_iri: str = DEFAULT_BASE_IRI) -> StoreGraphs:
    return StoreGraphs(base_iri)


def is_data_graph(iri: str | None, base_iri: str = DEFAULT_BASE_IRI) -> bool:
    """:meth:`StoreGraphs.is_data` for ``base_iri``."""
    return store_graphs(base_iri).is_data(iri)
