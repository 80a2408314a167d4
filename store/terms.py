"""Terms between pyoxigraph (the store, the change) and rdflib (the SPARQL algebra, pyshacl)."""
from __future__ import annotations

from functools import lru_cache

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

# vetkg's graphs are RDF 1.1: a term is never a quoted (RDF-star) triple, which pyoxigraph allows
OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal
OxSubject = ox.NamedNode | ox.BlankNode
OxGraph = ox.NamedNode | ox.BlankNode | ox.DefaultGraph
# A quad's object as pyoxigraph types it (its subject is OxSubject | ox.Triple)
OxObject = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple

_XSD_STRING = ox.NamedNode("http://www.w3.org/2001/XMLSchema#string")


@lru_cache(maxsize=200_000)
def term_to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
    """The rdflib term for a pyoxigraph one (cached: the same terms recur across quads)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    # rdflib keeps a plain literal and an xsd:string one apart; the store does not. Plain, so a
    # literal from the store equals the same literal in an update, a shape or a parsed dump.
    if term.datatype == _XSD_STRING:
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def triples_from_rdflib(graph: Graph) -> list[ox.Triple]:
    """Convert an rdflib graph to pyoxigraph triples via N-Triples, the cheapest exact path."""
    data = graph.serialize(format="nt", encoding="utf-8")
    return [q.triple for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]

to_rdflib = term_to_rdflib


def to_ox(term: Node) -> OxTerm:
    """The pyoxigraph term for ``term``; raises ValueError for what the store cannot hold."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(_bnode_id(str(term)))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise ValueError(f"not an RDF term: {term!r}")


def ox_pattern(
    s: Node | None, p: Node | None, o: Node | None
) -> tuple[OxSubject | None, ox.NamedNode | None, OxTerm | None] | None:
    """An rdflib triple pattern (None: any term) in pyoxigraph terms; None when no quad can match
    it (a literal subject, a predicate that is not an IRI, a term the store cannot hold)."""
    try:
        subject, predicate, object_ = (None if t is None else to_ox(t) for t in (s, p, o))
    except ValueError:
        return None
    if isinstance(subject, ox.Literal) or (predicate is not None and not isinstance(predicate, ox.NamedNode)):
        return None
    return subject, predicate, object_


def has_blank(statement: ox.Quad | ox.Triple) -> bool:
    """Whether a quad's or triple's subject or object is a blank node (which a store renames, so
    the statement cannot be named by its terms in a later request)."""
    return isinstance(statement.subject, ox.BlankNode) or isinstance(statement.object, ox.BlankNode)


def _bnode_id(raw: str) -> str:
    # Oxigraph accepts N-Triples blank node labels only; rdflib's are usually such labels already.
    return raw if raw.replace("_", "").replace("-", "").isalnum() else "b" + raw.encode("utf-8").hex()


