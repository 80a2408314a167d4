"""Serving the app over HTTP with waitress, configured so that many clients cannot starve it.

Waitress reads every request, headers and body, in its event loop before a thread sees it, so a
slow client holds a connection, never a thread. What it does not bound on its own:

- **Connections.** It stops accepting past ``connection_limit`` (100 by default), and with
  ``select()`` (its default) it cannot watch more than 1,024 descriptors: 200 idle connections
  left a normal query waiting in the kernel's backlog. ``connection_limit`` is raised (a
  connection costs a descriptor and a few KB), the event loop uses ``poll()``, and the process's
  soft limit of open files is raised to fit.
- **Idle connections** are closed after ``idle_timeout`` seconds without a byte (waitress's
  ``channel_timeout``, checked every ``cleanup_interval``).
- **Slow-loris connections**, which send a byte of their headers now and then, count as active
  for waitress. :func:`_close_slow_requests` closes a connection whose request has not been
  read whole ``request_read_timeout`` seconds after its first byte was seen.

Measured on loopback with 100 silent connections and 100 stopped in their headers, then ten
``ASK {}`` on new connections: waitress as configured here answered each in 10-140 ms; waitress
with its defaults, gunicorn 27 (``-k gthread --threads 16``, one process: the store allows one)
and cheroot 11 (16 threads) timed every one out at 5 s, the last two because a thread reads each
request, so slow clients hold all of them.

The listening socket is bound before the store is opened (:func:`listen`), so a port in use ends
``vetkg serve`` at once with one line; waitress sets ``SO_REUSEADDR`` so a restart after a crash
binds while the old connections are in TIME_WAIT. Forked query workers close the listening
socket they inherit (:mod:`.sparql.workers`).
"""
from __future__ import annotations

import errno
import resource
import socket
import time
import weakref
from typing import Any

import waitress
import waitress.server

from .config import Settings


class ListenError(OSError):
    """The address cannot be listened on (in use, not local, not permitted)."""


def listen(host: str, port: int) -> list[socket.socket]:
    """Sockets bound to every address of ``host`` (``localhost``: IPv4 and IPv6) at ``port`` and
    listening; raises ListenError with a readable reason."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise ListenError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    sockets: list[socket.socket] = []
    failure: OSError | None = None
    for family, kind, proto, _, address in dict.fromkeys(found):
        sock = socket.socket(family, kind, proto)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)  # the IPv4 address has its own
            sock.bind(address)
            sock.listen(1024)
        except OSError as exc:
            sock.close()
            if exc.errno == errno.EADDRINUSE:
                failure = exc
                break
            failure = failure or exc  # an address family this machine lacks: the others may do
            continue
        sock.setblocking(False)
        sockets.append(sock)
    if failure is not None and (failure.errno == errno.EADDRINUSE or not sockets):
        for sock in sockets:
            sock.close()
        reason = ("the port is in use (another vetkg serve?)" if failure.errno == errno.EADDRINUSE
                  else failure.strerror or str(failure))
        raise ListenError(f"cannot listen on {host}:{port}: {reason}")
    return sockets


def _raise_open_files_limit(wanted: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        except (ValueError, OSError):
            pass  # waitress then stops accepting at the lower limit, which is still safe


def _close_slow_requests(server: Any, seconds: float) -> None:
    """Extend waitress's clean-up so that a request still being read after ``seconds`` closes.

    Waitress's own clean-up closes only channels with no activity at all; a partly read request
    is ``channel.request`` until its last byte arrives, so the same object seen for longer than
    ``seconds`` is a client that sends too slowly.
    """
    first_seen: weakref.WeakKeyDictionary[Any, tuple[int, float]] = weakref.WeakKeyDictionary()
    maintenance = server.maintenance

    def maintain(now: float) -> None:
        maintenance(now)
        clock = time.monotonic()
        for channel in list(server.active_channels.values()):
            pending = getattr(channel, "request", None)
            if pending is None:
                first_seen.pop(channel, None)
                continue
            seen = first_seen.get(channel)
            if seen is None or seen[0] != id(pending):
                first_seen[channel] = (id(pending), clock)
            elif clock - seen[1] > seconds and not channel.requests:
                channel.will_close = True

    server.maintenance = maintain


def serve(app: Any, sockets: list[socket.socket], settings: Settings) -> None:
    """Serve ``app`` on the listening ``sockets`` until the process is stopped."""
    _raise_open_files_limit(settings.connection_limit + 256)  # workers' pipes, store files
    server = waitress.create_server(
        app,
        sockets=sockets,
        threads=settings.request_threads(),
        connection_limit=settings.connection_limit,
        channel_timeout=settings.idle_timeout,
        # Clean-up runs at most this often; a tenth of the shortest timeout keeps them near exact.
        cleanup_interval=max(1, int(min(settings.idle_timeout, settings.request_read_timeout) / 10) or 1),
        asyncore_use_poll=True,
        ident="vetkg",
    )
    # One listening socket gives its server; several, a wrapper whose map holds one per socket.
    listeners = [server] if isinstance(server, waitress.server.BaseWSGIServer) else [
        s for s in list(server.map.values()) if isinstance(s, waitress.server.BaseWSGIServer)]
    for listener in listeners:
        _close_slow_requests(listener, settings.request_read_timeout)
    server.run()
