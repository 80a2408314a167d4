"""Prefixes the endpoint knows, declared for a query that uses them without declaring them.

As GraphDB and Fuseki do, ``vet:``, ``rdfs:``, ``skos:``, … (:data:`vetkg.ontology.vocab.PREFIXES`,
the ones the pages and the service description show) work in a query without a ``PREFIX`` line.
The declarations go in front of the text on its first line, so every error position keeps its
line, and only for names the text uses and never declares: a query's own declaration always
wins. The scan is :func:`.guard.undeclared_prefixes`, which skips strings, comments and IRIs; a
name it takes for a prefix by mistake costs one unused declaration, nothing else.
"""
from __future__ import annotations

from vetkg.ontology.vocab import PREFIXES as KNOWN

from .guard import undeclared_prefixes


def missing_declarations(text: str) -> str:
    """``PREFIX`` declarations for the known prefixes ``text`` uses undeclared, on one line
    (ending in a space); "" when it needs none."""
    if ":" not in text:
        return ""
    return "".join(f"PREFIX {name}: <{KNOWN[name]}> " for name in undeclared_prefixes(text) if name in KNOWN)
