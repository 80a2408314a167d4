"""Choosing the format of a ``/sparql`` answer from the registry (:mod:`vetkg.store.formats`).

Choosing is werkzeug's ``MIMEAccept.best_match`` over the registered formats that hold the
result, in registration order (so ``*/*`` and ties get the first, most common format);
``format=`` overrides Accept when it names a format that holds the result.

``format=`` takes short names (``json``, ``ttl``), media types and lists of them as an Accept
header writes them, and may be given more than once if every value agrees: SPARQLWrapper sends
``format=tsv&format=text/tab-separated-values``. A client sends the same ``format=`` whatever
the query form (SPARQLWrapper's CSV for a CONSTRUCT, its Turtle for a SELECT): a name that
cannot hold the result falls back to Accept, as Fuseki does, and only when Accept cannot be
met either is the answer a 406.
"""
from __future__ import annotations

from collections.abc import Sequence
from enum import Enum

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from vetkg.store import formats as registry
from vetkg.store.formats import Format, Holds

from .errors import ProtocolError

__all__ = ["Format", "Kind", "check_format_name", "choose", "format_names", "offered_list", "offers"]

FormatNames = str | Sequence[str] | None


class Kind(Enum):
    """What a query returns, which decides the formats it can be written in."""

    SOLUTIONS = "solutions"  # SELECT
    BOOLEAN = "boolean"  # ASK
    GRAPH = "graph"  # CONSTRUCT, DESCRIBE, the service description

    @property
    def holds(self) -> Holds:
        return Holds.GRAPH if self is Kind.GRAPH else Holds.RESULTS


def offers(kind: Kind) -> tuple[Format, ...]:
    return registry.formats(kind.holds)


def offered_list(kind: Kind) -> str:
    return ", ".join(f.media_type for f in offers(kind))


def format_names(given: FormatNames) -> tuple[str, ...]:
    """The ``format=`` values that say something (an empty one, as SPARQLWrapper sends in place
    of ``*/*``, says nothing)."""
    values = (given,) if isinstance(given, str) else tuple(given or ())
    return tuple(v.strip() for v in values if v.strip())


def _named(value: str, holding: Holds | None) -> Format | None:
    """The format one ``format=`` value names among those holding ``holding``."""
    if "/" not in value:
        return registry.by_name(value, holding)
    # A media type, with parameters or q, or several as in an Accept header.
    return registry.negotiate(parse_accept_header(value, MIMEAccept), registry.formats(holding))


def check_format_name(given: FormatNames) -> None:
    """Refuse (400), before any work is done, ``format=`` values that name no format at all, or
    that name different formats for the same kind of result."""
    names = format_names(given)
    for name in names:
        if _named(name, None) is None:
            raise ProtocolError(
                400, f"unknown format {name!r}; use one of {', '.join(registry.names())} or a media type"
            )
    if len(names) < 2:
        return
    for holding in (Holds.RESULTS, Holds.GRAPH):
        found = {fmt.name: fmt for name in names if (fmt := _named(name, holding)) is not None}
        if len(found) > 1:
            raise ProtocolError(
                400, f"the format parameter is given {len(names)} times and names different formats "
                f"({', '.join(fmt.label for fmt in found.values())}); give one",
            )


def choose(kind: Kind, accept: MIMEAccept, format_name: FormatNames = None) -> Format:
    """The format for a ``kind`` result, from ``format=`` if it names one that holds it, else
    from Accept.

    Raises a 400 ProtocolError for an unknown or self-contradicting ``format=``, a 406 listing
    the offers when nothing acceptable holds the result.
    """
    names = format_names(format_name)
    check_format_name(names)
    for name in names:
        if (found := _named(name, kind.holds)) is not None:
            return found
    best = registry.negotiate(accept, offers(kind))
    if best is None:
        asked = f"format {names[0]!r} cannot hold a {kind.value} result, nor can any accepted media type" if names \
            else f"none of the accepted media types can hold a {kind.value} result"
        raise ProtocolError(406, f"{asked}; offered: {offered_list(kind)}")
    return best
