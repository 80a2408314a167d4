"""The ``/validate`` routes (see the package's docstring)."""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, request
from rdflib import Graph

from vetkg.shapes.validate import (
    ValidationResult,
    stored_hierarchy,
    stored_shapes,
    validate_graph,
    validate_store,
)
from vetkg.store import Store, StoreError

from ..config import Settings
from ..http import error_response
from ..sparql.errors import ProtocolError
from ..write_endpoints.rdfbody import parse_rdf
from ..writes.deadline import WriteTimeout, deadline
from .answer import report_response
from .posted_shapes import read_shapes

bp = Blueprint("validation", __name__)

# pyshacl holds the GIL for the whole of a validation: one at a time leaves the other request
# threads their share of it. A second reader waits a moment, then is told to come back.
_ONE_AT_A_TIME = threading.Semaphore(1)
_WAIT = 1.0
_CACHE_SIZE = 8
_CACHE_KEY = "vetkg.validation.cache"


@bp.errorhandler(ProtocolError)
def _protocol_error(exc: ProtocolError) -> Response:
    return error_response(exc)


def _settings() -> Settings:
    return current_app.extensions["vetkg.settings"]


def _store() -> Store:
    return current_app.extensions["vetkg.store"]


def _bounded(work: Callable[[], ValidationResult]) -> ValidationResult:
    """``work`` under the write checks' deadline and memory bound, one validation at a time."""
    settings = _settings()
    if not _ONE_AT_A_TIME.acquire(timeout=_WAIT):
        raise ProtocolError(503, "another validation is running; ask again in a few seconds", {"Retry-After": "5"})
    try:
        growth = settings.max_update_memory_mb * 1024 * 1024 if settings.max_update_memory_mb > 0 else None
        with deadline(settings.update_timeout, growth):
            result = work()
        return result
    except WriteTimeout as exc:
        what = "memory (max_update_memory_mb)" if exc.memory else f"{settings.update_timeout:g} s (update_timeout)"
        raise ProtocolError(503, f"the validation needed more than {what} and was stopped", {"Retry-After": "30"}) from None
    except StoreError as exc:
        raise ProtocolError(503, f"the store could not be read: {exc}") from None
    except ValueError as exc:  # validate_store: a graph that is not data
        raise ProtocolError(400, str(exc)) from None
    except RuntimeError as exc:  # validate_graph: pyshacl could not use the shapes
        raise ProtocolError(400, f"the shapes cannot be used: {exc}") from None
    finally:
        _ONE_AT_A_TIME.release()


def _body() -> bytes:
    """The request body, refused (413) past ``max_update_bytes`` before it is read."""
    limit = _settings().max_update_bytes
    length = request.content_length
    if length is not None and length > limit:
        raise ProtocolError(413, f"the request body holds {length} bytes; validation takes at most {limit} (max_update_bytes)")
    request.max_content_length = limit
    return request.get_data(cache=True)


def _posted_graph(data: bytes, media_type: str) -> Graph:
    settings = _settings()
    quads = parse_rdf(data, media_type, settings.base_iri, allow_remote_context=False)
    graph = Graph()
    if quads:
        graph.parse(data=ox.serialize((ox.Quad(q.subject, q.predicate, q.object) for q in quads), format=ox.RdfFormat.N_TRIPLES), format="nt")
    return graph


def _one_graph() -> str | None:
    graphs = request.args.getlist("graph")
    if len(graphs) > 1:
        raise ProtocolError(400, f"the graph parameter is given {len(graphs)} times; give it once")
    return graphs[0] if graphs else None


def _of_store(shapes: Graph | None, shapes_key: str) -> ValidationResult:
    graph = _one_graph()
    settings = _settings()
    key = (current_app.extensions["vetkg.version"].tag, graph, shapes_key)
    cache: OrderedDict = current_app.extensions.setdefault(_CACHE_KEY, OrderedDict())
    if key in cache:
        cache.move_to_end(key)
        return cache[key]
    result = _bounded(lambda: validate_store(_store(), shapes, settings.base_iri, graph=graph))
    cache[key] = result
    while len(cache) > _CACHE_SIZE:
        cache.popitem(last=False)
    return result


@bp.get("/validate")
def validate_the_store() -> Response:
    """The store's data (or ``?graph=``) against the store's shapes."""
    return report_response(_of_store(None, ""), request)


@bp.post("/validate/shapes")
def validate_the_store_against_posted_shapes() -> Response:
    """The store's data (or ``?graph=``) against the shapes in the (Turtle) body."""
    import hashlib

    data = _body()
    if request.mimetype not in ("text/turtle", "application/x-turtle", ""):
        raise ProtocolError(415, f"send the shapes as text/turtle, not {request.mimetype!r}")
    shapes = read_shapes(data)
    return report_response(_of_store(shapes, hashlib.sha256(data).hexdigest()), request)


@bp.post("/validate")
def validate_a_posted_graph() -> Response:
    """The graph in the body against the store's shapes; or, as multipart/form-data, the
    ``data`` part against the ``shapes`` part (or the store's shapes without one)."""
    shapes: Graph | None = None
    if request.mimetype == "multipart/form-data":
        _body()
        data_part = request.files.get("data")
        if data_part is None:
            raise ProtocolError(400, "the multipart body needs a part named 'data' (and may have one named 'shapes')")
        graph = _posted_graph(data_part.read(), (data_part.mimetype or "text/turtle").lower())
        shapes_part = request.files.get("shapes")
        if shapes_part is not None:
            shapes = read_shapes(shapes_part.read())
    else:
        charset = request.mimetype_params.get("charset")
        if charset and charset.replace("_", "-").lower() not in ("utf-8", "utf8"):
            raise ProtocolError(415, f"unsupported charset {charset!r}: RDF bodies must be UTF-8")
        graph = _posted_graph(_body(), request.mimetype.lower())
    store = _store()
    settings = _settings()

    def work() -> ValidationResult:
        used = shapes if shapes is not None else stored_shapes(store, settings.base_iri)
        return validate_graph(graph, used, hierarchy=stored_hierarchy(store))

    return report_response(_bounded(work), request)
