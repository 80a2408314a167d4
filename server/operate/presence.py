"""Where a running ``vetkg serve`` says that it holds a store: ``{store}.serving`` beside it.

Oxigraph lets one process open an on-disk store for writing, and opening it read-only beside a
writer is undefined behaviour, so while a server runs every other ``vetkg`` command goes through
it. To find it, the server writes a small JSON record (its URL, its pid, the store's absolute
path) once it listens, and removes it when it stops. A record whose pid is gone was left by a
server that was killed: it is stale and ignored (the store's lock went with the process).
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


def _alive(pid: int) -> bool:
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
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return found if _alive(found.pid) else None


def announce(store_path: str | Path, url: str) -> Serving:
    """Write the record for this process; it is removed at exit (also on SIGTERM, which would
    otherwise end the process without running any clean-up)."""
    serving = Serving(url, os.getpid(), str(Path(store_path).resolve()))
    path = record_path(store_path)
    temporary = path.with_name(path.name + f".{serving.pid}.tmp")
    temporary.write_text(json.dumps(serving.__dict__) + "\n", encoding="utf-8")
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
