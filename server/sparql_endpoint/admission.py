"""Admission of queries: a few long ones at a time, so that cheap requests never wait behind them.

Without it, ten long queries hold ten of waitress's threads and every pooled query worker, and an
``ASK {}`` waits seconds for a thread, then half a second for a worker. A query's cost cannot be
told from its text (a one-pattern query with a regex FILTER is as slow as a cartesian join), so
it is told by running it:

1. **Probe.** Every query first runs in a pooled worker for at most ``heavy_query_after``
   seconds (0.25 by default). As many probes run at once as there are pooled workers, the others
   wait their turn (within their deadline): a probe then never waits for a worker, so the time it
   is given is the query's own, not the queue's. Most queries end there.
2. **Slow lane.** A query still running then is *heavy*: its worker is killed and the query runs
   again, from the start, in a worker forked for it alone (the pooled ones stay free for the
   probes), once one of ``heavy_query_slots`` (one per core) is free. Up to ``heavy_query_queue``
   heavy queries wait for a slot, in order, each within its own deadline; past that a heavy query
   is answered at once with 503 and ``Retry-After`` (the seconds until the first running one must
   end), without running. The text of a heavy query is remembered for ten minutes, so the same
   query sent again goes straight to the slow lane without a probe; one that then ends within
   ``heavy_query_after`` (it was slow only because the machine was busy) is forgotten.

The price is the probe: a heavy query does up to ``heavy_query_after`` seconds of work twice (a
query of 0.3 s takes 0.55 s; one of 10 s, 10.25 s). The deadline (``timeout=``) covers the wait,
the probe and the second run. A store that enforces deadlines itself (a remote SPARQL server) is
not probed: its queries run on the other server, where the probe's work could not be stopped.
"""
from __future__ import annotations

import hashlib
import math
import os
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterator
from typing import Protocol

from flask import Flask, current_app, request
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from ..sparql.errors import ProtocolError
from ..sparql.executor import ForkExecutor, QueryTimeout
from ..sparql.results import QueryJob, QueryOutcome

EXTENSION_KEY = "vetkg.sparql.admission"


class Executor(Protocol):
    def run(self, job: QueryJob, timeout: float) -> QueryOutcome: ...


class Busy(ProtocolError):
    """Every slot of a lane is taken and its queue is full: 503, try again later."""

    def __init__(self, running: int, what: str, retry_after: int) -> None:
        super().__init__(
            503,
            f"the server is running {running} {what} and has no room for another; try again in {retry_after} s",
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

    def discard(self, key: bytes) -> None:
        with self._lock:
            self._until.pop(key, None)

    def add(self, key: bytes) -> None:
        with self._lock:
            self._until[key] = time.monotonic() + self.seconds
            self._until.move_to_end(key)
            while len(self._until) > self.size:
                self._until.popitem(last=False)


class Lane:
    """``slots`` queries at a time, then up to ``queue`` waiting, the rest refused with Busy.

    A slot that frees goes to the waiting client (by address) with the fewest requests waiting,
    the earliest of its requests first: one client's flood waits behind the others' queries,
    not they behind it. ``retry_after``: the Retry-After of a refusal, in seconds (None: the time
    until the first running query's deadline).
    """

    def __init__(self, slots: int, queue: int, what: str, retry_after: int | None = None) -> None:
        self.slots, self.queue, self.what, self.retry_after = max(1, slots), max(0, queue), what, retry_after
        self._running: list[float] = []  # the deadlines of the queries holding a slot
        self._waiting: list[tuple[object, str]] = []  # (ticket, client), in order of arrival
        self._cond = threading.Condition()
        self.refused = 0  # for /metrics

    @property
    def running(self) -> int:
        return len(self._running)

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    def _next(self) -> object:
        waiting = Counter(client for _, client in self._waiting)
        fewest = min(waiting.values())
        return next(ticket for ticket, client in self._waiting if waiting[client] == fewest)

    def enter(self, deadline: float, client: str = "") -> float:
        """Take a slot before ``deadline`` (returned, to be handed to :meth:`leave`).

        Raises Busy when the queue is full, TimeoutError when the deadline passes first."""
        ticket = object()
        with self._cond:
            if len(self._running) < self.slots and not self._waiting:
                self._running.append(deadline)
                return deadline
            # A slot just freed counts as room: its waiter has been woken but has not taken it yet.
            if len(self._waiting) - (self.slots - len(self._running)) >= self.queue:
                retry = self.retry_after
                if retry is None:
                    now = time.monotonic()
                    retry = max(1, min(60, math.ceil(min(self._running, default=now + 1) - now)))
                self.refused += 1
                raise Busy(len(self._running), self.what, retry)
            self._waiting.append((ticket, client))
            try:
                while not (len(self._running) < self.slots and self._next() is ticket):
                    left = deadline - time.monotonic()
                    if left <= 0:
                        raise TimeoutError
                    self._cond.wait(left)
                self._running.append(deadline)
                return deadline
            finally:
                self._waiting = [w for w in self._waiting if w[0] is not ticket]
                self._cond.notify_all()

    def leave(self, deadline: float) -> None:
        with self._cond:
            self._running.remove(deadline)
            self._cond.notify_all()

    def run(self, deadline: float, timeout: float, work: Callable[[float], QueryOutcome], client: str = "") -> QueryOutcome:
        """``work(seconds left)`` in a slot; QueryTimeout(timeout) if the deadline passes first."""
        try:
            slot = self.enter(deadline, client)
        except TimeoutError:
            raise QueryTimeout(timeout) from None
        try:
            left = deadline - time.monotonic()
            if left <= 0:
                raise QueryTimeout(timeout)
            return work(left)
        finally:
            self.leave(slot)


class Admission:
    """Runs each query through the probe and, when heavy, the slow lane (see the module's doc)."""

    def __init__(self, fast: ForkExecutor, slow: Executor, heavy_after: float, slots: int, queue: int,
                 probe_queue: int) -> None:
        self.fast, self.slow = fast, slow
        self.heavy_after = heavy_after
        # As many probes at once as there are pooled workers: a probe never waits for a worker,
        # so its time is the query's own. Its queue is bounded too, or a flood of new texts would
        # hold every thread (and the requests behind them would wait in waitress's own queue).
        self.probes = Lane(fast.pool.size or os.cpu_count() or 1, probe_queue, "queries", retry_after=1)
        self.lane = Lane(slots, queue, "long queries")
        self.heavy = HeavyQueries()
        self.found_heavy = 0  # probes that ran out of time, for /metrics

    def run(self, job: QueryJob, timeout: float, client: str = "") -> QueryOutcome:
        """The outcome of ``job`` within ``timeout`` seconds; raises QueryTimeout, Busy or a 400.
        ``client`` (its address) is what the lanes share their slots fairly by."""
        if self.fast.store.enforces_deadlines:
            return self.fast.run(job, timeout)
        deadline = time.monotonic() + timeout
        if timeout <= self.heavy_after:
            return self.probes.run(deadline, timeout, lambda left: self.fast.run(job, left), client)
        key = HeavyQueries.key(job)
        if key not in self.heavy:
            try:
                return self.probes.run(deadline, timeout, lambda left: self.fast.run(job, min(left, self.heavy_after)),
                                       client)
            except QueryTimeout:
                self.found_heavy += 1
                if deadline - time.monotonic() <= 0:
                    raise QueryTimeout(timeout) from None
                self.heavy.add(key)
        ran: list[float] = []

        def run_slow(left: float) -> QueryOutcome:
            started = time.monotonic()
            try:
                return self.slow.run(job, left)
            finally:
                ran.append(time.monotonic() - started)

        try:
            outcome = self.lane.run(deadline, timeout, run_slow, client)
        except QueryTimeout:
            raise QueryTimeout(timeout) from None
        if ran and ran[0] < self.heavy_after:
            self.heavy.discard(key)  # it was slow only that once (a loaded machine): probe it next time
        return outcome


class _Metrics:
    """The lanes as Prometheus metrics, read when /metrics is asked for."""

    def __init__(self, admission: Admission) -> None:
        self.admission = admission

    def collect(self) -> Iterator[Metric]:
        lanes = {"probe": self.admission.probes, "slow": self.admission.lane}
        running = GaugeMetricFamily("vetkg_query_lane_running", "Queries holding a slot of the lane", labels=["lane"])
        waiting = GaugeMetricFamily("vetkg_query_lane_waiting", "Queries waiting for a slot of the lane", labels=["lane"])
        refused = CounterMetricFamily("vetkg_query_lane_refused", "Queries answered 503 for want of room in the lane",
                                      labels=["lane"])
        for name, lane in lanes.items():
            running.add_metric([name], lane.running)
            waiting.add_metric([name], lane.waiting)
            refused.add_metric([name], lane.refused)
        heavy = CounterMetricFamily("vetkg_queries_heavy", "Probes that ran out of time: queries sent to the slow lane")
        heavy.add_metric([], self.admission.found_heavy)
        yield from (running, waiting, refused, heavy)


def init_admission(app: Flask) -> None:
    """Put admission in front of the app's query executor (after :func:`..sparql.init_sparql`)."""
    settings = app.extensions["vetkg.settings"]
    fast: ForkExecutor = app.extensions["vetkg.sparql.executor"]
    slots = settings.heavy_slots()
    # workers=0: no pool, every heavy query in a process forked for it and gone after it.
    slow = ForkExecutor(fast.store, fast.pool.generation, workers=0)
    slow.pool.niceness = 10  # a long query has the CPU only when cheap ones do not need it
    queue = max(0, settings.heavy_query_queue)
    # The threads left once the slow lane and the probes hold theirs, but two for everything else.
    probe_queue = max(2, settings.request_threads() - slots - queue - (fast.pool.size or 1) - 2)
    admission = Admission(fast, slow, settings.heavy_query_after, slots, queue, probe_queue)
    app.extensions[EXTENSION_KEY] = admission
    registry = app.extensions.get("vetkg.metrics")  # set by init_http
    if registry is not None:
        registry.register(_Metrics(admission))


def run_query(job: QueryJob, timeout: float) -> QueryOutcome:
    """Run ``job`` for the current app, admitted as the module's doc says."""
    admission: Admission | None = current_app.extensions.get(EXTENSION_KEY)
    if admission is None:  # an app built without admission: straight to the executor
        return current_app.extensions["vetkg.sparql.executor"].run(job, timeout)
    return admission.run(job, timeout, request.remote_addr or "")
