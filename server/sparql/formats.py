"""Choosing the format of a ``/sparql`` answer from the registry (:mod:`vetkg.store.formats`).

Choosing is werkzeug's ``MIMEAccept.best_match`` over the registered formats that hold the
result, in registration order (so ``*/*`` and ties get the first, most common format);
``format=`` short names override Accept.
"""
from __future__ import annotations

from enum import Enum

from werkzeug.datastructures import MIMEAccept

from vetkg.store import formats as registry
from vetkg.store.formats import Format, Holds

from .errors import ProtocolError

__all__ = ["Format", "Kind", "check_format_name", "choose", "offered_list", "offers"]


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


def check_format_name(name: str | None) -> None:
    """Refuse a ``format=`` value that names no format at all (before any work is done)."""
    if not name or "/" in name:
        return
    if registry.by_name(name) is None:
        raise ProtocolError(400, f"unknown format {name!r}; use one of {', '.join(registry.names())} or a media type")


def choose(kind: Kind, accept: MIMEAccept, format_name: str | None = None) -> Format:
    """The format for a ``kind`` result, from ``format=`` if given, else from Accept.

    Raises a 406 ProtocolError listing the offers when nothing acceptable is offered.
    """
    if format_name:
        check_format_name(format_name)
        found = registry.by_name(format_name, kind.holds)
        if found is None:
            raise ProtocolError(
                406, f"format {format_name!r} cannot hold a {kind.value} result; offered: {offered_list(kind)}"
            )
        return found
    best = registry.negotiate(accept, offers(kind))
    if best is None:
        raise ProtocolError(
            406, f"none of the accepted media types can hold a {kind.value} result; offered: {offered_list(kind)}"
        )
    return best
