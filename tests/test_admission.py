"""Admission of queries (server/sparql_endpoint/admission.py), with executors that only sleep."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from types import SimpleNamespace

import pytest

from vetkg.server.sparql.executor import QueryTimeout
from vetkg.server.sparql.results import QueryOutcome
from vetkg.server.sparql_endpoint.admission import Admission, Busy, Lane


class Sleeper:
    """An executor whose job is the seconds the query takes; records the jobs it was given and
    those it was told to lower (``on_slow``: the priority of a query turned heavy)."""

    def __init__(self) -> None:
        self.store = SimpleNamespace(enforces_deadlines=False)
        self.jobs: list[float] = []
        self.lowered: list[tuple[float, float]] = []  # (job, after how many seconds)

    def run(self, job: float, timeout: float, slow_after: float | None = None,
            on_slow: Callable[[], None] | None = None) -> QueryOutcome:
        self.jobs.append(job)
        limit = min(job, timeout)
        if slow_after is not None and slow_after < limit:
            time.sleep(slow_after)
            if on_slow is not None:
                on_slow()
            self.lowered.append((job, slow_after))
            time.sleep(limit - slow_after)
        else:
            time.sleep(limit)
        if job > timeout:
            raise QueryTimeout(timeout)
        return QueryOutcome(body=b"done", seconds=job)


def _admission(executor: Sleeper, slots: int = 1, queue: int = 1, probes: int = 1) -> Admission:
    return Admission(executor, heavy_after=0.1, slots=slots, queue=queue, probe_queue=4, probe_slots=probes)  # type: ignore[arg-type]


@pytest.fixture
def lanes() -> tuple[Admission, Sleeper]:
    executor = Sleeper()
    return _admission(executor), executor


def test_a_quick_query_ends_in_its_probe(lanes) -> None:
    admission, executor = lanes
    assert admission.run(0.01, 5).body == b"done"
    assert executor.jobs == [0.01] and executor.lowered == []


def test_a_long_query_goes_on_lowered_and_is_remembered(lanes) -> None:
    admission, executor = lanes
    assert admission.run(0.3, 5).body == b"done"
    # Not killed and run again: evaluated once, lowered when it turned out long.
    assert executor.jobs == [0.3] and executor.lowered == [(0.3, 0.1)]
    assert admission.found_heavy == 1
    admission.run(0.3, 5)
    # Known to be long: no probe, lowered from the start.
    assert executor.jobs == [0.3, 0.3] and executor.lowered[1] == (0.3, 0.0)


def test_a_probe_turned_heavy_frees_its_probe_slot(lanes) -> None:
    admission, _ = lanes  # one probe at a time
    long = threading.Thread(target=admission.run, args=(1.0, 5))
    long.start()
    time.sleep(0.2)  # it has turned heavy
    started = time.monotonic()
    admission.run(0.01, 5)
    took = time.monotonic() - started
    long.join()
    assert took < 0.3, took  # did not wait for the long one to end


def test_the_deadline_covers_the_wait_and_the_run(lanes) -> None:
    admission, _ = lanes
    started = time.monotonic()
    with pytest.raises(QueryTimeout) as raised:
        admission.run(10.0, 0.4)
    assert raised.value.seconds == 0.4
    assert time.monotonic() - started < 0.6


def test_past_the_slot_and_the_queue_a_long_query_is_refused_at_once(lanes) -> None:
    admission, _ = lanes
    admission.heavy.add(admission.heavy.key(2.0))  # known to be long: no probes to wait for
    def hold() -> None:
        try:
            admission.run(2.0, 3)
        except QueryTimeout:
            pass  # the one waiting has 1 s left after the first: not enough, as it should be

    holders = [threading.Thread(target=hold) for _ in range(2)]  # one runs, one waits
    for t in holders:
        t.start()
    time.sleep(0.2)
    started = time.monotonic()
    with pytest.raises(Busy) as refused:
        admission.run(2.0, 3)
    assert time.monotonic() - started < 0.1
    assert refused.value.status == 503
    assert 1 <= int(refused.value.headers["Retry-After"]) <= 3
    # A cheap query is not in that lane at all.
    assert admission.run(0.01, 5).body == b"done"
    for t in holders:
        t.join()


def test_a_probe_turning_heavy_in_a_full_slow_lane_is_stopped() -> None:
    executor = Sleeper()
    admission = _admission(executor, slots=1, queue=0, probes=2)
    admission.heavy.add(admission.heavy.key(1.0))
    holder = threading.Thread(target=admission.run, args=(1.0, 5))
    holder.start()
    time.sleep(0.05)
    with pytest.raises(Busy):
        admission.run(0.5, 5)  # unknown, turns heavy at 0.1 s with the only slot taken
    holder.join()
    assert admission.lane.refused == 1 and admission.lane.running == 0 and admission.probes.running == 0


def test_a_query_slow_only_once_is_probed_again(lanes) -> None:
    admission, executor = lanes
    key = admission.heavy.key(0.01)
    admission.heavy.add(key)  # as if a busy machine had made it slow
    admission.run(0.01, 5)
    assert key not in admission.heavy
    admission.run(0.01, 5)
    assert executor.jobs == [0.01, 0.01] and executor.lowered == [(0.01, 0.0)]  # the second was a probe


class Waiter(Sleeper):
    """An executor whose queries take their worker ``job`` seconds but ``wall`` in all (a slot
    waited for, a worker just forked)."""

    def __init__(self, wall: float) -> None:
        super().__init__()
        self.wall = wall

    def run(self, job: float, timeout: float, slow_after: float | None = None,
            on_slow: Callable[[], None] | None = None) -> QueryOutcome:
        self.jobs.append(job)
        time.sleep(self.wall)
        return QueryOutcome(body=b"done", seconds=job)


@pytest.mark.parametrize(("worker_seconds", "kept"), [(0.01, False), (0.2, True)])
def test_a_heavy_query_is_judged_by_its_worker_time_not_the_lane_time(worker_seconds: float, kept: bool) -> None:
    # At 1M quads a new process took 250 ms to copy the pages an 80 ms aggregation reads: judged
    # by the time in all, that query stayed heavy for good and paid it each time.
    executor = Waiter(wall=0.3)
    admission = _admission(executor)
    key = admission.heavy.key(worker_seconds)
    admission.heavy.add(key)
    admission.run(worker_seconds, 5)
    assert executor.jobs == [worker_seconds]
    assert (key in admission.heavy) is kept


def test_a_freed_slot_goes_to_the_client_with_fewest_waiting() -> None:
    lane = Lane(slots=1, queue=10, what="queries")
    order: list[str] = []
    held = lane.enter(time.monotonic() + 10, "a")

    def wait(client: str) -> None:
        slot = lane.enter(time.monotonic() + 10, client)
        order.append(client)
        lane.leave(slot)

    flood = [threading.Thread(target=wait, args=("a",)) for _ in range(3)]
    for t in flood:
        t.start()
        time.sleep(0.02)
    late = threading.Thread(target=wait, args=("b",))
    late.start()
    time.sleep(0.05)
    lane.leave(held)
    for t in [*flood, late]:
        t.join(5)
    assert order[0] == "b" and order.count("a") == 3


def test_a_full_queue_refuses_but_a_freed_slot_counts_as_room() -> None:
    lane = Lane(slots=1, queue=0, what="queries", retry_after=1)
    held = lane.enter(time.monotonic() + 10)
    with pytest.raises(Busy):
        lane.enter(time.monotonic() + 10)
    lane.leave(held)
    lane.leave(lane.enter(time.monotonic() + 10))


def test_the_lanes_are_in_the_metrics(client) -> None:
    client.get("/sparql", query_string={"query": "ASK {}"})
    text = client.get("/metrics").get_data(as_text=True)
    for line in ('vetkg_query_lane_running{lane="probe"} 0.0', 'vetkg_query_lane_waiting{lane="slow"} 0.0',
                 'vetkg_query_lane_refused_total{lane="slow"} 0.0', "vetkg_queries_heavy_total 0.0"):
        assert line in text, line
