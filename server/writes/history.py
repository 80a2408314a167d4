"""The write history: every committed change as a PROV record in ``{base}graph/history``.

Each record holds who (the name of the update token), when, and the quads added and removed as
N-Quads text, which is enough to undo it: :func:`revert` applies the inverse as a write of its
own, checked like any other, and records that it reverts the earlier change. A record holds the
change only, never a copy of the history (no request may change the history graph).

On the embedded store the record is split (:mod:`vetkg.store.history_details`): the skeleton (number, time,
reverts) in ``graph/history`` of the data store, committed with the change; who and the quads in
a store beside it, out of the union that queries see.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import pyoxigraph as ox

from vetkg.ingest.iris import slug
from vetkg.ontology.graphs import store_graphs
from vetkg.ontology.namespace import VET
from vetkg.store.change import Change

from .transaction import CommitHook, Outcome, Writer

PROV = "http://www.w3.org/ns/prov#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
XSD = "http://www.w3.org/2001/XMLSchema#"

# Set while a revert is being written, so the record says which change it undoes.
_REVERTING: ContextVar[int | None] = ContextVar("reverting", default=None)


class Queryable(Protocol):
    """Anything that answers SPARQL: pyoxigraph's Store, a vetkg store, a writer's backend (whose
    ``details`` attribute, when there is one, holds the records' details)."""

    def query(self, sparql: str) -> Any: ...


def _details(store: Queryable) -> ox.Store | None:
    return getattr(store, "details", None)


class RevertRefused(Exception):
    """A change that cannot be undone (unknown number, or blank nodes the store renamed)."""


@dataclass(frozen=True)
class Record:
    number: int
    when: str
    who: str
    added: int
    removed: int
    reverts: int | None


def history_graph(base_iri: str) -> ox.NamedNode:
    return ox.NamedNode(store_graphs(base_iri).history)


def _nquads(quads: frozenset[ox.Quad]) -> str:
    return "\n".join(sorted(f"{q} ." for q in quads))


#: The most N-Quads text one literal of a record holds; a larger change takes several (whole
#: lines each), so no literal of the history grows with the size of a write.
CHUNK_BYTES = 256_000


def _chunks(text: str) -> list[str]:
    if len(text.encode()) <= CHUNK_BYTES:
        return [text]
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for line in text.split("\n"):
        length = len(line.encode()) + 1
        if current and size + length > CHUNK_BYTES:
            chunks.append("\n".join(current))
            current, size = [], 0
        current.append(line)
        size += length
    chunks.append("\n".join(current))
    return chunks


def _next_number(store: Queryable, base_iri: str) -> int:
    query = f"SELECT (MAX(?n) AS ?m) WHERE {{ GRAPH <{history_graph(base_iri).value}> {{ ?c <{VET.changeNumber}> ?n }} }}"
    row = next(iter(store.query(query)), None)
    return int(row["m"].value) + 1 if row is not None and row["m"] is not None else 1


def history_hook(store: Queryable, base_iri: str) -> CommitHook:
    """A commit hook recording each change; runs under the writer's lock, so numbers are in
    commit order and never reused."""
    graph = history_graph(base_iri)

    def record(change: Change, who: str, when: datetime) -> Iterator[ox.Quad]:
        number = _next_number(store, base_iri)
        node = ox.NamedNode(f"{base_iri}history/{number}")
        agent = ox.NamedNode(f"{base_iri}agent/{slug(who) or 'anonymous'}")
        skeleton = [
            ox.Quad(node, RDF_TYPE, ox.NamedNode(str(VET.Change)), graph),
            ox.Quad(node, RDF_TYPE, ox.NamedNode(PROV + "Activity"), graph),
            ox.Quad(node, ox.NamedNode(str(VET.changeNumber)), ox.Literal(str(number), datatype=ox.NamedNode(XSD + "integer")), graph),
            ox.Quad(node, ox.NamedNode(PROV + "endedAtTime"), ox.Literal(when.isoformat(), datatype=ox.NamedNode(XSD + "dateTime")), graph),
        ]
        reverted = _REVERTING.get()
        if reverted is not None:
            skeleton.append(ox.Quad(node, ox.NamedNode(str(VET.reverts)), ox.NamedNode(f"{base_iri}history/{reverted}"), graph))
        details = [
            ox.Quad(node, ox.NamedNode(PROV + "wasAssociatedWith"), agent, graph),
            ox.Quad(agent, RDF_TYPE, ox.NamedNode(PROV + "Agent"), graph),
            ox.Quad(agent, RDFS_LABEL, ox.Literal(who), graph),
            ox.Quad(node, ox.NamedNode(str(VET.changeNumber)), ox.Literal(str(number), datatype=ox.NamedNode(XSD + "integer")), graph),
        ]
        for kind, quads in ((VET.addedQuads, change.added), (VET.removedQuads, change.removed)):
            details.extend(ox.Quad(node, ox.NamedNode(str(kind)), ox.Literal(chunk), graph) for chunk in _chunks(_nquads(quads)))
        side = _details(store)
        if side is None:
            yield from skeleton + details
            return
        # Details left by a commit that failed under this number belong to no record: replace them.
        for stale in list(side.quads_for_pattern(node, None, None, None)):
            side.remove(stale)
        side.extend(details)
        yield from skeleton

    return record


def records(store: Queryable, base_iri: str) -> list[Record]:
    """The history, oldest first: skeletons from ``store``, details from beside it when it keeps
    them there (:mod:`vetkg.store.history_details`), else from the same history graph."""
    graph = history_graph(base_iri).value
    side: Any = _details(store) or store
    prefixes = f"PREFIX vet: <{VET}> PREFIX prov: <{PROV}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>"
    skeletons = store.query(f"""{prefixes} SELECT ?n ?when ?rev WHERE {{ GRAPH <{graph}> {{
        ?c vet:changeNumber ?n ; prov:endedAtTime ?when . OPTIONAL {{ ?c vet:reverts/vet:changeNumber ?rev }} }} }} ORDER BY ?n""")
    who = {int(r["n"].value): r["who"].value for r in side.query(
        f"{prefixes} SELECT ?n ?who WHERE {{ GRAPH <{graph}> {{ ?c vet:changeNumber ?n ; prov:wasAssociatedWith/rdfs:label ?who }} }}")}
    counts: dict[tuple[int, str], int] = {}
    for kind in ("addedQuads", "removedQuads"):
        for r in side.query(f"{prefixes} SELECT ?n ?q WHERE {{ GRAPH <{graph}> {{ ?c vet:changeNumber ?n ; vet:{kind} ?q }} }}"):
            key = (int(r["n"].value), kind)
            counts[key] = counts.get(key, 0) + _count_lines(r["q"].value)
    out = []
    for row in skeletons:
        number = int(row["n"].value)
        if number not in who:
            continue  # a skeleton without details: none is written so (a journal, a foreign triple)
        out.append(Record(number, row["when"].value, who[number], counts.get((number, "addedQuads"), 0),
                          counts.get((number, "removedQuads"), 0), int(row["rev"].value) if row["rev"] is not None else None))
    return out


def _count_lines(text: str) -> int:
    return sum(1 for line in text.splitlines() if line.strip())


def _recorded_change(store: Queryable, base_iri: str, number: int) -> tuple[list[ox.Quad], list[ox.Quad]]:
    graph = history_graph(base_iri).value
    side = _details(store)
    source: Queryable = side or store
    if not bool(store.query(f"ASK {{ GRAPH <{graph}> {{ ?c <{VET.changeNumber}> {number} ; <{PROV}endedAtTime> ?t }} }}")):
        raise RevertRefused(f"there is no change number {number} in the history")
    parts: dict[str, list[ox.Quad]] = {}
    for kind in ("addedQuads", "removedQuads"):
        query = f"SELECT ?q WHERE {{ GRAPH <{graph}> {{ ?c <{VET.changeNumber}> {number} ; <{VET}{kind}> ?q }} }}"
        text = "\n".join(r["q"].value for r in source.query(query))
        parts[kind] = list(ox.parse(text.encode(), format=ox.RdfFormat.N_QUADS))
    added, removed = parts["addedQuads"], parts["removedQuads"]
    if any(isinstance(t, ox.BlankNode) for q in added + removed for t in (q.subject, q.object)):
        # the store gave those blank nodes new ids when it wrote them: they cannot be named again
        raise RevertRefused(f"change {number} touched blank nodes (an RDF list); undo it with a new write")
    return added, removed


def revert(writer: Writer, base_iri: str, number: int, who: str, dry_run: bool = False, admin: bool = True) -> Outcome[None]:
    """Undo change ``number`` as a validated write of its own (``admin``: as an admin token's
    write; `vetkg revert` is run by whoever holds the store)."""
    added, removed = _recorded_change(writer.backend, base_iri, number)

    def inverse(state) -> None:
        # Removing a quad that is gone, or adding one that is there, changes nothing.
        state.remove_all(added)
        state.add_all(removed)

    token = _REVERTING.set(number)
    try:
        return writer.write(inverse, who, dry_run=dry_run, admin=admin)
    finally:
        _REVERTING.reset(token)
