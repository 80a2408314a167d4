"""Running a query with a deadline that really stops it, in a process that cannot do harm.

pyoxigraph cannot be interrupted: once ORDER BY or GROUP BY starts, the call holds its thread
until the whole sort is done, and no flag or thread can stop it. So every query is read and
evaluated in a forked process, and a process still running at the deadline is killed (SIGKILL);
its CPU and memory go with it. The server process itself never parses a query: the text, the
request's Accept header and the protocol's dataset go to the worker, which checks the nesting,
settles the dataset (:func:`.guard.plan_query`), lets Oxigraph parse and evaluate, and chooses
the format from the result's kind. The worker cannot reach the network and has a memory budget
per query (:mod:`.confine`).

Forking hands the child the store as it is, with no copying or reopening (the pages are shared
copy-on-write), which works for the in-memory store and for an open on-disk store alike. A fork
costs milliseconds, so the child is kept (:mod:`.workers`), answering queries in threads side by
side, until the next committed write makes its snapshot stale. Killing it at one query's deadline
stops the others running in it too; the pool runs those again in the next. A fork made while
another thread of the server holds a lock inside the store would leave the child waiting on that
lock; the deadline then kills it like any slow query, so the failure is a 503, never a hung
server. A worker that dies (a crash
in native code, its memory budget) answers 503 too.

A remote store (``store.enforces_deadlines``) evaluates elsewhere: a worker reads the query whole
with rdflib (:func:`.guard.check_remote`), then the query runs in the request's thread and its HTTP
call gives up at the deadline; stopping the server's own work is left to the server's timeout.
"""
from __future__ import annotations

import logging
import os
import signal
import sys
import time
import traceback
import weakref
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pyoxigraph as ox

from vetkg.store import Store, StoreError, StoreRefused, StoreTimeout

from .confine import (
    BLOCKED_MESSAGE,
    ConfinementUnavailable,
    forbid_network,
    limit_memory,
    unavailable,
)
from .errors import ProtocolError
from .guard import (
    SERVICE_DISABLED,
    RemotePlan,
    Unreadable,
    check_known,
    check_remote,
    plan_query,
    syntax_message,
)
from .results import QueryJob, QueryOutcome, based_text, evaluate, format_for
from .workers import WorkerDied, WorkerPool

log = logging.getLogger(__name__)
_RECURSION_LIMIT = 50_000


class QueryTimeout(ProtocolError):
    """The query ran past its deadline and was stopped. 503, as Fuseki answers a timeout."""

    def __init__(self, seconds: float) -> None:
        super().__init__(503, f"query timed out after {seconds:g} s and was stopped", {"Retry-After": "60"})
        self.seconds = seconds


def _fetch_attempt(message: str) -> bool:
    """Whether an evaluation error in a confined worker came from trying to reach the network."""
    return BLOCKED_MESSAGE in message or "failed to lookup address" in message.lower()


def _refusal(exc: ProtocolError) -> tuple[str, Any]:
    return ("refused", (exc.status, exc.message, exc.headers))


def _answer(store: Store, job: Any, server_pid: int) -> tuple[str, Any]:
    """Handle one job in a worker: a status and a payload, never an exception."""
    if os.getpid() == server_pid:  # pragma: no cover - a programming error, never confine the server
        return ("bug", "a query job was handled in the server process")
    # rdflib's parser takes some 30 Python frames per level of nesting: the default limit of
    # 1000 stops it near 30 levels, well inside max_query_nesting. The worker's C stack holds
    # this many (tested to 300 levels); should it not, the worker dies and the client gets 503.
    if sys.getrecursionlimit() < _RECURSION_LIMIT:
        sys.setrecursionlimit(_RECURSION_LIMIT)
    try:
        if isinstance(job, _Check):
            forbid_network()
            return ("plan", check_remote(
                job.text, allow_service=job.allow_service, base_iri=job.base_iri, max_nesting=job.max_nesting
            ))
        if not job.allow_service:
            forbid_network()
        limit_memory(job.memory_mb)
        started = time.monotonic()
        try:
            planned = plan_query(job, store.graphs)
        except Unreadable as exc:
            return _syntax_first(job, exc)
        return ("ok", replace(evaluate(store, planned), seconds=time.monotonic() - started))
    except ProtocolError as exc:
        return _refusal(exc)
    except MemoryError:
        return ("memory", None)
    except ConfinementUnavailable as exc:
        return ("unconfined", str(exc))
    except SyntaxError as exc:
        return ("syntax", syntax_message(str(exc), job.text, based_text(job)[1]))
    except OSError as exc:
        if not job.allow_service and _fetch_attempt(str(exc)):
            return ("refused", (400, SERVICE_DISABLED, {}))
        return ("store", str(exc))
    except (ValueError, TypeError, RuntimeError) as exc:
        # Oxigraph raises RuntimeError for what it cannot evaluate (an unknown function).
        return ("invalid", str(exc))
    except BaseException:
        return ("bug", traceback.format_exc())


def _syntax_first(job: QueryJob, refusal: Unreadable) -> tuple[str, Any]:
    """Oxigraph's syntax error for a text rdflib could not read, else the refusal."""
    text, shift = based_text(job)
    try:
        ox.Store().query(text)
    except SyntaxError as exc:
        return ("syntax", syntax_message(str(exc), job.text, shift))
    except Exception:
        pass
    return _refusal(refusal)


class _Check:
    """A job for a worker that reads a query for a remote store and evaluates nothing."""

    def __init__(self, job: QueryJob) -> None:
        self.text, self.allow_service, self.base_iri = job.text, job.allow_service, job.base_iri
        self.max_nesting = job.max_nesting


def _retire(answer: tuple[str, Any]) -> bool:
    # A worker that ran out of its budget keeps a fragmented heap; one that could not be
    # confined never will be.
    return answer[0] in ("memory", "unconfined")


class ForkExecutor:
    """Evaluates each query in a forked worker of this process, killed at its deadline.

    ``generation`` tells the dataset generation (see :mod:`.workers`); without it every query
    gets a fresh child. ``workers`` is how many children are kept for reuse (-1: one) and
    ``threads`` how many queries each runs at once (-1: one per core); the app passes its
    settings' ``query_workers`` and ``query_thread_count()``.
    """

    def __init__(self, store: Store, generation: Callable[[], int] | None = None, workers: int = -1,
                 threads: int = -1) -> None:
        self.store = store
        size = workers if workers >= 0 else 1
        server_pid = os.getpid()
        self.pool = WorkerPool(
            lambda job: _answer(store, job, server_pid), size if generation else 0, generation or (lambda: 0),
            retire=_retire, threads=threads if threads > 0 else (os.cpu_count() or 1),
        )
        # Tests build many apps in one process; each app's workers end with it.
        weakref.finalize(self, self.pool.close)
        if (reason := unavailable()) is not None:
            log.error("query workers cannot be kept off the network: %s", reason)

    def run(self, job: QueryJob, timeout: float, slow_after: float | None = None,
            on_slow: Callable[[], None] | None = None) -> QueryOutcome:
        """The outcome of ``job``; raises QueryTimeout or a 4xx/503 ProtocolError. A query still
        running after ``slow_after`` seconds goes on at a lower priority, and ``on_slow()``, if
        given, is called (a ProtocolError it raises stops the query and is raised)."""
        if self.store.enforces_deadlines:
            return self._run_here(job, timeout)
        return self._run_forked(job, timeout, slow_after, on_slow)

    def _run_here(self, job: QueryJob, timeout: float) -> QueryOutcome:
        started = time.monotonic()
        plan = self._outcome(self._ask(_Check(job), timeout), job)
        left = timeout - (time.monotonic() - started)
        if left <= 0:
            raise QueryTimeout(timeout)
        try:
            with self.store.deadline(left):
                return evaluate(self.store, self._remote_job(job, plan))
        except StoreTimeout:
            raise QueryTimeout(timeout) from None
        except StoreRefused as exc:
            raise ProtocolError(400, f"the SPARQL store refused the query: {exc}") from None
        except StoreError as exc:
            # The store, not the client, failed: a gateway's error, with the store's message.
            raise ProtocolError(502, str(exc)) from None
        except SyntaxError as exc:
            raise ProtocolError(400, f"syntax error: {exc}") from None
        except (ValueError, TypeError) as exc:
            raise ProtocolError(400, f"invalid query: {exc}") from None

    def _remote_job(self, job: QueryJob, plan: RemotePlan) -> QueryJob:
        """``job`` with the kind, prefixes and dataset the worker read (the protocol's dataset
        first); asks the store for its graphs when one must be known, under the deadline."""
        default: list[str] | None
        named: list[str] | None
        if job.default_graphs is not None or job.named_graphs is not None:
            default, named = job.default_graphs or [], job.named_graphs or []
        else:
            default, named = plan.from_graphs, plan.from_named
        if default is not None or named is not None:
            default, named = default or [], named or []
            if not (job.allow_unknown_graphs or job.allow_service):
                check_known(default + named, self.store.graphs())
            job = replace(job, union_default_graph=False, default_graphs=default, named_graphs=named)
        else:
            job = replace(job, default_graphs=None, named_graphs=None)
        job = replace(job, kind=plan.kind, prefixes=plan.prefixes)
        return replace(job, fmt=format_for(job, plan.kind))

    def _run_forked(self, job: QueryJob, timeout: float, slow_after: float | None = None,
                    on_slow: Callable[[], None] | None = None) -> QueryOutcome:
        started = time.monotonic()
        answer = self._ask(job, timeout, slow_after=slow_after, on_slow=on_slow)
        if answer[0] == "store":
            # A pooled worker's snapshot is older than the store's files: should the store
            # have compacted away a file the snapshot still names, a fresh fork reads it
            # right. A real evaluation error fails the same way again.
            answer = self._ask(job, max(0.0, timeout - (time.monotonic() - started)), fresh=True)
        return self._outcome(answer, job)

    def _outcome(self, answer: tuple[str, Any], job: QueryJob) -> Any:
        status, payload = answer
        if status in ("ok", "plan"):
            return payload
        if status == "refused":
            code, message, headers = payload
            raise ProtocolError(code, message, headers)
        if status == "syntax":
            raise ProtocolError(400, payload)  # syntax_message: a sentence in English and in Chinese
        if status == "invalid":
            raise ProtocolError(400, f"invalid query: {payload}")
        if status == "store":
            # Oxigraph raises OSError for evaluation failures a query causes (a bad SERVICE
            # target when allowed, a bad dataset): the client's to fix.
            raise ProtocolError(400, f"query evaluation failed: {payload}")
        if status == "memory":
            raise _over_budget(job)
        if status == "unconfined":
            log.error("%s", payload)
            raise ProtocolError(503, "the query worker cannot be kept off the network, so no query runs", {"Retry-After": "60"})
        log.error("query worker failed:\n%s", payload)
        raise ProtocolError(503, "the query worker failed on this query; it has been logged", {"Retry-After": "5"})

    def _ask(self, job: Any, timeout: float, fresh: bool = False, slow_after: float | None = None,
             on_slow: Callable[[], None] | None = None) -> tuple[str, Any]:
        try:
            done, answer = self.pool.run(job, timeout, fresh, slow_after, on_slow)
        except WorkerDied as exc:
            log.error("%s", exc)
            if exc.exitcode == -signal.SIGABRT and getattr(job, "memory_mb", None):
                raise _over_budget(job) from None  # Rust aborts when an allocation fails
            raise ProtocolError(
                503, f"the query stopped its worker ({exc.how}) and was not answered; the server goes on",
                {"Retry-After": "5"},
            ) from None
        if not done:
            raise QueryTimeout(timeout)
        return answer


def _over_budget(job: QueryJob) -> ProtocolError:
    return ProtocolError(
        503, f"the query needed more than its memory budget of {job.memory_mb} MB and was stopped", {"Retry-After": "60"}
    )
