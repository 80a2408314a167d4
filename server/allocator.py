"""The memory allocator ``vetkg serve`` runs on: mimalloc or jemalloc when installed, else glibc's.

Oxigraph allocates and frees many small objects for every solution it evaluates, and glibc's
malloc is slow at that: on the 14 queries of ``bench/queries.py`` (148k quads, 2 cores,
2026-12-03), pyoxigraph in-process was up to 1.5× slower than Oxigraph's own server on scans,
and the time to its first solution was as long as the whole list, so the Python side was not the
cause. Preloaded, mimalloc (Debian's ``libmimalloc2.0``) made the same calls 0.4-1.0× of the
server's time, lookups twice as fast; jemalloc (``libjemalloc2``) 0.4-0.9×. Over HTTP the
request floor hides most of it (same store, by turns): a scan of every literal 72-73 ms against
80-81, ``ASK {}`` 0.77-1.04 ms against 0.79-0.96, and ``bench/run.py --peers oxigraph`` at 100k
gave a geometric mean of 1.02 over the 14 queries (two runs each: noise) and the same memory.
At 1M quads (1.4M, on the copy in memory) it shows: the three aggregations of that set went
from 1.22-1.38× of Oxigraph's server's p50 to 0.99-1.08×, and the server with its query worker
from 1.13 GB to 1.06 GB after eight clients had run the set for 20 s. So ``auto`` is the
default.

An allocator must be chosen before the process loads any library, so ``vetkg serve`` starts
again in place (``execve``: same process id, nothing opened yet) with ``LD_PRELOAD`` naming it.
The forked query workers inherit it. ``allocator`` in the settings: ``auto`` (mimalloc, else
jemalloc, else glibc's; the default), ``system`` (glibc's), ``mimalloc``, ``jemalloc``, or the path
of a shared library.
"""
from __future__ import annotations

import glob
import os
import sys
from pathlib import Path

# set on the second start, so that an allocator the loader ignored cannot start a loop
_MARK = "VETKG_ALLOCATOR_STARTED"
_LIBRARIES = {"mimalloc": "libmimalloc.so.2*", "jemalloc": "libjemalloc.so.2"}
_DIRECTORIES = ("/usr/lib/*-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/lib")


class AllocatorError(ValueError):
    """The configured allocator is not a shared library that exists."""


def find(choice: str) -> Path | None:
    """The library ``choice`` names (``auto``, ``system``, ``mimalloc``, ``jemalloc`` or a path),
    or None for glibc's allocator."""
    if choice == "system":
        return None
    if choice not in ("auto", *_LIBRARIES):
        path = Path(choice)
        if not path.is_file():
            raise AllocatorError(f"allocator {choice!r}: no such library (use auto, system, mimalloc, jemalloc or a path)")
        return path
    names = list(_LIBRARIES) if choice == "auto" else [choice]
    for name in names:
        for directory in _DIRECTORIES:
            hits = sorted(glob.glob(os.path.join(directory, _LIBRARIES[name])))
            if hits:
                return Path(hits[0])
    if choice != "auto":
        raise AllocatorError(f"allocator {choice!r} is not installed (Debian: libmimalloc2.0 or libjemalloc2)")
    return None


def loaded() -> str:
    """The allocator this process runs on, as the loader mapped it."""
    try:
        maps = Path("/proc/self/maps").read_text()
    except OSError:
        return "unknown"
    for name in _LIBRARIES:
        if f"lib{name}.so" in maps:
            return name
    return "glibc"


def restart_with(choice: str) -> None:
    """Start this command again on the allocator ``choice`` if it is not already running on it;
    returns only when nothing is to be done."""
    if Path(sys.argv[0]).name not in ("vetkg", "cli.py"):
        return  # called inside another program (a test, a notebook): never replace it
    library = find(choice)
    if library is None or os.environ.get(_MARK) or str(library) in os.environ.get("LD_PRELOAD", ""):
        return
    env = dict(os.environ)
    env[_MARK] = "1"
    env["LD_PRELOAD"] = " ".join(filter(None, (str(library), env.get("LD_PRELOAD", ""))))
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, [sys.executable, *sys.orig_argv[1:]], env)
