"""The routes: dereferenceable IRIs, /ontology, VoID, dumps and the query page at /."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, current_app, render_template, request

from vetkg.ontology import ONTOLOGY_IRI
from vetkg.ontology.graphs import store_graphs
from vetkg.ontology.vocab import PREFIXES
from vetkg.store import Store
from vetkg.store.formats import Format

from ..config import Settings
from ..http import conditional_get, dataset_version
from . import dumps as dumps_module
from . import jsonld
from .describe import Description, describe, graph_triples
from .examples import load_examples
from .formats import HTML, from_suffix
from .iris import ONTOLOGY_PATH, iri_for_path
from .labels import Labeller
from .messages import Messages
from .negotiation import (
    decorate,
    language,
    not_acceptable,
    not_found,
    rdf_response,
    remember_language,
    requested,
)
from .ontology import Ontology, load_triples
from .page import Linker, build_page
from .version import memoised
from .void import VOID_PATH, statistics, void_triples

blueprint = Blueprint("linked_data", __name__)
blueprint.after_app_request(remember_language)  # every page's EN/中文 choice, /search and /compare's too

# The prefixes the query page declares for a new query (the README's vocabularies).
QUERY_PREFIXES = ("vet", "rdfs", "skos", "dcterms", "schema", "oa", "prov", "org", "eli", "xsd")


def _settings() -> Settings:
    return current_app.extensions["vetkg.settings"]


def _store() -> Store:
    return current_app.extensions["vetkg.store"]


def _ontology(app: Flask) -> Ontology:
    return memoised(app, "ontology", lambda: Ontology(load_triples(app.extensions["vetkg.store"])))


def _labeller(lang: str) -> Labeller:
    return Labeller(_store(), lang, _ontology(current_app).labels())


def _validated(chosen: Format, build: Callable[[], Response]) -> Response:
    """``build()`` unless the client's copy of this representation is current (then 304)."""
    tag = dataset_version().etag_for(request.full_path, chosen.media_type, language() if chosen is HTML else "")
    vary = ("Accept", "Accept-Language") if chosen is HTML else ("Accept",)
    return conditional_get(tag, build, vary)


def _html(template: str, status: int = 200, **context: object) -> Response:
    lang = language()
    body = render_template(template, t=Messages(lang), lang=lang, **context)
    return Response(body, status=status, content_type="text/html; charset=utf-8")


# --- data IRIs ----------------------------------------------------------------------------------

def _lookup(store: Store, base: str, path: str) -> tuple[str, Description, list[ox.Triple] | None]:
    iri = iri_for_path(base, path)
    # The write history is no page: its records name the token holders (vetkg.ontology.graphs).
    graphs = store_graphs(base)
    graph = graph_triples(store, iri) if iri.startswith(graphs.prefix) and graphs.is_public(iri) else None
    return iri, describe(store, iri, base), graph or None


@blueprint.route("/doc/<path:rest>")
@blueprint.route("/id/<path:rest>")
@blueprint.route("/graph/<path:rest>")
def resource(rest: str) -> Response:
    store, base = _store(), _settings().base_iri
    # request.path is already percent-decoded to Unicode, so Chinese IRIs come back as minted.
    path = request.path
    iri, description, graph = _lookup(store, base, path)
    extension = None
    if not description and graph is None:
        stem, dot, ext = path.rpartition(".")
        if dot and from_suffix(ext) is not None:
            iri, description, graph = _lookup(store, base, stem)
            path, extension = stem, ext
    if not description and graph is None:
        return not_found(iri)
    chosen = requested(extension)
    if chosen is None:
        return not_acceptable()

    def build() -> Response:
        if chosen is HTML:
            linker = Linker(base, _labeller(language()))
            page = build_page(store, description, linker, graph_size=len(graph) if graph is not None else None)
            return decorate(_html("resource.html", page=page, path=path, linker=linker), path, chosen)
        triples = list(dict.fromkeys(description.all_triples() + (graph or [])))
        if chosen.rdf == ox.RdfFormat.JSON_LD:
            return rdf_response(jsonld.compact(triples, base), chosen, path)
        return rdf_response(chosen.serialize(triples, PREFIXES), chosen, path)

    return _validated(chosen, build)


# --- the ontology -------------------------------------------------------------------------------

@blueprint.route(jsonld.CONTEXT_PATH)
def json_ld_context() -> Response:
    """The context the pages' JSON-LD is compacted with."""
    return Response(jsonld.published_context(_settings().base_iri), content_type="application/ld+json")


@blueprint.route(ONTOLOGY_PATH)
@blueprint.route(ONTOLOGY_PATH + ".<ext>")
def ontology(ext: str | None = None) -> Response:
    if ext is not None and from_suffix(ext) is None:
        return not_found(ONTOLOGY_IRI + "." + ext)
    onto = _ontology(current_app)
    if not onto:
        return not_found(ONTOLOGY_IRI)
    chosen = requested(ext)
    if chosen is None:
        return not_acceptable()

    def build() -> Response:
        if chosen is HTML:
            linker = Linker(_settings().base_iri, _labeller(language()))
            body = _html("ontology.html", onto=onto, onto_iri=ONTOLOGY_IRI, terms=onto.terms(),
                         header=onto.header(), linker=linker, path=ONTOLOGY_PATH)
            return decorate(body, ONTOLOGY_PATH, chosen)
        rdf = memoised(current_app, f"ontology.{chosen.name}", lambda: chosen.serialize(onto.triples, PREFIXES))
        return rdf_response(rdf, chosen, ONTOLOGY_PATH)

    return _validated(chosen, build)


# --- VoID ---------------------------------------------------------------------------------------

@blueprint.route("/" + VOID_PATH)
@blueprint.route("/" + VOID_PATH + ".<ext>")
def void(ext: str | None = None) -> Response:
    if ext is not None and from_suffix(ext) is None:
        return not_found(_settings().base_iri + VOID_PATH + "." + ext)
    stats = memoised(current_app, "void.stats", lambda: statistics(_store(), _settings().base_iri))
    chosen = requested(ext)
    if chosen is None:
        return not_acceptable()
    path = "/" + VOID_PATH

    def build() -> Response:
        if chosen is HTML:
            linker = Linker(_settings().base_iri, _labeller(language()))
            linker.labeller.fetch([c for c, _ in stats["classes"]] + [p for p, _ in stats["properties"]])
            return decorate(_html("void.html", stats=stats, linker=linker, dumps=dumps_module.dump_formats(), path=path), path, chosen)
        triples = void_triples(stats, _settings().base_iri)
        return rdf_response(chosen.serialize(triples, PREFIXES), chosen, path)

    return _validated(chosen, build)


# --- dumps --------------------------------------------------------------------------------------

@blueprint.route("/dumps/<name>")
def dump(name: str) -> Response:
    fmt = dumps_module.dump_formats().get(name)
    if fmt is None:
        return not_found(_settings().base_iri + "dumps/" + name)

    def build() -> Response:
        response = Response(dumps_module.gzipped_dump(_store(), fmt, _settings().base_iri), content_type="application/gzip")
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    return conditional_get(dataset_version().etag_for("dump", name), build)


# --- the query page -----------------------------------------------------------------------------

@blueprint.route("/")
def query_page() -> Response:
    prefixes = {p: PREFIXES[p] for p in QUERY_PREFIXES}
    examples = load_examples()
    response = _html("query.html", examples=examples, examples_json=[asdict(e) for e in examples],
                     prefixes=prefixes, dumps=dumps_module.dump_formats(), base_iri=_settings().base_iri, ontology_iri=ONTOLOGY_IRI)
    response.vary.add("Accept-Language")
    return response
