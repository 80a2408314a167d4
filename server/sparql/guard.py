"""What a query may do, decided in the query worker before and while Oxigraph runs it.

Nothing here runs in the server process for a query: :mod:`.executor` sends the text to a forked
worker, which calls :func:`plan_query` and then evaluates, all under the request's deadline.

- **SERVICE** is refused by the evaluator itself: the worker cannot reach the network
  (:mod:`.confine`), so whatever Oxigraph's parser reads as a SERVICE fails to connect, and that
  failure is answered 400. No text test decides it.
- **The dataset** (FROM, FROM NAMED; the protocol's default-graph-uri and named-graph-uri
  override both) is always handed to Oxigraph explicitly, so Oxigraph's own reading of a FROM
  never chooses the graphs. pyoxigraph exposes neither the parsed algebra nor the query's
  dataset, so the dataset clause is read from rdflib's parse tree. rdflib costs 1-20 ms and
  more for a large query, so it reads only texts that can hold a dataset clause: the keyword
  FROM, in any case, or a codepoint escape that could spell it (a backslash). That is an exact
  necessary condition, not a guess at tokens: a query without the letters f-r-o-m and without a
  backslash has no FROM. A remote store evaluates elsewhere, where no confinement reaches, so
  there rdflib must read the whole query (:func:`check_remote`).
- **Nesting** deeper than ``max_query_nesting`` is refused before any parser sees the text:
  Oxigraph's recursive parser overflows its stack (and crashes the process) at a few thousand
  levels. The count skips strings and comments as SPARQL's lexer does; should a crafted text
  still reach the crash, it is the worker that dies and the client gets 503.
"""
from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from pyparsing import ParseException
from rdflib.plugins.sparql.algebra import translatePrologue
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from vetkg.ontology.vocab import PREFIXES as KNOWN_PREFIXES

from . import rdflib_fixes  # noqa: F401  (before the first parse)
from .data_update import read_data_update
from .errors import ProtocolError
from .formats import Kind
from .results import QueryJob

_FORMS = {
    "SelectQuery": Kind.SOLUTIONS,
    "AskQuery": Kind.BOOLEAN,
    "ConstructQuery": Kind.GRAPH,
    "DescribeQuery": Kind.GRAPH,
}
# rdflib's pyparsing grammar keeps state while it parses: two threads parsing at once corrupt each
# other's results ("<lambda>() missing 1 required positional argument"). Updates are parsed in the
# server (server/writes/update.py takes this lock too), queries in the threads of a query worker.
# A fork made while a server thread held the lock would leave the worker's copy locked for good,
# so every forked process starts with a new one (read at each parse, never imported by value
# where a worker parses).
PARSER_LOCK = threading.Lock()


def _new_parser_lock() -> None:
    global PARSER_LOCK
    PARSER_LOCK = threading.Lock()


os.register_at_fork(after_in_child=_new_parser_lock)
SERVICE_DISABLED = "SERVICE is disabled on this endpoint: it makes no requests to other servers"
LOAD_DISABLED = "LOAD is disabled on this endpoint: it makes no requests to other servers"


@dataclass
class CheckedUpdate:
    text: str
    names_dataset: bool  # has USING, USING NAMED or WITH
    # rdflib's parse tree of ``text``, or the quads of an update of only INSERT DATA and DELETE
    # DATA read by :mod:`.data_update`, handed on to the evaluation so that an update is parsed
    # once: pyparsing takes seconds per megabyte (server/writes/update.py)
    tree: Any = None


@dataclass
class RemotePlan:
    """A query read whole by rdflib, for a store that evaluates it elsewhere."""

    kind: Kind
    from_graphs: list[str] | None = None
    from_named: list[str] | None = None
    prefixes: dict[str, str] = field(default_factory=dict)


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


# ------------------------------------------------------------------------------------ nesting

# SPARQL's strings (long ones first) and comments, whose brackets are text, not structure. IRIs
# are not skipped: '<' is also less-than, and an IRI's brackets are counted like any others.
_NOT_STRUCTURE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n\r]|\\.)*"'
    r"|'(?:[^'\\\n\r]|\\.)*'"
    r"|#[^\n\r]*",
    re.DOTALL,
)
_BRACKETS = re.compile(r"[{(\[]|[})\]]")
_OPENERS = frozenset("{([")


def nesting_depth(text: str) -> int:
    """How deep brackets nest in ``text``, strings and comments left out."""
    return _depth(_NOT_STRUCTURE.sub(" ", text))


def _depth(text: str) -> int:
    depth = deepest = 0
    for match in _BRACKETS.finditer(text):
        if match.group() in _OPENERS:
            depth += 1
            if depth > deepest:
                deepest = depth
        elif depth:
            depth -= 1
    return deepest


def check_nesting(text: str, limit: int) -> None:
    """Refuse ``text`` nesting deeper than ``limit`` (0: no limit); raises a 400 ProtocolError."""
    if limit <= 0 or sum(text.count(c) for c in _OPENERS) <= limit:
        return  # no deeper than its brackets are many: nothing to scan
    if (depth := nesting_depth(text)) > limit:
        raise ProtocolError(400, f"the query nests {depth} levels deep; this endpoint reads at most {limit}")


# ------------------------------------------------------------------------------------ dataset


def may_reach_out(text: str) -> bool:
    """False only when ``text`` can hold neither FROM nor SERVICE: neither word in any case,
    and no escape sequence that could spell one."""
    if "\\" in text:
        return True
    lowered = text.lower()
    return "from" in lowered or "service" in lowered


def _dataset_clauses(query: Any, prologue: Any) -> tuple[list[str] | None, list[str] | None]:
    default: list[str] | None = None
    named: list[str] | None = None
    for clause in dict.get(query, "datasetClause") or []:
        if "default" in clause:
            default = (default or []) + [str(prologue.absolutize(clause["default"]))]
        else:
            named = (named or []) + [str(prologue.absolutize(clause["named"]))]
    if default is None and named is None:
        return None, None
    # A query dataset replaces the default one wholly: FROM NAMED alone means an empty default
    # graph, FROM alone means no named graphs (SPARQL 1.1 Query, 13.2).
    return default or [], named or []


def _parse(text: str, base_iri: str | None) -> tuple[Any, Any, Any]:
    """(prologue tree, query tree, prologue) from rdflib; raises ParseException or RecursionError."""
    with PARSER_LOCK:
        parsed = parseQuery(text)
    try:
        prologue = translatePrologue(parsed[0], base_iri)
    except Exception as exc:
        raise ProtocolError(400, f"invalid query prologue: {exc}") from None
    return parsed[0], parsed[1], prologue


_CACHED_TEXT = 16_384  # longer texts are rarely sent twice, and 256 of them would fill the worker
_DATASETS: dict[tuple[str, str | None], tuple[bool, list[str] | None, list[str] | None]] = {}


def read_reach(text: str, base_iri: str | None) -> tuple[bool, list[str] | None, list[str] | None] | None:
    """(has SERVICE, FROM, FROM NAMED) of ``text`` (None, None when it has no dataset clause),
    or None when rdflib cannot read it. Kept per text: a worker sees the same example queries
    again and again."""
    key = (text, base_iri)
    if key in _DATASETS:
        return _DATASETS[key]
    try:
        _, query, prologue = _parse(text, base_iri)
    except (ParseException, RecursionError):
        return None
    found = (any(n.name == "ServiceGraphPattern" for n in _nodes(query)), *_dataset_clauses(query, prologue))
    if len(text) <= _CACHED_TEXT:
        if len(_DATASETS) >= 256:
            _DATASETS.clear()
        _DATASETS[key] = found
    return found


def plan_query(job: QueryJob, known_graphs: Callable[[], list[str]]) -> QueryJob:
    """``job`` with the dataset it runs over: protocol parameters, else FROM clauses, else the
    union (or the store's default graph). Raises a 400 ProtocolError for a graph the store
    lacks, unless the job allows those. Runs in the worker."""
    check_nesting(job.text, job.max_nesting)
    default: list[str] | None = None
    named: list[str] | None = None
    if may_reach_out(job.text):
        from .known_prefixes import missing_declarations  # it imports this module

        found = read_reach(missing_declarations(job.text) + job.text, job.base_iri)
        if found is None:
            raise Unreadable()
        has_service, default, named = found
        if has_service and not job.allow_service:
            raise ProtocolError(400, SERVICE_DISABLED)
    if job.default_graphs is not None or job.named_graphs is not None:
        # The protocol's dataset overrides the query's (SPARQL 1.1 Protocol, 2.1.4).
        default, named = job.default_graphs or [], job.named_graphs or []
    if default is None or named is None:
        if job.default_graphs is None and job.named_graphs is None:
            return job
        return replace(job, default_graphs=None, named_graphs=None)
    if not (job.allow_unknown_graphs or job.allow_service):
        check_known(default + named, known_graphs())
    return replace(job, union_default_graph=False, default_graphs=default, named_graphs=named)


UNREADABLE = (
    "this query mentions FROM or SERVICE (or holds an escape sequence) and uses syntax past "
    "SPARQL 1.1; this endpoint reads datasets and SERVICE only in SPARQL 1.1: give graphs as "
    "default-graph-uri / named-graph-uri, or spell keywords without \\u escapes"
)


class Unreadable(ProtocolError):
    """rdflib cannot read a text that may hold FROM or SERVICE: a syntax error, or syntax past
    SPARQL 1.1. The worker asks Oxigraph first, whose message is the better one for a syntax
    error; a text Oxigraph reads gets this refusal, since its FROM and SERVICE are unknown."""

    def __init__(self) -> None:
        super().__init__(400, UNREADABLE)


def check_known(iris: list[str], known: list[str]) -> None:
    have = set(known)
    for iri in iris:
        if iri not in have:
            raise ProtocolError(400, f"graph <{iri}> is not in this store; the endpoint does not fetch graphs from elsewhere")


def check_remote(text: str, *, allow_service: bool, base_iri: str | None, max_nesting: int = 0) -> RemotePlan:
    """Read a query for a remote store whole with rdflib: its form, dataset and prefixes, and
    refuse SERVICE. A query rdflib cannot read is refused: the remote server's parser is
    unknown, so nothing unread is sent to it."""
    check_nesting(text, max_nesting)
    try:
        prologue_tree, query, prologue = _parse(text, base_iri)
    except ParseException as exc:
        raise ProtocolError(400, f"syntax error at {_position(exc)}") from None
    except RecursionError:
        raise ProtocolError(400, "the query nests too deeply to be read") from None
    if not allow_service and any(n.name == "ServiceGraphPattern" for n in _nodes(query)):
        raise ProtocolError(400, SERVICE_DISABLED)
    default, named = _dataset_clauses(query, prologue)
    prefixes = {
        str(n["prefix"]): str(n["iri"]) for n in _nodes(prologue_tree) if n.name == "PrefixDecl" and dict.get(n, "prefix")
    }
    return RemotePlan(_FORMS[query.name], default, named, prefixes)


# ------------------------------------------------------------------------------------ messages

_PNAME = re.compile(r"(?<![\w.\-:?$\\])([A-Za-z\u00C0-\U000EFFFF](?:[\w.\-]*[\w\-])?)?:")
_DECLARED = re.compile(r"PREFIX\s+([^\s:<>#]*):", re.IGNORECASE)
_IRI = re.compile(r"<[^<>\"{}|^`\\\s]*>")


# IRIs, strings and comments in one pass, so that whichever starts first hides the others: the
# '#' of <http://e/ns#> opens no comment, and a '<' inside a string opens no IRI.
_NOT_NAMES = re.compile(_IRI.pattern + "|" + _NOT_STRUCTURE.pattern, re.DOTALL)


def undeclared_prefixes(text: str) -> list[str]:
    """Prefixes used in ``text`` and never declared, in order of use (for the error message,
    and for :mod:`.known_prefixes`)."""
    plain = _NOT_NAMES.sub(" ", text)
    declared = set(_DECLARED.findall(plain))
    found: list[str] = []
    for match in _PNAME.finditer(plain):
        name = match.group(1) or ""
        if name.upper() == "PREFIX" or name in declared or name in found:
            continue
        found.append(name)
    return found


_AT = re.compile(r"^error at (\d+):(\d+): ")


def syntax_message(message: str, text: str, shift: int = 0) -> str:
    """Oxigraph's syntax error as one sentence in English and one in Chinese, with the line and
    column of ``text`` (``shift`` characters were put before its first line): an undeclared
    prefix named with the ones this endpoint knows, the lists of Unicode ranges Oxigraph
    expects left out."""
    where_en = where_zh = ""
    if (at := _AT.match(message)) is not None:
        line, column = int(at.group(1)), int(at.group(2))
        if line == 1:
            column = max(1, column - shift)
        where_en, where_zh = f" at line {line}, column {column} ({line}:{column})", f"第 {line} 行第 {column} 列"
        message = message[at.end():]
    missing = [name for name in undeclared_prefixes(text) if name not in KNOWN_PREFIXES]
    if missing:
        # the known ones were declared for the query (known_prefixes.py): an unknown one is the fault
        name = missing[0]
        known = ", ".join(f"{p}:" for p in KNOWN_PREFIXES)
        return (f"syntax error{where_en}: prefix {name}: is not declared; declare it with PREFIX {name}: <…> "
                f"(this endpoint declares {known} by itself). "
                f"查询语法错误（{where_zh or '前缀'}）：前缀 {name}: 未声明，请加上 PREFIX {name}: <…>。")
    detail = _short(message).rstrip(".")
    return f"syntax error{where_en}: {detail}. 查询语法错误（{where_zh or '位置不明'}）：{detail}。"


def _short(message: str) -> str:
    head, sep, expected = message.partition("expected one of ")
    if sep:
        items = [item.strip() for item in _split_top(expected) if not item.strip().startswith("[")]
        items = [i for i in items if i and i != "Prefix not found"]
        shown = ", ".join(items[:12]) + (", …" if len(items) > 12 else "")
        message = f"{head}expected one of {shown}" if items else head + "unexpected character"
    message = " ".join(message.split())
    return message if len(message) <= 300 else message[:300].rstrip() + " …"


def _split_top(listing: str) -> list[str]:
    """Split Oxigraph's comma-separated list of expected tokens, commas inside [...] kept."""
    items, depth, start = [], 0, 0
    for i, ch in enumerate(listing):
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth = max(0, depth - 1)
        elif ch == "," and depth == 0:
            items.append(listing[start:i])
            start = i + 1
    items.append(listing[start:])
    return items


# ------------------------------------------------------------------------------------ updates


def check_update(text: str, *, allow_service: bool, using_given: bool) -> CheckedUpdate:
    """Parse an update; refuse LOAD, SERVICE, and USING/WITH clashing with using-graph-uri."""
    data = read_data_update(text)
    if data is not None:
        return CheckedUpdate(text, False, data)  # no LOAD, SERVICE, USING or WITH in data
    try:
        with PARSER_LOCK:
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
    return CheckedUpdate(text, names_dataset, parsed)
