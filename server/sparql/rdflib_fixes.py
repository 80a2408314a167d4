"""Work-arounds for rdflib bugs that would otherwise turn a valid request into a 500.

Applied on import; :mod:`.guard`, the first module to hand a text to rdflib's SPARQL parser,
imports this one.

- rdflib 7 cannot negate an ``xsd:decimal`` (RDFLib/rdflib#2962, open): its parser reads ``-1.5``
  as the literal ``1.5`` and then calls ``Literal.__neg__``, which knows ints and floats only, so
  any update with a negative decimal outside INSERT/DELETE DATA raised ``TypeError``. A negative
  decimal is its lexical form with a minus sign, which also keeps the form the client wrote.
"""
from __future__ import annotations

from rdflib import XSD, Literal
from rdflib.plugins.sparql import parser

_negate = parser.neg


def _neg(literal: Literal) -> Literal:
    if literal.datatype == XSD.decimal:
        return Literal(f"-{literal}", datatype=XSD.decimal)
    return _negate(literal)


if getattr(parser.neg, "__module__", None) != __name__:
    parser.neg = _neg
