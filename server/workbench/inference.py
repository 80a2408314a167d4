"""Keeping the entailed triples (:mod:`vetkg.store.entailment`) in step with the store: when the
server starts (a store built or loaded by any means), and after every committed write, inside
the writer's lock, so the next write sees them and no two refreshes interleave.

The full refresh takes about 20 ms a thousand quads (bench/entailment.py): above
``START_REFRESH_MAX_QUADS`` the server trusts an inferred graph it finds (``vetkg build``,
``vetkg revert`` and every served write keep it) and computes one only if there is none."""
from __future__ import annotations

import logging

from flask import Flask

from vetkg.store import Store, StoreError
from vetkg.store.entailment import has_inferred, refresh_after_change, refresh_inferred

from ..config import Settings
from ..write_endpoints import WRITER_KEY
from ..writes import Change

log = logging.getLogger(__name__)
START_REFRESH_MAX_QUADS = 300_000


def init_inference(app: Flask) -> None:
    """Materialise the inferred graph now and after each committed write."""
    settings: Settings = app.extensions["vetkg.settings"]
    store: Store = app.extensions["vetkg.store"]
    version = app.extensions["vetkg.version"]
    try:
        if version.quads() <= START_REFRESH_MAX_QUADS or not has_inferred(store, settings.base_iri):
            refresh_inferred(store, settings.base_iri)
    except StoreError as exc:  # a remote store that takes no updates: serve without entailment
        log.warning("the inferred graph could not be refreshed: %s", exc)
        return
    version.bump()
    writer = app.extensions.get(WRITER_KEY)
    if writer is None:
        return

    def after_commit(change: Change, who: str, when: object) -> None:
        refresh_after_change(store, settings.base_iri, change.added | change.removed)
        version.bump()  # answers cached between the commit and this refresh lack its consequences

    # First, so the search index (next hook) reads a store whose entailments are in step.
    writer.after_commit.insert(0, after_commit)
