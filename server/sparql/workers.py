"""A pool of forked query workers, each a snapshot of the store at one dataset generation.

Forking for every query costs milliseconds (the page tables of a large server process are
copied), which is more than a label lookup takes. A worker forked once serves query after query
from its snapshot until the dataset changes: the generation (``DatasetVersion.generation``, bumped
after every committed write) is noted at the fork, and a worker whose generation is no longer
current is retired before it is used, so a query never sees data older than the last commit
acknowledged to a client.

A worker that misses its deadline is killed like the per-query child it replaces; a query that
finds every pooled worker busy for long gets a child of its own, forked for it and gone after it,
so a burst of slow queries never holds up a quick one for more than a moment.
"""
from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import queue
import signal
import socket
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

log = logging.getLogger(__name__)
_FORK = multiprocessing.get_context("fork")

Handler = Callable[[Any], Any]  # job -> message, run in the worker; must not raise


class WorkerDied(RuntimeError):
    """The worker ended without an answer (killed by the system, or a crash in native code)."""

    def __init__(self, pid: int, exitcode: int | None) -> None:
        self.exitcode = exitcode
        self.how = (
            f"signal {-exitcode}" if exitcode is not None and exitcode < 0 else f"exit code {exitcode}"
        )
        super().__init__(f"query worker {pid} died ({self.how})")


class Worker:
    """One forked process answering jobs sent over a pipe, one at a time."""

    def __init__(self, handler: Handler, generation: int, siblings: list[Connection], idle_seconds: float,
                 niceness: int = 0) -> None:
        self.generation = generation
        self.conn, child_end = _FORK.Pipe(duplex=True)
        self.process = _FORK.Process(target=_serve, args=(handler, child_end, siblings, idle_seconds, niceness),
                                     daemon=True)
        _FORKER.call(self.process.start)
        pid = self.process.pid
        assert pid is not None  # start() set it
        self.pid = pid
        if niceness:
            try:  # set from here, before the first job: the worker's code stays the same
                os.setpriority(os.PRIO_PROCESS, self.pid, niceness)
            except OSError:
                pass
        child_end.close()  # so the worker's death shows here as EOF
        self.jobs = 0

    def ask(self, job: Any, seconds: float) -> tuple[bool, Any]:
        """(True, answer) or (False, None) when ``seconds`` passed first; raises WorkerDied."""
        self.conn.send(job)
        self.jobs += 1
        if not self.conn.poll(max(0.0, seconds)):
            return False, None
        try:
            return True, self.conn.recv()
        except (EOFError, OSError):
            self.process.join(1.0)  # reaped, so its exit code tells how it ended
            raise WorkerDied(self.pid, self.process.exitcode) from None

    def stop(self) -> None:
        self.conn.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join()


def _serve(handler: Handler, conn: Connection, siblings: list[Connection], idle_seconds: float,
           niceness: int = 0) -> None:
    # The pipes of the other workers came along with the fork; holding them would keep those
    # workers from seeing EOF when the server goes away.
    for other in siblings:
        try:
            other.close()
        except OSError:
            pass
    _die_with_server(keep=conn.fileno())
    if niceness:
        _own_autogroup(niceness)
    try:
        # A worker idle for long leaves: a quiet server holds no copies of its store's pages.
        while conn.poll(idle_seconds):
            try:
                job = conn.recv()
            except (EOFError, OSError):
                break
            conn.send(handler(job))
    finally:
        # No atexit handlers, no flushing of buffers inherited from the server.
        os._exit(0)


def _own_autogroup(niceness: int) -> None:
    """Leave the server's scheduling group, for one of its own ``niceness`` below the others.

    Where the kernel groups processes by session for scheduling (autogroup, the default of most
    distributions), a nice value ranks a process only against those of its own session: a niced
    long query still spends the server's group's share of the CPU, and on a busy machine the
    server then waits its turn behind the other groups before it may answer a cheap query
    (beside two long queries on a shared 2-core machine at load 9: 7 of 300 ``ASK {}`` past
    100 ms, p50 21 ms; with the long ones in sessions of their own, 0 of 300, p50 7 ms). In a
    session of its own, lowered as a whole, the long query takes only CPU time nobody else
    wants. Where there is no autogroup (a service in a cgroup of its own) this changes nothing
    but the session; the worker still dies with the server (its parent-death signal is set).
    """
    try:
        os.setsid()
    except OSError:
        return
    try:
        with open("/proc/self/autogroup", "w") as fh:
            fh.write(str(niceness))
    except OSError:
        pass


_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
_server_pid = os.getpid()  # the process forking workers, set again before each fork


class _Forker:
    """Forks from one thread that lives as long as the process.

    The kernel sends the parent-death signal when the *thread* that forked ends, not the
    process: a worker forked from a short-lived request thread (a server that starts a thread
    per request) would be killed under the query of another thread.
    """

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def call(self, start: Callable[[], None]) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._loop, name="vetkg-forker", daemon=True)
                self._thread.start()
        done: list[BaseException | None] = []
        finished = threading.Event()
        self._jobs.put((start, done, finished))
        finished.wait()
        if done[0] is not None:
            raise done[0]

    def _loop(self) -> None:
        while True:
            start, done, finished = self._jobs.get()
            global _server_pid
            _server_pid = os.getpid()
            try:
                start()
                done.append(None)
            except BaseException as exc:
                done.append(exc)
            finished.set()


_FORKER = _Forker()


def _die_with_server(keep: int) -> None:
    """Bind this forked worker's life to the server's.

    A server killed by SIGKILL runs no clean-up: its workers would live on until their idle
    timeout, holding the listening socket (a restart on the same port fails with "Address
    already in use") and the clients' connections (which then never see the server close them).
    So the worker asks the kernel for SIGKILL when its parent dies, and closes every socket it
    inherited but ``keep``, its own end of the pipe to the server: the listening socket, the
    clients' connections, and the server's ends of the other workers' pipes and of its own
    (while the worker holds the server's end, it never sees the server go away).
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the closed sockets below still free the port
        pass
    if os.getppid() != _server_pid:  # the server died before the signal was asked for
        os._exit(0)
    try:
        fds = [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:
        return
    # Each socket is replaced by /dev/null rather than closed: the socket objects of the server
    # came along with the fork, and one collected here later would close its number again, by
    # then perhaps a file the store opened.
    devnull = os.open(os.devnull, os.O_RDWR)
    try:
        for fd in fds:
            if fd in (keep, devnull):
                continue
            try:
                socket.socket(fileno=fd).detach()  # raises unless fd is a socket
            except OSError:
                continue
            try:
                os.dup2(devnull, fd)
            except OSError:
                pass
    finally:
        os.close(devnull)


class WorkerPool:
    """Up to ``size`` reusable workers (one per core: queries are CPU-bound, more at once only
    share the cores and each holds its own working memory).

    A query that finds every pooled worker busy waits up to ``overflow_after`` seconds for one to
    come free, then gets a worker forked for it alone, so a cheap lookup is never stuck behind two
    long aggregations. ``generation`` tells the current dataset generation; ``max_jobs`` retires a
    worker after that many queries, so the memory a worker's copy-on-write pages and caches take
    stays bounded, and a worker with no query for ``idle_seconds`` ends. ``retire`` is asked
    about each answer: True ends the worker that gave it (one that ran out of memory, say).
    """

    def __init__(
        self,
        handler: Handler,
        size: int,
        generation: Callable[[], int],
        max_jobs: int = 1000,
        idle_seconds: float = 300.0,
        overflow_after: float = 0.5,
        retire: Callable[[Any], bool] = lambda answer: False,
    ) -> None:
        self.handler = handler
        self.size = size
        self.generation = generation
        self.max_jobs = max_jobs
        self.idle_seconds = idle_seconds
        self.overflow_after = overflow_after
        self.retire = retire
        self._idle: list[Worker] = []
        self._all: set[Worker] = set()
        self._starting = 0  # pooled workers being forked, counted against ``size``
        self._free = threading.Condition()
        # The scheduling priority of every worker (os.setpriority), and then each worker is a
        # session of its own lowered as much (see _own_autogroup): the slow lane of
        # server/sparql_endpoint/admission.py runs its long queries at 10, so cheap ones get the CPU first.
        self.niceness = 0

    def run(self, job: Any, seconds: float, fresh: bool = False) -> tuple[bool, Any]:
        """Run ``job`` in a worker: (True, answer), or (False, None) if ``seconds`` passed first
        (that worker is then killed). ``fresh``: in a child forked for it alone, never a pooled
        one. Raises WorkerDied."""
        deadline = time.monotonic() + seconds
        # A pool of size 0 forks for every query at once (waiting for a pooled worker would be
        # waiting for nothing).
        worker, pooled = (self._fork(self.generation()), False) if fresh or not self.size else self._acquire(deadline)
        try:
            done, answer = worker.ask(job, deadline - time.monotonic())
        except BaseException:
            self._discard(worker)
            raise
        if not done or not pooled or self.retire(answer):
            self._discard(worker)
        else:
            self._release(worker)
        return done, answer

    def close(self) -> None:
        with self._free:
            workers, self._idle, self._all = list(self._all), [], set()
        for worker in workers:
            worker.stop()

    # ------------------------------------------------------------------------------------------

    def _acquire(self, deadline: float) -> tuple[Worker, bool]:
        current = self.generation()
        stale: list[Worker] = []
        give_up = min(deadline, time.monotonic() + self.overflow_after)
        with self._free:
            while True:
                while self._idle:
                    worker = self._idle.pop()
                    if worker.generation == current and worker.process.is_alive():
                        break
                    stale.append(worker)
                    self._all.discard(worker)
                else:
                    worker = None
                if worker is not None:
                    pooled = True
                    break
                if len(self._all) + self._starting < self.size:
                    self._starting += 1
                    worker, pooled = None, True
                    break
                left = give_up - time.monotonic()
                if left <= 0:
                    worker, pooled = None, False
                    break
                self._free.wait(left)
        for old in stale:
            old.stop()
        if worker is not None:
            return worker, True
        if not pooled:
            return self._fork(current), False
        try:
            worker = self._fork(current)
        except BaseException:
            with self._free:
                self._starting -= 1
                self._free.notify()
            raise
        with self._free:
            self._starting -= 1
            self._all.add(worker)
        return worker, True

    def _fork(self, generation: int) -> Worker:
        with self._free:
            siblings = [w.conn for w in self._all]
        return Worker(self.handler, generation, siblings, self.idle_seconds, self.niceness)

    def _release(self, worker: Worker) -> None:
        keep = worker.generation == self.generation() and worker.jobs < self.max_jobs
        with self._free:
            if keep:
                self._idle.append(worker)
            else:
                self._all.discard(worker)
            self._free.notify()
        if not keep:
            worker.stop()

    def _discard(self, worker: Worker) -> None:
        with self._free:
            self._all.discard(worker)
            self._free.notify()
        worker.stop()
