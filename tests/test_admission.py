"""Admission of queries (server/sparql_endpoint/admission.py), with executors that only sleep."""
from __future__ import annotations

import threading
import time
from types import SimpleNamespace

import pytest

from vetkg.server.sparql.executor import QueryTimeout
from vetkg.server.sparql.results import QueryOutcome
from vetkg.server.sparql_endpoint.admission import Admission, Busy, Lane


class Sleeper:
    """An executor whose job is the seconds the query takes; records the jobs it was given."""

    def __init__(self, pool_size: int = 1) -> None:
        self.store = SimpleNamespace(enforces_deadlines=False)
        self.pool = SimpleNamespace(size=pool_size)
        self.jobs: list[float] = []

    def run(self, job: float, timeout: float) -> QueryOutcome:
        self.jobs.append(job)
        if job > timeout:
            time.sleep(timeout)
            raise QueryTimeout(timeout)
        time.sleep(job)
        return QueryOutcome(body=b"done")


@pytest.fixture
def lanes() -> tuple[Admission, Sleeper, Sleeper]:
    fast, slow = Sleeper(), Sleeper()
    return Admission(fast, slow, heavy_after=0.1, slots=1, queue=1, probe_queue=4), fast, slow  # type: ignore[arg-type]


def test_a_quick_query_ends_in_its_probe(lanes) -> None:
    admission, fast, slow = lanes
    assert admission.run(0.01, 5).body == b"done"
    assert fast.jobs == [0.01] and slow.jobs == []


def test_a_long_query_runs_again_in_the_slow_lane_and_is_remembered(lanes) -> None:
    admission, fast, slow = lanes
    assert admission.run(0.3, 5).body == b"done"
    assert fast.jobs == [0.3] and slow.jobs == [0.3]
    admission.run(0.3, 5)
    assert fast.jobs == [0.3] and slow.jobs == [0.3, 0.3]  # no second probe


def test_the_deadline_covers_probe_and_slow_lane(lanes) -> None:
    admission, _, _ = lanes
    started = time.monotonic()
    with pytest.raises(QueryTimeout) as raised:
        admission.run(10.0, 0.4)
    assert raised.value.seconds == 0.4
    assert time.monotonic() - started < 0.6


def test_past_the_slot_and_the_queue_a_long_query_is_refused_at_once(lanes) -> None:
    admission, _, _ = lanes
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
    assert admission.run(0.01, 3).body == b"done"
    for t in holders:
        t.join()


def test_a_query_slow_only_once_is_probed_again(lanes) -> None:
    admission, fast, slow = lanes
    key = admission.heavy.key(0.01)
    admission.heavy.add(key)  # as if a busy machine had made it slow
    admission.run(0.01, 5)
    assert slow.jobs == [0.01] and key not in admission.heavy
    admission.run(0.01, 5)
    assert fast.jobs == [0.01]


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
