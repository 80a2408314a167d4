"""Which token may make a change: the rules for the system graphs (:mod:`vetkg.ontology.graphs`).

* The history graph is written by the write path alone, in the commit of each change: no request
  may add to it, remove from it, clear or drop it, whatever its token.
* The ontology and shapes graphs may be changed by an admin token only.
* What the ontology entails (``{base}graph/inferred``) follows the data: a write that would
  remove from it (a ``DELETE WHERE`` over ``GRAPH ?g`` meets the entailed copies of what it
  deletes) removes from the data alone, and the graph is brought in step after the commit.
* IRIs under ``{base}history/`` name history records: no request may write a triple about one,
  in any graph, so no record can be forged beside the real ones.
"""
from __future__ import annotations

import dataclasses

import pyoxigraph as ox

from vetkg.ontology.graphs import StoreGraphs
from vetkg.store.change import Change


class WriteForbidden(Exception):
    """The token may not make this change (403); nothing is written."""


def without_entailed_removals(change: Change, graphs: StoreGraphs, admin: bool) -> Change:
    """``change`` without what it removes from the inferred graph, unless an admin makes it: those
    triples are recomputed from the data after the commit (:mod:`vetkg.store.entailment`), so a
    writer's delete of a thing's types is not refused for meeting their entailed copies."""
    if admin:
        return change
    inferred = ox.NamedNode(graphs.inferred)
    entailed = frozenset(q for q in change.removed if q.graph_name == inferred)
    return dataclasses.replace(change, removed=change.removed - entailed) if entailed else change


def check_permission(change: Change, graphs: StoreGraphs, admin: bool) -> None:
    """Raise :class:`WriteForbidden` unless a token (an admin one when ``admin``) may make ``change``."""
    touched = {g.value for g in change.graphs() if isinstance(g, ox.NamedNode)}
    for graph in sorted(touched & graphs.append_only):
        raise WriteForbidden(
            f"graph <{graph}> is the write history: it is appended to by each committed write and "
            "cannot be changed, cleared or dropped by a request"
        )
    if not admin:
        for graph in sorted(touched & graphs.admin_only):
            raise WriteForbidden(f"graph <{graph}> can be changed by an admin token only (settings.admin_tokens)")
    prefix = graphs.history_prefix
    for quad in change.added | change.removed:
        for term in (quad.subject, quad.object):
            if isinstance(term, ox.NamedNode) and term.value.startswith(prefix):
                raise WriteForbidden(
                    f"<{term.value}> names a record of the write history; IRIs under <{prefix}> are "
                    "minted by the history alone"
                )
