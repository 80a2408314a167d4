"""Keeping the search index in step with the store: at start, and after every committed write.

At start every document graph is re-read and the ones whose content changed are segmented
again. After ``vetkg build`` that is nothing, but over a store loaded some other way it can be the
whole store (about 30 s a million triples): a store above ``search_sync_max_quads`` is then
indexed in a background thread, so the server answers at once, and ``/search`` says the index
is still being built. Writes committed meanwhile are noted and their graphs re-read after it.
"""
from __future__ import annotations

import logging
import threading

import pyoxigraph as ox

from vetkg.ontology import ONTOLOGY_IRI
from vetkg.ontology.graphs import store_graphs
from vetkg.store import Store

from ..writes import Change
from .harvest import indexable
from .index import SearchIndex

log = logging.getLogger(__name__)
EVERY_GRAPH = "*"  # in the pending set: a full re-read is due


class IndexKeeper:
    """Keeps one index in step with one store."""

    def __init__(self, index: SearchIndex, store: Store, base_iri: str) -> None:
        self.index, self.store, self.base_iri = index, store, base_iri
        self._lock = threading.Lock()
        self._pending: set[str] = set()
        self._building = False

    @property
    def ready(self) -> bool:
        """False while the index is being built in the background."""
        return not self._building

    def start(self, background: bool) -> None:
        """Bring the index in step with the store, now or in a background thread."""
        if not background:
            self.index.sync(self.store, self.base_iri)
            return
        self._building = True
        threading.Thread(target=self._build, name="vetkg-search-index", daemon=True).start()

    def _build(self) -> None:
        graphs: list[str] | None = None  # None: every graph
        while True:
            try:
                self.index.sync(self.store, self.base_iri, graphs)
            except Exception:
                log.exception("building the search index failed")
            with self._lock:
                if not self._pending:
                    self._building = False
                    return
                pending, self._pending = self._pending, set()
            graphs = None if EVERY_GRAPH in pending else sorted(pending)

    def after_commit(self, change: Change, who: str, when: object) -> None:
        touched = [g.value for g in change.graphs() if isinstance(g, ox.NamedNode)]
        # Labels of shared things (entities graph) and the class hierarchy (ontology) show in
        # every document's entries and facets: re-read them all (only changed ones are re-segmented).
        if store_graphs(self.base_iri).entities in touched or ONTOLOGY_IRI in touched:
            graphs: set[str] = {EVERY_GRAPH}
        else:
            graphs = {g for g in touched if indexable(g, self.base_iri)}
        if not graphs:
            return
        with self._lock:
            if self._building:
                self._pending |= graphs
                return
        self.index.sync(self.store, self.base_iri, None if EVERY_GRAPH in graphs else sorted(graphs))
