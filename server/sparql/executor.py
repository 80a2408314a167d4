"""Running a query with a deadline that really stops it.

pyoxigraph cannot be interrupted: once ORDER BY or GROUP BY starts, the call holds its thread
until the whole sort is done, and no flag or thread can stop it. So every query is evaluated in a
child process forked for it, and a child still running at the deadline is killed (SIGKILL); its
CPU and memory go with it.

Forking hands the child the store as it is, with no copying or reopening (the pages are shared
copy-on-write), which works for the in-memory store and for an open on-disk store alike; the cost
is a few milliseconds per query. The child only reads, writes its answer to a pipe and leaves with
``os._exit``. A fork made while another thread of the server holds a lock inside the store would
leave the child waiting on that lock; the deadline then kills it like any slow query, so the
failure is a 503, never a hung server.

A remote store (``store.enforces_deadlines``) is not forked for: the work happens on the other
server, so the query runs in the request's thread and its HTTP call gives up at the deadline;
stopping the server's own work is left to the server's timeout.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import time
import traceback
from multiprocessing.connection import Connection
from typing import Any

from ..stores import Store, StoreError, StoreRefused, StoreTimeout
from .errors import ProtocolError
from .results import QueryJob, QueryOutcome, evaluate

log = logging.getLogger(__name__)
_FORK = multiprocessing.get_context("fork")


class QueryTimeout(ProtocolError):
    """The query ran past its deadline and was stopped. 503, as Fuseki answers a timeout."""

    def __init__(self, seconds: float) -> None:
        super().__init__(503, f"query timed out after {seconds:g} s and was stopped", {"Retry-After": "60"})
        self.seconds = seconds


def _child(store: Store, job: QueryJob, conn: Connection) -> None:
    try:
        message: tuple[str, Any] = ("ok", evaluate(store, job))
    except SyntaxError as exc:
        message = ("syntax", str(exc))
    except (ValueError, TypeError) as exc:
        message = ("invalid", str(exc))
    except OSError as exc:
        message = ("store", str(exc))
    except BaseException:  # noqa: BLE001 - reported to the parent, which logs it
        message = ("bug", traceback.format_exc())
    try:
        conn.send(message)
    finally:
        conn.close()
        # No atexit handlers, no flushing of buffers inherited from the server.
        os._exit(0)


class ForkExecutor:
    """Evaluates each query in a forked child of this process, killed at its deadline."""

    def __init__(self, store: Store) -> None:
        self.store = store

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
        receiver, sender = _FORK.Pipe(duplex=False)
        child = _FORK.Process(target=_child, args=(self.store, job, sender), daemon=True)
        deadline = time.monotonic() + timeout
        child.start()
        sender.close()  # so a child that dies without answering shows as EOF here
        try:
            if not receiver.poll(max(0.0, deadline - time.monotonic())):
                raise QueryTimeout(timeout)
            try:
                status, payload = receiver.recv()
            except EOFError:
                log.error("query worker %s died with exit code %s", child.pid, child.exitcode)
                raise RuntimeError("the query worker died without an answer") from None
        finally:
            receiver.close()
            if child.is_alive():
                child.kill()
            child.join()
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
