"""What a query worker may do: no network, and a memory budget per query.

pyoxigraph evaluates ``SERVICE`` by fetching over HTTP and offers no way to turn that off or to
hand it a service handler that refuses. So the worker process itself is made unable to reach
the network: a seccomp filter (libseccomp, through pyseccomp) makes ``socket()`` for IPv4/IPv6
and every ``connect()`` fail with ENETUNREACH. Whatever Oxigraph's parser reads as a SERVICE,
it cannot open a connection; the error it raises is recognised by that errno's message and
answered 400. The filter is installed once, in the forked worker, never in the server.

The memory budget is an address-space limit (RLIMIT_AS) set before each query at the worker's
current size plus ``budget_mb``: an allocation past it fails, pyoxigraph aborts or Python raises
MemoryError, and the server answers 503 and retires the worker. The limit is the process's: in a
worker running several queries at once, each query that starts sets it anew from the size the
others have brought it to.
"""
from __future__ import annotations

import errno
import os
import resource
import socket

# The message io::Error gives for the errno the filter returns; nothing else in a confined
# worker touches the network, so an evaluation error carrying it was an attempt to fetch.
BLOCKED_ERRNO = errno.ENETUNREACH
BLOCKED_MESSAGE = f"(os error {BLOCKED_ERRNO})"


class ConfinementUnavailable(RuntimeError):
    """The kernel or libseccomp refused the filter: the worker must not run queries."""


_confined_pid: int | None = None


def unavailable() -> str | None:
    """Why workers could not be confined here (libseccomp missing …), or None when they can.
    Imported in the server, so each forked worker finds the library already loaded."""
    try:
        import pyseccomp  # noqa: F401
    except Exception as exc:
        return f"pyseccomp cannot load libseccomp ({exc}): every query will be refused with 503"
    return None


def forbid_network() -> None:
    """Make this process unable to open or connect network sockets (idempotent per process)."""
    global _confined_pid
    if _confined_pid == os.getpid():
        return
    try:
        import pyseccomp as seccomp  # loads libseccomp.so with ctypes: imported where used

        rules = seccomp.SyscallFilter(seccomp.ALLOW)
        refuse = seccomp.ERRNO(BLOCKED_ERRNO)
        for family in (socket.AF_INET, socket.AF_INET6):
            rules.add_rule(refuse, "socket", seccomp.Arg(0, seccomp.EQ, family))
        # The worker's pipe to the server is connected before the filter; nothing else connects.
        rules.add_rule(refuse, "connect")
        # Every thread of the worker, not only this one: a worker answers queries in several.
        rules.set_attr(seccomp.Attr.CTL_TSYNC, 1)
        rules.load()
    except Exception as exc:
        raise ConfinementUnavailable(f"cannot keep the query worker off the network: {exc}") from exc
    _confined_pid = os.getpid()


_PAGE = os.sysconf("SC_PAGE_SIZE")


def _address_space() -> int:
    fd = os.open("/proc/self/statm", os.O_RDONLY)
    try:
        return int(os.read(fd, 64).split()[0]) * _PAGE
    finally:
        os.close(fd)


def limit_memory(budget_mb: int) -> None:
    """Let this process grow by at most ``budget_mb`` MB from now (0: no limit)."""
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if budget_mb <= 0:
        resource.setrlimit(resource.RLIMIT_AS, (hard, hard))
        return
    soft = _address_space() + budget_mb * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
