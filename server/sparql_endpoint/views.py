"""The ``/sparql`` endpoint: SPARQL 1.1 Protocol queries, updates' entry point, service description."""
from __future__ import annotations

from collections.abc import Callable

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, current_app, redirect, request
from werkzeug.wrappers import Response as BaseResponse  # what flask's redirect() is typed to give

from vetkg.store import Store

from ..config import Settings
from ..http import conditional_get, dataset_version, error_response
from ..sparql.description import PREFIXES, DescriptionCache
from ..sparql.errors import ProtocolError
from ..sparql.executor import ForkExecutor
from ..sparql.formats import Kind, check_format_name, choose, offers
from ..sparql.results import QueryJob, QueryOutcome
from .cached_queries import answer
from .protocol import Operation, read_operation

bp = Blueprint("sparql", __name__)

# Set by the write side (vetkg.server.writes): called with the request's operation, it checks
# the update (check_update, under the write's deadline) and returns the response. Without one an
# update is answered 501.
UpdateHandler = Callable[[Operation], Response]
UPDATE_HANDLER_KEY = "vetkg.sparql.update_handler"
# Set by the write side too: called with the request before its body is read (a direct POST of
# an update) or parsed (a form), it answers 401/403/413 by raising ProtocolError.
UpdateGate = Callable[[], None]
UPDATE_GATE_KEY = "vetkg.sparql.update_gate"
# In the environ, from the direct path (.direct): the QueryOutcome of the request's query,
# evaluated there, or what evaluating it raised, for the endpoint to render.
ANSWERED = "vetkg.sparql.answered"


def _settings() -> Settings:
    return current_app.extensions["vetkg.settings"]


def _store() -> Store:
    return current_app.extensions["vetkg.store"]


@bp.errorhandler(ProtocolError)
def _protocol_error(exc: ProtocolError) -> Response:
    resp = error_response(exc)
    resp.vary.add("Accept")
    return resp


@bp.after_request
def _vary(resp: Response) -> Response:
    # The same URL gives JSON, XML, Turtle … by Accept: caches must key on it.
    resp.vary.add("Accept")
    return resp


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response | BaseResponse:
    settings = _settings()
    if request.method == "POST" and request.mimetype == "application/sparql-update":
        _gate_update()  # the token before the body: nobody unauthorised makes the server read it
    op = read_operation(request, settings.query_timeout, settings.max_query_bytes)
    check_format_name(op.formats)
    if op.update is not None:
        return _update(op, settings)
    if op.query is None:
        return _service_description(op, settings)
    return _query(op, settings)


def _query(op: Operation, settings: Settings) -> Response:
    # The text is read (nesting, dataset, syntax, form) only in the query worker, under the
    # deadline: nothing here parses it.
    base_iri = endpoint_iri()
    accept = request.headers.get("Accept", "")
    etag = query_etag(op, settings, base_iri, accept)
    return conditional_get(etag, lambda: _answer(op, settings, base_iri, accept), vary=("Accept",))


def query_etag(op: Operation, settings: Settings, base_iri: str | None, accept: str) -> str:
    """The ETag of a query's answer: the dataset version and everything that selects the answer."""
    return dataset_version().etag_for(
        op.query or "", repr((op.default_graphs, op.named_graphs)), accept, repr(op.formats),
        str(settings.max_rows), base_iri or "",
    )


def _answer(op: Operation, settings: Settings, base_iri: str | None, accept: str) -> Response:
    # The direct path (.direct) may have answered the query already and left the rendering to
    # Flask (a compressed body, an error): the outcome, or the error, is in the environ.
    found = request.environ.pop(ANSWERED, None)
    if isinstance(found, Exception):
        raise found
    job = query_job(op, settings, base_iri, accept)
    outcome = found if isinstance(found, QueryOutcome) else answer(job, op.timeout or settings.query_timeout)
    resp = Response(outcome.body, content_type=outcome.content_type)
    if outcome.truncated:
        resp.headers["X-VetKG-Truncated"] = "true"
        resp.headers["X-VetKG-Max-Rows"] = str(settings.max_rows)
    return resp


def query_job(op: Operation, settings: Settings, base_iri: str | None, accept: str) -> QueryJob:
    """What the query worker is sent for the query of ``op``."""
    return QueryJob(
        text=op.query or "",
        kind=None,
        fmt=None,
        max_rows=settings.max_rows,
        union_default_graph=settings.union_default_graph,
        default_graphs=op.default_graphs if op.has_dataset else None,
        named_graphs=op.named_graphs if op.has_dataset else None,
        base_iri=base_iri,
        accept=accept,
        format_name=op.formats,
        allow_service=settings.allow_service,
        allow_unknown_graphs=settings.allow_unknown_graphs,
        max_nesting=settings.max_query_nesting,
        memory_mb=settings.query_memory_mb,
    )


def endpoint_iri() -> str | None:
    """This endpoint's URL as a base IRI, or None if the Host header makes it no valid IRI."""
    environ = request.environ
    # werkzeug builds base_url anew for every request (host checks, IRI decoding: a tenth of
    # the floor of ASK {}); clients send the same few hosts, so it is kept per environ key.
    key = tuple(environ.get(name) for name in _URL_PARTS)
    if key not in _ENDPOINT_IRIS:
        try:
            iri: str | None = ox.NamedNode(request.base_url).value
        except ValueError:
            iri = None
        if len(_ENDPOINT_IRIS) >= 256:  # hosts are chosen by clients: keep the table bounded
            _ENDPOINT_IRIS.clear()
        _ENDPOINT_IRIS[key] = iri
    return _ENDPOINT_IRIS[key]


# What request.base_url is made of (werkzeug.sansio.utils.get_current_url), and what it made.
_URL_PARTS = ("wsgi.url_scheme", "HTTP_HOST", "SERVER_NAME", "SERVER_PORT", "SCRIPT_NAME", "PATH_INFO")
_ENDPOINT_IRIS: dict[tuple[object, ...], str | None] = {}


def _executor() -> ForkExecutor:
    return current_app.extensions["vetkg.sparql.executor"]


def _wants_html() -> bool:
    accept = request.accept_mimetypes
    if not accept or accept["text/html"] == 0:
        return False
    offered = ["text/html"] + [f.media_type for f in offers(Kind.GRAPH)]
    return accept.best_match(offered) == "text/html"


def _service_description(op: Operation, settings: Settings) -> Response | BaseResponse:
    if not op.formats and _wants_html():
        # A person in a browser: the query page (served at /) describes the endpoint better.
        return redirect("/", code=303)
    fmt = choose(Kind.GRAPH, request.accept_mimetypes, op.formats)
    # Updates are on offer only when a token can authorise them.
    update_enabled = current_app.extensions.get(UPDATE_HANDLER_KEY) is not None and bool(settings.update_tokens or settings.admin_tokens)
    version = dataset_version()
    etag = version.etag_for("service-description", request.base_url, fmt.media_type, str(update_enabled))

    def build() -> Response:
        cache: DescriptionCache = current_app.extensions["vetkg.sparql.description"]
        triples = cache.get(version.tag, _store(), settings, request.base_url, update_enabled)
        return Response(fmt.serialize(triples, PREFIXES), content_type=fmt.content_type)

    return conditional_get(etag, build, vary=("Accept",))


def _gate_update() -> None:
    gate: UpdateGate | None = current_app.extensions.get(UPDATE_GATE_KEY)
    if gate is not None:
        gate()


def _update(op: Operation, settings: Settings) -> Response:
    handler: UpdateHandler | None = current_app.extensions.get(UPDATE_HANDLER_KEY)
    if handler is None:
        raise ProtocolError(501, "SPARQL Update is not enabled on this endpoint")
    _gate_update()  # before the update is parsed
    return handler(op)


def init_sparql(app: Flask) -> None:
    """Register the endpoint on ``app`` (after :func:`vetkg.server.http.init_http`)."""
    version = dataset_version(app)
    settings = app.extensions["vetkg.settings"]
    app.extensions["vetkg.sparql.executor"] = ForkExecutor(
        app.extensions["vetkg.store"], lambda: version.generation, settings.query_workers,
        settings.query_thread_count()
    )
    app.extensions["vetkg.sparql.description"] = DescriptionCache()
    app.register_blueprint(bp)
