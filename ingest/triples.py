"""A document graph as plain Python triples, and its two renderings: N-Triples and rdflib.

The graph builder (rdf.py) collects IRIs as ``str`` and literals as :class:`Lit`. A build
worker only needs N-Triples, which come straight from these tuples; an rdflib ``Graph`` costs
about ten times as much to fill (each ``add`` goes through the memory store's indexes and
events), so it is made only for the callers that ask for one.
"""
from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, SDO, SKOS

from vetkg.ontology.namespace import OA, VET

# the prefixes a document graph is serialised with (Turtle views, tests that print it)
PREFIXES = (("vet", VET), ("oa", OA), ("schema", SDO), ("dcterms", DCTERMS), ("prov", PROV), ("skos", SKOS))


class Lit(NamedTuple):
    """A literal: ``lexical`` in rdflib's canonical form for its Python value, with a
    language tag or a datatype IRI (never both)."""

    lexical: str
    lang: str | None = None
    datatype: str | None = None


Term = str | Lit
Triple = tuple[str, str, Term]


def _escape(lexical: str) -> str:
    # exactly rdflib's N-Triples escaping (plugins/serializers/nt.py), so a line reads the same
    # whichever of the two wrote it
    return lexical.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"').replace("\r", "\\r")


def nt_term(term: Term) -> str:
    """``term`` in N-Triples."""
    if isinstance(term, str):
        return f"<{term}>"
    lexical, lang, datatype = term
    if lang:
        return f'"{_escape(lexical)}"@{lang}'
    if datatype:
        return f'"{_escape(lexical)}"^^<{datatype}>'
    return f'"{_escape(lexical)}"'


def statements(triples: Iterable[Triple]) -> list[tuple[str, str]]:
    """(subject IRI, ``<s> <p> o``) for each triple: an N-Triples line without its final
    `` .``, so that a caller may end it as N-Triples or put it in a graph as N-Quads."""
    iris: dict[str, str] = {}
    literals: dict[Lit, str] = {}
    out = []
    for s, p, o in triples:
        ns = iris.get(s)
        if ns is None:
            ns = iris[s] = f"<{s}>"
        np = iris.get(p)
        if np is None:
            np = iris[p] = f"<{p}>"
        if isinstance(o, str):
            no = iris.get(o)
            if no is None:
                no = iris[o] = f"<{o}>"
        else:
            no = literals.get(o)
            if no is None:
                no = literals[o] = nt_term(o)
        out.append((s, f"{ns} {np} {no}"))
    return out


def joined(statements: list[str], graph: str | None = None) -> str:
    """Statements from :func:`statements` as N-Triples, or as N-Quads in ``graph``."""
    if not statements:
        return ""
    end = f" <{graph}> .\n" if graph is not None else " .\n"
    return end.join(statements) + end


def ntriples(triples: Iterable[Triple]) -> str:
    """The triples as one N-Triples document, in their order."""
    return joined([statement for _, statement in statements(triples)])


@lru_cache(maxsize=64)
def _datatype(iri: str) -> URIRef:
    return URIRef(iri)


def to_graph(triples: Iterable[Triple], graph: Graph | None = None) -> Graph:
    """The triples in an rdflib ``Graph`` (a new one, bound to the vetkg prefixes, unless given)."""
    if graph is None:
        graph = Graph()
        for prefix, ns in PREFIXES:
            graph.bind(prefix, ns)
    terms: dict[Term, URIRef | Literal] = {}

    def term(t: Term) -> URIRef | Literal:
        node = terms.get(t)
        if node is None:
            if isinstance(t, str):
                node = URIRef(t)
            else:
                lexical, lang, datatype = t
                # normalize=False: the lexical form is already rdflib's own (see Lit)
                node = Literal(lexical, lang=lang, datatype=_datatype(datatype) if datatype else None, normalize=False)
            terms[t] = node
        return node

    graph.addN((term(s), term(p), term(o), graph) for s, p, o in triples)
    return graph
