"""Reading a SPARQL 1.1 Protocol request: which operation, which dataset, which limits.

The rules are those of the W3C protocol (sections 2.1 and 2.2): a query by GET, by URL-encoded
POST or by direct POST; an update only by POST; the text once; dataset IRIs repeatable (and
``format=``, as SPARQLWrapper repeats it; ``output=``, Fuseki's name for it, is read as the same
parameter). Every breach is a 400 naming the problem.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox
from flask import Request
from werkzeug.datastructures import MultiDict

from ..sparql.errors import ProtocolError

FORM = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"
QUERY_DATASET = ("default-graph-uri", "named-graph-uri")
UPDATE_DATASET = ("using-graph-uri", "using-named-graph-uri")


@dataclass
class Operation:
    """One request, read: a query, an update, or neither (a service description request)."""

    query: str | None = None
    update: str | None = None
    default_graphs: list[str] = field(default_factory=list)  # default-graph-uri / using-graph-uri
    named_graphs: list[str] = field(default_factory=list)  # named-graph-uri / using-named-graph-uri
    # format= values, in their order: a client may repeat it if the values agree (checked by
    # vetkg.server.sparql.formats, which knows what the names mean).
    formats: tuple[str, ...] = ()
    timeout: float | None = None

    @property
    def has_dataset(self) -> bool:
        return bool(self.default_graphs or self.named_graphs)


def _charset_ok(request: Request) -> None:
    charset = request.mimetype_params.get("charset")
    if charset and charset.replace("_", "-").lower() not in ("utf-8", "utf8"):
        raise ProtocolError(400, f"unsupported charset {charset!r}: SPARQL requests must be UTF-8")


def _body_text(request: Request) -> str:
    _charset_ok(request)
    try:
        return request.get_data(cache=True).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError(400, f"the request body is not valid UTF-8 ({exc.reason} at byte {exc.start})") from None


def _single(params: MultiDict, name: str) -> str | None:
    values = params.getlist(name)
    if len(values) > 1:
        raise ProtocolError(400, f"the {name} parameter is given {len(values)} times; give it once")
    return values[0] if values else None


def _iris(params: MultiDict, name: str) -> list[str]:
    iris = params.getlist(name)
    for iri in iris:
        try:
            ox.NamedNode(iri)
        except ValueError as exc:
            raise ProtocolError(400, f"{name}: {iri!r} is not an absolute IRI ({exc})") from None
    return iris


def _timeout(raw: str | None, ceiling: float) -> float:
    if raw is None or raw == "":
        return ceiling
    try:
        seconds = float(raw)
    except ValueError:
        raise ProtocolError(400, f"timeout must be a number of seconds, not {raw!r}") from None
    if not seconds > 0 or seconds != seconds:
        raise ProtocolError(400, f"timeout must be a positive number of seconds, not {raw!r}")
    # A client may shorten its own query, never lengthen it past the server's limit.
    return min(seconds, ceiling)


def _too_large(size: int, limit: int) -> ProtocolError:
    return ProtocolError(
        413, f"the query is {size} bytes; this endpoint takes queries of at most {limit} bytes (max_query_bytes)"
    )


def read_operation(request: Request, max_timeout: float, max_query_bytes: int = 0) -> Operation:
    """The operation ``request`` asks for; raises a 400 ProtocolError when it breaks the protocol,
    413 for a query longer than ``max_query_bytes`` (0: no limit)."""
    url = request.args
    if request.method == "GET":
        if "update" in url:
            raise ProtocolError(400, "updates must be sent by POST, not GET")
        params = url
        op = Operation(query=_single(url, "query"))
    elif request.method == "POST":
        mimetype = request.mimetype
        if mimetype == FORM:
            _charset_ok(request)
            form = request.form
            for name in ("query", "update"):
                if name in url and name in form:
                    raise ProtocolError(400, f"the {name} is given both in the URL and in the body")
            # Other parameters (the dataset, format, timeout) may sit in the URL or the body.
            params = MultiDict(list(url.items(multi=True)) + list(form.items(multi=True)))
            op = Operation(query=_single(params, "query"), update=_single(params, "update"))
        elif mimetype == QUERY_TYPE:
            if "query" in url or "update" in url:
                raise ProtocolError(400, "a direct POST carries the query in its body; drop the query/update parameter")
            params = url
            if max_query_bytes and (request.content_length or 0) > max_query_bytes:
                raise _too_large(request.content_length or 0, max_query_bytes)  # never read
            op = Operation(query=_body_text(request))
        elif mimetype == UPDATE_TYPE:
            if "query" in url or "update" in url:
                raise ProtocolError(400, "a direct POST carries the update in its body; drop the query/update parameter")
            params = url
            op = Operation(update=_body_text(request))
        else:
            shown = mimetype or "none"
            raise ProtocolError(
                400, f"unsupported Content-Type {shown!r}: use {FORM}, {QUERY_TYPE} or {UPDATE_TYPE}"
            )
    else:  # the route admits GET and POST only; kept so the function is total
        raise ProtocolError(405, f"method {request.method} is not allowed; use GET or POST", {"Allow": "GET, POST"})

    if op.query is not None and max_query_bytes and len(op.query) > max_query_bytes // 4:
        if (size := len(op.query.encode("utf-8"))) > max_query_bytes:
            raise _too_large(size, max_query_bytes)
    if op.query is not None and op.update is not None:
        raise ProtocolError(400, "a request carries a query or an update, not both")
    if op.query is not None and not op.query.strip():
        raise ProtocolError(400, "the query is empty")
    if op.update is not None and not op.update.strip():
        raise ProtocolError(400, "the update is empty")
    if request.method == "POST" and op.query is None and op.update is None:
        raise ProtocolError(400, "no query: send it as the query parameter or as an application/sparql-query body")

    mine, theirs = (UPDATE_DATASET, QUERY_DATASET) if op.update is not None else (QUERY_DATASET, UPDATE_DATASET)
    for name in theirs:
        if name in params:
            what = "an update" if op.update is not None else "a query"
            raise ProtocolError(400, f"{name} does not apply to {what}; use {' or '.join(mine)}")
    op.default_graphs = _iris(params, mine[0])
    op.named_graphs = _iris(params, mine[1])
    # Fuseki reads output= as format=: scripts written against it send output=json.
    op.formats = tuple(params.getlist("format")) + tuple(params.getlist("output"))
    op.timeout = _timeout(_single(params, "timeout"), max_timeout)
    return op
