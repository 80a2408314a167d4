"""A pool of forked query workers, each a snapshot of the store at one dataset generation.

Forking for every query costs milliseconds (the page tables of a large server process are
copied), which is more than a label lookup takes. A worker forked once serves query after query
from its snapshot until the dataset changes: the generation (``DatasetVersion.generation``, bumped
after every committed write) is noted at the fork, and a worker whose generation is no longer
current is retired before it is used, so a query never sees data older than the last commit
acknowledged to a client.

A worker runs several queries at once, one per thread (see :class:`Worker`). A worker that
misses a deadline is killed like the per-query child it replaces, and the other queries running
in it start again in another; a query that finds every pooled slot busy for long gets a child of
its own, forked for it and gone after it, so a burst of slow queries never holds up a quick one
for more than a moment.
"""
from __future__ import annotations

import ctypes
import logging
import math
import multiprocessing
import os
import queue
import select
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

    def __init__(self, pid: int, exitcode: int | None, killed: bool = False) -> None:
        self.exitcode = exitcode
        #: the pool killed the process for another job running in it (its deadline, its memory)
        self.killed = killed
        self.how = (
            "killed for another query in it" if killed
            else f"signal {-exitcode}" if exitcode is not None and exitcode < 0 else f"exit code {exitcode}"
        )
        super().__init__(f"query worker {pid} died ({self.how})")


class Worker:
    """One forked process answering jobs sent over pipes: one pipe per thread, ``threads`` jobs
    at once.

    pyoxigraph lets go of the GIL while it evaluates, so the threads of one process use every
    core; and they read one copy of the store's pages. Two processes reading a copy in memory
    each end up with a private copy of what they read (Oxigraph counts references on the nodes
    it reads, which writes to their pages): 72,654 copied pages, 250 ms, for the first
    aggregation over 1M quads in a new process. The price is that a process killed at one
    query's deadline takes the others running in it along; the pool runs those again.
    """

    def __init__(self, handler: Handler, generation: int, siblings: list[Connection], idle_seconds: float,
                 threads: int = 1) -> None:
        self.generation = generation
        pipes = [_FORK.Pipe(duplex=True) for _ in range(max(1, threads))]
        child_ends = [child for _, child in pipes]
        self.process = _FORK.Process(target=_serve, args=(handler, child_ends, siblings, idle_seconds),
                                     daemon=True)
        _FORKER.call(self.process.start)
        pid = self.process.pid
        assert pid is not None  # start() set it
        self.pid = pid
        for end in child_ends:
            end.close()  # so the worker's death shows here as EOF
        self.slots = [Slot(self, conn) for conn, _ in pipes]
        self.jobs = 0
        self.busy = 0  # slots handed out and not yet back (counted by the pool, under its lock)
        self.retiring = False  # no new jobs; stopped when its last busy slot comes back
        self.killed = False  # stopped while jobs may have been running: those are not its fault

    def claim(self) -> Slot:
        """The first slot, taken for a job: a new worker's, before the pool hands out the others."""
        self.busy = 1
        slot = self.slots[0]
        slot.busy = True
        return slot

    def stop(self) -> None:
        """Kill the process (idempotent). The pipes of busy slots are left to their threads,
        which find EOF and close them: closing a pipe another thread waits on is unsafe."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        for slot in self.slots:
            if not slot.busy:
                slot.close()


_MAX_POLL_MS = 2**31 - 1


def _readable_within(poller: select.poll, seconds: float) -> bool:
    """Whether ``poller``'s pipe has something to read (or hung up) within ``seconds``."""
    # Rounded up to whole milliseconds, as selectors do: a wait never ends early (and poll()
    # takes at most a C int of them).
    return bool(poller.poll(min(_MAX_POLL_MS, max(0, math.ceil(seconds * 1000)))))


class Slot:
    """One of a worker's pipes, served by one thread of the worker: one job at a time.

    The worker's thread says its thread id first (``("tid", id)``), then answers each job with
    ``("answer", message)``; a thread that takes over the pipe says its id again.
    """

    def __init__(self, worker: Worker, conn: Connection) -> None:
        self.worker, self.conn = worker, conn
        self.busy = False
        self.tid: int | None = None
        # Connection.poll builds a selector on every call (some 10 us): the spin below polls
        # dozens of times per answer, so the slot keeps one poll object on its pipe.
        self._poller = select.poll()
        self._poller.register(conn.fileno(), select.POLLIN)

    def _readable(self, seconds: float) -> bool:
        return _readable_within(self._poller, seconds)

    def ask(self, job: Any, seconds: float, slow_after: float | None = None,
            on_slow: Callable[[Slot], None] | None = None) -> tuple[bool, Any]:
        """(True, answer) or (False, None) when ``seconds`` passed first; raises WorkerDied.
        ``on_slow(self)`` is called if the job is still running after ``slow_after`` seconds, and
        again whenever another thread of the worker takes the job over after that (a thread
        lowered before it took the job up hands it to a new one); what it raises ends the wait."""
        worker = self.worker
        now = time.monotonic()
        until = now + seconds
        slow_at = now + slow_after if on_slow is not None and slow_after is not None and slow_after < seconds else None
        slow = False
        try:
            self.conn.send(job)
            worker.jobs += 1
            _spin_until_readable(self._poller)
            while True:
                wait = (until if slow_at is None else slow_at) - time.monotonic()
                if not self._readable(wait):
                    if slow_at is None:
                        return False, None
                    slow_at = None
                    slow = True
                    assert on_slow is not None
                    on_slow(self)
                    continue
                kind, payload = self.conn.recv()
                if kind == "tid":
                    self.tid = payload
                    if slow:
                        assert on_slow is not None
                        on_slow(self)
                    continue
                return True, payload
        except (EOFError, OSError):
            if not worker.killed:
                worker.process.join(1.0)  # reaped, so its exit code tells how it ended
            raise WorkerDied(worker.pid, worker.process.exitcode, worker.killed) from None

    def close(self) -> None:
        try:
            self.conn.close()
        except OSError:
            pass


# A cheap query's answer comes back within a few hundred microseconds, and a thread that blocks
# in poll() for it is put to sleep and woken again, which on a 2-core VM took about 100 us of the
# 0.4-0.5 ms vetkg's app spends on ASK {}: so the thread first polls without blocking for this
# long. One request thread at a time, so that under load the spinning never takes the cores
# from the queries themselves.
_SPIN_SECONDS = 0.00025
_SPINNER = threading.Lock()
# The same on the worker's side: a client sending query after query sends the next one some
# 0.3-0.8 ms after its answer (the HTTP round trip), and a worker thread asleep in poll() took
# some 40 us to wake for it. So the thread that just answered, which the pool hands the next
# job first (its free slots are a stack), watches its pipe this long before it sleeps: one
# thread per worker at a time, and only when no other job runs in the worker (with 8 clients
# of the mixed set at 1M, spinning beside running queries cost 4-10% of the throughput).
_NEXT_JOB_SPIN_SECONDS = 0.001
_NEXT_JOB_SPINNER = threading.Lock()


def _spin_until_readable(poller: select.poll, seconds: float = _SPIN_SECONDS, lock: threading.Lock = _SPINNER) -> None:
    """Return when ``poller``'s pipe has something to read, or after ``seconds`` (or at once
    when another thread holds ``lock``, spinning)."""
    if not lock.acquire(blocking=False):
        return
    try:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            if poller.poll(0):
                return
    finally:
        lock.release()


def _serve(handler: Handler, conns: list[Connection], siblings: list[Connection], idle_seconds: float) -> None:
    # The pipes of the other workers came along with the fork; holding them would keep those
    # workers from seeing EOF when the server goes away.
    for other in siblings:
        try:
            other.close()
        except OSError:
            pass
    _die_with_server(keep={conn.fileno() for conn in conns})
    try:
        _Threads(handler, idle_seconds).serve(conns)
    finally:
        # No atexit handlers, no flushing of buffers inherited from the server.
        os._exit(0)


class _Threads:
    """The threads of a worker, one per pipe, started by the worker's main thread.

    The pool lowers the priority of a thread whose query turned out long (it knows the thread by
    its id), so that cheap queries in the other threads get the cores first. Raising a nice value
    cannot be undone without privileges, so such a thread, once its job is answered, hands its
    pipe to a new thread, started by the main thread at the worker's own priority, and ends.
    """

    def __init__(self, handler: Handler, idle_seconds: float) -> None:
        self.handler, self.idle_seconds = handler, idle_seconds
        self.base = os.getpriority(os.PRIO_PROCESS, 0)
        self._pipes: queue.SimpleQueue[Connection | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self.running = 0
        self.last = time.monotonic()

    def serve(self, conns: list[Connection]) -> None:
        """Serve every pipe until the server closes them all (or the worker idles out)."""
        # Every thread is started before any job runs: a job sets the memory limit of the whole
        # process (server/sparql/confine.py), under which a thread started later may find no
        # room for its stack.
        started = threading.Event()
        live = 0
        for conn in conns:
            threading.Thread(target=self._answer_jobs, args=(conn, started), daemon=True).start()
            live += 1
        started.set()
        while True:
            pipe = self._pipes.get()
            if pipe is None:  # a thread found its pipe closed
                live -= 1
                if live == 0:
                    return
                continue
            try:
                threading.Thread(target=self._answer_jobs, args=(pipe, started), daemon=True).start()
            except RuntimeError:  # no room for a thread: the pool sees a dead worker and replaces it
                os._exit(71)
            live += 1

    def _idle(self) -> bool:
        with self._lock:
            return self.running == 0 and time.monotonic() - self.last >= self.idle_seconds

    def _answer_jobs(self, conn: Connection, started: threading.Event) -> None:
        started.wait()
        poller = select.poll()
        poller.register(conn.fileno(), select.POLLIN)
        try:
            conn.send(("tid", threading.get_native_id()))
            while True:
                if not _readable_within(poller, self.idle_seconds):
                    # A worker idle for long leaves: a quiet server holds no copies of its store's pages.
                    if self._idle():
                        os._exit(0)
                    continue
                if os.getpriority(os.PRIO_PROCESS, 0) > self.base:
                    # Lowered while its last job ran, or already for the job waiting here (the
                    # new thread's id tells the pool to lower that one too): a new thread takes
                    # over (counted as one thread starting and one ending, in that order, so the
                    # count never hits 0).
                    self._pipes.put(conn)
                    self._pipes.put(None)
                    return
                job = conn.recv()
                with self._lock:
                    self.running += 1
                try:
                    answer = self.handler(job)
                except BaseException:  # the handler must not raise: the pool sees a dead worker
                    os._exit(70)
                finally:
                    with self._lock:
                        self.running -= 1
                        self.last = time.monotonic()
                conn.send(("answer", answer))
                if not self.running:  # under load the cores are the other queries'
                    _spin_until_readable(poller, _NEXT_JOB_SPIN_SECONDS, _NEXT_JOB_SPINNER)
        except (EOFError, OSError):
            self._pipes.put(None)


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


def _die_with_server(keep: set[int]) -> None:
    """Bind this forked worker's life to the server's.

    A server killed by SIGKILL runs no clean-up: its workers would live on until their idle
    timeout, holding the listening socket (a restart on the same port fails with "Address
    already in use") and the clients' connections (which then never see the server close them).
    So the worker asks the kernel for SIGKILL when its parent dies, and closes every socket it
    inherited but ``keep``, its own ends of the pipes to the server: the listening socket, the
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
            if fd in keep or fd == devnull:
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
    """Up to ``size`` reusable workers of ``threads`` threads each. How many queries run at once
    is for the caller to bound (server/sparql_endpoint/admission.py keeps to one probe per core);
    the threads are there so that a query never waits for one.

    A query that finds every pooled slot busy waits up to ``overflow_after`` seconds for one to
    come free, then gets a worker forked for it alone, so a cheap lookup is never stuck behind
    long aggregations. ``generation`` tells the current dataset generation; ``max_jobs`` retires a
    worker after that many queries, so that what its heap has come to hold is given back now and
    then (not often: a new worker reading a copy in memory first copies the pages it reads, 250 ms
    for an aggregation over 1M quads), and a worker with no query for ``idle_seconds`` ends.
    ``retire`` is asked about each answer: True ends the worker that gave it (one that ran out of
    memory, say). A job whose worker was killed for another job (its deadline, its memory) runs
    once more in another.
    """

    def __init__(
        self,
        handler: Handler,
        size: int,
        generation: Callable[[], int],
        max_jobs: int = 10_000,
        idle_seconds: float = 300.0,
        overflow_after: float = 0.5,
        retire: Callable[[Any], bool] = lambda answer: False,
        threads: int = 1,
    ) -> None:
        self.handler = handler
        self.size = size
        self.threads = max(1, threads)
        self.generation = generation
        self.max_jobs = max_jobs
        self.idle_seconds = idle_seconds
        self.overflow_after = overflow_after
        self.retire = retire
        self._idle: list[Slot] = []
        self._all: set[Worker] = set()
        self._starting = 0  # pooled workers being forked, counted against ``size``
        self._free = threading.Condition()
        # The nice value of a thread whose job runs past ``slow_after`` (see run): the slow lane of
        # server/sparql_endpoint/admission.py, so that cheap queries get the cores first.
        self.slow_niceness = 10

    def run(self, job: Any, seconds: float, fresh: bool = False, slow_after: float | None = None,
            on_slow: Callable[[], None] | None = None) -> tuple[bool, Any]:
        """Run ``job`` in a worker: (True, answer), or (False, None) if ``seconds`` passed first
        (that worker is then killed). ``fresh``: in a child forked for it alone, never a pooled
        one. A job still running after ``slow_after`` seconds has its thread's priority lowered
        to ``slow_niceness`` and ``on_slow()``, if given, is called; what that raises kills the
        worker and ends the run. Raises WorkerDied."""

        told: list[bool] = []

        def lowered(slot: Slot) -> None:
            if on_slow is not None and not told:  # once, though the job may run again elsewhere
                told.append(True)
                on_slow()
            if slot.tid is not None:
                try:
                    os.setpriority(os.PRIO_PROCESS, slot.tid, self.slow_niceness)
                except OSError:  # the thread is gone: the job is being answered
                    pass

        deadline = time.monotonic() + seconds
        again = True
        while True:
            # A pool of size 0 forks for every query at once (waiting for a pooled worker would be
            # waiting for nothing).
            slot, pooled = (self._fork(self.generation(), 1).claim(), False) if fresh or not self.size \
                else self._acquire(deadline)
            try:
                done, answer = slot.ask(job, deadline - time.monotonic(), slow_after,
                                        lowered if slow_after is not None else None)
            except WorkerDied as exc:
                self._discard(slot)
                if exc.killed and again and deadline > time.monotonic():
                    again = False
                    continue
                raise
            except BaseException:
                self._discard(slot)
                raise
            if not done or not pooled or self.retire(answer):
                self._discard(slot)
            else:
                self._release(slot)
            return done, answer

    def close(self) -> None:
        with self._free:
            workers, self._idle, self._all = list(self._all), [], set()
        for worker in workers:
            worker.stop()

    # ------------------------------------------------------------------------------------------

    def _acquire(self, deadline: float) -> tuple[Slot, bool]:
        current = self.generation()
        stop: list[Worker] = []
        give_up = min(deadline, time.monotonic() + self.overflow_after)
        slot: Slot | None = None
        fork = False
        with self._free:
            while True:
                while self._idle:
                    candidate = self._idle.pop()
                    worker = candidate.worker
                    if worker.generation == current and not worker.retiring and worker.process.is_alive():
                        slot = candidate
                        slot.busy = True
                        worker.busy += 1
                        break
                    self._retire(worker, stop)
                if slot is not None:
                    break
                if len(self._all) + self._starting < self.size:
                    self._starting += 1
                    fork = True
                    break
                left = give_up - time.monotonic()
                if left <= 0:
                    break
                self._free.wait(left)
        for old in stop:
            old.stop()
        if slot is not None:
            return slot, True
        if not fork:
            return self._fork(current, 1).claim(), False
        try:
            worker = self._fork(current, self.threads)
        except BaseException:
            with self._free:
                self._starting -= 1
                self._free.notify()
            raise
        with self._free:
            self._starting -= 1
            self._all.add(worker)
            slot = worker.claim()
            self._idle.extend(worker.slots[1:])
            self._free.notify_all()
        return slot, True

    def _fork(self, generation: int, threads: int) -> Worker:
        with self._free:
            siblings = [slot.conn for w in self._all for slot in w.slots]
        return Worker(self.handler, generation, siblings, self.idle_seconds, threads)

    def _retire(self, worker: Worker, stop: list[Worker]) -> None:
        """No new jobs for ``worker``; it goes in ``stop`` (stopped outside the lock) once none
        runs in it. Called under the lock."""
        worker.retiring = True
        self._all.discard(worker)
        self._idle = [s for s in self._idle if s.worker is not worker]
        if worker.busy == 0 and worker not in stop:
            stop.append(worker)

    def _release(self, slot: Slot) -> None:
        worker = slot.worker
        stop: list[Worker] = []
        with self._free:
            slot.busy = False
            worker.busy -= 1
            if worker.generation == self.generation() and worker.jobs < self.max_jobs and not worker.retiring:
                self._idle.append(slot)
            else:
                self._retire(worker, stop)
            self._free.notify()
        for old in stop:
            old.stop()

    def _discard(self, slot: Slot) -> None:
        """Kill the slot's worker, and with it any other job running in it (run again by
        :meth:`run`)."""
        worker = slot.worker
        with self._free:
            slot.busy = False
            worker.busy -= 1
            worker.killed = worker.killed or worker.busy > 0
            self._retire(worker, [])
            self._free.notify_all()
        worker.stop()
        slot.close()
