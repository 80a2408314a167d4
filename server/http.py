"""HTTP hygiene shared by every blueprint: CORS, compression, validators, /health, /metrics.

``DatasetVersion`` (in ``app.extensions["vetkg.version"]``) is what ETag and Last-Modified come
from. Anything that changes the store calls ``bump()`` so no client keeps a stale answer.
"""
from __future__ import annotations

import hashlib
import logging
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta

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

from vetkg.store import Store

log = logging.getLogger(__name__)

# Headers a script on another origin may read: validators, paging links, and our own signals.
EXPOSED_HEADERS = [
    "ETag", "Last-Modified", "Link", "Content-Location", "Content-Type", "Location",
    "X-VetKG-Truncated", "X-VetKG-Max-Rows", "X-VetKG-Violations", "X-VetKG-Added", "X-VetKG-Removed",
]
COMPRESSED_TYPES = [
    "text/html", "text/css", "text/plain", "text/xml", "text/javascript", "application/javascript",
    "application/json", "application/xml",
    "application/sparql-results+json", "application/sparql-results+xml", "text/csv",
    "text/tab-separated-values", "text/turtle", "application/ld+json", "application/n-triples",
    "application/rdf+xml", "application/n-quads", "application/trig",
]


class DatasetVersion:
    """A token that changes whenever the dataset may have changed.

    It starts from a token drawn when the server starts and changes again on every ``bump()``.
    Nothing in it is read from the store: counting the quads of a large store takes seconds, and
    a write that keeps the count (one triple replaced) must change it all the same, across
    restarts too.
    """

    def __init__(self, store: Store) -> None:
        self._lock = threading.Lock()
        self._store = store
        self._counter = 0
        self._seed = uuid.uuid4().hex[:16]
        self._modified = datetime.now(UTC).replace(microsecond=0)
        self._quads: tuple[int, int] | None = None  # (generation, quad count)

    def quads(self) -> int:
        """The store's quad count, counted once per generation."""
        generation = self._counter
        known = self._quads
        if known is None or known[0] != generation:
            known = self._quads = (generation, len(self._store))
        return known[1]

    def bump(self) -> None:
        """Record a change to the store: new ETags, a new Last-Modified."""
        with self._lock:
            self._counter += 1
            # Last-Modified has one-second resolution: never let a bump within the same second
            # leave it unchanged, or If-Modified-Since would answer 304 for changed data.
            now = datetime.now(UTC).replace(microsecond=0)
            self._modified = now if now > self._modified else self._modified + timedelta(seconds=1)

    @property
    def generation(self) -> int:
        """How many changes this server has committed: what a snapshot of the store is as of."""
        return self._counter

    @property
    def tag(self) -> str:
        return f"{self._seed}-{self._counter}"

    @property
    def last_modified(self) -> datetime:
        return self._modified

    def etag_for(self, *parts: str) -> str:
        """An ETag for one representation: this version plus what selects the representation."""
        digest = hashlib.sha256(self.tag.encode("ascii"))
        for part in parts:
            digest.update(b"\0" + part.encode("utf-8"))
        return digest.hexdigest()[:32]


def dataset_version(app: Flask | None = None) -> DatasetVersion:
    return (app or current_app).extensions["vetkg.version"]


def conditional(response: Response, etag: str) -> Response:
    """Label ``response`` with a weak ETag and Last-Modified and answer 304 when the client is current.

    Weak, because compression changes the bytes but not the meaning (and flask-compress leaves weak
    tags alone, so the tag the client sends back is the tag computed here).
    """
    response.set_etag(etag, weak=True)
    response.last_modified = dataset_version().last_modified
    response.headers.setdefault("Cache-Control", "no-cache")
    response.make_conditional(request)  # in place: it returns the response itself
    return response


def not_modified(etag: str) -> Response | None:
    """A 304 for a GET whose validators still hold, decided before any work is done."""
    if request.method not in ("GET", "HEAD"):
        return None
    probe = conditional(Response(status=200), etag)
    return probe if probe.status_code == 304 else None


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

    @app.before_request
    def _start_timer() -> None:
        g.vetkg_started = time.perf_counter()

    @app.after_request
    def _count(response: Response) -> Response:
        # The route pattern, not the path: a label per distinct URL would grow without bound.
        endpoint = request.url_rule.rule if request.url_rule is not None else "(unmatched)"
        requests_total.labels(endpoint, request.method, str(response.status_code)).inc()
        started = g.get("vetkg_started")
        if started is not None:
            latency.labels(endpoint).observe(time.perf_counter() - started)
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
    app.config.setdefault("COMPRESS_MIMETYPES", COMPRESSED_TYPES)
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
        )
