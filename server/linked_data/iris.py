"""Between IRIs and the paths that serve them.

An IRI ``{base}P`` is served at path ``/P``; the ontology's at ``/ontology`` whatever the base. IRIs
keep their Chinese characters; URLs in headers and links carry them percent-encoded (UTF-8).
"""
from __future__ import annotations

from urllib.parse import quote

from vetkg.ontology import ONTOLOGY_IRI

ONTOLOGY_PATH = "/ontology"
# Characters an IRI path keeps as they are in a URL; everything else (CJK too) is percent-encoded.
_SAFE = "/:@!$&'()*+,;=-._~"


def split_fragment(iri: str) -> tuple[str, str]:
    """``(document, fragment)``: browsers never send the fragment, so only the document is served."""
    document, _, fragment = iri.partition("#")
    return document, fragment


def iri_for_path(base_iri: str, path: str) -> str:
    """The IRI a request for ``path`` (already percent-decoded, leading slash optional) names."""
    return base_iri + path.lstrip("/")


def path_for_iri(base_iri: str, iri: str) -> str | None:
    """The local path (with fragment, percent-encoded) that serves ``iri``, or None if it is not ours."""
    document, fragment = split_fragment(iri)
    if document == ONTOLOGY_IRI:
        path = ONTOLOGY_PATH
    elif document.startswith(base_iri) and len(document) > len(base_iri):
        path = "/" + quote(document[len(base_iri):], safe=_SAFE)
    else:
        return None
    return path + ("#" + quote(fragment, safe=_SAFE) if fragment else "")


_LINKED_SCHEMES = ("http", "https")


def href(base_iri: str, iri: str) -> str | None:
    """Where a page links for ``iri``: our own path for our IRIs, the IRI itself for other
    http(s) IRIs, and None for any other scheme (``javascript:``, ``data:``, ``file:`` …), which
    a page shows as text: anyone may write such an IRI into the data."""
    own = path_for_iri(base_iri, iri)
    if own is not None:
        return own
    scheme, colon, _ = iri.partition(":")
    return iri if colon and scheme.lower() in _LINKED_SCHEMES else None


def ascii_url(path: str) -> str:
    """``path`` safe for an HTTP header (Link, Content-Location), which must be Latin-1."""
    return quote(path, safe=_SAFE + "#?%")
