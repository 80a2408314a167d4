"""HTTP hygiene shared by every blueprint: CORS, compression, validators, /health, /metrics.

``DatasetVersion`` (in ``app.extensions["vetkg.version"]``) is what ETag and Last-Modified come
from. Anything that changes the store calls ``bump()`` so no client keeps a stale answer.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable

from flask import Flask, Response, current_app, g, jsonify, request
from flask_compress import Compress
from flask_cors import CORS
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from werkzeug.exceptions import HTTPException, InternalServerError

from vetkg.store import Store, formats

from .sparql.errors import ProtocolError
from .writes.dataset_version import DatasetVersion

log = logging.getLogger(__name__)

# app.extensions[OBSERVE_KEY](endpoint, method, status, seconds): count one answered request.
OBSERVE_KEY = "vetkg.metrics.observe"
# app.extensions[HEALTH_KEY][name]() -> "ready" or what it is doing ("building"): a part of the
# server that settles in the background after the start says so in /health, for a load balancer or
# a benchmark to wait on.
HEALTH_KEY = "vetkg.health"

# Headers a script on another origin may read: validators, paging links, and our own signals.
EXPOSED_HEADERS = [
    "ETag", "Last-Modified", "Link", "Content-Location", "Content-Type", "Location",
    "X-VetKG-Truncated", "X-VetKG-Max-Rows", "X-VetKG-Violations", "X-VetKG-Added", "X-VetKG-Removed",
]
# The pages' own types; every registered RDF and results format is compressed too.
PAGE_TYPES = [
    "text/html", "text/css", "text/plain", "text/xml", "text/javascript", "application/javascript",
    "application/json", "application/xml",
]


def compressed_types() -> list[str]:
    return list(dict.fromkeys(PAGE_TYPES + [f.media_type for f in formats.formats()]))


def dataset_version(app: Flask | None = None) -> DatasetVersion:
    return (app or current_app).extensions["vetkg.version"]


def error_response(exc: ProtocolError) -> Response:
    """The answer to a refused request."""
    # Plain text: the message is read by people at a terminal or in a query page, and every
    # SPARQL client shows a non-2xx body as text.
    resp = Response(exc.message.rstrip("\n") + "\n", status=exc.status, mimetype="text/plain")
    resp.headers.update(exc.headers)
    return resp


def conditional(response: Response, etag: str) -> Response:
    """Label ``response`` with a weak ETag and Last-Modified and answer 304 when the client is current.

    Weak, because compression changes the bytes but not the meaning (and flask-compress leaves weak
    tags alone, so the tag the client sends back is the tag computed here).
    """
    headers = response.headers
    for name, value in validators(etag, dataset_version()):
        if name != "Cache-Control" or name not in headers:
            headers[name] = value
    if _asks_conditionally():
        response.make_conditional(request)  # in place: it returns the response itself
    return response


def validators(etag: str, version: DatasetVersion) -> list[tuple[str, str]]:
    """The validators of a GET's answer: a weak ETag, Last-Modified and Cache-Control."""
    # A hex digest: nothing in the tag needs quoting.
    return [("ETag", f'W/"{etag}"'), ("Last-Modified", version.last_modified_http), ("Cache-Control", "no-cache")]


# The request headers that can turn an answer into a 304 or a 412 (RFC 9110 §13.1); werkzeug's
# make_conditional parses dates and tags for every request, which costs more than ASK {} takes.
PRECONDITIONS = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE",
                  "HTTP_IF_RANGE", "HTTP_RANGE")


def _asks_conditionally() -> bool:
    environ = request.environ
    return any(name in environ for name in PRECONDITIONS)


def not_modified(etag: str) -> Response | None:
    """A 304 for a GET whose validators still hold, decided before any work is done."""
    if request.method not in ("GET", "HEAD") or not _asks_conditionally():
        return None
    probe = conditional(Response(status=200), etag)
    return probe if probe.status_code == 304 else None


def conditional_get(etag: str, build: Callable[[], Response], vary: Iterable[str] = ()) -> Response:
    """The one way a GET is answered conditionally: a 304 before ``build()`` runs when the
    client's copy is current, else ``build()``'s response with the validators.

    ``vary`` names the request headers that select the representation; a 304 carries them too
    (RFC 9110 §15.4.5), as the 200 it stands for would. Only GET and HEAD get validators: the
    answer to a POSTed query is not one a cache may keep.
    """
    early = not_modified(etag)
    if early is not None:
        early.vary.update(vary)
        return early
    response = build()
    response.vary.update(vary)
    return conditional(response, etag) if request.method in ("GET", "HEAD") else response


def _metrics(app: Flask) -> None:
    # One registry per app: tests build many apps in one process.
    registry = CollectorRegistry()
    requests_total = Counter(
        "vetkg_http_requests", "HTTP requests answered", ["endpoint", "method", "status"], registry=registry
    )
    latency = Histogram(
        "vetkg_http_request_duration_seconds",
        "Time to answer an HTTP request",
        ["endpoint"],
        registry=registry,
        buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
    )
    app.extensions["vetkg.metrics"] = registry

    def observe(endpoint: str, method: str, status: str, seconds: float | None) -> None:
        requests_total.labels(endpoint, method, status).inc()
        if seconds is not None:
            latency.labels(endpoint).observe(seconds)

    # Also for requests answered before Flask sees them (the endpoint's replays).
    app.extensions[OBSERVE_KEY] = observe

    @app.before_request
    def _start_timer() -> None:
        g.vetkg_started = time.perf_counter()

    @app.after_request
    def _count(response: Response) -> Response:
        # The route pattern, not the path: a label per distinct URL would grow without bound.
        endpoint = request.url_rule.rule if request.url_rule is not None else "(unmatched)"
        started = g.get("vetkg_started")
        observe(endpoint, request.method, str(response.status_code),
                None if started is None else time.perf_counter() - started)
        return response

    @app.get("/metrics")
    def metrics() -> Response:
        return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST.split(";")[0])


def _plain_errors(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response | HTTPException:
        # Machine endpoints answer in text; pages keep werkzeug's HTML (or their own handlers).
        if request.path.startswith(("/sparql", "/health", "/metrics")):
            resp = Response(f"{exc.code} {exc.name}: {exc.description}\n", status=exc.code, mimetype="text/plain")
            for key, value in exc.get_response().headers.items():
                if key.lower() == "allow":
                    resp.headers[key] = value
            return resp
        return exc

    @app.errorhandler(InternalServerError)
    def internal_error(exc: InternalServerError) -> Response:
        # Flask has logged the traceback already; the client learns nothing of the internals.
        return Response("500 Internal Server Error: the server failed; the error is logged.\n", 500, mimetype="text/plain")


def init_http(app: Flask, store: Store) -> None:
    """Install CORS, compression, validators, error handlers, /health and /metrics on ``app``."""
    app.extensions["vetkg.version"] = DatasetVersion(store)
    CORS(
        app,
        resources={r"/*": {"origins": "*"}},
        send_wildcard=True,  # "*" rather than the echoed origin: nothing here uses credentials
        # PUT and DELETE are the Graph Store Protocol's; the bearer token rides in Authorization,
        # which the default allow_headers ("*") lets a preflight ask for.
        methods=["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"],
        expose_headers=EXPOSED_HEADERS,
        max_age=86400,
    )
    app.config.setdefault("COMPRESS_MIMETYPES", compressed_types())
    app.config.setdefault("COMPRESS_ALGORITHM", ["gzip", "deflate"])
    Compress(app)
    _metrics(app)
    _plain_errors(app)

    @app.get("/health")
    def health() -> Response:
        settings = current_app.extensions["vetkg.settings"]
        return jsonify(
            status="ok",
            store=settings.store,
            quads=dataset_version().quads(),
            graphs=len(store.graphs()),
            version=dataset_version().tag,
            **{name: state() for name, state in current_app.extensions.get(HEALTH_KEY, {}).items()},
        )
