"""A store that is an existing SPARQL 1.1 Query + Update server, reached over HTTP.

Results are turned into pyoxigraph objects (QuerySolutions, QueryBoolean, QueryTriples, Quads) so
the endpoint, the pages and validation run unchanged over it. What the server decides stays the
server's: which graph a query without FROM reads (the union of the named graphs on Virtuoso and
GraphDB, Fuseki only with ``unionDefaultGraph``), how long a query may run, how many rows it
returns, and whether one update request is one transaction (on Virtuoso it is not: see
:meth:`RemoteSparqlStore.replace_graphs`).

Tested against Virtuoso Open Source 7.2 from Debian; its quirks are handled here, each where it
arises, so that the same code serves Fuseki, GraphDB or QLever:

* a query POSTed as ``application/sparql-query`` gets no answer from Virtuoso 7.2, so queries are
  sent as an HTML form (``query=``), which every SPARQL 1.1 server accepts;
* its JSON results use SPARQL 1.0's ``typed-literal``, blank-node ids like ``nodeID://b10000``
  and ``"1"`` for ``xsd:boolean`` true; they are mended before pyoxigraph reads them;
* it refuses blank nodes in ``INSERT DATA``, so triples with blank nodes are written with
  ``INSERT { … } WHERE {}``, one template per graph so each blank node stays one node;
* its own graphs (``virtrdf#``, ``ldp#``, …) are not vetkg's and are left out of ``graphs()``.
"""
from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import islice
from typing import IO, Any
from urllib.parse import urlsplit, urlunsplit

import pyoxigraph as ox
import requests
import requests.auth

from .base import Store, StoreError, StoreRefused, StoreTimeout
from .sparql_commit import RemoteBackend
from .terms import has_blank

# Graphs a server keeps for itself. Virtuoso holds its schema mappings, the LDP vocabulary and the
# endpoint's own description in these; none of them is vetkg data.
SYSTEM_GRAPH_PREFIXES: tuple[str, ...] = (
    "http://www.openlinksw.com/",
    "http://localuriqaserver/",
    "http://www.w3.org/ns/ldp#",
    "virtrdf:",
)

_XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
# No graph is ever written under this IRI: naming it as the only default graph gives an empty one.
_EMPTY_GRAPH = "urn:x-vetkg:empty-default-graph"
_PROLOGUE = re.compile(r"(?:\s+|#[^\n]*|BASE\s*<[^>]*>|PREFIX\s*[^\s:<]*:\s*<[^>]*>)*", re.IGNORECASE)
_FORM = re.compile(r"[A-Za-z]+")
_BNODE_UNSAFE = re.compile(r"[^A-Za-z0-9_]")


def query_form(sparql: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first keyword after the prologue."""
    prologue = _PROLOGUE.match(sparql)
    assert prologue is not None  # every part of the pattern is optional: it matches ""
    rest = sparql[prologue.end():]
    word = _FORM.match(rest)
    form = word.group(0).upper() if word else ""
    if form not in {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}:
        raise StoreRefused(f"not a SPARQL query (it starts with {rest[:20]!r})")
    return form


def _server_message(body: bytes, reason: str) -> str:
    """The server's error as one line: Virtuoso appends the whole query after a blank line."""
    text = body.decode("utf-8", "replace").split("\n\nSPARQL query:", 1)[0]
    if text.lstrip().startswith("<"):
        # An HTML error page (a wrong path, a proxy): its words without the markup.
        text = re.sub(r"<(title|head)>.*?</\1>|<[^>]+>", " ", text, flags=re.S | re.I)
    text = " ".join(text.split()) or reason or "no message"
    return text if len(text) <= 500 else text[:497] + "…"


def _mend_term(term: dict[str, Any]) -> dict[str, Any]:
    kind = term.get("type")
    if kind == "typed-literal":
        term = {**term, "type": "literal"}
        kind = "literal"
    if kind == "bnode":
        # A valid, stable label: Virtuoso's id is the same in every answer for the same node.
        term = {**term, "value": _BNODE_UNSAFE.sub("_", term["value"])}
    elif kind == "literal" and term.get("datatype") == _XSD_BOOLEAN and term["value"] in ("0", "1"):
        # The same value in its canonical lexical form, as N-Triples and Oxigraph write it.
        term = {**term, "value": "true" if term["value"] == "1" else "false"}
    elif kind == "literal" and term.get("datatype") == _XSD_STRING:
        term = {k: v for k, v in term.items() if k != "datatype"}
    return term


def parse_json_results(data: bytes) -> Any:
    """SPARQL JSON results from any server as pyoxigraph QuerySolutions or QueryBoolean."""
    try:
        doc = json.loads(data)
    except ValueError as exc:
        raise StoreError(f"the SPARQL store sent results that are not JSON: {exc}") from exc
    if "boolean" not in doc:
        head = doc.get("head", {})
        doc = {
            "head": {"vars": head.get("vars", [])},
            "results": {
                "bindings": [
                    {name: _mend_term(term) for name, term in row.items()}
                    for row in doc.get("results", {}).get("bindings", [])
                ]
            },
        }
    else:
        doc = {"head": {}, "boolean": bool(doc["boolean"])}
    return ox.parse_query_results(json.dumps(doc).encode("utf-8"), format=ox.QueryResultsFormat.JSON)


def _as_query_triples(triples: list[ox.Triple]) -> ox.QueryTriples:
    # pyoxigraph builds QueryTriples only from a query; a throw-away in-memory store gives the
    # same type the embedded store returns, so results.py writes both alike.
    scratch = ox.Store()
    scratch.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    result = scratch.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert isinstance(result, ox.QueryTriples)  # a CONSTRUCT query
    return result


def shown_url(url: str) -> str:
    """``url`` as it may be printed: a password in it becomes ``***``."""
    try:
        parts = urlsplit(url)
        if parts.password is None:
            return url
        host = parts.netloc.rpartition("@")[2]
        return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))
    except ValueError:  # not even a URL: show nothing of what might be a secret
        return "<the configured URL>"


class BearerAuth(requests.auth.AuthBase):
    """``Authorization: Bearer <token>`` on every request of a session."""

    def __init__(self, token: str) -> None:
        self.token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self.token}"
        return request


def credentials_auth(user: str, token: str) -> Any:
    """What requests sends for ``user`` and ``token``: Basic with both, Bearer with a token
    alone, nothing (so credentials in the URL apply) without one."""
    if user and token:
        return requests.auth.HTTPBasicAuth(user, token)
    if token:
        return BearerAuth(token)
    if user:
        raise StoreError("store_user is set without store_token: Basic auth needs the token as its password")
    return None


def _triple_text(triple: ox.Triple) -> str:
    return f"{triple.subject} {triple.predicate} {triple.object} ."


class RemoteSparqlStore(Store):
    """The SPARQL 1.1 server at ``url`` (queries) and ``update_url`` (updates).

    ``timeout`` bounds every request; the endpoint narrows it per query with :meth:`deadline`.
    ``auth`` is anything requests takes (``("user", "pw")`` for Basic, ``HTTPDigestAuth`` for
    Virtuoso's ``/sparql-auth``); ``token`` is sent as ``Authorization: Bearer`` instead, or as
    Basic auth's password when ``user`` is given too (a vetkg server takes either, with the
    token's name as user); credentials in the URL are used as Basic auth. Updates are
    split into requests of at most ``max_update_bytes`` and INSERT DATA operations of at most
    ``chunk_triples`` triples; graphs are read ``page_size`` triples at a time.
    """

    enforces_deadlines = True

    def __init__(
        self,
        url: str,
        update_url: str = "",
        timeout: float = 300.0,
        auth: Any = None,
        token: str = "",
        user: str = "",
        read_only: bool = False,
        chunk_triples: int = 2000,
        max_update_bytes: int = 4_000_000,
        page_size: int = 10000,
        system_graph_prefixes: Iterable[str] = SYSTEM_GRAPH_PREFIXES,
        **_: Any,
    ) -> None:
        if not url:
            raise StoreError("store = \"sparql\" needs store_url, the server's SPARQL query endpoint")
        if not url.startswith(("http://", "https://")):
            raise StoreError(f"store_url must be an http(s) URL, not {shown_url(url)!r}")
        self.url = url
        self.update_url = update_url or url
        self.timeout = timeout
        self.auth = auth if auth is not None else credentials_auth(user, token)
        self.read_only = read_only
        self.chunk_triples = chunk_triples
        self.max_update_bytes = max_update_bytes
        self.page_size = page_size
        self.system_graph_prefixes = tuple(system_graph_prefixes)
        # A Session is not documented as thread-safe and waitress serves from several threads.
        self._local = threading.local()
        # Asked once on opening, so a wrong URL or a server that is down ends the command before
        # any work is done, with the reason in one line.
        self.query("ASK {}")

    # -- HTTP ------------------------------------------------------------------------------------

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.auth = self.auth
            session.headers["User-Agent"] = "vetkg"
            self._local.session = session
        return session

    def write_backend(self, base_iri: str) -> RemoteBackend:
        return RemoteBackend(self, base_iri)

    @contextmanager
    def deadline(self, seconds: float) -> Iterator[None]:
        previous = getattr(self._local, "deadline", None)
        self._local.deadline = time.monotonic() + seconds
        try:
            yield
        finally:
            self._local.deadline = previous

    def _post(self, url: str, *, data: Any, headers: dict[str, str], what: str) -> bytes:
        try:
            return self._send(url, data=data, headers=headers, what=what)
        except StoreError as exc:
            # Messages name the URL; credentials in it are used, never printed or logged.
            password = urlsplit(url).password
            if password and password in str(exc):
                raise type(exc)(str(exc).replace(password, "***")) from None
            raise

    def _send(self, url: str, *, data: Any, headers: dict[str, str], what: str) -> bytes:
        shown = shown_url(url)
        limit = getattr(self._local, "deadline", None)
        budget = self.timeout if limit is None else min(self.timeout, limit - time.monotonic())
        if budget <= 0:
            raise StoreTimeout(f"{what} ran out of time before it was sent")
        stop = time.monotonic() + budget
        try:
            # The read timeout bounds each wait for bytes; the loop below bounds the whole answer.
            with self._session().post(url, data=data, headers=headers, timeout=(min(10.0, budget), budget), stream=True) as response:
                body = bytearray()
                for chunk in response.iter_content(65536):
                    body += chunk
                    if time.monotonic() > stop:
                        raise StoreTimeout(f"{what} took longer than {budget:g} s")
                if response.status_code >= 400:
                    message = (f"the SPARQL store at {shown} answered {response.status_code} to {what}: "
                               f"{_server_message(bytes(body), response.reason)}")
                    if response.status_code in (400, 405, 406, 414, 415):
                        raise StoreRefused(message)
                    if response.status_code in (401, 403):
                        raise StoreError(message + " (check the store's credentials and its update permission)")
                    raise StoreError(message)
                return bytes(body)
        except requests.Timeout as exc:
            raise StoreTimeout(f"{what} took longer than {budget:g} s") from exc
        except requests.ConnectionError as exc:
            # requests nests the socket error three deep; the errno text is what a person needs.
            found = re.search(r"\[Errno[^\]]*\][^'\")]*", str(exc))
            raise StoreError(f"cannot reach the SPARQL store at {shown}: {found.group(0) if found else exc}") from exc
        except requests.RequestException as exc:
            raise StoreError(f"cannot reach the SPARQL store at {shown}: {exc}") from exc

    # -- queries ---------------------------------------------------------------------------------

    def query(
        self,
        sparql: str,
        *,
        union_default_graph: bool = True,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> Any:
        form = query_form(sparql)
        fields: list[tuple[str, str]] = [("query", sparql)]
        if default_graphs is not None:
            fields += [("default-graph-uri", g) for g in default_graphs or [_EMPTY_GRAPH]]
        elif not union_default_graph:
            # The store's own default graph: vetkg writes only named graphs, so it is empty.
            fields.append(("default-graph-uri", _EMPTY_GRAPH))
        fields += [("named-graph-uri", g) for g in named_graphs or []]
        if form in ("SELECT", "ASK"):
            body = self._post(self.url, data=fields, headers={"Accept": "application/sparql-results+json"}, what="a query")
            return parse_json_results(body)
        body = self._post(self.url, data=fields, headers={"Accept": "application/n-triples"}, what="a query")
        return _as_query_triples(self._parse_triples(body))

    @staticmethod
    def _parse_triples(body: bytes) -> list[ox.Triple]:
        try:
            return [q.triple for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]
        except SyntaxError as exc:
            raise StoreError(f"the SPARQL store sent N-Triples pyoxigraph cannot read: {exc}") from exc

    def _select(self, sparql: str) -> list[Any]:
        return list(self.query(sparql))

    def _system_filter(self, var: str) -> str:
        tests = " && ".join(f'!STRSTARTS(STR(?{var}), "{p}")' for p in self.system_graph_prefixes)
        return f"FILTER({tests})" if tests else ""

    def graphs(self) -> list[str]:
        # Not GRAPH ?g {}: Virtuoso 7.2 answers that with one empty row. A graph without triples
        # does not exist for Virtuoso anyway.
        rows = self._select(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {self._system_filter('g')} }}")
        return sorted(r["g"].value for r in rows if isinstance(r["g"], ox.NamedNode))

    def graph_size(self, graph: str) -> int:
        rows = self._select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o }} }}")
        return int(rows[0]["n"].value) if rows else 0

    def __len__(self) -> int:
        rows = self._select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {self._system_filter('g')} }}")
        return int(rows[0]["n"].value) if rows else 0

    def _graph_triples(self, graph: str) -> Iterator[ox.Triple]:
        """The graph's triples, page by page.

        Pages are ordered so OFFSET is stable, and each page starts where the triples received so
        far end: a server that caps its answers below ``page_size`` (Virtuoso's ResultSetMaxRows)
        only makes the pages shorter. The count taken first tells when the graph is done. Virtuoso
        sorts at most MaxSortedTopRows (10000 by default) rows for one page, offset included, so a
        graph larger than that needs the setting raised in its virtuoso.ini ``[Parameters]``.
        """
        node = ox.NamedNode(graph)
        expected = self.graph_size(graph)
        seen = 0
        limit = self.page_size
        while seen < expected:
            body = self._post(
                self.url,
                data={"query": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {node} {{ ?s ?p ?o }} }} "
                               f"ORDER BY ?s ?p ?o LIMIT {limit} OFFSET {seen}"},
                headers={"Accept": "application/n-triples"},
                what=f"reading graph {graph}",
            )
            page = self._parse_triples(body)
            if not page:
                raise StoreError(f"graph {graph} changed while it was read: {seen} of {expected} triples arrived")
            seen += len(page)
            # A short page is the server's cap: asking for more only makes Virtuoso sort more
            # rows than its MaxSortedTopRows allows (SR353) without getting them.
            limit = min(limit, len(page))
            yield from page

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        for iri in self.graphs() if graph is None else [graph]:
            name = ox.NamedNode(iri)
            for t in self._graph_triples(iri):
                yield ox.Quad(t.subject, t.predicate, t.object, name)

    def dump(self, output: IO[bytes], fmt: ox.RdfFormat, graph: str | None = None) -> None:
        if graph is None and not fmt.supports_datasets:
            raise StoreError(f"{fmt.name} holds one graph; name the graph to dump")
        items: Iterator[Any] = self.quads(graph)
        if graph is not None:
            items = (q.triple for q in items)
        if fmt in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS):
            # One statement a line: batches written one after another are one document.
            while batch := list(islice(items, 5000)):
                output.write(ox.serialize(batch, format=fmt) or b"")
        else:
            output.write(ox.serialize(list(items), format=fmt) or b"")

    # -- updates ---------------------------------------------------------------------------------

    def update(self, sparql: str) -> None:
        if self.read_only:
            raise StoreError("the store was opened read-only")
        self._post(
            self.update_url,
            data=sparql.encode("utf-8"),
            headers={"Content-Type": "application/sparql-update; charset=utf-8", "Accept": "*/*"},
            what="an update",
        )

    def _graph_operations(self, graph: str, triples: list[ox.Triple]) -> list[str]:
        node = ox.NamedNode(graph)
        plain = [t for t in triples if not has_blank(t)]
        blank = [t for t in triples if has_blank(t)]
        operations = [f"DROP SILENT GRAPH {node}"]
        for start in range(0, len(plain), self.chunk_triples):
            body = "\n".join(_triple_text(t) for t in plain[start:start + self.chunk_triples])
            operations.append(f"INSERT DATA {{ GRAPH {node} {{\n{body}\n}} }}")
        if blank:
            body = "\n".join(_triple_text(t) for t in blank)
            operations.append(f"INSERT {{ GRAPH {node} {{\n{body}\n}} }} WHERE {{}}")
        return operations

    def replace_graphs(self, graphs: dict[str, list[ox.Triple]], then: str = "") -> None:
        """Drop and refill each graph, then run ``then``, in as few requests as the size allows.

        Not one transaction on every server. Virtuoso runs the operations of one request one
        after the other and keeps those done when a later one fails, and readers see a graph
        being refilled. Everything that can be checked is checked before this is called (the
        documents parse and conform), the request is compiled whole before it runs (a syntax or
        size error writes nothing), and the operation is idempotent: after a failure, the same
        build run again leaves the store exactly as a successful first run would have.
        """
        operations: list[str] = []
        for iri, triples in graphs.items():
            operations += self._graph_operations(iri, list(triples))
        if then:
            operations.append(then)
        request: list[str] = []
        size = 0
        done = 0
        try:
            for op in operations:
                length = len(op.encode("utf-8")) + 3
                if request and size + length > self.max_update_bytes:
                    self.update(" ;\n".join(request))
                    done += len(request)
                    request, size = [], 0
                request.append(op)
                size += length
            if request:
                self.update(" ;\n".join(request))
        except StoreRefused as exc:
            if not done:
                raise  # refused whole, before anything ran: nothing was written
            raise StoreError(f"{exc}; {done} of {len(operations)} operations were written before it: run the same build again") from None
        except StoreError as exc:
            raise StoreError(f"{exc}; the store may hold part of this write: run the same build again") from exc

    def remove_graph(self, graph: str) -> None:
        self.update(f"DROP SILENT GRAPH {ox.NamedNode(graph)}")

    def close(self) -> None:
        session = getattr(self._local, "session", None)
        if session is not None:
            session.close()
            self._local.session = None
