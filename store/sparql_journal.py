"""A write to a remote store that stops half-way is completed, not left half-done.

A SPARQL server need not run the requests of one write, or even the operations of one request,
as one transaction (Virtuoso keeps the operations done before one fails). So before the first
request of a change the whole list of requests is stored in the history graph as a journal
entry; it is deleted after the last. An entry still there means a write was interrupted: since
the requests are idempotent in order (:mod:`.sparql_commit`), running them all again completes
it. The writer does that before its next write; ``vetkg repair`` does it on demand, and
``vetkg history`` says when one is pending.
"""
from __future__ import annotations

import json
import logging

import pyoxigraph as ox

from .base import Store, StoreError

log = logging.getLogger(__name__)

# Not a term of the vetkg vocabulary: the entry lives only while a write is being sent.
PENDING_REQUESTS = ox.NamedNode("urn:x-vetkg:pending-requests")


class WriteInterrupted(StoreError):
    """The remote stopped answering in the middle of a write; its journal entry remains."""


def journal_node(base_iri: str) -> ox.NamedNode:
    return ox.NamedNode(f"{base_iri}history/journal")


def _entry(base_iri: str, history: ox.NamedNode, requests: list[str]) -> str:
    text = ox.Literal(json.dumps(requests, ensure_ascii=False))
    return f"GRAPH {history} {{ {journal_node(base_iri)} {PENDING_REQUESTS} {text} }}"


def pending(store: Store, base_iri: str, history: ox.NamedNode) -> list[str] | None:
    """The requests of an interrupted write, or None when there is none."""
    rows = list(store.query(f"SELECT ?r WHERE {{ GRAPH {history} {{ {journal_node(base_iri)} {PENDING_REQUESTS} ?r }} }}"))
    if not rows:
        return None
    try:
        return list(json.loads(rows[0]["r"].value))
    except ValueError as exc:
        raise StoreError(f"the journal entry in {history.value} is not readable ({exc}); delete it by hand") from exc


def run_journaled(store: Store, base_iri: str, history: ox.NamedNode, requests: list[str]) -> None:
    """Journal ``requests``, send them in order, then delete the entry.

    A failure before the entry is stored leaves the store as it was (StoreError); a failure
    after it raises WriteInterrupted: the store may hold part of the change until it is repaired.
    """
    if not requests:
        return
    store.update(f"INSERT DATA {{ {_entry(base_iri, history, requests)} }}")
    try:
        for text in requests:
            store.update(text)
        _clear(store, base_iri, history)
    except StoreError as exc:
        raise WriteInterrupted(
            f"{exc}; the store may hold part of this write, which is journaled: "
            "the next write (or `vetkg repair`) completes it"
        ) from exc


def repair(store: Store, base_iri: str, history: ox.NamedNode) -> bool:
    """Complete an interrupted write, if there is one; True when there was."""
    requests = pending(store, base_iri, history)
    if requests is None:
        return False
    log.warning("completing a write that was interrupted (%d request(s))", len(requests))
    for text in requests:
        store.update(text)
    _clear(store, base_iri, history)
    return True


def _clear(store: Store, base_iri: str, history: ox.NamedNode) -> None:
    # By pattern, not by its text: a server may store a long literal in a form DELETE DATA misses.
    store.update(f"DELETE WHERE {{ GRAPH {history} {{ {journal_node(base_iri)} {PENDING_REQUESTS} ?r }} }}")
