"""Admission of queries: a few long ones at a time, so that cheap requests never wait behind them.

Without it, ten long queries hold ten of waitress's threads and every pooled query worker, and an
``ASK {}`` waits seconds for a thread, then half a second for a worker. A query's cost cannot be
told from its text (a one-pattern query with a regex FILTER is as slow as a cartesian join), so
it is told by running it:

1. **Probe.** Every query first runs as usual, in the pooled workers, for at most
   ``heavy_query_after`` seconds (0.25 by default). Most queries end there, and nothing more
   happens.
2. **Slow lane.** A query still running then is *heavy*: its worker is killed and the query runs
   again, from the start, in a worker forked for it alone (not a pooled one, which stay free for
   the cheap queries), once one of ``heavy_query_slots`` (one per core) is free. Up to
   ``heavy_query_queue`` heavy queries wait for a slot, in order, each within its own deadline;
   past that a heavy query is answered at once with 503 and ``Retry-After`` (the seconds until
   the first running one must end). The text of a heavy query is remembered for ten minutes, so
   the same query sent again goes straight to the slow lane without a probe.

The price is the probe: a heavy query does up to ``heavy_query_after`` seconds of work twice (a
query of 0.3 s takes 0.55 s; one of 10 s, 10.25 s). The deadline (``timeout=``) covers both runs.
A store that enforces deadlines itself (a remote SPARQL server) is not probed: its queries run on
the other server, and the first run's work there could not be stopped.
"""
from __future__ import annotations

import hashlib
import math
import os
import threading
import time
from collections import OrderedDict, deque
from typing import Protocol

from flask import Flask, current_app

from .errors import ProtocolError
from .executor import ForkExecutor, QueryTimeout
from .results import QueryJob, QueryOutcome

EXTENSION_KEY = "vetkg.sparql.admission"


class Executor(Protocol):
    def run(self, job: QueryJob, timeout: float) -> QueryOutcome: ...


class Busy(ProtocolError):
    """Every slow-lane slot is taken and the queue is full: 503, try again later."""

    def __init__(self, running: int, retry_after: int) -> None:
        super().__init__(
            503,
            f"the server is running {running} long queries and has no room for another; "
            f"try again in {retry_after} s",
            {"Retry-After": str(retry_after)},
        )


class HeavyQueries:
    """Remembers which query jobs turned out heavy, for ``seconds``, at most ``size`` of them."""

    def __init__(self, size: int = 1024, seconds: float = 600.0) -> None:
        self.size, self.seconds = size, seconds
        self._until: OrderedDict[bytes, float] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def key(job: QueryJob) -> bytes:
        return hashlib.blake2b(repr(job).encode("utf-8", "surrogatepass"), digest_size=16).digest()

    def __contains__(self, key: bytes) -> bool:
        with self._lock:
            until = self._until.get(key)
            if until is None:
                return False
            if until < time.monotonic():
                del self._until[key]
                return False
            return True

    def add(self, key: bytes) -> None:
        with self._lock:
            self._until[key] = time.monotonic() + self.seconds
            self._until.move_to_end(key)
            while len(self._until) > self.size:
                self._until.popitem(last=False)


class SlowLane:
    """``slots`` heavy queries at a time, ``queue`` more waiting in order, the rest refused."""

    def __init__(self, slots: int, queue: int) -> None:
        self.slots, self.queue = slots, queue
        self._running: list[float] = []  # the deadlines of the queries holding a slot
        self._waiting: deque[object] = deque()
        self._cond = threading.Condition()

    def enter(self, deadline: float) -> float:
        """Take a slot before ``deadline`` (returned, to be handed to :meth:`leave`).

        Raises Busy when the queue is full, TimeoutError when the deadline passes first."""
        ticket = object()
        with self._cond:
            if len(self._running) < self.slots and not self._waiting:
                self._running.append(deadline)
                return deadline
            if len(self._waiting) >= self.queue:
                now = time.monotonic()
                first_free = min(self._running, default=now + 1) - now
                raise Busy(len(self._running), max(1, min(60, math.ceil(first_free))))
            self._waiting.append(ticket)
            try:
                while not (len(self._running) < self.slots and self._waiting[0] is ticket):
                    left = deadline - time.monotonic()
                    if left <= 0:
                        raise TimeoutError
                    self._cond.wait(left)
                self._running.append(deadline)
                return deadline
            finally:
                self._waiting.remove(ticket)
                self._cond.notify_all()

    def leave(self, deadline: float) -> None:
        with self._cond:
            self._running.remove(deadline)
            self._cond.notify_all()


class Admission:
    """Runs each query through the probe and, when heavy, the slow lane (see the module's doc)."""

    def __init__(self, fast: ForkExecutor, slow: Executor, heavy_after: float, slots: int, queue: int) -> None:
        self.fast, self.slow = fast, slow
        self.heavy_after = heavy_after
        self.lane = SlowLane(slots, queue)
        self.heavy = HeavyQueries()

    def run(self, job: QueryJob, timeout: float) -> QueryOutcome:
        """The outcome of ``job`` within ``timeout`` seconds; raises QueryTimeout, Busy or a 400."""
        if self.fast.store.enforces_deadlines or timeout <= self.heavy_after:
            return self.fast.run(job, timeout)
        deadline = time.monotonic() + timeout
        key = HeavyQueries.key(job)
        if key not in self.heavy:
            try:
                return self.fast.run(job, self.heavy_after)
            except QueryTimeout:
                self.heavy.add(key)
        try:
            slot = self.lane.enter(deadline)
        except TimeoutError:
            raise QueryTimeout(timeout) from None
        try:
            left = deadline - time.monotonic()
            if left <= 0:
                raise QueryTimeout(timeout)
            try:
                return self.slow.run(job, left)
            except QueryTimeout:
                raise QueryTimeout(timeout) from None
        finally:
            self.lane.leave(slot)


def init_admission(app: Flask) -> None:
    """Put admission in front of the app's query executor (after :func:`..sparql.init_sparql`)."""
    settings = app.extensions["vetkg.settings"]
    fast: ForkExecutor = app.extensions["vetkg.sparql.executor"]
    slots = settings.heavy_query_slots if settings.heavy_query_slots > 0 else (os.cpu_count() or 1)
    # workers=0: no pool, every heavy query in a process forked for it and gone after it.
    slow = ForkExecutor(fast.store, fast.pool.generation, workers=0)
    app.extensions[EXTENSION_KEY] = Admission(fast, slow, settings.heavy_query_after, slots,
                                              max(0, settings.heavy_query_queue))


def run_query(job: QueryJob, timeout: float) -> QueryOutcome:
    """Run ``job`` for the current app, admitted as the module's doc says."""
    admission: Admission | None = current_app.extensions.get(EXTENSION_KEY)
    if admission is None:  # an app built without admission: straight to the executor
        return current_app.extensions["vetkg.sparql.executor"].run(job, timeout)
    return admission.run(job, timeout)
