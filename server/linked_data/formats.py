"""The representations a resource is offered in: the page, and every registered format that
holds a graph of triples (:mod:`vetkg.store.formats`); dataset formats are for ``/store`` and
the dumps."""
from __future__ import annotations

from vetkg.store import formats as registry
from vetkg.store.formats import Format, Holds

# The page is no RDF format: it is offered here only, and never registered.
HTML = Format("html", "text/html", "HTML", ("html",), aliases=("application/xhtml+xml",))


def rdf_representations() -> tuple[Format, ...]:
    return tuple(f for f in registry.formats(Holds.GRAPH) if not f.holds(Holds.DATASET))


def representations() -> tuple[Format, ...]:
    # The first RDF format (Turtle) comes first: a client that accepts anything equally (curl's
    # */*) is a machine and gets it; browsers name text/html with a higher q than their */*
    # and get the page.
    rdf = rdf_representations()
    return (*rdf[:1], HTML, *rdf[1:])


def from_suffix(suffix: str) -> Format | None:
    """The representation a URL's suffix (``.ttl``, ``.html``) names, or None."""
    wanted = suffix.lower().lstrip(".")
    if wanted in HTML.suffixes:
        return HTML
    found = registry.by_suffix(wanted, Holds.GRAPH)
    return found if found in rdf_representations() else None


def from_name(name: str | None) -> Format | None:
    """The representation named by a ``format=`` value or a suffix: ``ttl``, ``jsonld``, a media type."""
    if not name:
        return None
    wanted = name.lower().lstrip(".")
    if wanted in (HTML.name, HTML.media_type, *HTML.aliases):
        return HTML
    found = registry.by_name(wanted, Holds.GRAPH) or registry.by_suffix(wanted, Holds.GRAPH)
    return found if found in rdf_representations() else None
