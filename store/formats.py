"""The one registry of RDF and query-results formats, in the manner of rdflib's plugin registry.

Every part that reads or writes RDF or SPARQL results by media type, short name or file suffix
asks here: the endpoint (``/sparql`` results and graphs), the linked-data pages, the Graph Store
Protocol (bodies and answers), the write reports, the dumps and ``vetkg export``. A format is
registered once by its name and found again by media type, short name or suffix::

    register(Format("tsv-triples", "text/x-tsv-triples", "TSV triples", suffixes=("tsvt",),
                    graph_writer=write))

and from then on every one of them offers it (``unregister`` takes it back). The order of
registration is the order of preference: a client that accepts anything gets the first format
that holds its answer.

Charsets follow one rule (:attr:`Format.charset`): every format is UTF-8 and says so, except
JSON, whose media types define no charset parameter (RFC 8259 §11): it is UTF-8 by definition.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Protocol, TypeVar

import pyoxigraph as ox

if TYPE_CHECKING:
    from werkzeug.datastructures import MIMEAccept

Statement = ox.Triple | ox.Quad
# Writes triples (or quads, for a dataset format) with the prefixes it may use; for a format
# pyoxigraph has no serialiser for.
GraphWriter = Callable[[Sequence[Statement], Mapping[str, str] | None], bytes]
# Writes a SPARQL result (solutions or a boolean) read back by pyoxigraph.
ResultsWriter = Callable[[ox.QuerySolutions | ox.QueryBoolean], bytes]

# The formats whose serialisers write prefix declarations (the others refuse or ignore them).
_PREFIXED = (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML)


class Holds(Enum):
    """What a format can hold, which decides where it is offered."""

    RESULTS = "results"  # SELECT solutions and ASK booleans
    GRAPH = "graph"  # triples: CONSTRUCT, DESCRIBE, a page, a graph of the store
    DATASET = "dataset"  # quads: several graphs in one document


@dataclass(frozen=True, eq=False)
class Format:
    """One format: its names, and the pyoxigraph format or the writer that serialises it.

    ``name`` is the registry key; ``names`` are further short names (``format=`` values) and
    ``aliases`` further media types clients send for it. Names and aliases may repeat across
    formats that hold different things: ``json`` is SPARQL JSON for a SELECT and JSON-LD for a
    graph. ``suffixes[0]`` is the suffix a representation's URL is given.
    """

    name: str
    media_type: str
    label: str
    suffixes: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    rdf: ox.RdfFormat | None = None
    results: ox.QueryResultsFormat | None = None
    graph_writer: GraphWriter | None = None
    results_writer: ResultsWriter | None = None
    format_iri: str | None = None  # its http://www.w3.org/ns/formats/ IRI, if pyoxigraph has none
    # A syntax for datasets (N-Quads, TriG): offered for the store and its dumps, where graphs
    # are kept apart, not for one resource's page. JSON-LD can hold graphs but is no such syntax.
    dataset: bool = False

    def holds(self, what: Holds) -> bool:
        if what is Holds.RESULTS:
            return self.results is not None or self.results_writer is not None
        if what is Holds.GRAPH:
            return self.rdf is not None or self.graph_writer is not None
        return self.dataset

    @property
    def charset(self) -> str | None:
        """The one charset rule: UTF-8, named unless the media type is JSON's (which has none)."""
        json = self.media_type == "application/json" or self.media_type.endswith("+json")
        return None if json else "utf-8"

    @property
    def content_type(self) -> str:
        # Say UTF-8 where the type allows it, or browsers and curl guess Latin-1.
        return self.media_type if self.charset is None else f"{self.media_type}; charset={self.charset}"

    @property
    def suffix(self) -> str:
        return self.suffixes[0] if self.suffixes else self.name

    @property
    def iri(self) -> str | None:
        if self.format_iri is not None:
            return self.format_iri
        known = self.results or self.rdf
        return None if known is None else known.iri

    @property
    def readable(self) -> bool:
        """Whether a request body in this format can be parsed (pyoxigraph's parsers only)."""
        return self.rdf is not None

    def serialize(self, statements: Iterable[Statement], prefixes: Mapping[str, str] | None = None) -> bytes:
        """Triples, or quads: a format without graphs gets their triples (the union)."""
        items: list[ox.Triple] | list[ox.Quad]
        if self.holds(Holds.DATASET):
            items = [s if isinstance(s, ox.Quad) else ox.Quad(s.subject, s.predicate, s.object) for s in statements]
        else:
            items = [s.triple if isinstance(s, ox.Quad) else s for s in statements]
        if self.graph_writer is not None:
            return self.graph_writer(items, prefixes)
        if self.rdf is None:
            raise ValueError(f"{self.label} holds no graphs")
        if prefixes and self.rdf in _PREFIXED:
            return ox.serialize(items, format=self.rdf, prefixes=dict(prefixes)) or b""
        return ox.serialize(items, format=self.rdf) or b""

    def serialize_results(self, result: ox.QuerySolutions | ox.QueryBoolean) -> bytes:
        if self.results_writer is not None:
            return self.results_writer(result)
        if self.results is None:
            raise ValueError(f"{self.label} holds no query results")
        return result.serialize(format=self.results) or b""

    def parse(self, data: bytes, base_iri: str | None = None) -> list[ox.Quad]:
        """The quads of ``data``; pyoxigraph's SyntaxError or ValueError for bad input."""
        if self.rdf is None:
            raise ValueError(f"{self.label} cannot be read")
        return list(ox.parse(data, format=self.rdf, base_iri=base_iri))

    def __reduce__(self) -> tuple[Callable[[str], Format], tuple[str]]:
        # pyoxigraph's format objects do not pickle, and a query job crosses a pipe to its
        # worker (a fork, which holds the same registry): send the name.
        return get, (self.name,)


_lock = threading.Lock()
_formats: dict[str, Format] = {}
_generation = 0


def register(fmt: Format) -> Format:
    """Add ``fmt`` under its name; a ValueError if the name is taken."""
    global _generation
    with _lock:
        if fmt.name in _formats:
            raise ValueError(f"a format named {fmt.name!r} is registered already")
        _formats[fmt.name] = fmt
        _generation += 1
    return fmt


def unregister(name: str) -> None:
    global _generation
    with _lock:
        _formats.pop(name, None)
        _generation += 1


def generation() -> int:
    """Changes on every (un)registration: what a cache of negotiated formats is keyed on."""
    return _generation


def get(name: str) -> Format:
    """The format registered as ``name``; a KeyError naming the known ones if none is."""
    try:
        return _formats[name]
    except KeyError:
        raise KeyError(f"no format {name!r}; registered: {', '.join(_formats)}") from None


def formats(holding: Holds | None = None) -> tuple[Format, ...]:
    """The registered formats (that hold ``holding``), in the order of preference."""
    return tuple(f for f in _formats.values() if holding is None or f.holds(holding))


def by_media_type(media_type: str, holding: Holds | None = None) -> Format | None:
    """The format a media type (parameters and case ignored; an alias too) names."""
    wanted = media_type.split(";")[0].strip().lower()
    candidates = formats(holding)
    found = next((f for f in candidates if f.media_type == wanted), None)
    return found or next((f for f in candidates if wanted in f.aliases), None)


def by_name(name: str, holding: Holds | None = None) -> Format | None:
    """The format a short name (``ttl``, ``json-ld``, a ``format=`` value) or a media type names."""
    wanted = name.strip().lower()
    candidates = formats(holding)
    found = next((f for f in candidates if f.name == wanted), None)
    found = found or next((f for f in candidates if wanted in f.names), None)
    return found if found is not None or "/" not in wanted else by_media_type(wanted, holding)


def by_suffix(suffix: str, holding: Holds | None = None) -> Format | None:
    """The format a file suffix (``ttl``, ``.nq``) names."""
    wanted = suffix.lower().lstrip(".")
    return next((f for f in formats(holding) if wanted in f.suffixes), None)


def names(holding: Holds | None = None) -> list[str]:
    """Every short name of the formats that hold ``holding``, sorted (for messages)."""
    return sorted({n for f in formats(holding) for n in (f.name, *f.names)})


class _Offer(Protocol):
    @property
    def media_type(self) -> str: ...
    @property
    def aliases(self) -> tuple[str, ...]: ...


OfferT = TypeVar("OfferT", bound=_Offer)


def negotiate(accept: MIMEAccept, offers: Sequence[OfferT]) -> OfferT | None:
    """The best of ``offers`` for ``accept`` (werkzeug weighs q-values and wildcards), or None.

    Offers are tried in their order, so ``*/*`` and ties get the first; aliases come after every
    canonical type, so a wildcard never picks one. Media-type parameters are ignored. No Accept
    at all means anything (RFC 9110 §12.5.1): the first offer.
    """
    if not offers:
        return None
    if not accept:
        return offers[0]
    # Parameters (charset=utf-8, a JSON-LD profile) do not change which format is meant, but
    # werkzeug matches a ranged type only to an offer with the same ones: every offer is UTF-8
    # and says so, so the bare types are matched (q stays, werkzeug keeps it apart).
    accept = type(accept)([(value.split(";")[0].strip(), quality) for value, quality in accept])
    by_type: dict[str, OfferT] = {}
    for offer in offers:
        by_type.setdefault(offer.media_type, offer)
    for offer in offers:
        for alias in offer.aliases:
            by_type.setdefault(alias, offer)
    best = accept.best_match(list(by_type))
    return None if best is None else by_type[best]


def _register_builtins() -> None:
    results, rdf = ox.QueryResultsFormat, ox.RdfFormat
    for fmt in (
        Format("json", "application/sparql-results+json", "SPARQL JSON", ("srj",), ("srj",),
               ("application/json",), results=results.JSON),
        Format("xml", "application/sparql-results+xml", "SPARQL XML", ("srx",), ("srx",), results=results.XML),
        Format("csv", "text/csv", "CSV", ("csv",), results=results.CSV),
        Format("tsv", "text/tab-separated-values", "TSV", ("tsv",), results=results.TSV),
        # Turtle is N3 without formulae and rules: a client asking N3 (SPARQLWrapper's N3, a
        # Accept: text/n3) for a graph gets Turtle, which its N3 reader reads.
        Format("turtle", "text/turtle", "Turtle", ("ttl", "n3"), ("ttl", "n3"),
               ("application/x-turtle", "application/turtle", "text/n3", "text/rdf+n3", "application/n3"),
               rdf=rdf.TURTLE),
        Format("json-ld", "application/ld+json", "JSON-LD", ("jsonld", "json"), ("jsonld", "json"),
               ("application/json",), rdf=rdf.JSON_LD,
               # W3C's IRI for it (https://www.w3.org/ns/formats/), not pyoxigraph's variant
               format_iri="http://www.w3.org/ns/formats/JSON-LD"),
        Format("n-triples", "application/n-triples", "N-Triples", ("nt",), ("nt", "ntriples"),
               ("text/plain",), rdf=rdf.N_TRIPLES),  # text/plain: N-Triples' RDF 1.0 media type
        Format("rdf-xml", "application/rdf+xml", "RDF/XML", ("rdf", "xml", "owl"), ("rdfxml", "rdf+xml", "rdf", "xml", "rdf/xml"),
               rdf=rdf.RDF_XML),
        Format("n-quads", "application/n-quads", "N-Quads", ("nq",), ("nq", "nquads"), rdf=rdf.N_QUADS,
               dataset=True),
        Format("trig", "application/trig", "TriG", ("trig",), aliases=("application/x-trig",), rdf=rdf.TRIG,
               dataset=True),
    ):
        register(fmt)


_register_builtins()
