"""Shapes a reader posts: SHACL Core only.

SPARQL-based constraints and targets (``sh:sparql``, ``sh:select``, SPARQL constraint
components) would run a reader's query inside the server process, outside the query workers and
their limits (and rdflib's SPARQL evaluates ``SERVICE``); rules and JavaScript are not run by
pyshacl's default settings but are refused too, so that what is accepted is what runs.
"""
from __future__ import annotations

from rdflib import Graph
from rdflib.namespace import SH

from ..sparql.errors import ProtocolError

REFUSED = (
    SH.sparql, SH.select, SH.ask, SH.construct, SH.update, SH.validator, SH.nodeValidator,
    SH.propertyValidator, SH.target, SH.rule, SH.jsFunctionName, SH.jsLibrary, SH.js,
)


def read_shapes(data: bytes) -> Graph:
    """The SHACL Core shapes of a Turtle body; 400 for bad Turtle or a refused feature."""
    try:
        shapes = Graph().parse(data=data, format="turtle")
    except Exception as exc:  # rdflib raises many kinds; the first line names the fault
        line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise ProtocolError(400, f"the shapes are not readable Turtle: {line}") from None
    for predicate in REFUSED:
        if (None, predicate, None) in shapes:
            name = "sh:" + str(predicate).rsplit("#", 1)[-1]
            raise ProtocolError(
                400, f"posted shapes may use SHACL Core only: {name} (SPARQL-based constraints, targets, "
                "rules or JavaScript) is not run over HTTP"
            )
    if not any(shapes.triples((None, None, None))):
        raise ProtocolError(400, "the posted shapes graph is empty")
    return shapes
