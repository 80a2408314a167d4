"""The one writer of an app: compute a change, check it, commit it whole, tell the hooks.

Writes are serialised by a lock held from the first read of the store to the commit, so a change
is always checked against the state it is committed to. Readers take no lock: Oxigraph gives each
query a snapshot, before or after a commit, never between (the commit is one ``update()``). A
remote store is written in several requests, which readers may see between (:mod:`vetkg.store.sparql_journal`);
the lock only keeps vetkg's own writes apart, so vetkg must be the remote's only writer.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Generic, TypeVar

import pyoxigraph as ox

from vetkg.store.change import Change
from vetkg.store.write_backend import WriteBackend

from .checks import Checker, Verdict
from .dataset_version import DatasetVersion
from .deadline import WriteTimeout, deadline
from .protect import check_permission, without_entailed_removals
from .state import PendingState
from .update import UpdateFailed

log = logging.getLogger(__name__)
T = TypeVar("T")

#: Called inside the transaction, after the change passed its checks and before it is written,
#: with the change, who made it and when. The quads it returns (a PROV record for the history
#: graph, say) are inserted in the same ``update()`` as the change, so history and data cannot
#: disagree (on a remote store: in its last request). They are not validated. A hook that raises
#: aborts the write (nothing is stored).
CommitHook = Callable[[Change, str, datetime], Iterable[ox.Quad]]
#: Called after the commit, still under the writer's lock so calls come in commit order.
#: Exceptions are logged, never undo the write.
AfterCommit = Callable[[Change, str, datetime], None]


@dataclass
class Outcome(Generic[T]):
    change: Change
    verdict: Verdict
    committed: bool
    value: T | None = None  # what the compute function returned (e.g. whether a graph was new)
    timestamp: datetime | None = None
    state: PendingState | None = None  # the store as the change would leave it, for reports


@dataclass
class Writer:
    backend: WriteBackend
    version: DatasetVersion
    checker: Checker
    hooks: list[CommitHook] = field(default_factory=list)
    after_commit: list[AfterCommit] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()

    def exclusive(self) -> threading.Lock:
        """The lock writes hold: ``with writer.exclusive():`` no write commits meanwhile (a
        backup of the store and its history details takes both at one state)."""
        return self._lock

    def write(
        self,
        compute: Callable[[PendingState], T],
        who: str,
        dry_run: bool = False,
        *,
        admin: bool = False,
        timeout: float | None = None,
        max_memory: int | None = None,
    ) -> Outcome[T]:
        """Run ``compute`` on a pending state of the store, check the change it makes and, unless
        it fails or ``dry_run``, commit it. Exceptions from ``compute`` propagate; nothing is
        written then. The system graphs' rules (:mod:`.protect`) raise WriteForbidden, ``admin``
        saying whether the token has that role; past ``timeout`` seconds of computing and
        checking, or ``max_memory`` bytes of growth, WriteTimeout (:mod:`.deadline`)."""
        started = time.monotonic()
        # Waiting for another write counts against the deadline too.
        if not self._lock.acquire(timeout=timeout if timeout else -1):
            raise WriteTimeout(timeout or 0.0)
        left = None if timeout is None else max(timeout - (time.monotonic() - started), 0.001)
        try:
            return self._write_locked(compute, who, dry_run, admin, left, max_memory)
        finally:
            self._lock.release()

    def _write_locked(
        self, compute: Callable[[PendingState], T], who: str, dry_run: bool, admin: bool, timeout: float | None,
        max_memory: int | None,
    ) -> Outcome[T]:
        if self.backend.recover():
            # An interrupted commit was completed: it may have changed shapes or ontology.
            self.checker.forget()
            self.version.bump()
        with deadline(timeout, max_memory):
            state = PendingState(self.backend.source())
            value = compute(state)
            change = state.change()
            if not self.backend.default_graph and ox.DefaultGraph() in change.graphs():
                raise UpdateFailed(
                    "this store is remote and keeps vetkg's data in named graphs only: name the graph "
                    "(GRAPH <…> in an update, ?graph=IRI in the Graph Store Protocol)"
                )
            change = without_entailed_removals(change, self.checker.graphs, admin)
            check_permission(change, self.checker.graphs, admin)
            verdict = self.checker.check(change, state)
        if not verdict.ok or dry_run or not change:
            return Outcome(change, verdict, committed=False, value=value, state=state)
        timestamp = datetime.now(UTC)
        extra = [quad for hook in self.hooks for quad in hook(change, who, timestamp)]
        try:
            self.backend.commit(change, state, extra)
        finally:
            # Even a commit that failed half-way may have changed the store: forget what was read.
            self.checker.committed(change)
            self.version.bump()
        log.info("write by %s committed: %s", who, change.summary())
        for hook in self.after_commit:
            try:
                hook(change, who, timestamp)
            except Exception:
                log.exception("after-commit hook %r failed", hook)
        return Outcome(change, verdict, committed=True, value=value, timestamp=timestamp, state=state)
