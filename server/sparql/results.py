"""Evaluating one query over a store and writing its result, capped at ``max_rows``.

This runs inside the query worker process (see :mod:`.executor`), so everything it returns is
plain bytes and flags. pyoxigraph serialises every format; a capped SELECT result is first laid
out as SPARQL JSON (a list of bindings cannot be handed back to pyoxigraph otherwise) and, for
the other formats, read back with ``parse_query_results`` and written by pyoxigraph.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import islice
from json.encoder import encode_basestring
from typing import Any

import pyoxigraph as ox
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from vetkg.store import Store, formats

from .formats import Format, Kind, choose

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


@dataclass(frozen=True)
class QueryJob:
    """Everything the worker needs: picklable, no request or store inside.

    ``kind`` and ``fmt`` may be left None: the worker then takes the kind from Oxigraph's
    result and chooses the format from ``accept`` (the request's Accept header) and
    ``format_name`` (its ``format=``). The dataset fields start as the protocol's
    default-graph-uri / named-graph-uri (None: not given) and are settled in the worker
    (:func:`.guard.plan_query`), where the policy fields are read.
    """

    text: str
    kind: Kind | None
    fmt: Format | None
    max_rows: int
    union_default_graph: bool = True
    default_graphs: list[str] | None = None
    named_graphs: list[str] | None = None
    prefixes: dict[str, str] = field(default_factory=dict)
    base_iri: str | None = None  # relative IRIs resolve against the endpoint (SPARQL Protocol 2.1.4)
    accept: str = ""
    format_name: str | tuple[str, ...] | None = None  # format= (given more than once: a tuple)
    allow_service: bool = False
    allow_unknown_graphs: bool = False
    max_nesting: int = 0  # 0: no limit
    memory_mb: int = 0  # per-query memory budget in the worker; 0: none


@dataclass(frozen=True)
class QueryOutcome:
    body: bytes
    truncated: bool = False
    rows: int = 0  # solutions or triples written; 0 for ASK
    content_type: str = ""
    seconds: float = 0.0  # the worker's time on it: reading, evaluating, writing the result

    @property
    def nbytes(self) -> int:
        """What the outcome takes in a cache, roughly."""
        return len(self.body) + len(self.content_type)


def kind_of(result: Any) -> Kind:
    if isinstance(result, ox.QueryBoolean):
        return Kind.BOOLEAN
    if isinstance(result, ox.QuerySolutions):
        return Kind.SOLUTIONS
    return Kind.GRAPH


def format_for(job: QueryJob, kind: Kind) -> Format:
    """The job's format, or the one its Accept and format= choose for a ``kind`` result."""
    if job.fmt is not None:
        return job.fmt
    return _negotiated(kind, job.accept, job.format_name, formats.generation())


@lru_cache(maxsize=256)
def _negotiated(kind: Kind, accept: str, format_name: str | tuple[str, ...] | None, generation: int) -> Format:
    # Clients send the same few Accept headers again and again; matching one costs more than
    # evaluating ASK {}. ``generation`` keys the cache on the registry's contents.
    return choose(kind, parse_accept_header(accept, MIMEAccept), format_name)


def term_json(term: Any) -> dict[str, Any]:
    """A term as a SPARQL 1.1 JSON results binding (with the RDF-star triple form)."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value not in (_XSD_STRING, _RDF_LANG_STRING):
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": term_json(term.subject),
                "predicate": term_json(term.predicate),
                "object": term_json(term.object),
            },
        }
    raise TypeError(f"not an RDF term: {term!r}")


def _solutions(result: ox.QuerySolutions, job: QueryJob, fmt: Format) -> QueryOutcome:
    names = [v.value for v in result.variables]
    rows = list(islice(result, job.max_rows + 1))
    truncated = len(rows) > job.max_rows
    rows = rows[: job.max_rows]
    data = _solutions_json(names, rows)
    if fmt.results == ox.QueryResultsFormat.JSON and fmt.results_writer is None:
        # The cap is said in the response headers (X-VetKG-Truncated), never in the document:
        # a key outside SPARQL JSON's makes strict parsers (pyoxigraph's) refuse it.
        return QueryOutcome(data, truncated, len(rows))
    again = ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
    return QueryOutcome(fmt.serialize_results(again), truncated, len(rows))


def term_json_text(term: Any) -> str:
    """``json.dumps(term_json(term), ensure_ascii=False)``, the same text, written directly:
    json.dumps builds an encoder and walks a dict for every term, three quarters of the time
    a SELECT's JSON took (200 rows of two columns: 0.95 ms)."""
    if isinstance(term, ox.NamedNode):
        return '{"type": "uri", "value": ' + encode_basestring(term.value) + "}"
    if isinstance(term, ox.Literal):
        value = encode_basestring(term.value)
        if term.language:
            return '{"type": "literal", "value": ' + value + ', "xml:lang": ' + encode_basestring(term.language) + "}"
        datatype = term.datatype.value
        if datatype in (_XSD_STRING, _RDF_LANG_STRING):
            return '{"type": "literal", "value": ' + value + "}"
        return '{"type": "literal", "value": ' + value + ', "datatype": ' + encode_basestring(datatype) + "}"
    if isinstance(term, ox.BlankNode):
        return '{"type": "bnode", "value": ' + encode_basestring(term.value) + "}"
    return json.dumps(term_json(term), ensure_ascii=False)  # a triple (RDF-star): rare


def _solutions_json(names: list[str], rows: list[ox.QuerySolution]) -> bytes:
    """SPARQL JSON of ``rows``, written as text: the same term recurs row after row, so each
    is encoded once (this is about twice as fast as json.dumps of the whole document)."""
    keys = [json.dumps(name, ensure_ascii=False) + ":" for name in names]
    columns = range(len(names))
    encoded: dict[Any, str] = {}
    bindings = []
    for row in rows:
        items = []
        for i in columns:
            term = row[i]
            if term is None:
                continue
            text = encoded.get(term)
            if text is None:
                text = encoded[term] = term_json_text(term)
            items.append(keys[i] + text)
        bindings.append("{" + ",".join(items) + "}")
    head = json.dumps({"vars": names}, ensure_ascii=False)
    return ('{"head":' + head + ',"results":{"bindings":[' + ",".join(bindings) + "]}}").encode("utf-8")


_SKIP = re.compile(r"(?:\s+|#[^\n\r]*)*")
_PREFIX_DECL = re.compile(r"PREFIX\s+([^\s:<>#]*):\s*<([^<>\"{}|^`\\\s]*)>", re.IGNORECASE)
_BASE_DECL = re.compile(r"BASE\s*<[^<>\"{}|^`\\\s]*>", re.IGNORECASE)


def _skipped(text: str, at: int) -> int:
    """Where the blanks and comments from ``at`` end."""
    skip = _SKIP.match(text, at)
    assert skip is not None  # the pattern matches ""
    return skip.end()


def declared_prefixes(text: str) -> dict[str, str]:
    """The named PREFIX declarations of the prologue, to write a CONSTRUCT result with them.
    Presentation only: the query itself is read by Oxigraph; this reads no further than the
    prologue."""
    prefixes: dict[str, str] = {}
    at = _skipped(text, 0)
    while True:
        if (decl := _PREFIX_DECL.match(text, at)) is not None:
            if decl.group(1):
                prefixes[decl.group(1)] = decl.group(2)
        elif (decl := _BASE_DECL.match(text, at)) is None:
            return prefixes
        at = _skipped(text, decl.end())


def _graph(result: ox.QueryTriples, job: QueryJob, fmt: Format) -> QueryOutcome:
    triples = list(islice(result, job.max_rows + 1))
    truncated = len(triples) > job.max_rows
    triples = triples[: job.max_rows]
    body = fmt.serialize(triples, job.prefixes or declared_prefixes(based_text(job)[0]))
    return QueryOutcome(body, truncated, len(triples))


def based_text(job: QueryJob) -> tuple[str, int]:
    """The text given to the store, and how many characters were put before the first line.

    The store API takes no base IRI, so it goes in front of the query, on the same line so
    error positions keep their line numbers; a BASE in the query itself still overrides it.
    So do the known prefixes the query uses without declaring them (:mod:`.known_prefixes`)."""
    from .known_prefixes import missing_declarations  # guard imports this module

    head = (f"BASE <{job.base_iri}> " if job.base_iri else "") + missing_declarations(job.text)
    return head + job.text, len(head)


def evaluate(store: Store, job: QueryJob) -> QueryOutcome:
    """Run ``job`` on ``store``; pyoxigraph's SyntaxError and OSError pass through, and a 406
    ProtocolError when no acceptable format holds the result."""
    text, _ = based_text(job)
    result = store.query(
        text,
        union_default_graph=job.union_default_graph,
        default_graphs=job.default_graphs,
        named_graphs=job.named_graphs,
    )
    fmt = format_for(job, kind_of(result))
    if isinstance(result, ox.QueryBoolean):
        return QueryOutcome(fmt.serialize_results(result), content_type=fmt.content_type)
    if isinstance(result, ox.QuerySolutions):
        outcome = _solutions(result, job, fmt)
    else:
        outcome = _graph(result, job, fmt)
    return replace(outcome, content_type=fmt.content_type)
