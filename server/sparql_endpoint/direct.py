"""Plain queries to ``/sparql`` answered in front of Flask's dispatch.

Flask's request handling (the URL map, the view, the response object and its after-request hooks:
CORS, compression, metrics) costs some 0.1 ms of CPU per request, half of what the whole app takes
for ``ASK {}``. This WSGI layer answers the common case without it: a query by GET, by URL-encoded
POST or by direct POST, carrying no credentials, cookies or preconditions, whose answer is a
success sent uncompressed. It reads the request with the endpoint's own reader
(:func:`.protocol.read_operation`), builds the endpoint's own job (:func:`.views.query_job`) and
gets the outcome where the endpoint gets it (:func:`.cached_queries.answer`: the result cache,
else admission and a query worker), inside the app's request context.

Whatever else happens is Flask's to answer, as before: a request this layer does not take goes
to the app untouched (its body put back), and one whose query it ran but whose answer needs the
app (an error, a body to compress, a page) goes to the app with the outcome or the error in the
environ (:data:`.views.ANSWERED`), so nothing is evaluated twice. The headers written here are
those the app writes for the same answer; tests/test_direct_queries.py holds the two side by side.
"""
from __future__ import annotations

import io
import time
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, request

from ..config import Settings
from ..http import EXPOSED_HEADERS, OBSERVE_KEY, PRECONDITIONS, dataset_version, validators
from ..sparql.errors import ProtocolError
from ..sparql.formats import check_format_name
from ..sparql.results import QueryOutcome
from .cached_queries import answer
from .protocol import FORM, QUERY_TYPE, read_operation
from .replay import MAX_BODY
from .views import ANSWERED, endpoint_iri, query_etag, query_job

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

# Requests carrying any of these go to the app: credentials and cookies (the write side and the
# language choice read them), preconditions (a 304 or 412 is the app's), ranges.
_PASS = ("HTTP_AUTHORIZATION", "HTTP_COOKIE", *PRECONDITIONS)
# flask-cors, configured in vetkg.server.http, sends these on every answer.
_CORS = [("Access-Control-Allow-Origin", "*"), ("Access-Control-Expose-Headers", ", ".join(sorted(EXPOSED_HEADERS)))]
# The endpoint's Vary (Accept) and flask-compress's (Accept-Encoding, added to every answer).
_VARY = ("Vary", "Accept, Accept-Encoding")


class DirectQueries:
    """WSGI middleware over ``app.wsgi_app``: plain queries on ``path`` answered without
    Flask's dispatch (see the module's doc)."""

    def __init__(self, wsgi_app: WSGIApp, app: Flask, path: str = "/sparql") -> None:
        self.wsgi_app, self.app, self.path = wsgi_app, app, path
        self.settings: Settings = app.extensions["vetkg.settings"]
        self.version = dataset_version(app)
        self.observe = app.extensions.get(OBSERVE_KEY)
        self.codings = {name.lower() for name in app.config.get("COMPRESS_ALGORITHM", ())}
        self.min_size = int(app.config.get("COMPRESS_MIN_SIZE", 500))

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        started = time.perf_counter()
        if not self._takes(environ):
            return self.wsgi_app(environ, start_response)
        answered = self._answer(environ)
        if answered is None:
            return self.wsgi_app(environ, start_response)
        headers, body = answered
        start_response("200 OK", headers)
        if self.observe is not None:
            self.observe(self.path, environ["REQUEST_METHOD"], "200", time.perf_counter() - started)
        return [body]

    def _takes(self, environ: dict[str, Any]) -> bool:
        """Whether ``environ`` is a plain query this layer may answer; a POST's body is read
        here and put back for the app."""
        if environ.get("PATH_INFO") != self.path or any(name in environ for name in _PASS):
            return False
        if "lang=" in environ.get("QUERY_STRING", ""):  # a language choice, kept in a cookie by the app
            return False
        method = environ.get("REQUEST_METHOD")
        if method == "GET":
            return "query=" in environ.get("QUERY_STRING", "")
        if method != "POST" or environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower() not in (FORM, QUERY_TYPE):
            return False
        try:
            length = int(environ.get("CONTENT_LENGTH") or "")
        except ValueError:
            return False
        if not 0 < length <= MAX_BODY:
            return False
        body = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        return True

    def _answer(self, environ: dict[str, Any]) -> tuple[list[tuple[str, str]], bytes] | None:
        """The headers and body of the answer, or None for the app to answer (with the outcome
        or the error in the environ when the query ran)."""
        settings = self.settings
        stream = environ.get("wsgi.input")
        with self.app.request_context(environ):
            try:
                op = read_operation(request, settings.query_timeout, settings.max_query_bytes)
                check_format_name(op.formats)
            except ProtocolError:
                op = None  # the app says what is wrong, from the same request
            if op is None or op.query is None or op.update is not None:
                if isinstance(stream, io.BytesIO):
                    stream.seek(0)
                return None
            base_iri = endpoint_iri()
            accept = request.headers.get("Accept", "")
            try:
                outcome = answer(query_job(op, settings, base_iri, accept), op.timeout or settings.query_timeout)
            except Exception as exc:  # a refusal, a timeout, a bug: the app's error handlers answer
                return self._to_app(environ, stream, exc)
            if not self._plain(environ, outcome):
                return self._to_app(environ, stream, outcome)
            headers = [("Content-Type", outcome.content_type), ("Content-Length", str(len(outcome.body)))]
            if outcome.truncated:
                headers += [("X-VetKG-Truncated", "true"), ("X-VetKG-Max-Rows", str(settings.max_rows))]
            if environ["REQUEST_METHOD"] == "GET":
                headers += validators(query_etag(op, settings, base_iri, accept), self.version)
        return [*headers, _VARY, *_CORS], outcome.body

    def _plain(self, environ: dict[str, Any], outcome: QueryOutcome) -> bool:
        """Whether the app would send ``outcome`` as it is: not compressed, not a page."""
        if outcome.content_type.split(";")[0].strip().lower() == "text/html":
            return False  # pages vary on the language cookie
        if len(outcome.body) < self.min_size:
            return True
        offered = environ.get("HTTP_ACCEPT_ENCODING", "").lower()
        # Any mention of a coding the app compresses with (or of "*"), whatever its q-value:
        # the app decides those.
        return not any(coding in offered for coding in (*self.codings, "*"))

    @staticmethod
    def _to_app(environ: dict[str, Any], stream: Any, answered: QueryOutcome | Exception) -> None:
        environ[ANSWERED] = answered
        if isinstance(stream, io.BytesIO):
            stream.seek(0)
        return None


def init_direct_queries(app: Flask) -> None:
    """Put the direct path in front of ``app``'s dispatch (after :func:`.views.init_sparql`
    and :func:`vetkg.server.http.init_http`, before the replays of :mod:`.cached_queries`)."""
    if app.extensions["vetkg.settings"].direct_queries:
        app.wsgi_app = DirectQueries(app.wsgi_app, app)  # type: ignore[method-assign]
