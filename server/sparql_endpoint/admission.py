"""Admission of queries: a few long ones at a time, so that cheap requests never wait behind them.

Without it, ten long queries hold ten of waitress's threads and every query worker's core, and an
``ASK {}`` waits seconds. A query's cost cannot be told from its text (a one-pattern query with a
regex FILTER is as slow as a cartesian join), so it is told by running it:

1. **Probe.** A query not known to be long runs in the query worker (server/sparql/workers.py),
   as many at once as there are cores; the others wait their turn (within their deadline), so
   the time a probe is given is the query's own, not the queue's. Most queries end there.
2. **Slow lane.** A query still running after ``heavy_query_after`` seconds (0.25 by default) is
   *heavy*: it goes on where it is, at a lower priority (its thread's nice value), and moves from
   the probes to the slow lane, whose ``heavy_query_slots`` (one per core) it holds until it ends
   - past the slots if need be, since it is already running. Its text is remembered for ten
   minutes, so the same query sent again waits for a free slot of the slow lane without a probe,
   and runs at the lower priority from the start. Up to ``heavy_query_queue`` heavy queries wait,
   in order, each within its own deadline; past that a heavy query is answered at once with 503
   and ``Retry-After`` (the seconds until the first running one must end), and a probe that
   turns heavy then is stopped. A remembered query that takes its worker less than
   ``heavy_query_after`` (it was slow only because the machine was busy) is forgotten.

Nothing is evaluated twice: until 2026-12 a probe past its time was killed and run again in a
process forked for it, which at 1M quads cost an 80 ms aggregation 250 ms more (the new process
copied every page it read) and so kept it heavy for good. The deadline (``timeout=``) covers the
wait and the run. A store that enforces deadlines itself (a remote SPARQL server) is not probed:
its queries run on the other server.
"""
from __future__ import annotations

import hashlib
import math
import os
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterator
from typing import Any, Protocol

from flask import Flask, current_app, request
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from ..sparql.errors import ProtocolError
from ..sparql.executor import ForkExecutor, QueryTimeout
from ..sparql.results import QueryJob, QueryOutcome

EXTENSION_KEY = "vetkg.sparql.admission"


class Executor(Protocol):
    store: Any

    def run(self, job: QueryJob, timeout: float, slow_after: float | None = None,
            on_slow: Callable[[], None] | None = None) -> QueryOutcome: ...


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
                raise self._busy()
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

    def join(self, deadline: float) -> float:
        """Count a query that is already running (a probe that turned out long) as holding a
        slot, past ``slots`` if need be; raises Busy when the lane is full, slots and queue."""
        with self._cond:
            if len(self._running) + len(self._waiting) >= self.slots + self.queue:
                raise self._busy()
            self._running.append(deadline)
            return deadline

    def _busy(self) -> Busy:
        """The refusal, counted (called under the lock)."""
        retry = self.retry_after
        if retry is None:
            now = time.monotonic()
            retry = max(1, min(60, math.ceil(min(self._running, default=now + 1) - now)))
        self.refused += 1
        return Busy(len(self._running), self.what, retry)

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
    """Runs each query as a probe, or in the slow lane when known to be heavy (see the module's doc)."""

    def __init__(self, executor: Executor, heavy_after: float, slots: int, queue: int, probe_queue: int,
                 probe_slots: int = 0) -> None:
        self.executor = executor
        self.heavy_after = heavy_after
        # As many probes at once as there are cores: a probe's time is then the query's own. Its
        # queue is bounded too, or a flood of new texts would hold every thread (and the
        # requests behind them would wait in waitress's own queue).
        self.probes = Lane(probe_slots or os.cpu_count() or 1, probe_queue, "queries", retry_after=1)
        self.lane = Lane(slots, queue, "long queries")
        self.heavy = HeavyQueries()
        self.found_heavy = 0  # probes that turned heavy, for /metrics

    def run(self, job: QueryJob, timeout: float, client: str = "") -> QueryOutcome:
        """The outcome of ``job`` within ``timeout`` seconds; raises QueryTimeout, Busy or a 400.
        ``client`` (its address) is what the lanes share their slots fairly by."""
        if self.executor.store.enforces_deadlines:
            return self.executor.run(job, timeout)
        deadline = time.monotonic() + timeout
        key = HeavyQueries.key(job)
        if key not in self.heavy:
            return self._probe(job, deadline, timeout, key, client)
        try:
            # Lowered at once (slow_after 0): it is known to be long.
            outcome = self.lane.run(deadline, timeout, lambda left: self.executor.run(job, left, 0.0), client)
        except QueryTimeout:
            raise QueryTimeout(timeout) from None
        if outcome.seconds < self.heavy_after:
            # It was slow only that once (a loaded machine, a worker just forked): probe it next
            # time. Judged by the worker's own time: waiting for a slot is not the query's cost.
            self.heavy.discard(key)
        return outcome

    def _probe(self, job: QueryJob, deadline: float, timeout: float, key: bytes, client: str) -> QueryOutcome:
        try:
            held = {"probe": self.probes.enter(deadline, client)}
        except TimeoutError:
            raise QueryTimeout(timeout) from None

        def turned_heavy() -> None:
            self.found_heavy += 1
            self.heavy.add(key)
            held["lane"] = self.lane.join(deadline)  # Busy when the slow lane is full: the query stops
            self.probes.leave(held.pop("probe"))  # the next probe may start

        try:
            left = deadline - time.monotonic()
            if left <= 0:
                raise QueryTimeout(timeout)
            if timeout <= self.heavy_after:
                return self.executor.run(job, left)
            return self.executor.run(job, left, self.heavy_after, turned_heavy)
        except QueryTimeout:
            raise QueryTimeout(timeout) from None  # the client's timeout, not what was left of it
        finally:
            if "probe" in held:
                self.probes.leave(held["probe"])
            if "lane" in held:
                self.lane.leave(held["lane"])


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
    executor: ForkExecutor = app.extensions["vetkg.sparql.executor"]
    slots = settings.heavy_slots()
    probes = os.cpu_count() or 1
    queue = max(0, settings.heavy_query_queue)
    # The threads left once the slow lane and the probes hold theirs, but two for everything else.
    probe_queue = max(2, settings.request_threads() - slots - queue - probes - 2)
    admission = Admission(executor, settings.heavy_query_after, slots, queue, probe_queue, probes)
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
