"""The representations a resource is offered in, and choosing one from the request's Accept."""
from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
from werkzeug.datastructures import MIMEAccept


@dataclass(frozen=True)
class Representation:
    media_type: str
    extension: str
    label: str
    rdf_format: ox.RdfFormat | None  # None for the HTML page

    @property
    def content_type(self) -> str:
        if self.media_type.startswith("text/") or self.media_type == "application/ld+json":
            return f"{self.media_type}; charset=utf-8"
        return self.media_type


TURTLE = Representation("text/turtle", "ttl", "Turtle", ox.RdfFormat.TURTLE)
JSON_LD = Representation("application/ld+json", "jsonld", "JSON-LD", ox.RdfFormat.JSON_LD)
N_TRIPLES = Representation("application/n-triples", "nt", "N-Triples", ox.RdfFormat.N_TRIPLES)
RDF_XML = Representation("application/rdf+xml", "rdf", "RDF/XML", ox.RdfFormat.RDF_XML)
HTML = Representation("text/html", "html", "HTML", None)

RDF_REPRESENTATIONS: tuple[Representation, ...] = (TURTLE, JSON_LD, N_TRIPLES, RDF_XML)
# Turtle first: a client that accepts anything equally (curl's */*) is a machine and gets Turtle;
# browsers name text/html with a higher q than their */* and get the page.
REPRESENTATIONS: tuple[Representation, ...] = (TURTLE, HTML, JSON_LD, N_TRIPLES, RDF_XML)

# Media types clients send that mean one of ours.
_ALIASES: dict[str, Representation] = {
    "application/xhtml+xml": HTML,
    "application/x-turtle": TURTLE,
    "application/json": JSON_LD,
    "text/plain": N_TRIPLES,  # N-Triples' old media type
}

BY_EXTENSION: dict[str, Representation] = {r.extension: r for r in REPRESENTATIONS} | {
    "json": JSON_LD,
    "xml": RDF_XML,
    "owl": RDF_XML,
    "n3": TURTLE,
}


def negotiate(
    accept: MIMEAccept, offers: tuple[Representation, ...] = REPRESENTATIONS
) -> Representation | None:
    """The best of ``offers`` for ``accept`` (werkzeug parses q-values and wildcards), or None."""
    if not accept.provided:
        return offers[0]  # no Accept header means "anything" (RFC 9110 §12.5.1)
    candidates = [o.media_type for o in offers] + [m for m, r in _ALIASES.items() if r in offers]
    best = accept.best_match(candidates)
    if best is None:
        return None
    for offer in offers:
        if offer.media_type == best:
            return offer
    return _ALIASES[best]


def from_name(name: str | None) -> Representation | None:
    """The representation named by a ``format=`` value or an extension: ``ttl``, ``jsonld``, a media type."""
    if not name:
        return None
    name = name.lower().lstrip(".")
    if name in BY_EXTENSION:
        return BY_EXTENSION[name]
    aliases = {"turtle": TURTLE, "json-ld": JSON_LD, "ntriples": N_TRIPLES, "n-triples": N_TRIPLES,
               "rdfxml": RDF_XML, "rdf/xml": RDF_XML, "xml": RDF_XML}
    if name in aliases:
        return aliases[name]
    for r in REPRESENTATIONS:
        if r.media_type == name:
            return r
    return _ALIASES.get(name)
