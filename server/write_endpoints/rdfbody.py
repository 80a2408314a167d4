"""RDF in a Graph Store Protocol request body, read by its Content-Type.

Blank nodes get fresh ids: a label in a body means a new node, never one already in the store.
JSON-LD may only use contexts given inline unless ``allow_remote_context`` (then rdflib fetches
them); pyoxigraph refuses remote contexts by itself. RDF/XML may not declare entities: pyoxigraph
expands internal ones (ten nested levels of ten make 10 GB of a 1 KB body, "billion laughs"), and
external ones name files or URLs; a body with ``<!ENTITY`` is refused before it is parsed.
"""
from __future__ import annotations

import pyoxigraph as ox
from flask import Request

from vetkg.store import formats
from vetkg.store.formats import Format, Holds

from ..sparql.errors import ProtocolError

MULTIPART = "multipart/form-data"


def _fresh(term: ox.NamedNode | ox.BlankNode | ox.Literal, names: dict[str, ox.BlankNode]) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, ox.BlankNode):
        if term.value not in names:
            names[term.value] = ox.BlankNode()
        return names[term.value]
    return term


def parse_rdf(data: bytes, media_type: str, base_iri: str | None, allow_remote_context: bool) -> list[ox.Quad]:
    """The quads of ``data``; a 415 for an unknown type, a 400 with the parser's message for bad RDF."""
    fmt = formats.by_media_type(media_type, Holds.GRAPH) if media_type else None
    if fmt is None or not fmt.readable:
        known = ", ".join(sorted(f.media_type for f in _readable()))
        raise ProtocolError(415, f"unsupported Content-Type {media_type or 'none'!r}: send one of {known}, or {MULTIPART}")
    if fmt.rdf == ox.RdfFormat.RDF_XML and _declares_entities(data):
        raise ProtocolError(
            400, "the application/rdf+xml body declares XML entities (<!ENTITY …>); they are refused: "
            "write the IRIs out in full"
        )
    try:
        if fmt.rdf == ox.RdfFormat.JSON_LD and allow_remote_context:
            quads = _jsonld_with_remote_contexts(data, base_iri)
        else:
            quads = fmt.parse(data, base_iri)
    except SyntaxError as exc:
        raise ProtocolError(400, f"the {media_type} body is not valid: {exc}") from None
    except ValueError as exc:
        raise ProtocolError(400, f"the {media_type} body cannot be read: {exc}") from None
    names: dict[str, ox.BlankNode] = {}
    return [
        ox.Quad(_fresh(q.subject, names), q.predicate, _fresh(q.object, names), q.graph_name)  # type: ignore[arg-type]
        for q in quads
    ]


def _readable() -> list[Format]:
    return [f for f in formats.formats(Holds.GRAPH) if f.readable]


_ENTITY_MARKS = tuple("<!ENTITY".encode(codec) for codec in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"))


def _declares_entities(data: bytes) -> bool:
    # XML names are case-sensitive: "<!ENTITY" is the only spelling of a declaration, in
    # whichever encoding the document declares.
    return any(mark in data for mark in _ENTITY_MARKS)


def _jsonld_with_remote_contexts(data: bytes, base_iri: str | None) -> list[ox.Quad]:
    import rdflib

    try:
        dataset = rdflib.Dataset().parse(data=data, format="json-ld", publicID=base_iri)
    except Exception as exc:
        raise SyntaxError(str(exc)) from None
    return list(ox.parse(dataset.serialize(format="nquads", encoding="utf-8"), format=ox.RdfFormat.N_QUADS))


def read_body(request: Request, base_iri: str | None, allow_remote_context: bool) -> list[ox.Quad]:
    """Every quad in the body; a multipart/form-data body is the merge of its parts."""
    if request.mimetype == MULTIPART:
        quads: list[ox.Quad] = []
        parts = list(request.files.items(multi=True))
        if not parts:
            raise ProtocolError(400, "the multipart/form-data body holds no file parts")
        for name, part in parts:
            media_type = (part.mimetype or "").lower()
            try:
                quads.extend(parse_rdf(part.read(), media_type, base_iri, allow_remote_context))
            except ProtocolError as exc:
                raise ProtocolError(exc.status, f"part {name!r}: {exc.message}") from None
        return quads
    charset = request.mimetype_params.get("charset")
    if charset and charset.replace("_", "-").lower() not in ("utf-8", "utf8"):
        raise ProtocolError(415, f"unsupported charset {charset!r}: RDF bodies must be UTF-8")
    return parse_rdf(request.get_data(), request.mimetype.lower(), base_iri, allow_remote_context)
