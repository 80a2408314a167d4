"""Responses for negotiated resources: RDF bodies, alternates in Link, Vary, 404 and 406."""
from __future__ import annotations

from flask import Response, render_template, request

from vetkg.store.formats import Format, negotiate

from .formats import HTML, from_name, representations
from .iris import ascii_url
from .messages import Messages

TEXT_OFFERS = (Format("text", "text/plain", "text", ("txt",)), HTML)


def language() -> str:
    """zh or en: ``?lang=`` first (a link can switch), then Accept-Language, then Chinese."""
    asked = request.args.get("lang", "").lower()
    if asked in ("zh", "en"):
        return asked
    return request.accept_languages.best_match(["zh", "en"]) or "zh"


def requested(extension: str | None = None, offers: tuple[Format, ...] | None = None) -> Format | None:
    """The representation to send: ``?format=`` or an extension override, else content negotiation."""
    offers = offers or representations()
    forced = from_name(request.args.get("format")) or from_name(extension)
    if forced is not None and forced in offers:
        return forced
    return negotiate(request.accept_mimetypes, offers)


def decorate(response: Response, path: str, chosen: Format,
             offers: tuple[Format, ...] | None = None) -> Response:
    """Vary, the alternates in Link, and Content-Location naming the representation sent."""
    offers = offers or representations()
    response.vary.add("Accept")
    if chosen is HTML:
        response.vary.add("Accept-Language")
    links = [
        f'<{ascii_url(path)}.{r.suffix}>; rel="alternate"; type="{r.media_type}"'
        for r in offers
        if r is not chosen
    ]
    if links:
        response.headers["Link"] = ", ".join(links)
    response.headers["Content-Location"] = ascii_url(f"{path}.{chosen.suffix}")
    return response


def rdf_response(body: bytes, chosen: Format, path: str,
                 offers: tuple[Format, ...] | None = None) -> Response:
    return decorate(Response(body, content_type=chosen.content_type), path, chosen, offers)


def not_acceptable(offers: tuple[Format, ...] | None = None) -> Response:
    listed = "\n".join(f"{r.media_type}  ({r.label}, .{r.suffix} or ?format={r.suffix})" for r in offers or representations())
    response = Response(
        f"406 Not Acceptable: none of the Accept header's media types is offered here.\nOffered:\n{listed}\n",
        status=406, content_type="text/plain; charset=utf-8",
    )
    response.vary.add("Accept")
    return response


def not_found(iri: str) -> Response:
    """404, as a page for browsers and as text for everyone else."""
    chosen = negotiate(request.accept_mimetypes, TEXT_OFFERS)
    if chosen is HTML:
        lang = language()
        body = render_template("not_found.html", iri=iri, t=Messages(lang), lang=lang)
        response = Response(body, status=404, content_type="text/html; charset=utf-8")
        response.vary.add("Accept-Language")
    else:
        response = Response(f"404 Not Found: no triples about <{iri}>\n", status=404,
                            content_type="text/plain; charset=utf-8")
    response.vary.add("Accept")
    return response

