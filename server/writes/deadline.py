"""A deadline for the work of one write: parsing the update, its WHERE clauses, the checks.

That work is pure Python (rdflib's parser and evaluator, pyshacl, the pending state's reads of the
store, each a short call into pyoxigraph), so it can be stopped where it stands: at the deadline
a timer thread raises :class:`WriteTimeout` in the thread doing it
(``PyThreadState_SetAsyncExc``), which Python delivers between two bytecodes. Nothing has been
written then: the store is only written after the checks, outside the deadline. Forking a
worker, as queries do, would not serve here: the write's result is a pending state the server
process must check and commit under its writer's lock.

:class:`WriteTimeout` is a ``BaseException``, so the ``except Exception`` blocks of the libraries
it interrupts do not swallow it.
"""
from __future__ import annotations

import ctypes
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class WriteTimeout(BaseException):  # noqa: N818 - named for what happened, like TimeoutError
    """The write ran past its deadline and was stopped; nothing was written."""

    def __init__(self, seconds: float = 0.0) -> None:
        super().__init__(f"the write took longer than {seconds:.1f} s (update_timeout) and was stopped; nothing was written")
        self.seconds = seconds


def _raise_in(thread_id: int, exc: type[BaseException] | None) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(exc) if exc else None)


@contextmanager
def deadline(seconds: float | None) -> Iterator[None]:
    """Stop the block with :class:`WriteTimeout` after ``seconds`` (None or ≤ 0: no deadline)."""
    if not seconds or seconds <= 0:
        yield
        return
    target = threading.get_ident()
    guard = threading.Lock()
    state = {"done": False, "fired": False}

    def fire() -> None:
        with guard:
            if not state["done"]:
                state["fired"] = True
                _raise_in(target, _Expired)

    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    timer.start()
    try:
        try:
            yield
        finally:
            with guard:
                state["done"] = True
            timer.cancel()
            if state["fired"]:
                _raise_in(target, None)  # drop the exception if it was not delivered yet
    except _Expired:
        raise WriteTimeout(seconds) from None
    if state["fired"]:
        # It fired as the block ended: the block's work is done but came too late.
        raise WriteTimeout(seconds)


class _Expired(BaseException):
    """What the timer raises; turned into WriteTimeout (which takes arguments) on the way out."""
