"""An online, consistent copy of an embedded store: Oxigraph's backup of a snapshot.

``Store.backup`` makes a RocksDB checkpoint: a snapshot of the store as of one moment, written
while readers go on, with hard links to the immutable files when the target is on the same file
system (so a backup costs little room). The details of the write history live in a store of
their own beside the data (:mod:`vetkg.store.history_details`): both are backed up, to
``DIR`` and ``DIR.history``, as ``vetkg serve --store DIR`` expects them. The server takes both
under its writer's lock, so no write falls between the two snapshots.
"""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from vetkg.store.base import Store, StoreError
from vetkg.store.memory_copy import MemoryCopy


def _on_disk(store: Store) -> ox.Store:
    native = getattr(store, "oxigraph", None)
    if isinstance(native, MemoryCopy):
        native = native.disk  # served from a copy in memory: the disk is the durable truth
    if not isinstance(native, ox.Store) or getattr(store, "path", None) is None:
        raise StoreError("only an on-disk Oxigraph store can be backed up (Oxigraph's backup)")
    return native


def check_target(target: Path) -> None:
    """Refuse a target that exists (Oxigraph's backup would fail half way) or has no parent."""
    for path in (target, history_target(target)):
        if path.exists():
            raise StoreError(f"{path} already exists: a backup goes to a new directory")
    if not target.parent.is_dir():
        raise StoreError(f"{target.parent} is not a directory")


def history_target(target: Path) -> Path:
    return Path(f"{target}.history")


def backup(store: Store, target: Path) -> list[Path]:
    """Back ``store`` (and its history details) up into the new directory ``target``; returns
    the directories written."""
    check_target(target)
    data = _on_disk(store)
    written = [target]
    try:
        data.flush()
        data.backup(str(target))
        side = store.history_details()
        if side is not None:
            side.flush()
            side.backup(str(history_target(target)))
            written.append(history_target(target))
    except OSError as exc:
        raise StoreError(f"the backup to {target} failed: {exc}") from exc
    return written
