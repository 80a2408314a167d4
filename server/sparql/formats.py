"""The media types the endpoint offers, and choosing one for a request.

Choosing is werkzeug's ``MIMEAccept.best_match`` over the offers in server order (so ``*/*`` and
ties get the first, most common format); ``format=`` short names override Accept.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import pyoxigraph as ox
from werkzeug.datastructures import MIMEAccept

from .errors import ProtocolError


class Kind(Enum):
    """What a query returns, which decides the formats it can be written in."""

    SOLUTIONS = "solutions"  # SELECT
    BOOLEAN = "boolean"  # ASK
    GRAPH = "graph"  # CONSTRUCT, DESCRIBE, the service description


@dataclass(frozen=True)
class Format:
    media_type: str  # what the response is labelled with
    results: ox.QueryResultsFormat | None = None
    rdf: ox.RdfFormat | None = None

    @property
    def content_type(self) -> str:
        # Text formats are always UTF-8; say so, or browsers and curl guess Latin-1.
        return self.media_type if "json" in self.media_type else f"{self.media_type}; charset=utf-8"

    @property
    def iri(self) -> str:
        written = self.results or self.rdf
        assert written is not None  # every format offered is one of results or of RDF
        return written.iri

    def __reduce__(self) -> tuple[object, tuple[str, str | None, str | None]]:
        # pyoxigraph's format objects do not pickle, and a job crosses a pipe to its worker.
        return _format, (
            self.media_type,
            None if self.results is None else self.results.media_type,
            None if self.rdf is None else self.rdf.media_type,
        )


def _format(media_type: str, results: str | None, rdf: str | None) -> Format:
    return Format(
        media_type,
        None if results is None else ox.QueryResultsFormat.from_media_type(results),
        None if rdf is None else ox.RdfFormat.from_media_type(rdf),
    )


RESULTS_JSON = Format("application/sparql-results+json", results=ox.QueryResultsFormat.JSON)
RESULTS_XML = Format("application/sparql-results+xml", results=ox.QueryResultsFormat.XML)
RESULTS_CSV = Format("text/csv", results=ox.QueryResultsFormat.CSV)
RESULTS_TSV = Format("text/tab-separated-values", results=ox.QueryResultsFormat.TSV)
TURTLE = Format("text/turtle", rdf=ox.RdfFormat.TURTLE)
JSON_LD = Format("application/ld+json", rdf=ox.RdfFormat.JSON_LD)
N_TRIPLES = Format("application/n-triples", rdf=ox.RdfFormat.N_TRIPLES)
RDF_XML = Format("application/rdf+xml", rdf=ox.RdfFormat.RDF_XML)
N_QUADS = Format("application/n-quads", rdf=ox.RdfFormat.N_QUADS)
TRIG = Format("application/trig", rdf=ox.RdfFormat.TRIG)

RESULT_FORMATS = (RESULTS_JSON, RESULTS_XML, RESULTS_CSV, RESULTS_TSV)
GRAPH_FORMATS = (TURTLE, JSON_LD, N_TRIPLES, RDF_XML, N_QUADS, TRIG)

# Media types clients commonly send for a format they mean under another name. They come after
# the canonical types, so a wildcard never picks them.
_RESULT_ALIASES = {"application/json": RESULTS_JSON}
_GRAPH_ALIASES = {
    "application/x-turtle": TURTLE,
    "application/json": JSON_LD,
    "text/plain": N_TRIPLES,
    "application/x-trig": TRIG,
}

# format= short names, per kind: "json" means SPARQL results for SELECT and JSON-LD for a graph.
_RESULT_NAMES = {"json": RESULTS_JSON, "xml": RESULTS_XML, "csv": RESULTS_CSV, "tsv": RESULTS_TSV}
_GRAPH_NAMES = {
    "turtle": TURTLE,
    "ttl": TURTLE,
    "jsonld": JSON_LD,
    "json-ld": JSON_LD,
    "json": JSON_LD,
    "nt": N_TRIPLES,
    "ntriples": N_TRIPLES,
    "n-triples": N_TRIPLES,
    "rdfxml": RDF_XML,
    "rdf": RDF_XML,
    "xml": RDF_XML,
    "nq": N_QUADS,
    "nquads": N_QUADS,
    "n-quads": N_QUADS,
    "trig": TRIG,
}
KNOWN_NAMES = sorted(set(_RESULT_NAMES) | set(_GRAPH_NAMES))


def offers(kind: Kind) -> tuple[Format, ...]:
    return GRAPH_FORMATS if kind is Kind.GRAPH else RESULT_FORMATS


def _by_media_type(kind: Kind) -> dict[str, Format]:
    table = {f.media_type: f for f in offers(kind)}
    table.update(_GRAPH_ALIASES if kind is Kind.GRAPH else _RESULT_ALIASES)
    return table


def offered_list(kind: Kind) -> str:
    return ", ".join(f.media_type for f in offers(kind))


def check_format_name(name: str | None) -> None:
    """Refuse a ``format=`` value that names no format at all (before any work is done)."""
    if not name:
        return
    if "/" not in name and name.lower() not in KNOWN_NAMES:
        raise ProtocolError(400, f"unknown format {name!r}; use one of {', '.join(KNOWN_NAMES)} or a media type")


def choose(kind: Kind, accept: MIMEAccept, format_name: str | None = None) -> Format:
    """The format for a ``kind`` result, from ``format=`` if given, else from Accept.

    Raises a 406 ProtocolError listing the offers when nothing acceptable is offered.
    """
    table = _by_media_type(kind)
    if format_name:
        name = format_name.strip().lower()
        if "/" in name:
            found = table.get(name.split(";")[0].strip())
        else:
            check_format_name(name)
            found = (_GRAPH_NAMES if kind is Kind.GRAPH else _RESULT_NAMES).get(name)
        if found is None:
            raise ProtocolError(
                406, f"format {format_name!r} cannot hold a {kind.value} result; offered: {offered_list(kind)}"
            )
        return found
    if not accept:  # no Accept header at all means anything goes
        return offers(kind)[0]
    best = accept.best_match(list(table))
    if best is None:
        raise ProtocolError(
            406, f"none of the accepted media types can hold a {kind.value} result; offered: {offered_list(kind)}"
        )
    return table[best]
