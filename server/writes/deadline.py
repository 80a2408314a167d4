"""A deadline and a memory bound for the work of one write: parsing the update, its WHERE
clauses, the checks.

That work is pure Python (rdflib's parser and evaluator, pyshacl, the pending state's reads of the
store, each a short call into pyoxigraph), so it can be stopped where it stands: a watchdog thread
raises :class:`WriteTimeout` in the thread doing it (``PyThreadState_SetAsyncExc``), which Python
delivers between two bytecodes, once the deadline has passed or once the process has grown by
more than the memory bound (rdflib joins by building sets: a cartesian ``WHERE`` takes gigabytes
within a second). Nothing has been written then: the store is only written after the checks,
outside this block. Forking a worker, as queries do, would not serve here: the write's result is
a pending state the server process must check and commit under its writer's lock.

Python drops an exception raised while it finalises a generator ("Exception ignored in …"), so
the watchdog raises again every quarter of a second for as long as the frame that entered the
block is still on the thread's stack, and never after. A second one may land while the first
unwinds, even in the block's exit: both are WriteTimeout, which callers answer with 503. It is a
``BaseException``, so the ``except Exception`` blocks of the libraries it interrupts do not
swallow it.
"""
from __future__ import annotations

import ctypes
import os
import sys
import threading
import time
from types import FrameType, TracebackType
from typing import Literal

_POLL = 0.02  # seconds between two looks of the watchdog
_REFIRE = 0.25  # seconds between two raises, while the block has not ended


class WriteTimeout(BaseException):
    """The write ran past its deadline, or its memory bound, and was stopped; nothing was written."""

    def __init__(self, seconds: float = 0.0, memory: bool = False) -> None:
        if memory:
            message = "the write needed more memory than max_update_memory_mb allows and was stopped; nothing was written"
        elif seconds:
            message = f"the write took longer than {seconds:.1f} s (update_timeout) and was stopped; nothing was written"
        else:
            message = "the write was stopped at its deadline (update_timeout, max_update_memory_mb); nothing was written"
        super().__init__(message)
        self.seconds = seconds
        self.memory = memory


class _Expired(WriteTimeout):
    """What the watchdog raises (asynchronous exceptions are raised as a class, without arguments)."""


_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _rss() -> int | None:
    """This process's resident memory in bytes (Linux); None where it cannot be read."""
    try:
        with open("/proc/self/statm", "rb") as fh:
            return int(fh.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return None


def _raise_in(thread_id: int, exc: type[BaseException] | None) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(exc) if exc else None)


def _on_stack(thread_id: int, frame: FrameType) -> bool:
    current = sys._current_frames().get(thread_id)
    while current is not None:
        if current is frame:
            return True
        current = current.f_back
    return False


class deadline:
    """Stop the block with :class:`WriteTimeout` after ``seconds`` (None or ≤ 0: no deadline),
    or once the process holds ``max_growth_bytes`` more than when it began (None: no bound)."""

    def __init__(self, seconds: float | None, max_growth_bytes: int | None = None) -> None:
        self.seconds = seconds if seconds and seconds > 0 else None
        self.max_growth = max_growth_bytes
        self.fired: str | None = None
        self._done = False
        self._guard = threading.Lock()
        self._stop = threading.Event()

    def __enter__(self) -> deadline:
        start_rss = _rss() if self.max_growth else None
        if self.seconds is None and start_rss is None:
            return self
        target = threading.get_ident()
        frame = sys._getframe(1)
        ends = None if self.seconds is None else time.monotonic() + self.seconds

        def watch() -> None:
            last = 0.0
            while not self._stop.wait(_POLL):
                if self.fired is None:
                    if ends is not None and time.monotonic() >= ends:
                        reason = "time"
                    elif start_rss is not None and (now := _rss()) is not None and now - start_rss > self.max_growth:  # type: ignore[operator]
                        reason = "memory"
                    else:
                        continue
                elif time.monotonic() - last < _REFIRE:
                    continue
                else:
                    reason = self.fired
                with self._guard:
                    if self._done or not _on_stack(target, frame):
                        return
                    self.fired = reason
                    last = time.monotonic()
                    _raise_in(target, _Expired)

        threading.Thread(target=watch, name="write-deadline", daemon=True).start()
        self._target = target
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> Literal[False]:
        with self._guard:
            self._done = True
        self._stop.set()
        if self.fired is not None:
            _raise_in(self._target, None)  # drop one not delivered yet
            raise WriteTimeout(self.seconds or 0.0, memory=self.fired == "memory") from None
        return False
