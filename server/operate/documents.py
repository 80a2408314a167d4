"""One posted document, through the real ingest, as ONE validated write.

The text is checked by the build's own worker function (:func:`vetkg.ingest.parallel.check_document`:
read, parse, build, shapes check), then its graph and the descriptions of the things it names
become a change computed on the writer's pending state, checked by the write gate like any other
write and committed with its history record, so ``vetkg revert N`` undoes it. What a build from
the command line would do differently, and why:

* the ontology and shapes graphs are left alone: they change by an admin's write only;
* descriptions of entities are added to, never replaced (as an incremental build does); an
  entity that only the replaced version of a document named, and nothing else names, is removed.
"""
from __future__ import annotations

import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

import pyoxigraph as ox

from vetkg.ingest.errors import InputError
from vetkg.ingest.parallel import Checked, Rejected, check_document, stored_digests, text_digest
from vetkg.ingest.reader import decode
from vetkg.ontology.graphs import store_graphs
from vetkg.ontology.namespace import VET
from vetkg.store.write_backend import WriteBackend

from ..writes.history import PROV, history_graph
from ..writes.state import PendingState
from ..writes.transaction import Outcome

DEFAULT_NAME = "document.txt"
# The ingest was written for one document per process (the build's workers): its caches (jieba's
# dictionary, the recogniser's model) load on first use. One document at a time in the server
# keeps two requests from loading them together; the write gate serialises the writes anyway.
_INGEST_LOCK = threading.Lock()


class Writes(Protocol):
    """What a document's write needs of a writer (:class:`~vetkg.server.writes.transaction.Writer`,
    or a request's view of it)."""

    backend: WriteBackend

    def write(self, compute: Callable[[PendingState], Any], who: str, dry_run: bool = ..., *,
              admin: bool = ...) -> Outcome[Any]: ...


class DocumentRefused(Exception):
    """The document failed the shapes before any write was computed (``str()``: the reason)."""


@dataclass(frozen=True)
class Ingested:
    """What the posted document became: a write (or nothing, when its text is already stored)."""

    name: str
    graph: str | None
    unchanged: bool
    outcome: Outcome[None] | None = None
    lines: tuple[str, ...] = ()
    triples: int = 0


def safe_name(name: str | None) -> str:
    """The file name reports use: its last part only (it is never a path on the server)."""
    base = Path((name or "").replace("\\", "/")).name.strip()
    return base if base and not base.startswith(".") and "\x00" not in base else DEFAULT_NAME


def _document_quads(checked: Checked, base_iri: str) -> tuple[list[ox.Quad], list[ox.Quad]]:
    own = list(ox.parse(path=checked.document_file, format=ox.RdfFormat.N_QUADS))
    entities = ox.NamedNode(store_graphs(base_iri).entities)
    described = [ox.Quad(t.subject, t.predicate, t.object, entities)
                 for t in (q.triple for q in ox.parse(path=checked.entity_file, format=ox.RdfFormat.N_TRIPLES))]
    return own, described


def _compute(graph: ox.NamedNode, own: list[ox.Quad], described: list[ox.Quad], base_iri: str):
    entity_prefix = f"{base_iri}id/"
    entities = ox.NamedNode(store_graphs(base_iri).entities)

    def compute(state: PendingState) -> None:
        old = list(state.quads(g=graph))
        state.clear(graph)  # a changed version of the document replaces the old one whole
        state.add_all(own)
        state.add_all(described)
        # What the old version alone named loses its description (the build's prune, for the
        # entities this change can orphan, not a scan of every entity).
        named_now = {q.object for q in own}
        orphans = {q.object for q in old if isinstance(q.object, ox.NamedNode)
                   and q.object.value.startswith(entity_prefix) and q.object not in named_now}
        for entity in orphans:
            if not any(q.subject != entity for q in state.quads(None, None, entity, None)):
                state.remove_all(list(state.quads(entity, None, None, entities)))

    return compute


def ingest_document(writer: Writes, store: Any, data: bytes, name: str | None, base_iri: str, who: str, *,
                    admin: bool = False, strict: bool = False, force: bool = False, dry_run: bool = False) -> Ingested:
    """Build the document ``data`` and write it through ``writer``. Raises InputError (not a
    readable document of the genre), DocumentRefused (it fails the shapes), and whatever ``writer.write`` raises."""
    shown = safe_name(name)
    text = decode(data, shown).text  # refuses binary, empty or non-Chinese text before any work
    if not force:
        known = stored_digests(store, base_iri).get(text_digest(text))
        if known is not None:
            return Ingested(shown, known, unchanged=True)
    with tempfile.TemporaryDirectory(prefix="vetkg-document-") as workdir:
        path = Path(workdir) / shown
        path.write_bytes(data)
        with _INGEST_LOCK:
            result = check_document((0, str(path), base_iri, workdir, strict))
        if isinstance(result, Rejected):
            message = result.message.replace(str(path), shown)
            raise (DocumentRefused if result.conformance else InputError)(message)
        own, described = _document_quads(result, base_iri)
    graph = ox.NamedNode(result.graph_iri)
    outcome = writer.write(_compute(graph, own, described, base_iri), who, dry_run, admin=admin)
    report = replace(result.report, path=shown)
    unchanged = outcome.verdict.ok and not outcome.change
    return Ingested(shown, result.graph_iri, unchanged, outcome, tuple(report.lines()), result.triples)


def change_number(writer: Writes, outcome: Outcome[Any], base_iri: str) -> int | None:
    """The history number of a committed write (its record carries the commit's time)."""
    if not outcome.committed or outcome.timestamp is None:
        return None
    when = ox.Literal(outcome.timestamp.isoformat(), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime"))
    rows = list(writer.backend.query(
        f"SELECT ?n WHERE {{ GRAPH <{history_graph(base_iri).value}> {{ ?c <{VET.changeNumber}> ?n ; "
        f"<{PROV}endedAtTime> {when} }} }}"))
    return int(rows[-1]["n"].value) if rows else None
