"""The pool of forked query workers (server/sparql/workers.py) and what a worker reads of a
query before Oxigraph runs it (server/sparql/guard.py)."""
from __future__ import annotations

import os
import socket
import threading
import time

import pytest

from vetkg.server.sparql.errors import ProtocolError
from vetkg.server.sparql.guard import plan_query
from vetkg.server.sparql.results import QueryJob, declared_prefixes
from vetkg.server.sparql.workers import WorkerDied, WorkerPool
from vetkg.store import formats


def _pid_or_sleep(job: object) -> object:
    if isinstance(job, float):
        time.sleep(job)
    if job == "die":
        os._exit(3)
    return os.getpid()


class Generation:
    def __init__(self) -> None:
        self.value = 0

    def __call__(self) -> int:
        return self.value


@pytest.fixture
def pool():
    generation = Generation()
    workers = WorkerPool(_pid_or_sleep, size=1, generation=generation)
    workers.generation_counter = generation  # type: ignore[attr-defined]
    yield workers
    workers.close()


def test_a_worker_answers_query_after_query(pool):
    first = pool.run("x", 10)
    second = pool.run("x", 10)
    assert first[0] and second[0]
    assert first[1] == second[1] != os.getpid()


def test_a_new_generation_retires_the_worker(pool):
    _, before = pool.run("x", 10)
    pool.generation_counter.value += 1
    _, after = pool.run("x", 10)
    assert before != after
    # The retired worker is gone, not idle in the background.
    with pytest.raises(ProcessLookupError):
        for _ in range(100):
            os.kill(before, 0)
            time.sleep(0.05)


def test_a_worker_past_its_deadline_is_killed(pool):
    done, _ = pool.run(5.0, 0.3)
    assert done is False
    assert pool._all == set() and pool._idle == []
    _, pid = pool.run("x", 10)
    assert isinstance(pid, int)


def _pid_after(job: float) -> tuple[int, float]:
    started = time.monotonic()
    time.sleep(job)
    return os.getpid(), started


def _concurrently(pool: WorkerPool, jobs: list[object], seconds: float = 10) -> list[tuple[bool, object]]:
    answers: list[tuple[bool, object]] = [(False, None)] * len(jobs)

    def one(i: int) -> None:
        answers[i] = pool.run(jobs[i], seconds)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(jobs))]
    for i, t in enumerate(threads):
        t.start()
        time.sleep(0.05 * (i > 0))  # the first takes the fork; the others find its free slots
    for t in threads:
        t.join()
    return answers


def test_one_worker_runs_as_many_jobs_at_once_as_it_has_threads() -> None:
    pool = WorkerPool(_pid_after, size=1, generation=Generation(), threads=2)
    try:
        started = time.monotonic()
        (_, (pid_a, start_a)), (_, (pid_b, start_b)) = _concurrently(pool, [0.4, 0.4])  # type: ignore[misc]
        assert pid_a == pid_b != os.getpid()  # one process, its pages read once
        assert abs(start_a - start_b) < 0.3 and time.monotonic() - started < 0.75  # at the same time
        assert len(pool._all) == 1
    finally:
        pool.close()


def test_a_job_in_a_worker_killed_for_another_job_runs_again() -> None:
    pool = WorkerPool(_pid_or_sleep, size=1, generation=Generation(), threads=2)
    try:
        answers: dict[str, tuple[bool, object]] = {}
        late = threading.Thread(target=lambda: answers.update(late=pool.run(5.0, 0.3)))
        late.start()
        time.sleep(0.1)
        answers["quick"] = pool.run(0.5, 10)  # shares the worker the late one is killed in
        late.join()
        assert answers["late"] == (False, None)
        done, pid = answers["quick"]
        assert done and isinstance(pid, int)
        assert pool.run("x", 10)[0]  # the pool goes on
    finally:
        pool.close()


def _nice_after(job: float) -> tuple[int, int, int]:
    time.sleep(job)
    return os.getpid(), threading.get_native_id(), os.getpriority(os.PRIO_PROCESS, 0)


def test_a_job_past_slow_after_goes_on_lowered_and_its_thread_is_replaced() -> None:
    pool = WorkerPool(_nice_after, size=1, generation=Generation(), threads=1)
    told: list[float] = []
    try:
        done, (pid, tid, nice) = pool.run(0.4, 10, slow_after=0.1, on_slow=lambda: told.append(time.monotonic()))
        assert done and len(told) == 1
        assert nice == 10  # lowered while it ran, not killed and run again
        _, (pid_next, tid_next, nice_next) = pool.run(0.0, 10)
        # The same process, a new thread at the worker's own priority (raising a nice value
        # cannot be undone without privileges).
        assert pid_next == pid and tid_next != tid and nice_next == 0
        _, (_, _, quick_nice) = pool.run(0.0, 10, slow_after=0.3, on_slow=lambda: told.append(0.0))
        assert quick_nice == 0 and len(told) == 1  # a job done in time is left alone
    finally:
        pool.close()


def test_a_job_is_lowered_past_slow_after_without_a_callback_too() -> None:
    # The slow lane's known-heavy queries: lowered at once (slow_after 0), nothing to tell.
    pool = WorkerPool(_nice_after, size=1, generation=Generation())
    try:
        pool.run(0.0, 10)  # the worker's thread has said its id
        done, (_, _, nice) = pool.run(0.3, 10, slow_after=0.0)
    finally:
        pool.close()
    assert done and nice == 10


def test_what_on_slow_raises_stops_the_job() -> None:
    pool = WorkerPool(_nice_after, size=1, generation=Generation(), threads=2)

    def refuse() -> None:
        raise ProtocolError(503, "full")

    try:
        started = time.monotonic()
        with pytest.raises(ProtocolError):
            pool.run(5.0, 10, slow_after=0.1, on_slow=refuse)
        assert time.monotonic() - started < 1.0
        assert pool._all == set()  # its worker was killed with it
        assert pool.run(0.0, 10)[0]
    finally:
        pool.close()


def _network(job: str) -> bool:
    """Whether this thread of the worker may open an internet socket (``job`` 'confine': after
    confining the worker, from this thread)."""
    from vetkg.server.sparql.confine import forbid_network

    if job == "confine":
        forbid_network()
        time.sleep(0.4)
    else:
        time.sleep(0.2)  # after the other thread confined the process
    try:
        socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()
    except OSError:
        return False
    return True


def test_confining_a_worker_confines_all_its_threads() -> None:
    pool = WorkerPool(_network, size=1, generation=Generation(), threads=2)
    try:
        (_, in_confining), (_, in_other) = _concurrently(pool, ["confine", "other"])
    finally:
        pool.close()
    assert in_confining is False and in_other is False


def _dataset(text: str) -> object:
    from vetkg.server.sparql.guard import read_reach

    return read_reach(text, None)


def test_threads_of_a_worker_read_datasets_one_parse_at_a_time() -> None:
    # rdflib's grammar keeps state while it parses: two threads of one worker reading FROM
    # clauses at once got each other's results or a TypeError out of pyparsing.
    pool = WorkerPool(_dataset, size=1, generation=Generation(), threads=2)
    texts = [f"SELECT * FROM <http://example.org/g{i}> WHERE {{ ?s ?p ?o{i} FILTER(?o{i} > {i}) }}" for i in range(60)]
    wrong: list[object] = []

    def read(part: list[str]) -> None:
        for text in part:
            _, answer = pool.run(text, 30)
            expected = (False, [text.split("<")[1].split(">")[0]], [])
            if answer != expected:
                wrong.append(answer)

    try:
        readers = [threading.Thread(target=read, args=(texts[i::2],)) for i in range(2)]
        for t in readers:
            t.start()
        for t in readers:
            t.join()
    finally:
        pool.close()
    assert wrong == []


def test_a_worker_forked_while_the_server_parses_an_update_can_parse() -> None:
    from vetkg.server.sparql import guard

    pool = WorkerPool(_dataset, size=1, generation=Generation())
    try:
        with guard.PARSER_LOCK:  # as while the server reads an update
            done, answer = pool.run("SELECT * FROM <http://example.org/g> { ?s ?p ?o }", 5)
    finally:
        pool.close()
    assert done and answer == (False, ["http://example.org/g"], [])


def test_a_query_waits_briefly_for_a_busy_worker(pool):
    pids: list[object] = []
    slow = threading.Thread(target=lambda: pids.append(pool.run(0.3, 10)[1]))
    slow.start()
    time.sleep(0.1)
    _, quick = pool.run("x", 10)
    slow.join()
    # The one pooled worker answered both: no process was forked for the second query.
    assert pids[0] == quick


def test_more_queries_than_workers_each_get_a_process(pool):
    pool.overflow_after = 0.05
    pids: list[object] = []
    slow = threading.Thread(target=lambda: pids.append(pool.run(0.5, 10)[1]))
    slow.start()
    time.sleep(0.1)
    started = time.monotonic()
    _, quick = pool.run("x", 10)
    # The quick query did not wait for the slow one in the only pooled worker.
    assert time.monotonic() - started < 0.4
    slow.join()
    assert pids[0] != quick
    assert len(pool._all) == 1  # the extra process was not kept


def test_a_worker_that_dies_is_reported_and_replaced(pool):
    with pytest.raises(WorkerDied):
        pool.run("die", 10)
    done, pid = pool.run("x", 10)
    assert done and isinstance(pid, int)


# -------------------------------------------------------------------------- what a worker reads


def _plan(text: str, **fields: object) -> QueryJob:
    return plan_query(QueryJob(text, None, None, 100, max_nesting=256, **fields), lambda: ["http://e/g"])


@pytest.mark.parametrize(
    ("text", "media_type"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", formats.get("json").media_type),
        ("# a comment with SELECT\n  ask { ?s ?p ?o }", formats.get("json").media_type),
        ("PREFIX vet: <https://w3id.org/vetkg/ontology#>\nCONSTRUCT WHERE { ?s a vet:WorkPlan }", "text/turtle"),
        ("prefix : <http://e/#>\nDESCRIBE :x", "text/turtle"),
    ],
)
def test_the_result_kind_chooses_the_format(client, text, media_type):
    resp = client.get("/sparql", query_string={"query": text})
    assert resp.status_code == 200, resp.text
    assert resp.mimetype == media_type


def test_named_prefixes_of_the_prologue_are_kept():
    text = "PREFIX vet: <https://w3id.org/vetkg/ontology#> PREFIX : <http://e/> SELECT * { ?s a vet:Measure }"
    assert declared_prefixes(text) == {"vet": "https://w3id.org/vetkg/ontology#"}


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        "select * { service <http://example.org/sparql> { ?s ?p ?o } }",
        # A codepoint escape spelling the keyword must not slip past a substring test.
        "SELECT * { SERVIC\\u0045 <http://example.org/sparql> { ?s ?p ?o } }",
        "SELECT * { ?s ?p ?o .SERVICE<http://example.org/sparql> { ?s ?p ?o } }",
        "SELECT * { ?s ?p ?o }#\nSERVICE <http://example.org/sparql> { ?s ?p ?o }",
        # A digit ends a number, not a name: Oxigraph reads "1SERVICE" as 1 and SERVICE.
        "SELECT ?leak WHERE { ?s ?p 1SERVICE <http://127.0.0.1:9/sparql> { ?x ?y ?z } }",
        "SELECT ?leak WHERE { ?s ?p trueSERVICE <http://127.0.0.1:9/sparql> { ?x ?y ?z } }",
    ],
)
def test_service_is_still_refused(text):
    with pytest.raises(ProtocolError) as caught:
        _plan(text)
    assert caught.value.status == 400


def test_a_word_service_in_a_literal_is_read_and_passes():
    planned = _plan('SELECT * { ?s ?p "customer service" }')
    assert planned.default_graphs is None and planned.named_graphs is None


def test_a_query_that_cannot_reach_out_is_not_parsed_by_rdflib(monkeypatch):
    import vetkg.server.sparql.guard as guard

    monkeypatch.setattr(guard, "parseQuery", lambda text: pytest.fail("parsed with rdflib"))
    assert _plan("SELECT * { ?m <http://e/derived> ?d ; <http://e/p> ?cheese }").default_graphs is None


def test_from_clauses_are_read():
    planned = _plan("SELECT * FROM <http://e/g> { ?s ?p ?o }")
    assert planned.default_graphs == ["http://e/g"] and planned.named_graphs == []
    assert planned.union_default_graph is False


def test_the_protocol_dataset_overrides_from():
    planned = _plan("SELECT * FROM <http://e/other> { ?s ?p ?o }", named_graphs=["http://e/g"])
    assert planned.default_graphs == [] and planned.named_graphs == ["http://e/g"]


def test_an_unknown_from_graph_is_refused():
    with pytest.raises(ProtocolError) as caught:
        _plan("SELECT * FROM NAMED <http://e/elsewhere> { ?s ?p ?o }")
    assert caught.value.status == 400 and "http://e/elsewhere" in caught.value.message


def test_quick_path_syntax_errors_come_back_as_400(client):
    resp = client.get("/sparql", query_string={"query": "SELECT ?x WHERE { ?x ?y }"})
    assert resp.status_code == 400
    assert "syntax error" in resp.text


def test_a_query_after_a_write_sees_it(make_app):
    """The worker that answered before the write holds the old snapshot: it must not answer after."""
    client = make_app(update_tokens={"alice": "s3cret"}).test_client()
    ask = {"query": "ASK { GRAPH <http://example.org/g> { <http://example.org/s> <http://example.org/p> 1 } }"}
    accept = {"Accept": "application/sparql-results+json"}
    assert client.get("/sparql", query_string=ask, headers=accept).json["boolean"] is False
    written = client.post(
        "/sparql",
        data={"update": "INSERT DATA { GRAPH <http://example.org/g> { <http://example.org/s> <http://example.org/p> 1 } }"},
        headers={"Authorization": "Bearer s3cret"},
    )
    assert written.status_code == 204, written.text
    assert client.get("/sparql", query_string=ask, headers=accept).json["boolean"] is True


def test_a_deadline_longer_than_poll_can_wait_is_still_waited_for() -> None:
    pool = WorkerPool(_nice_after, size=1, generation=Generation())
    try:
        done, _ = pool.run(0.05, 1e9)  # 31 years: more milliseconds than poll() takes
    finally:
        pool.close()
    assert done
