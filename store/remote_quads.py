"""Quad-pattern reads of a remote SPARQL store, shaped like pyoxigraph's ``Store``.

A write is computed over a pending state of the store (:mod:`vetkg.server.writes.state`), which
reads it with ``quads_for_pattern``, ``in``, ``contains_named_graph`` and ``named_graphs``. Over
HTTP each of those is a SPARQL query, so :class:`RemoteQuads` remembers every answer: it lives
for one write, under the writer's lock, while the store does not change (vetkg being its only
writer), and the checks ask the same patterns again and again.

What the remote cannot do as the embedded store does:

* Its own default graph is not vetkg's: vetkg keeps everything in named graphs, and a server's
  default graph without ``FROM`` is the union (Virtuoso, GraphDB) or a graph of its own. Reads of
  the default graph are empty; the writer refuses changes to it.
* A blank node cannot be named in a query. A pattern holding one is asked with a variable and
  the answer filtered by the node's label, which is stable on Virtuoso (``nodeID://…``), Fuseki
  and GraphDB; a quad with a blank node is "in" the store when a read returned it.
* Answers may be capped by the server (Virtuoso's ResultSetMaxRows): every answer carries the
  count of its matches, and further pages are asked for until all have arrived.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from .base import StoreError
from .terms import OxSubject, OxTerm, has_blank

if TYPE_CHECKING:
    # only named: the remote store's module builds its write backend on this one
    from .sparql import RemoteSparqlStore

Pattern = tuple[OxSubject | None, ox.NamedNode | None, OxTerm | None, Any]
_NAMES = ("s", "p", "o", "g")


class RemoteQuads:
    """Pattern reads of ``store`` for one write; answers are kept until the object is dropped."""

    def __init__(self, store: RemoteSparqlStore) -> None:
        self.store = store
        self._answers: dict[Pattern, list[ox.Quad]] = {}
        self._asked: dict[ox.Quad, bool] = {}
        self._graphs: list[ox.NamedNode] | None = None
        self._blank: set[ox.Quad] = set()  # quads with blank nodes a read returned
        self._whole: dict[ox.NamedNode, set[ox.Quad]] = {}  # graphs read whole

    # -- the four calls ---------------------------------------------------------------------------

    def quads_for_pattern(
        self, subject: OxSubject | None, predicate: ox.NamedNode | None, object: OxTerm | None, graph_name: Any = None
    ) -> Iterator[ox.Quad]:
        key: Pattern = (subject, predicate, object, graph_name)
        found = self._answers.get(key)
        if found is None:
            found = self._read(key)
            self._answers[key] = found
            self._blank.update(q for q in found if has_blank(q))
            if subject is None and predicate is None and object is None and isinstance(graph_name, ox.NamedNode):
                self._whole[graph_name] = set(found)
        return iter(found)

    def __contains__(self, quad: ox.Quad) -> bool:
        if not isinstance(quad.graph_name, ox.NamedNode):
            return False  # the remote's default graph is not vetkg's (see the module's text)
        if has_blank(quad):
            return quad in self._blank
        known = self._asked.get(quad)
        if known is None:
            whole = self._whole.get(quad.graph_name)
            if whole is not None:
                return quad in whole
            if not self.contains_named_graph(quad.graph_name):
                return False  # a graph not there holds nothing: no need to ask
            known = bool(self.store.query(f"ASK {{ GRAPH {quad.graph_name} {{ {quad.subject} {quad.predicate} {quad.object} }} }}"))
            self._asked[quad] = known
        return known

    def prefetch(self, quads: Iterable[ox.Quad], batch: int = 200) -> None:
        """Learn which of ``quads`` the store holds in one query per ``batch`` instead of one each:
        an update adding many triples to an existing graph asks about every one of them."""
        graphs = set(self.named_graphs())
        unknown = [q for q in dict.fromkeys(quads)
                   if q not in self._asked and not has_blank(q) and q.graph_name in graphs
                   and q.graph_name not in self._whole]
        for start in range(0, len(unknown), batch):
            part = unknown[start:start + batch]
            values = " ".join(f"({q.subject} {q.predicate} {q.object} {q.graph_name})" for q in part)
            held = self._held(f"VALUES (?s ?p ?o ?g) {{ {values} }} GRAPH ?g {{ ?s ?p ?o }}")
            if held is not None:
                for q in part:
                    self._asked[q] = q in held

    def prefetch_triples(self, triples: Iterable[ox.Triple], batch: int = 100) -> None:
        """Read the quads of each of ``triples`` in every graph, a batch per query: the checks ask,
        for each triple a change adds or removes, whether another graph holds it too."""
        unknown = [t for t in dict.fromkeys(triples) if not has_blank(t) and _pattern(t) not in self._answers]
        system = " && ".join(f'!STRSTARTS(STR(?g), "{p}")' for p in self.store.system_graph_prefixes)
        for start in range(0, len(unknown), batch):
            part = unknown[start:start + batch]
            values = " ".join(f"({t.subject} {t.predicate} {t.object})" for t in part)
            held = self._held(f"VALUES (?s ?p ?o) {{ {values} }} GRAPH ?g {{ ?s ?p ?o }}" + (f" FILTER({system})" if system else ""))
            if held is None:
                continue  # more rows than the server gives at once: each is asked alone when needed
            found: dict[Pattern, list[ox.Quad]] = {_pattern(t): [] for t in part}
            for quad in held:
                found.setdefault(_pattern(quad.triple), []).append(quad)
            self._answers.update(found)

    def _held(self, body: str) -> set[ox.Quad] | None:
        """The quads ``body`` binds ?s ?p ?o ?g to; None when the server's cap cut the answer."""
        rows = list(self.store.query(f"SELECT ?count ?s ?p ?o ?g WHERE {{ {{ SELECT (COUNT(*) AS ?count) WHERE {{ {body} }} }} {body} }}"))
        if rows and len(rows) < int(rows[0]["count"].value):
            return None
        return {ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows}

    def contains_named_graph(self, graph_name: Any) -> bool:
        return isinstance(graph_name, ox.NamedNode) and graph_name in self.named_graphs()

    def named_graphs(self) -> list[ox.NamedNode]:
        if self._graphs is None:
            # A graph without triples does not exist on Virtuoso: graphs() lists those with some.
            self._graphs = [ox.NamedNode(g) for g in self.store.graphs()]
        return self._graphs

    # -- reading ----------------------------------------------------------------------------------

    def _read(self, key: Pattern) -> list[ox.Quad]:
        s, p, o, g = key
        if g is not None and not isinstance(g, ox.NamedNode):
            return []
        if s is None and p is None and o is None:
            # Whole graphs: the store's own paged reading, one graph at a time.
            if g is not None:
                return list(self.store.quads(g.value)) if self.contains_named_graph(g) else []
            return list(self.store.quads())
        if g is not None and isinstance(s, ox.NamedNode) and p is not None and isinstance(o, (ox.NamedNode, ox.Literal)):
            quad = ox.Quad(s, p, o, g)
            return [quad] if quad in self else []
        return self._select(s, p, o, g)

    def _select(self, s: OxSubject | None, p: ox.NamedNode | None, o: OxTerm | None, g: ox.NamedNode | None) -> list[ox.Quad]:
        terms = [s, p, o, g]
        # Unbound terms and blank nodes are variables; blank nodes are matched by label afterwards.
        variables = [n for n, t in zip(_NAMES, terms, strict=False) if t is None or isinstance(t, ox.BlankNode)]
        text = [f"?{n}" if n in variables else str(t) for n, t in zip(_NAMES, terms, strict=False)]
        filters = [f"isBlank(?{n})" for n, t in zip(_NAMES, terms, strict=False) if isinstance(t, ox.BlankNode)]
        if g is None:
            filters += [f'!STRSTARTS(STR(?g), "{prefix}")' for prefix in self.store.system_graph_prefixes]
        body = f"GRAPH {text[3]} {{ {text[0]} {text[1]} {text[2]} }}"
        if filters:
            body += f" FILTER({' && '.join(filters)})"
        selected = " ".join(f"?{n}" for n in variables)
        quads: list[ox.Quad] = []
        expected: int | None = None
        received = 0  # rows the server sent; those of other blank nodes are dropped here
        limit = self.store.page_size
        while expected is None or received < expected:
            # The first page carries the number of matches, so a capped answer is seen as one.
            counted = f"{{ SELECT (COUNT(*) AS ?count) WHERE {{ {body} }} }} " if expected is None else ""
            query = (f"SELECT ?count {selected} WHERE {{ {counted}{body} }} ORDER BY {selected} "
                     f"LIMIT {limit} OFFSET {received}")
            rows = list(self.store.query(query))
            if not rows:
                if expected is None:
                    return []
                raise StoreError(f"the store changed while a write read it: {received} of {expected} rows arrived")
            if expected is None:
                expected = int(rows[0]["count"].value)
            received += len(rows)
            # A short page is the server's cap (see RemoteSparqlStore._graph_triples).
            limit = min(limit, len(rows))
            for row in rows:
                values = [row[n] if n in variables else t for n, t in zip(_NAMES, terms, strict=False)]
                if all(not isinstance(t, ox.BlankNode) or values[i] == t for i, t in enumerate(terms)):
                    quads.append(_quad(*values))
        return quads


def _quad(s: object, p: object, o: object, g: object) -> ox.Quad:
    """The quad of a row's terms; a StoreError when the server bound one to what cannot be there."""
    if (isinstance(s, (ox.NamedNode, ox.BlankNode)) and isinstance(p, ox.NamedNode)
            and isinstance(o, (ox.NamedNode, ox.BlankNode, ox.Literal)) and isinstance(g, ox.NamedNode)):
        return ox.Quad(s, p, o, g)
    raise StoreError(f"the SPARQL store answered a quad pattern with a term out of place: {s} {p} {o} {g}")


def _pattern(triple: ox.Triple) -> Pattern:
    """The pattern that reads ``triple`` in every graph."""
    s, o = triple.subject, triple.object
    if isinstance(s, ox.Triple) or isinstance(o, ox.Triple):
        # vetkg's terms (store.terms.to_ox) are never quoted triples, nor are its stores' answers
        raise StoreError(f"an RDF-star triple cannot be read from a SPARQL store: {triple}")
    return (s, triple.predicate, o, None)
