"""Running a query with a deadline that really stops it.

pyoxigraph cannot be interrupted: once ORDER BY or GROUP BY starts, the call holds its thread
until the whole sort is done, and no flag or thread can stop it. So every query is evaluated in a
forked process, and a process still running at the deadline is killed (SIGKILL); its CPU and
memory go with it.

Forking hands the child the store as it is, with no copying or reopening (the pages are shared
copy-on-write), which works for the in-memory store and for an open on-disk store alike. A fork
costs milliseconds, so the children are kept in a pool (:mod:`.workers`) and reused until the
next committed write makes their snapshot stale. A fork made while another thread of the server
holds a lock inside the store would leave the child waiting on that lock; the deadline then kills
it like any slow query, so the failure is a 503, never a hung server.

A remote store (``store.enforces_deadlines``) is not forked for: the work happens on the other
server, so the query runs in the request's thread and its HTTP call gives up at the deadline;
stopping the server's own work is left to the server's timeout.
"""
from __future__ import annotations

import logging
import os
import traceback
import weakref
from collections.abc import Callable
from typing import Any

from ..stores import Store, StoreError, StoreRefused, StoreTimeout
from .errors import ProtocolError
from .results import QueryJob, QueryOutcome, evaluate
from .workers import WorkerDied, WorkerPool

log = logging.getLogger(__name__)


class QueryTimeout(ProtocolError):
    """The query ran past its deadline and was stopped. 503, as Fuseki answers a timeout."""

    def __init__(self, seconds: float) -> None:
        super().__init__(503, f"query timed out after {seconds:g} s and was stopped", {"Retry-After": "60"})
        self.seconds = seconds


def _answer(store: Store, job: QueryJob) -> tuple[str, Any]:
    """Evaluate ``job`` in a worker: a status and a payload, never an exception."""
    try:
        return ("ok", evaluate(store, job))
    except SyntaxError as exc:
        return ("syntax", str(exc))
    except (ValueError, TypeError) as exc:
        return ("invalid", str(exc))
    except OSError as exc:
        return ("store", str(exc))
    except BaseException:  # noqa: BLE001 - reported to the server, which logs it
        return ("bug", traceback.format_exc())


class ForkExecutor:
    """Evaluates each query in a forked worker of this process, killed at its deadline.

    ``generation`` tells the dataset generation (see :mod:`.workers`); without it every query
    gets a fresh child. ``workers`` is how many children are kept for reuse; -1 means the
    default of ``query_workers`` in server/config.py: one per core, one for a store served from
    a copy in memory.
    """

    def __init__(self, store: Store, generation: Callable[[], int] | None = None, workers: int = -1) -> None:
        self.store = store
        size = workers if workers >= 0 else 1 if store.in_memory_copy else (os.cpu_count() or 1)
        self.pool = WorkerPool(lambda job: _answer(store, job), size if generation else 0, generation or (lambda: 0))
        # Tests build many apps in one process; each app's workers end with it.
        weakref.finalize(self, self.pool.close)

    def run(self, job: QueryJob, timeout: float) -> QueryOutcome:
        """The outcome of ``job``; raises QueryTimeout or a 400 ProtocolError."""
        if self.store.enforces_deadlines:
            return self._run_here(job, timeout)
        return self._run_forked(job, timeout)

    def _run_here(self, job: QueryJob, timeout: float) -> QueryOutcome:
        try:
            with self.store.deadline(timeout):
                return evaluate(self.store, job)
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

    def _run_forked(self, job: QueryJob, timeout: float) -> QueryOutcome:
        try:
            status, payload = self._ask(job, timeout)
            if status == "store":
                # A pooled worker's snapshot is older than the store's files: should the store
                # have compacted away a file the snapshot still names, a fresh fork reads it
                # right. A real evaluation error fails the same way again.
                status, payload = self._ask(job, timeout, fresh=True)
        except WorkerDied as exc:
            log.error("%s", exc)
            raise RuntimeError("the query worker died without an answer") from None
        if status == "ok":
            return payload
        if status == "syntax":
            raise ProtocolError(400, f"syntax error: {payload}")
        if status == "invalid":
            raise ProtocolError(400, f"invalid query: {payload}")
        if status == "store":
            # Oxigraph raises OSError for evaluation failures a query causes (a bad SERVICE
            # target when allowed, a bad dataset): the client's to fix.
            raise ProtocolError(400, f"query evaluation failed: {payload}")
        log.error("query worker failed:\n%s", payload)
        raise RuntimeError("the query worker failed")

    def _ask(self, job: QueryJob, timeout: float, fresh: bool = False) -> tuple[str, Any]:
        done, answer = self.pool.run(job, timeout, fresh)
        if not done:
            raise QueryTimeout(timeout)
        return answer
