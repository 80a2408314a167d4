"""Checks a query or update before anything runs: syntax, SERVICE, LOAD and the graphs it names.

pyoxigraph evaluates SERVICE and LOAD by fetching over HTTP, so refusing them must not depend on
a substring search (the word can sit in a literal or an IRI). rdflib's SPARQL 1.1 parser gives a
tree in which a SERVICE clause is a ``ServiceGraphPattern`` node, a LOAD a ``Load`` node.

Oxigraph's parser is the reference for syntax errors: its messages give line and column. It is
asked only when rdflib fails, and only when that cannot cause a fetch (see :func:`check_query`).

rdflib's parser takes 1-10 ms and runs under a lock, more than a label lookup costs to answer.
A query whose text cannot hold SERVICE or a dataset clause (neither word as a token, no escape
sequence anywhere in it) skips it: its form and prefixes are read off the prologue, and Oxigraph
reports its syntax errors when it runs.
"""
from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
from pyparsing import ParseException
from rdflib.plugins.sparql.algebra import translatePrologue
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from .errors import ProtocolError
from .formats import Kind

_FORMS = {
    "SelectQuery": Kind.SOLUTIONS,
    "AskQuery": Kind.BOOLEAN,
    "ConstructQuery": Kind.GRAPH,
    "DescribeQuery": Kind.GRAPH,
}
# rdflib's pyparsing grammar keeps state while it parses: two threads parsing at once corrupt each
# other's results. Parsing takes milliseconds, so one lock costs little.
_PARSER_LOCK = threading.Lock()
SERVICE_DISABLED = "SERVICE is disabled on this endpoint: it makes no requests to other servers"
LOAD_DISABLED = "LOAD is disabled on this endpoint: it makes no requests to other servers"


@dataclass
class CheckedQuery:
    text: str
    kind: Kind
    from_graphs: list[str] | None = None  # FROM, None when the query has no dataset clause
    from_named: list[str] | None = None  # FROM NAMED
    prefixes: dict[str, str] = field(default_factory=dict)

    @property
    def has_dataset(self) -> bool:
        return self.from_graphs is not None or self.from_named is not None


@dataclass
class CheckedUpdate:
    text: str
    names_dataset: bool  # has USING, USING NAMED or WITH


def _nodes(node: Any) -> Iterator[CompValue]:
    """Every CompValue in a parse tree, depth first.

    CompValue.get returns the key itself for a missing key, so lookups here use ``dict.get``.
    """
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            yield item
            stack.extend(dict.values(item))
        elif isinstance(item, (list, tuple)) or type(item).__name__ == "ParseResults":
            stack.extend(item)


def _position(exc: ParseException) -> str:
    return f"line {exc.lineno}, column {exc.col}: {exc.msg}"


def _oxigraph_syntax_error(text: str, base_iri: str | None) -> str | None:
    """Oxigraph's parser message for ``text``, or None when Oxigraph reads it."""
    try:
        ox.Store().query(text, base_iri=base_iri)
    except SyntaxError as exc:
        message = str(exc)
        # Oxigraph lists every token it would accept; the position and the first few say enough.
        return message if len(message) <= 300 else message[:300].rstrip() + " …"
    except (OSError, ValueError, RuntimeError):
        return None  # parsed; evaluating on an empty store failed, which says nothing here
    return None


# What may stand before the query form: white space, comments and PREFIX declarations (BASE
# changes how prefixes resolve, so a query with one takes the full parse).
_SKIP = re.compile(r"(?:\s+|#[^\n\r]*)*")
_PREFIX_DECL = re.compile(r"PREFIX\s+([^\s:<>#]*):\s*<([^<>\"{}|^`\\\s]*)>", re.IGNORECASE)
_FORM = re.compile(r"(SELECT|ASK|CONSTRUCT|DESCRIBE)(?![\w-])", re.IGNORECASE)
# The keywords as tokens, not inside a longer name such as prov:wasDerivedFrom. Only characters
# that make them part of a name rule a match out ("{ ?s ?p ?o .SERVICE <x> {} }" is a SERVICE);
# a match inside a literal, an IRI or a comment only sends the query the slow way.
_REACHING_KEYWORD = re.compile(r"(?<![\w:-])(?:SERVICE|FROM)(?![\w:-])", re.IGNORECASE)
_QUICK_KINDS = {"SELECT": Kind.SOLUTIONS, "ASK": Kind.BOOLEAN, "CONSTRUCT": Kind.GRAPH, "DESCRIBE": Kind.GRAPH}


def _quick_check(text: str) -> CheckedQuery | None:
    """The checked query when its text cannot reach SERVICE or a dataset clause, else None."""
    if "\\" in text or _REACHING_KEYWORD.search(text):
        return None
    prefixes: dict[str, str] = {}
    at = _SKIP.match(text).end()
    while (decl := _PREFIX_DECL.match(text, at)) is not None:
        prefixes[decl.group(1)] = decl.group(2)
        at = _SKIP.match(text, decl.end()).end()
    form = _FORM.match(text, at)
    if form is None:
        return None
    return CheckedQuery(text, _QUICK_KINDS[form.group(1).upper()], prefixes={k: v for k, v in prefixes.items() if k})


def check_query(text: str, *, allow_service: bool, base_iri: str | None = None) -> CheckedQuery:
    """Parse ``text`` and refuse what the endpoint does not run; raises a 400 ProtocolError."""
    quick = _quick_check(text)
    if quick is not None:
        return quick
    try:
        with _PARSER_LOCK:
            parsed = parseQuery(text)
    except ParseException as exc:
        return _fallback(text, exc, allow_service, base_iri)
    try:
        prologue = translatePrologue(parsed[0], base_iri)
    except Exception as exc:  # noqa: BLE001 - rdflib raises plain Exception for a bad prologue
        raise ProtocolError(400, f"invalid query prologue: {exc}") from None
    query = parsed[1]
    if not allow_service and any(n.name == "ServiceGraphPattern" for n in _nodes(query)):
        raise ProtocolError(400, SERVICE_DISABLED)
    checked = CheckedQuery(text, _FORMS[query.name], prefixes=_declared_prefixes(parsed[0]))
    for clause in dict.get(query, "datasetClause") or []:
        if "default" in clause:
            checked.from_graphs = (checked.from_graphs or []) + [str(prologue.absolutize(clause["default"]))]
        else:
            checked.from_named = (checked.from_named or []) + [str(prologue.absolutize(clause["named"]))]
    if checked.has_dataset:
        # A query dataset replaces the default one wholly: FROM NAMED alone means an empty
        # default graph, FROM alone means no named graphs (SPARQL 1.1 Query, 13.2).
        checked.from_graphs = checked.from_graphs or []
        checked.from_named = checked.from_named or []
    return checked


def _declared_prefixes(prologue: Any) -> dict[str, str]:
    return {
        str(n["prefix"] or ""): str(n["iri"])
        for n in _nodes(prologue)
        if n.name == "PrefixDecl" and dict.get(n, "prefix")
    }


def _fallback(text: str, exc: ParseException, allow_service: bool, base_iri: str | None) -> CheckedQuery:
    """rdflib could not read ``text``: a syntax error, or syntax beyond SPARQL 1.1 (RDF-star …)."""
    if not allow_service and "service" in text.lower():
        # Oxigraph evaluates an ASK at once, so probing a query that may hold SERVICE could fetch.
        raise ProtocolError(400, f"syntax error at {_position(exc)}")
    message = _oxigraph_syntax_error(text, base_iri)
    if message is not None:
        raise ProtocolError(400, f"syntax error: {message}")
    # Oxigraph reads it and it holds no SERVICE: run it. Its FROM clauses stay unchecked (Oxigraph
    # never fetches them) and the result kind comes from a run over an empty store.
    result = ox.Store().query(text, base_iri=base_iri)
    kind = (
        Kind.SOLUTIONS
        if isinstance(result, ox.QuerySolutions)
        else Kind.BOOLEAN
        if isinstance(result, ox.QueryBoolean)
        else Kind.GRAPH
    )
    return CheckedQuery(text, kind)


def check_update(text: str, *, allow_service: bool, using_given: bool) -> CheckedUpdate:
    """Parse an update; refuse LOAD, SERVICE, and USING/WITH clashing with using-graph-uri."""
    try:
        with _PARSER_LOCK:
            parsed = parseUpdate(text)
    except ParseException as exc:
        raise ProtocolError(400, f"syntax error at {_position(exc)}") from None
    nodes = list(_nodes(parsed))
    if not allow_service:
        if any(n.name == "Load" for n in nodes):
            raise ProtocolError(400, LOAD_DISABLED)
        if any(n.name == "ServiceGraphPattern" for n in nodes):
            raise ProtocolError(400, SERVICE_DISABLED)
    names_dataset = any(n.name == "Modify" and (dict.get(n, "using") or dict.get(n, "withClause")) for n in nodes)
    if using_given and names_dataset:
        raise ProtocolError(
            400, "using-graph-uri/using-named-graph-uri cannot be combined with USING, USING NAMED or WITH"
        )
    return CheckedUpdate(text, names_dataset)
