"""Where a running ``vetkg serve`` says that it holds a store: ``{store}.serving`` beside it.

Oxigraph lets one process open an on-disk store for writing, and opening it read-only beside a
writer is undefined behaviour, so while a server runs every other ``vetkg`` command goes through
it. To find it, the server writes a small JSON record (its URL, its pid, the store's absolute
path, when its process started) once it listens, and removes it when it stops. A record whose
process is gone was left by a server that was killed: it is stale and ignored (the store's lock
went with the process).
"""
from __future__ import annotations

import json
import os
import signal
import sys
from dataclasses import dataclass
from pathlib import Path
from types import FrameType


@dataclass(frozen=True)
class Serving:
    """A server holding a store: where it answers and which process it is."""

    url: str
    pid: int
    store: str

    def describe(self) -> str:
        return f"vetkg serve (pid {self.pid}) at {self.url}"


def record_path(store_path: str | Path) -> Path:
    return Path(f"{Path(store_path)}.serving")


def _started(pid: int) -> str | None:
    """When process ``pid`` started (clock ticks since boot, from /proc), or None if it is gone
    or a zombie. With the pid, it names one process: a pid the system gave again to another
    process after a server was killed does not count as that server."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rfind(")") + 2:].split()  # after the command name, which may hold spaces
    return None if not fields or fields[0] in ("Z", "X") else fields[19]


def _alive(pid: int, started: str | None) -> bool:
    if pid == os.getpid():
        return False  # this process is not serving yet: a record with its pid is another's, left behind
    if started is not None and Path("/proc/self/stat").exists():
        return _started(pid) == started
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # a process of another user: alive
    return True


def find(store_path: str | Path) -> Serving | None:
    """The server holding the store at ``store_path``, or None (no record, or a stale one)."""
    path = record_path(store_path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        found = Serving(str(data["url"]), int(data["pid"]), str(data["store"]))
        started = data.get("started")
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return found if _alive(found.pid, None if started is None else str(started)) else None


def announce(store_path: str | Path, url: str) -> Serving:
    """Write the record for this process; it is removed at exit (also on SIGTERM, which would
    otherwise end the process without running any clean-up)."""
    serving = Serving(url, os.getpid(), str(Path(store_path).resolve()))
    path = record_path(store_path)
    temporary = path.with_name(path.name + f".{serving.pid}.tmp")
    temporary.write_text(json.dumps({**serving.__dict__, "started": _started(serving.pid)}) + "\n", encoding="utf-8")
    os.replace(temporary, path)  # a reader never sees half a record
    _exit_on_sigterm(serving.pid)
    return serving


def withdraw(store_path: str | Path) -> None:
    """Remove the record if this process wrote it (a forked query worker never removes it)."""
    path = record_path(store_path)
    try:
        if json.loads(path.read_text(encoding="utf-8")).get("pid") == os.getpid():
            path.unlink()
    except (OSError, ValueError, AttributeError):
        pass


def _exit_on_sigterm(owner: int) -> None:
    def stop(signum: int, frame: FrameType | None) -> None:
        if os.getpid() != owner:
            # A forked query worker inherited this handler: it dies as it would have without it.
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        sys.exit(0)  # unwinds the serving loop, so ``finally`` withdraws the record

    signal.signal(signal.SIGTERM, stop)
