"""The SPARQL 1.1 Graph Store HTTP Protocol at ``/store``.

``/store?graph=IRI`` and ``/store?default`` name a graph indirectly; ``/store/<path>`` names the
graph whose IRI is that URL (direct identification). GET and HEAD are open to all; PUT (replace),
POST (merge; to ``/store`` alone: a new graph, answered 201 with its IRI in Location), and DELETE
(drop) need a bearer token and go through the same checks as SPARQL Update.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, request

from vetkg.ontology.graphs import store_graphs
from vetkg.store import Store, formats
from vetkg.store.formats import Holds
from vetkg.store.write_backend import WriteBackend

from ..config import Settings
from ..http import conditional_get, dataset_version, error_response
from ..sparql.errors import ProtocolError
from ..writes.state import PendingState
from .auth import Principal, authorise, dry_run_requested, gate
from .rdfbody import read_body
from .report import change_headers
from .respond import checked_answer, run_write

bp = Blueprint("gsp", __name__)

GraphName = ox.NamedNode | ox.DefaultGraph


@dataclass
class Target:
    graph: GraphName | None  # None: the graph store itself (POST there creates a graph)


def _settings() -> Settings:
    return current_app.extensions["vetkg.settings"]


def _backend() -> WriteBackend:
    store: Store = current_app.extensions["vetkg.store"]
    backend = store.write_backend(_settings().base_iri)
    if backend is None:
        raise ProtocolError(501, "the Graph Store Protocol cannot read this server's store")
    return backend


@bp.errorhandler(ProtocolError)
def _protocol_error(exc: ProtocolError) -> Response:
    return error_response(exc)


def _target(rest: str | None) -> Target:
    graphs = request.args.getlist("graph")
    default = "default" in request.args
    if rest is not None:
        if graphs or default:
            raise ProtocolError(400, "a graph named by its URL takes neither ?graph= nor ?default")
        try:
            return Target(ox.NamedNode(request.base_url))
        except ValueError as exc:
            raise ProtocolError(400, f"{request.path!r} does not name a graph: its URL is not an IRI ({exc})") from None
    if len(graphs) > 1:
        raise ProtocolError(400, f"the graph parameter is given {len(graphs)} times; give it once")
    if graphs and default:
        raise ProtocolError(400, "give either ?graph=IRI or ?default, not both")
    if default:
        return Target(ox.DefaultGraph())
    if graphs:
        try:
            return Target(ox.NamedNode(graphs[0]))
        except ValueError as exc:
            raise ProtocolError(400, f"graph: {graphs[0]!r} is not an absolute IRI ({exc})") from None
    return Target(None)


def _graph_exists(store: PendingState, graph: GraphName) -> bool:
    if isinstance(graph, ox.DefaultGraph):
        return True  # the default graph always exists, if empty
    return store.graph_exists(graph)


def _describe(graph: GraphName) -> str:
    return "the default graph" if isinstance(graph, ox.DefaultGraph) else f"graph <{graph.value}>"


@bp.route("/store", methods=["GET", "PUT", "POST", "DELETE"])
@bp.route("/store/<path:rest>", methods=["GET", "PUT", "POST", "DELETE"])
def graph_store(rest: str | None = None) -> Response:
    target = _target(rest)
    if request.method in ("GET", "HEAD"):  # Flask drops the body of a HEAD answer
        return _get(target)
    who = gate(request, _settings())  # before the body is read
    dry_run = dry_run_requested(request)
    if request.method == "DELETE":
        return _delete(target, who, dry_run)
    return _put_or_post(target, who, dry_run, replace=request.method == "PUT")


def _get(target: Target) -> Response:
    graph = target.graph
    if graph is None:
        raise ProtocolError(400, "name the graph: /store?graph=IRI or /store?default")
    if isinstance(graph, ox.NamedNode) and not store_graphs(_settings().base_iri).is_public(graph.value):
        # The history names the token holders: an admin reads it (or `vetkg history`).
        if not authorise(request, _settings()).admin:
            raise ProtocolError(403, f"{_describe(graph)} is readable by an admin token only")
    source = _backend().source()
    offers = formats.formats(Holds.GRAPH)
    # Turtle when nothing offered is acceptable: GSP's clients expect a graph, not a 406.
    fmt = formats.negotiate(request.accept_mimetypes, offers) or formats.get("turtle")
    etag = dataset_version().etag_for("gsp", str(graph), fmt.name)

    def build() -> Response:
        if isinstance(graph, ox.NamedNode) and not source.contains_named_graph(graph):
            raise ProtocolError(404, f"{_describe(graph)} is not in this store")
        body = fmt.serialize(source.quads_for_pattern(None, None, None, graph))
        return Response(body, content_type=fmt.content_type)

    return conditional_get(etag, build, vary=("Accept",))


def _body_quads(target: Target) -> list[ox.Quad]:
    base = target.graph.value if isinstance(target.graph, ox.NamedNode) else request.base_url
    quads = read_body(request, base, _settings().allow_remote_context)
    if target.graph is not None:
        named = sorted({q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)})
        if named:
            raise ProtocolError(
                400,
                f"the body names graphs ({', '.join(named[:3])}); a graph takes triples only — "
                "POST a dataset to /store without graph= to write several graphs",
            )
    return quads


def _put_or_post(target: Target, who: Principal, dry_run: bool, replace: bool) -> Response:
    quads = _body_quads(target)
    if target.graph is None and replace:
        raise ProtocolError(400, "PUT replaces one graph: name it with ?graph=IRI or ?default")
    new_graph: ox.NamedNode | None = None
    if target.graph is None and any(isinstance(q.graph_name, ox.DefaultGraph) for q in quads):
        # The graph store creates a graph for what was POSTed to it (GSP 5.5).
        new_graph = ox.NamedNode(store_graphs(_settings().base_iri).named(f"gsp-{uuid.uuid4().hex}"))

    def compute(state: PendingState) -> bool:
        """Apply the request; True when it created the graph it names."""
        if target.graph is None:
            placed = [ox.Quad(q.subject, q.predicate, q.object,
                              new_graph if isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name) for q in quads]
            graphs = {q.graph_name for q in placed}
            # read_body refuses a graph named by a blank node
            created = any(not _graph_exists(state, g) for g in graphs if not isinstance(g, ox.BlankNode))
            state.add_all(placed)
            return created
        graph = target.graph
        existed = _graph_exists(state, graph)
        if replace:
            state.clear(graph)
        if isinstance(graph, ox.NamedNode):
            state.create(graph)
        state.add_all(ox.Quad(q.subject, q.predicate, q.object, graph) for q in quads)
        return not existed

    outcome = run_write(compute, who, dry_run, timeout=_settings().update_timeout)
    answer = checked_answer(outcome, dry_run)
    if answer is not None:
        return answer
    resp = Response(status=201 if outcome.value else 204)
    if new_graph is not None:
        resp.headers["Location"] = new_graph.value
    return change_headers(resp, outcome)


def _delete(target: Target, who: Principal, dry_run: bool) -> Response:
    graph = target.graph
    if graph is None:
        raise ProtocolError(400, "DELETE drops one graph: name it with ?graph=IRI or ?default")

    def compute(state: PendingState) -> None:
        if isinstance(graph, ox.DefaultGraph):
            state.clear(graph)
            return
        if not state.graph_exists(graph):
            raise ProtocolError(404, f"{_describe(graph)} is not in this store")
        state.drop(graph)

    outcome = run_write(compute, who, dry_run, timeout=_settings().update_timeout)
    answer = checked_answer(outcome, dry_run)
    if answer is not None:
        return answer
    return change_headers(Response(status=204), outcome)
