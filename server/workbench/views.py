"""``/search`` and ``/compare``: HTML for people, JSON for programs (``Accept`` or ``?format=json``)."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, json, render_template, request

from vetkg.store import Store

from ..config import Settings
from ..linked_data.negotiation import language
from . import compare as comparison
from .compare import href
from .highlight import as_html, highlight
from .index import FACETS, QueryRejected, Results
from .messages import WorkbenchMessages
from .network import network

INDEX_KEY = "vetkg.workbench.index"
SNIPPET_CHARS = 160
MAX_OFFSET = 10_000

blueprint = Blueprint(
    "workbench", __name__, template_folder="templates", static_folder="static", static_url_path="/workbench/static"
)


class BadRequest(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _settings() -> Settings:
    return current_app.extensions["vetkg.settings"]


def _store() -> Store:
    return current_app.extensions["vetkg.store"]


def _wants_json() -> bool:
    asked = request.args.get("format", "").lower()
    if asked in ("json", "html"):
        return asked == "json"
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"


def _json(data: object, status: int = 200) -> Response:
    body = json.dumps(data, ensure_ascii=False, indent=1)
    response = Response(body, status=status, content_type="application/json; charset=utf-8")
    response.vary.add("Accept")
    return response


def _html(template: str, status: int = 200, **context: object) -> Response:
    lang = language()
    body = render_template(template, t=WorkbenchMessages(lang), lang=lang, **context)
    response = Response(body, status=status, content_type="text/html; charset=utf-8")
    response.vary.update(("Accept", "Accept-Language"))
    return response


@blueprint.errorhandler(BadRequest)
def _bad_request(exc: BadRequest) -> Response:
    if _wants_json():
        return _json({"error": exc.message}, 400)
    template = "workbench/compare.html" if request.path.startswith("/compare") else "workbench/search.html"
    return _html(template, 400, error=exc.message, q=request.args.get("q", ""), results=None, report=None,
                 filters={}, a=request.args.get("a", ""), b=request.args.get("b", ""), regions=[])


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"{name} must be a whole number, not {raw[:40]!r}") from None
    if not low <= value <= high:
        raise BadRequest(f"{name} must be between {low} and {high}")
    return value


# --- search -------------------------------------------------------------------------------------

def _search_url(**params: Any) -> str:
    kept = {k: v for k, v in params.items() if v not in (None, "")}
    return "/search?" + urlencode(kept)


@blueprint.route("/search")
def search() -> Response:
    settings = _settings()
    q = request.args.get("q")
    if q is None and not _wants_json():
        return _html("workbench/search.html", q="", results=None, filters={}, error=None)
    limit = _int_arg("limit", 20, 1, settings.search_max_results)
    offset = _int_arg("offset", 0, 0, MAX_OFFSET)
    filters = {facet: request.args[facet] for facet in FACETS if request.args.get(facet)}
    keeper = current_app.extensions[INDEX_KEY]
    try:
        results = keeper.index.search(q or "", filters, limit=limit, offset=offset)
    except QueryRejected as exc:
        raise BadRequest(str(exc)) from None
    view = _results_view(results, filters, limit, offset)
    view["indexing"] = not keeper.ready
    if _wants_json():
        return _json(view)
    return _html("workbench/search.html", q=results.query, results=view, filters=filters, error=None)


def _results_view(results: Results, filters: dict[str, str], limit: int, offset: int) -> dict[str, Any]:
    base = _settings().base_iri
    params = {"q": results.query, **filters}
    hits = []
    for hit in results.hits:
        text = hit.body or hit.title
        pieces = highlight(text, results.words, SNIPPET_CHARS)
        heading = highlight(hit.title, results.words) if hit.title else pieces
        context = {facet: [{"iri": v, "label": label, "href": href(base, v)}
                           for v, label in values]
                   for facet, values in hit.facets.items() if facet in ("document", "area")}
        hits.append({
            "iri": hit.node,
            "href": href(base, hit.node),
            "kind": hit.kind,
            "title": hit.title,
            "text": text,
            "highlight": str(as_html(pieces)),
            "pieces": [[p.text, p.marked] for p in pieces],
            "heading": [[p.text, p.marked] for p in heading],
            "snippet": [[p.text, p.marked] for p in pieces] if hit.title and hit.body else None,
            "score": round(hit.score, 6),
            **context,
        })
    facets = {}
    for facet in FACETS:
        values = []
        for value, label, count in results.facets.get(facet, []):
            chosen = filters.get(facet) == value
            toggled = {**params, facet: None if chosen else value}
            values.append({"value": value, "label": label, "count": count, "selected": chosen,
                           "href": _search_url(**toggled)})
        facets[facet] = values
    page = {}
    if offset > 0:
        page["previous"] = _search_url(**params, offset=max(0, offset - limit) or None, limit=limit)
    if offset + limit < results.total:
        page["next"] = _search_url(**params, offset=offset + limit, limit=limit)
    return {
        "query": results.query,
        "words": [w.word for w in results.words],
        "matched": "all" if results.every else "any",
        "total": results.total,
        "offset": offset,
        "limit": limit,
        "filters": filters,
        "hits": hits,
        "facets": facets,
        "page": page,
    }


# --- compare ------------------------------------------------------------------------------------

@blueprint.route("/compare")
def compare() -> Response:
    base = _settings().base_iri
    store = _store()
    regions = [r for r in request.args.getlist("region") if r.strip()]
    a, b = request.args.get("a", "").strip(), request.args.get("b", "").strip()
    try:
        if regions:
            if len(regions) > 2:
                raise BadRequest("give one region, or two to compare (region=…&region=…)")
            report = comparison.compare_regions(store, base, regions)
        elif a or b:
            if not (a and b):
                raise BadRequest("give two documents: a=… and b=… (a document's IRI, path or number)")
            report = comparison.compare_documents(store, base, a, b)
        else:
            report = None
    except comparison.NotFound as exc:
        raise BadRequest(str(exc)) from None
    if _wants_json():
        if report is None:
            return _json({"documents": comparison.documents(store, base), "regions": comparison.regions(store, base)})
        return _json(report)
    choices = {"documents": comparison.documents(store, base), "regions": comparison.regions(store, base)}
    return _html("workbench/compare.html", report=report, choices=choices, a=a, b=b, regions=regions, error=None)


# --- network ------------------------------------------------------------------------------------

@blueprint.route("/network")
def network_view() -> Response:
    """The network around ``iri`` (a plan, a notice, an institution …) as JSON for the pages'
    drawing (static/network.js)."""
    iri = request.args.get("iri", "").strip()
    if not iri:
        return _json({"error": "give the IRI of a plan or an entity: /network?iri=…"}, 400)
    return _json(network(_store(), _settings().base_iri, iri, language()))
