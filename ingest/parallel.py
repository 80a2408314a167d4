"""The build for many documents: every core, bounded memory, and no work for unchanged files.

1. **Scan** (parent): each file is read and decoded once to take the SHA-256 of its text, the
   ``vet:contentDigest`` its notice will carry. One SPARQL query fetches the digests already in
   the store; a file whose digest is there is unchanged (the same text always gives the same
   document key and graph) and is skipped.
2. **Check** (process pool, fork): a worker reads, parses, builds the graph and runs the shapes
   check of one changed document, writes it to a temporary directory (the document's own
   triples as N-Quads in its graph, ready for the store's bulk load, and the descriptions of
   the things it names as N-Triples) and hands back only its graph IRI, digest and size. The
   parent never holds a graph, so memory stays flat however many documents there are; the
   price is temporary disk space, about the size of the N-Quads of the changed documents.
3. **Write** (parent, only when every document passed): entity descriptions first, then the
   document graphs in batches, then the ontology, the shapes and the pruning of entities no
   graph names any more. Each batch is its own transaction, so a reader may see a build half
   written; a build that stops half way is finished by running it again, since the documents
   already written are then unchanged and their entities are already described.
"""
from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
import sys
import tempfile
from collections.abc import Callable, Generator, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pyoxigraph as ox

from vetkg.ontology.graphs import store_graphs
from vetkg.ontology.namespace import VET
from vetkg.store import Store
from vetkg.store.entailment import refresh_inferred

from .errors import InputError
from .reader import read_document
from .report import DocumentReport, document_report

if TYPE_CHECKING:
    from .rdf import DocumentTriples

NT = ox.RdfFormat.N_TRIPLES
NQ = ox.RdfFormat.N_QUADS
BATCH_TRIPLES = 200_000  # triples per write transaction: big enough to amortise, small enough to hold
AUTO_PROGRESS_ABOVE = 20  # documents; fewer finish before a bar would be worth reading


class NotConforming(Exception):
    """A document failed the shapes; ``str()`` is the one line for stderr."""


@dataclass(frozen=True)
class Input:
    index: int
    path: Path
    digest: str


@dataclass(frozen=True)
class Checked:
    index: int
    path: Path
    graph_iri: str
    digest: str
    triples: int
    document_file: str  # N-Quads of the document graph, in that graph
    entity_file: str  # N-Triples of the descriptions of the things it names
    report: DocumentReport  # what it holds, and what the ingest could not structure


@dataclass(frozen=True)
class Rejected:
    index: int
    message: str
    conformance: bool  # False: unreadable or not of the genre; True: failed the shapes


class DocumentEngine(Protocol):
    """Runs the check of many documents elsewhere than this machine's process pool."""

    def check(
        self, todo: list[Input], base_iri: str, outdir: str, strict: bool, progress: Callable[[int], Any]
    ) -> Iterator[Checked | Rejected]:
        """Results in input order, written under ``outdir`` on this machine (see :func:`written`)."""
        ...


@dataclass(frozen=True)
class BuildReport:
    built: int
    triples: int
    unchanged: int
    quads: int
    documents: tuple[DocumentReport, ...] = ()  # the documents built, in input order

    def document_lines(self) -> list[str]:
        return [line for doc in self.documents for line in doc.lines()]

    def __str__(self) -> str:
        return (
            f"vetkg: built {self.built} document(s), {self.triples} triples, "
            f"{self.unchanged} unchanged, into {self.quads} quads"
        )


def text_digest(text: str) -> str:
    """The ``vet:contentDigest`` of a document whose decoded text is ``text`` (see rdf.py)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def scan(paths: list[Path]) -> list[Input]:
    """Read and decode every file; raise :class:`InputError` for the first that cannot be read."""
    inputs = []
    for i, path in enumerate(paths):
        if path.is_dir():
            raise InputError(f"{path}: is a directory, not a document")
        inputs.append(Input(i, path, text_digest(read_document(path).text)))
    return inputs


def stored_digests(store: Store, base_iri: str) -> dict[str, str]:
    """{contentDigest: graph IRI} of the document graphs under ``base_iri``, in one query."""
    query = (
        f"SELECT ?g ?d WHERE {{ GRAPH ?g {{ ?n a <{VET.Notice}> ; <{VET.contentDigest}> ?d }} "
        f'FILTER(STRSTARTS(STR(?g), "{store_graphs(base_iri).prefix}")) }}'
    )
    return {row["d"].value: row["g"].value for row in store.query(query)}


# ---------------------------------------------------------------- the workers


def init_worker() -> None:
    """Load jieba's dictionary with the domain words (unless the parent did before the fork),
    and the shapes, once per worker."""
    from vetkg.shapes.validate import class_hierarchy, load_shapes, prepare_fast_check

    from .lexicon import tokenizer

    tokenizer()
    load_shapes()
    class_hierarchy()
    prepare_fast_check()
    # jieba's dictionary and the shapes live as long as the worker: keep the cycle collector
    # from walking their hundreds of thousands of objects again and again
    gc.freeze()


@dataclass(frozen=True)
class CheckedText:
    """What one document's check hands back when it cannot write to the parent's disk (a worker
    of a distributed engine, on another machine): the files' contents instead of their names."""

    index: int
    path: Path
    graph_iri: str
    digest: str
    triples: int
    document_nquads: str
    entity_ntriples: str
    report: DocumentReport


def document_triples(path: Path, base_iri: str, data: bytes | None = None) -> DocumentTriples:
    """One document read (``data``, or the file ``path`` when None), parsed and built, before
    any check: what a worker of the build makes of it."""
    from .rdf import build_triples
    from .reader import decode
    from .structure import parse

    source = read_document(path) if data is None else decode(data, str(path))
    return build_triples(parse(source), base_iri)


def check_text(index: int, name: str, data: bytes | None, base_iri: str, strict: bool = False) -> CheckedText | Rejected:
    """Read (``data``, or the file ``name`` when None), parse, build and check one document.
    ``strict`` refuses a document the ingest had to warn about."""
    from vetkg.shapes.validate import NonConformingGraph, ensure_conforms_ntriples

    from .triples import joined, statements

    path = Path(name)
    try:
        doc = document_triples(path, base_iri, data)
        if strict and doc.warnings:
            return Rejected(index, f"{path}: {doc.warnings[0]} (--strict refuses a document with warnings)", True)
        said = statements(doc.triples)
        # no rdflib graph on the way: it is made only to report a document that fails
        ensure_conforms_ntriples(joined([statement for _, statement in said]), str(path), doc.graph)
    except InputError as exc:
        return Rejected(index, str(exc), conformance=False)
    except NonConformingGraph as exc:
        return Rejected(index, str(exc), conformance=True)
    # a triple whose subject is a shared entity (id/…) describes it; the rest is the document's
    entity_prefix = f"{base_iri}id/"
    own: list[str] = []
    shared: list[str] = []
    for subject, statement in said:
        (shared if subject.startswith(entity_prefix) else own).append(statement)
    report = document_report(str(path), doc.triples, base_iri, list(doc.warnings))
    return CheckedText(
        index, path, str(doc.graph_iri), doc.digest, len(said), joined(own, str(doc.graph_iri)), joined(shared), report
    )


def written(result: CheckedText | Rejected, outdir: str) -> Checked | Rejected:
    """The checked document with its triples written under ``outdir`` (see the module docstring:
    the document as N-Quads, the descriptions of what it names as N-Triples)."""
    if isinstance(result, Rejected):
        return result
    document_file, entity_file = f"{outdir}/{result.index:08d}.nq", f"{outdir}/{result.index:08d}.entities.nt"
    Path(document_file).write_text(result.document_nquads, encoding="utf-8")
    Path(entity_file).write_text(result.entity_ntriples, encoding="utf-8")
    return Checked(
        result.index, result.path, result.graph_iri, result.digest, result.triples, document_file, entity_file, result.report
    )


def check_document(task: tuple[int, str, str, str] | tuple[int, str, str, str, bool]) -> Checked | Rejected:
    """One document of a local build: checked, and written under ``outdir`` by the worker itself,
    since the parent's work is serial and this way it only concatenates files for the bulk load."""
    index, name, base_iri, outdir = task[:4]
    strict = len(task) > 4 and bool(task[4])
    return written(check_text(index, name, None, base_iri, strict), outdir)


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the cores this process may use, not the machine's
    except AttributeError:
        return os.cpu_count() or 1


def _progress(total: int, desc: str, show: bool | None):
    from tqdm import tqdm

    if show is None:
        show = total > AUTO_PROGRESS_ABOVE and sys.stderr.isatty()
    return tqdm(total=total, desc=desc, unit="doc", file=sys.stderr, disable=not show, leave=False)


def _check_all(
    todo: list[Input],
    base_iri: str,
    outdir: str,
    jobs: int,
    show: bool | None,
    strict: bool = False,
    engine: DocumentEngine | None = None,
) -> Generator[Checked | Rejected, None, None]:
    """Results in input order, so the first bad file reported is the first in the list, as in
    a sequential build; workers still run ahead of the parent. ``engine``: a distributed engine
    (ingest/distributed.py) instead of this machine's process pool."""
    if engine is not None:
        yield from engine.check(todo, base_iri, outdir, strict, lambda n: _progress(n, "checking", show))
        return
    tasks = [(inp.index, str(inp.path), base_iri, outdir, strict) for inp in todo]
    with _progress(len(tasks), "checking", show) as bar:
        if jobs <= 1 or len(tasks) <= 1:
            for task in tasks:
                result = check_document(task)
                bar.update()
                yield result
            return
        # fork: workers start at once with the parent's imports and jieba's dictionary, loaded
        # here once rather than once per worker (frozen, so that no worker's cycle collector
        # copies its pages); the shapes are compiled once per worker by the initializer
        from .lexicon import tokenizer

        tokenizer()
        gc.freeze()
        context = multiprocessing.get_context("fork")
        pool = context.Pool(min(jobs, len(tasks)), initializer=init_worker)
        try:
            for result in pool.imap(check_document, tasks, chunksize=1):
                bar.update()
                yield result
        finally:
            pool.terminate()  # a rejected document ends the build: no need to check the rest
            pool.join()


def check_documents(
    inputs: list[Input],
    known: dict[str, str],
    base_iri: str,
    outdir: str,
    jobs: int,
    show: bool | None,
    strict: bool = False,
    engine: DocumentEngine | None = None,
) -> tuple[list[Checked], int]:
    """(checked documents, number unchanged); raise on the first bad or duplicate document."""
    owners: dict[str, Path] = {}  # graph IRI -> the file that fills it in this build
    todo = []
    for inp in inputs:
        graph = known.get(inp.digest)
        if graph is None:
            todo.append(inp)
        elif graph in owners:
            raise InputError(f"{inp.path}: the same document as {owners[graph]} ({graph})")
        else:
            owners[graph] = inp.path
    unchanged = len(inputs) - len(todo)
    checked: list[Checked] = []
    # closing: leaving the loop on a bad document stops the pool at once
    with closing(_check_all(todo, base_iri, outdir, jobs, show, strict, engine)) as results:
        for result in results:
            if isinstance(result, Rejected):
                raise (NotConforming if result.conformance else InputError)(result.message)
            if result.graph_iri in owners:
                raise InputError(f"{result.path}: the same document as {owners[result.graph_iri]} ({result.graph_iri})")
            owners[result.graph_iri] = result.path
            checked.append(result)
    return checked, unchanged


# ---------------------------------------------------------------- writing


def _batches(checked: list[Checked]) -> Iterator[list[Checked]]:
    batch: list[Checked] = []
    size = 0
    for doc in checked:
        batch.append(doc)
        size += doc.triples
        if size >= BATCH_TRIPLES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _entity_triples(checked: list[Checked]) -> list[ox.Triple]:
    # the set holds each distinct description once: it grows with the things named, not with
    # the number of documents that name them
    lines: set[str] = set()
    for doc in checked:
        with open(doc.entity_file, encoding="utf-8") as f:
            lines.update(f)
    return sorted((q.triple for q in ox.parse("".join(lines), format=NT)), key=str)


def _nquads(batch: list[Checked]) -> bytes:
    """The batch's N-Quads, as the workers wrote them."""
    return b"".join(Path(doc.document_file).read_bytes() for doc in batch)


def _write_batch(store: Store, batch: list[Checked]) -> None:
    native = getattr(store, "oxigraph", None)
    if native is None:
        store.replace_graphs({doc.graph_iri: [q.triple for q in ox.parse(path=doc.document_file, format=NQ)] for doc in batch})
        return
    native.update(" ;\n".join(f"DROP SILENT GRAPH <{doc.graph_iri}>" for doc in batch))
    # bulk_load, not extend: measured on 160k triples, 2.0 s and +70 MB against 5.5 s and
    # +250 MB, because it skips the transaction buffer (the batch is not atomic; see above)
    native.bulk_load(_nquads(batch), format=NQ)


def _entity_descriptions_update(base_iri: str, triples: list[ox.Triple], replace: bool = True) -> str:
    """Replace (or, with ``replace=False``, add to) the descriptions of the entities in ``triples``.

    Descriptions live once, in the entities graph, because a triple stored in two graphs is
    counted twice by Oxigraph's union default graph (a bag, where SPARQL's merge is a set).
    """
    graph = store_graphs(base_iri).entities
    subjects = " ".join(sorted({str(t.subject) for t in triples}))
    body = "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples)
    if not replace:
        return f"INSERT DATA {{ GRAPH <{graph}> {{\n{body}\n}} }}"
    return (
        f"DELETE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} VALUES ?s {{ {subjects} }} }} ;\n"
        f"INSERT DATA {{ GRAPH <{graph}> {{\n{body}\n}} }}"
    )


def _entity_prune_update(base_iri: str) -> str:
    """Drop the descriptions of entities that no graph refers to any more."""
    graph = store_graphs(base_iri).entities
    return (
        f"DELETE {{ GRAPH <{graph}> {{ ?e ?p ?o }} }} WHERE {{ GRAPH <{graph}> {{ ?e ?p ?o }} "
        f"FILTER NOT EXISTS {{ GRAPH ?g {{ ?x ?q ?e }} FILTER(?x != ?e) }} }}"
    )


def write_documents(store: Store, checked: list[Checked], base_iri: str, show: bool | None, replace: bool) -> None:
    """Write the checked documents; ``replace`` recomputes the descriptions of the entities they
    name from them alone, which is right only when they are every document of the store."""
    from rdflib import Graph

    from vetkg.ontology import ONTOLOGY_FILE
    from vetkg.shapes import SHAPES_FILE
    from vetkg.store.terms import triples_from_rdflib

    graphs = store_graphs(base_iri)
    # descriptions before the documents that point at them, so that a build stopped half way
    # leaves no written document with an undescribed entity
    entities = _entity_triples(checked)
    if entities:
        store.update(_entity_descriptions_update(base_iri, entities, replace=replace))
    del entities
    with _progress(len(checked), "writing", show) as bar:
        for batch in _batches(checked):
            _write_batch(store, batch)
            bar.update(len(batch))
    store.replace_graphs(
        {
            graphs.ontology: triples_from_rdflib(Graph().parse(ONTOLOGY_FILE, format="turtle")),
            graphs.shapes: triples_from_rdflib(Graph().parse(SHAPES_FILE, format="turtle")),
        },
        then=_entity_prune_update(base_iri),
    )
    if sum(doc.triples for doc in checked) >= BATCH_TRIPLES:
        _compact(store)


def _compact(store: Store) -> None:
    """Have RocksDB merge what the batches wrote. Each bulk load leaves files of its own that
    every later lookup must also search: on the benchmark's 1M-triple build this made joins and
    aggregations about three times slower, and at 10M one join ran past a two-minute timeout. A
    small incremental build is left alone; compacting a large store takes a while."""
    native = getattr(store, "oxigraph", None)
    optimize = getattr(native, "optimize", None)
    if optimize is not None and getattr(store, "path", None) is not None:
        optimize()


def build(
    inputs: list[Input],
    store: Store,
    base_iri: str,
    *,
    jobs: int | None = None,
    progress: bool | None = None,
    force: bool = False,
    strict: bool = False,
    workdir: str | None = None,
    engine: DocumentEngine | None = None,
) -> BuildReport:
    """Check the changed documents of ``inputs`` in parallel, then write them all, or nothing
    if one is bad. ``force`` rebuilds unchanged documents too (after the ingest itself changed);
    ``strict`` counts a document the ingest warned about as bad. ``engine`` runs the per-document
    work on a distributed engine; the store is still written by this process alone."""
    stored = stored_digests(store, base_iri)
    with tempfile.TemporaryDirectory(prefix="vetkg-build-", dir=workdir) as outdir:
        checked, unchanged = check_documents(
            inputs, {} if force else stored, base_iri, outdir, jobs or default_jobs(), progress, strict, engine
        )
        if checked:
            # An entity named in an unchanged document keeps what that document says of it (a
            # publisher, say): descriptions are replaced only when every stored document is
            # rewritten, and otherwise added to. A description that only the old version of a
            # changed document gave stays until a build rewrites everything.
            everything = set(stored.values()) <= {c.graph_iri for c in checked}
            write_documents(store, checked, base_iri, progress, replace=everything)
            # what the ontology entails of them, which queries read by default
            refresh_inferred(store, base_iri)
    reports = tuple(c.report for c in checked)
    return BuildReport(len(checked), sum(c.triples for c in checked), unchanged, len(store), reports)
