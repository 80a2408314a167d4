"""The pool of forked query workers (server/sparql/workers.py) and the quick query check."""
from __future__ import annotations

import os
import threading
import time

import pytest

from vetkg.server.sparql.errors import ProtocolError
from vetkg.server.sparql.formats import Kind
from vetkg.server.sparql.guard import check_query
from vetkg.server.sparql.workers import WorkerDied, WorkerPool


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


# -------------------------------------------------------------------------- the quick check


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", Kind.SOLUTIONS),
        ("# a comment with SELECT\n  ask { ?s ?p ?o }", Kind.BOOLEAN),
        ("PREFIX vet: <https://w3id.org/vetkg/ontology#>\nCONSTRUCT WHERE { ?s a vet:WorkPlan }", Kind.GRAPH),
        ("prefix : <http://e/#>\nDESCRIBE :x", Kind.GRAPH),
    ],
)
def test_quick_check_reads_the_form(text, kind):
    assert check_query(text, allow_service=False).kind is kind


def test_quick_check_keeps_named_prefixes():
    checked = check_query(
        "PREFIX vet: <https://w3id.org/vetkg/ontology#> PREFIX : <http://e/> SELECT * { ?s a vet:Measure }",
        allow_service=False,
    )
    assert checked.prefixes == {"vet": "https://w3id.org/vetkg/ontology#"}


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        "select * { service <http://example.org/sparql> { ?s ?p ?o } }",
        # A codepoint escape spelling the keyword must not slip past a substring test.
        "SELECT * { SERVIC\\u0045 <http://example.org/sparql> { ?s ?p ?o } }",
        "SELECT * { ?s ?p ?o .SERVICE<http://example.org/sparql> { ?s ?p ?o } }",
        "SELECT * { ?s ?p ?o }#\nSERVICE <http://example.org/sparql> { ?s ?p ?o }",
    ],
)
def test_service_is_still_refused(text):
    with pytest.raises(ProtocolError) as caught:
        check_query(text, allow_service=False)
    assert caught.value.status == 400


def test_a_word_service_in_a_literal_takes_the_full_parse():
    checked = check_query('SELECT * { ?s ?p "customer service" }', allow_service=False)
    assert checked.kind is Kind.SOLUTIONS


def test_names_ending_in_from_take_the_quick_path(monkeypatch):
    import vetkg.server.sparql.guard as guard

    monkeypatch.setattr(guard, "parseQuery", lambda text: pytest.fail("parsed with rdflib"))
    text = "PREFIX prov: <http://www.w3.org/ns/prov#> SELECT * { ?m prov:wasDerivedFrom ?d ; <http://e/p> ?fromage }"
    assert check_query(text, allow_service=False).kind is Kind.SOLUTIONS


def test_from_clauses_are_still_read():
    checked = check_query("SELECT * FROM <http://e/g> { ?s ?p ?o }", allow_service=False)
    assert checked.from_graphs == ["http://e/g"] and checked.from_named == []


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
