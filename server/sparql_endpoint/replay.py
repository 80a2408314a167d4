"""Whole answers to repeated queries, replayed in front of Flask.

A query the result cache (:mod:`.cached_queries`) answers costs no worker, but the request still
goes through Flask, its hooks and the endpoint: some 0.6 ms of CPU for ``ASK {}``, more than
Oxigraph's own server takes to evaluate a lookup. This layer sits in front of the app, in plain
WSGI: it keeps the finished response (status, headers, body) of a query the endpoint marked as
replayable (its outcome is in the result cache: same text, dataset, format and base IRI, same
dataset generation), keyed by everything in the request that can change the response, and sends
it again without running the app.

Only plain reads are replayed: a GET or a POST of a query (a form or ``application/sparql-query``,
at most :data:`MAX_BODY` bytes) to the endpoint's path, without credentials, cookies or
preconditions (``If-None-Match`` & co. make a 304 possible, decided by the app). Whatever else a
request carries goes through the app as before. The replayed response is the app's own, bytes for
bytes; the request is counted in ``/metrics`` as the app counts it, and as a result-cache hit.
"""
from __future__ import annotations

import hashlib
import io
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ..sparql.result_cache import ResultCache

# The endpoint marks a response it may be replayed with the generation its outcome belongs to.
REPLAYABLE = "vetkg.replayable"
# A POSTed query longer than this is not replayed (it is read whole here to be keyed).
MAX_BODY = 64 * 1024
_BODY_TYPES = ("application/x-www-form-urlencoded", "application/sparql-query")
# Requests carrying any of these go to the app: credentials and cookies (what they select is the
# app's business), preconditions (a 304 or 412), ranges.
_PASS = ("HTTP_AUTHORIZATION", "HTTP_COOKIE", "HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH",
         "HTTP_IF_UNMODIFIED_SINCE", "HTTP_IF_RANGE", "HTTP_RANGE")
# What else in a request can change the response: its format, its compression, its base IRI, CORS.
_SELECTING = ("QUERY_STRING", "CONTENT_TYPE", "HTTP_ACCEPT", "HTTP_ACCEPT_ENCODING", "HTTP_HOST", "SERVER_NAME",
              "SERVER_PORT", "wsgi.url_scheme", "SCRIPT_NAME", "HTTP_ORIGIN", "HTTP_ACCEPT_LANGUAGE")

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


@dataclass(frozen=True)
class Replay:
    status: str
    headers: list[tuple[str, str]]
    body: bytes

    @property
    def nbytes(self) -> int:
        return len(self.body) + sum(len(k) + len(v) for k, v in self.headers)


class ReplayCache:
    """WSGI middleware over ``app`` replaying answers to repeated queries on ``path``.

    ``generation`` tells the dataset generation; ``count(method, status, seconds)`` records a
    replayed request in the app's metrics and ``hit()`` in the result cache's."""

    def __init__(self, app: WSGIApp, path: str, max_bytes: int, generation: Callable[[], int],
                 count: Callable[[str, str, float], None], hit: Callable[[], None]) -> None:
        self.app = app
        self.path = path
        self.entries: ResultCache[Replay] = ResultCache(max_bytes)
        self.generation = generation
        self.count = count
        self.hit = hit

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        started = time.perf_counter()
        key = self._key(environ) if self.entries.enabled else None
        if key is None:
            return self.app(environ, start_response)
        generation = self.generation()
        found = self.entries.get(key, generation)
        if found is not None:
            start_response(found.status, list(found.headers))
            self.hit()
            self.count(environ["REQUEST_METHOD"], found.status[:3], time.perf_counter() - started)
            return [found.body]
        seen: list[Any] = []

        def keep(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            seen[:] = [status, headers]
            return start_response(status, headers, exc_info)

        chunks = self.app(environ, keep)
        marked = environ.get(REPLAYABLE)
        if marked is None or not seen or not seen[0].startswith("200 "):
            return chunks
        try:
            body = b"".join(chunks)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        if marked == generation:
            self.entries.put(key, generation, Replay(seen[0], list(seen[1]), body))
        return [body]

    def _key(self, environ: dict[str, Any]) -> bytes | None:
        """What selects the response to ``environ``, hashed; None for a request never replayed.
        A POST's body is read here and put back for the app."""
        if environ.get("PATH_INFO") != self.path or any(name in environ for name in _PASS):
            return None
        method = environ.get("REQUEST_METHOD")
        body = b""
        if method == "POST":
            if environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower() not in _BODY_TYPES:
                return None
            try:
                length = int(environ.get("CONTENT_LENGTH") or "")
            except ValueError:
                return None
            if not 0 < length <= MAX_BODY:
                return None
            body = environ["wsgi.input"].read(length)
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
        elif method != "GET":
            return None
        digest = hashlib.blake2b(method.encode("ascii"), digest_size=16)
        for name in _SELECTING:
            digest.update(b"\0" + str(environ.get(name, "")).encode("utf-8", "surrogateescape"))
        digest.update(b"\0" + body)
        return digest.digest()
