"""The write history: every committed change as a PROV record in ``{base}graph/history``.

Each record holds who (the name of the update token), when, and the quads added and removed as
N-Quads text, which is enough to undo it: :func:`revert` applies the inverse as a write of its
own, checked like any other, and records that it reverts the earlier change. A record holds the
change only, never a copy of the history (no request may change the history graph).

On the embedded store the record is split (:mod:`.history_details`): the skeleton (number, time,
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
from vetkg.ontology.namespace import VET

from .change import Change
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
    return ox.NamedNode(f"{base_iri}graph/history")


def _nquads(quads: frozenset[ox.Quad]) -> str:
    return "\n".join(sorted(f"{q} ." for q in quads))


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
            ox.Quad(node, ox.NamedNode(str(VET.addedQuads)), ox.Literal(_nquads(change.added)), graph),
            ox.Quad(node, ox.NamedNode(str(VET.removedQuads)), ox.Literal(_nquads(change.removed)), graph),
        ]
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
    """The history, oldest first."""
    side = _details(store)
    if side is not None:
        return _split_records(store, side, base_iri)
    query = f"""
        PREFIX vet: <{VET}> PREFIX prov: <{PROV}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?n ?when ?who ?added ?removed ?rev WHERE {{ GRAPH <{history_graph(base_iri).value}> {{
            ?c vet:changeNumber ?n ; prov:endedAtTime ?when ; vet:addedQuads ?added ; vet:removedQuads ?removed ;
               prov:wasAssociatedWith/rdfs:label ?who .
            OPTIONAL {{ ?c vet:reverts/vet:changeNumber ?rev }} }} }} ORDER BY ?n"""

    def count(text: str) -> int:
        return sum(1 for line in text.splitlines() if line.strip())

    return [
        Record(
            number=int(row["n"].value),
            when=row["when"].value,
            who=row["who"].value,
            added=count(row["added"].value),
            removed=count(row["removed"].value),
            reverts=int(row["rev"].value) if row["rev"] is not None else None,
        )
        for row in store.query(query)
    ]


def _count_lines(text: str) -> int:
    return sum(1 for line in text.splitlines() if line.strip())


def _split_records(store: Queryable, side: ox.Store, base_iri: str) -> list[Record]:
    """Records whose skeleton is in the data store and details beside it (:mod:`.history_details`)."""
    graph = history_graph(base_iri).value
    skeletons = store.query(f"""PREFIX vet: <{VET}> PREFIX prov: <{PROV}>
        SELECT ?n ?when ?rev WHERE {{ GRAPH <{graph}> {{ ?c vet:changeNumber ?n ; prov:endedAtTime ?when .
            OPTIONAL {{ ?c vet:reverts/vet:changeNumber ?rev }} }} }} ORDER BY ?n""")
    details = {
        int(row["n"].value): (row["who"].value, _count_lines(row["added"].value), _count_lines(row["removed"].value))
        for row in side.query(f"""PREFIX vet: <{VET}> PREFIX prov: <{PROV}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
            SELECT ?n ?who ?added ?removed WHERE {{ GRAPH <{graph}> {{ ?c vet:changeNumber ?n ; vet:addedQuads ?added ;
                vet:removedQuads ?removed ; prov:wasAssociatedWith/rdfs:label ?who }} }}""")
    }
    out = []
    for row in skeletons:
        number = int(row["n"].value)
        who, added, removed = details.get(number, ("?", 0, 0))
        out.append(Record(number, row["when"].value, who, added, removed,
                          int(row["rev"].value) if row["rev"] is not None else None))
    return out


def _recorded_change(store: Queryable, base_iri: str, number: int) -> tuple[list[ox.Quad], list[ox.Quad]]:
    query = f"""SELECT ?added ?removed WHERE {{ GRAPH <{history_graph(base_iri).value}> {{
        ?c <{VET.changeNumber}> {number} ; <{VET.addedQuads}> ?added ; <{VET.removedQuads}> ?removed }} }}"""
    side = _details(store)
    committed = f"ASK {{ GRAPH <{history_graph(base_iri).value}> {{ ?c <{VET.changeNumber}> {number} }} }}"
    if side is not None and not bool(store.query(committed)):
        raise RevertRefused(f"there is no change number {number} in the history")
    row = next(iter((side or store).query(query)), None)
    if row is None:
        raise RevertRefused(f"there is no change number {number} in the history")
    added = list(ox.parse(row["added"].value.encode(), format=ox.RdfFormat.N_QUADS))
    removed = list(ox.parse(row["removed"].value.encode(), format=ox.RdfFormat.N_QUADS))
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
