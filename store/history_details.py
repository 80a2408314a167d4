"""Where the embedded store keeps what its history records say: a store beside the data.

A history record has two parts. Its skeleton (the record is a ``vet:Change``, its number, when it
ended, which change it reverts) is written in the data store, in the commit's own update, so a
record exists exactly when its change was committed. Its details (who made it, the quads it
added and removed) go to an Oxigraph store of their own (``{store}.history`` beside an on-disk
store, in memory beside an in-memory one), written just before that commit. The union default
graph, ``GRAPH ?g`` and every query thus never see token names or copies of past data: only the
numbers and times of the writes. Details whose skeleton is missing (the commit failed, the process
died between) belong to no record and are replaced when the number is used again.

A remote SPARQL store has no such companion: its records are whole in its history graph.
"""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox


def open_details(path: Path | None) -> ox.Store:
    """The details store beside the Oxigraph store at ``path`` (in memory beside one in memory);
    :meth:`vetkg.store.base.Store.history_details` gives it, opened once per store object."""
    if path is None:
        return ox.Store()
    side = Path(f"{path}.history")
    try:
        side.mkdir(parents=True, exist_ok=True)
        return ox.Store(str(side))
    except OSError:
        # The data store is open read-only beside a running server, which holds this one.
        if (side / "CURRENT").exists():
            return ox.Store.read_only(str(side))
        return ox.Store()
