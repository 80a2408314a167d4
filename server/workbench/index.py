"""The full-text index: SQLite FTS5 over pre-segmented words, ranked with BM25.

Each entry (a measure, work area, title, entity label …) is stored twice: its original text in
``entries`` (what hits show and highlight) and its jieba words, space-joined, in the FTS5 table
``entry_words`` (what is matched and ranked; ``bm25()`` weighs titles three times the body).
Entries and facets belong to the named graph they were read from, so a write re-indexes just the
graphs it changed; ``graphs`` keeps a digest of what each graph gave, so a server that starts
over a rebuilt store re-segments only the graphs whose content changed.

The file is opened by several processes (the server and its forked query workers, which answer
``vetkg:search`` in SPARQL): each process and thread opens its own connection, and the file is in
WAL mode so readers never wait for the writer.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
import threading
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from vetkg.store import Store

from ..config import Settings
from .harvest import GraphContent, harvest, indexable_graphs
from .segment import QueryWord, index_words, match_expression, query_words

SCHEMA_VERSION = "1"
TITLE_WEIGHT, BODY_WEIGHT = 3.0, 1.0
FACETS = ("document", "year", "region", "area", "kind")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS graphs (graph TEXT PRIMARY KEY, digest TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entries (
    id INTEGER PRIMARY KEY, graph TEXT NOT NULL, node TEXT NOT NULL, kind TEXT NOT NULL,
    title TEXT NOT NULL, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS entries_graph ON entries (graph);
CREATE INDEX IF NOT EXISTS entries_node ON entries (node);
CREATE VIRTUAL TABLE IF NOT EXISTS entry_words USING fts5(title, body, tokenize = 'unicode61');
CREATE TABLE IF NOT EXISTS facets (
    graph TEXT NOT NULL, node TEXT NOT NULL, facet TEXT NOT NULL, value TEXT NOT NULL, label TEXT NOT NULL,
    UNIQUE (graph, node, facet, value));
CREATE INDEX IF NOT EXISTS facets_node ON facets (node, facet, value);
"""


class QueryRejected(ValueError):
    """The query cannot be searched: empty, or too long. The message says which."""


@dataclass(frozen=True)
class Hit:
    node: str
    kind: str
    title: str
    body: str
    score: float  # BM25, higher is better
    facets: dict[str, list[tuple[str, str]]]  # facet -> [(value, label)]


@dataclass
class Results:
    query: str
    words: list[QueryWord]
    every: bool  # True: every word matched; False: no entry had them all, any word matched
    total: int
    hits: list[Hit]
    facets: dict[str, list[tuple[str, str, int]]] = field(default_factory=dict)  # facet -> [(value, label, count)]


class SearchIndex:
    """The index at ``path``; None keeps it in a temporary file removed with this object."""

    def __init__(self, path: str | Path | None, max_query_chars: int = 100) -> None:
        self._owner = os.getpid()
        self._tmpdir: str | None = None
        if path is None:
            self._tmpdir = tempfile.mkdtemp(prefix="vetkg-search-")
            path = Path(self._tmpdir) / "search.sqlite"
            weakref.finalize(self, _remove_if_owner, self._tmpdir, self._owner)
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.max_query_chars = max_query_chars
        #: Counts the changes this process made to the index (what caches of its answers key on).
        self.version = 0
        self._local = threading.local()
        self._write_lock = threading.Lock()
        db = self._db()
        with db:
            db.executescript(_SCHEMA)
            row = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            if row is None or row[0] != SCHEMA_VERSION:
                for table in ("entries", "entry_words", "facets", "graphs"):
                    db.execute(f"DELETE FROM {table}")
                db.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))

    def _db(self) -> sqlite3.Connection:
        # A connection made before a fork must not be used after it: key it by process too.
        local = self._local
        if getattr(local, "pid", None) != os.getpid():
            db = sqlite3.connect(self.path, timeout=30, check_same_thread=True)
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
            local.db, local.pid = db, os.getpid()
        return local.db

    # -- keeping it in step with the store --------------------------------------------------------

    def sync(self, store, base_iri: str, graphs: Iterable[str] | None = None) -> list[str]:
        """Re-index ``graphs`` (default: every graph of the store) whose content changed; drop
        the index's graphs the store no longer has. Returns the graphs re-indexed."""
        full = graphs is None
        wanted = set(indexable_graphs(store, base_iri) if graphs is None else graphs)
        present = set(store.graphs())
        contents = harvest(store, base_iri, sorted(wanted & present))
        with self._write_lock:
            db = self._db()
            known = dict(db.execute("SELECT graph, digest FROM graphs"))
            gone = (set(known) - wanted) if full else (wanted - present) & set(known)
            changed = {g: c for g, c in contents.items() if known.get(g) != c.digest()}
            if changed or gone:
                with db:
                    for graph in gone:
                        self._clear(db, graph)
                        db.execute("DELETE FROM graphs WHERE graph = ?", (graph,))
                    for content in changed.values():
                        self._replace(db, content)
                self.version += 1
        return sorted(changed) + sorted(gone)

    @staticmethod
    def _clear(db: sqlite3.Connection, graph: str) -> None:
        db.execute("DELETE FROM entry_words WHERE rowid IN (SELECT id FROM entries WHERE graph = ?)", (graph,))
        db.execute("DELETE FROM entries WHERE graph = ?", (graph,))
        db.execute("DELETE FROM facets WHERE graph = ?", (graph,))

    def _replace(self, db: sqlite3.Connection, content: GraphContent) -> None:
        # A write usually changes a sentence or two of a graph: keep the words of the texts that
        # did not change rather than segmenting the whole document again.
        known: dict[str, str] = {}
        for title, body, title_words, body_words in db.execute(
            "SELECT e.title, e.body, w.title, w.body FROM entries e JOIN entry_words w ON w.rowid = e.id "
            "WHERE e.graph = ?", (content.graph,)
        ):
            known[title], known[body] = title_words, body_words

        def words(text: str) -> str:
            found = known.get(text)
            if found is None:
                found = known[text] = index_words(text)
            return found

        self._clear(db, content.graph)
        for entry in dict.fromkeys(content.entries):
            cur = db.execute(
                "INSERT INTO entries (graph, node, kind, title, body) VALUES (?, ?, ?, ?, ?)",
                (content.graph, entry.node, entry.kind, entry.title, entry.body),
            )
            db.execute(
                "INSERT INTO entry_words (rowid, title, body) VALUES (?, ?, ?)",
                (cur.lastrowid, words(entry.title), words(entry.body)),
            )
        db.executemany(
            "INSERT OR IGNORE INTO facets VALUES (?, ?, ?, ?, ?)",
            [(content.graph, f.node, f.facet, f.value, f.label) for f in content.facets],
        )
        db.execute("INSERT OR REPLACE INTO graphs VALUES (?, ?)", (content.graph, content.digest()))

    def __len__(self) -> int:
        return self._db().execute("SELECT COUNT(*) FROM entries").fetchone()[0]

    # -- searching --------------------------------------------------------------------------------

    def words(self, query: str) -> list[QueryWord]:
        """The query's words; QueryRejected when it is empty or longer than allowed."""
        query = query.strip()
        if not query:
            raise QueryRejected("the query q is empty: give a word or phrase to search for")
        if len(query) > self.max_query_chars:
            raise QueryRejected(f"the query q has {len(query)} characters; at most {self.max_query_chars} are searched")
        words = query_words(query)
        if not words:
            raise QueryRejected("the query q holds no word (only punctuation or spaces)")
        return words

    def _matches(self, words: list[QueryWord], filters: dict[str, str]) -> tuple[str, list[str], bool]:
        """The SQL selecting (node, rank) of the matching entries, its parameters, and whether
        every word had to match (False after falling back to any word)."""
        conditions, params = [], []
        for facet, value in filters.items():
            conditions.append("EXISTS (SELECT 1 FROM facets f WHERE f.node = e.node AND f.facet = ? AND f.value = ?)")
            params += [facet, value]
        where = "".join(f" AND {c}" for c in conditions)
        db = self._db()
        for every in (True, False):
            expression = match_expression(words, every)
            # bm25() is only allowed in a plain scan of the FTS table: rank there, group outside.
            sql = (
                "WITH ranked AS MATERIALIZED (SELECT rowid AS id, "
                f"bm25(entry_words, {TITLE_WEIGHT}, {BODY_WEIGHT}) AS rank FROM entry_words WHERE entry_words MATCH ?) "
                "SELECT e.node AS node, MIN(ranked.rank) AS rank, e.kind AS kind, e.title AS title, e.body AS body "
                f"FROM ranked JOIN entries e ON e.id = ranked.id WHERE 1{where} GROUP BY e.node"
            )
            args = [expression, *params]
            if every and len(words) > 1 and db.execute(f"SELECT 1 FROM ({sql}) LIMIT 1", args).fetchone() is None:
                continue
            return sql, args, every
        raise AssertionError("unreachable")

    def search(self, query: str, filters: dict[str, str] | None = None, limit: int = 20, offset: int = 0) -> Results:
        """Hits for ``query`` (best first), restricted to entries having each facet value in
        ``filters``, with the facet counts of all matching entries."""
        words = self.words(query)
        filters = {k: v for k, v in (filters or {}).items() if k in FACETS and v}
        sql, args, every = self._matches(words, filters)
        db = self._db()
        total = db.execute(f"SELECT COUNT(*) FROM ({sql})", args).fetchone()[0]
        rows = db.execute(f"SELECT node, rank, kind, title, body FROM ({sql}) ORDER BY rank, node LIMIT ? OFFSET ?",
                          [*args, limit, offset]).fetchall()
        facets_of = self._facets_of([r[0] for r in rows])
        hits = [Hit(node, kind, title, body, -rank, facets_of.get(node, {})) for node, rank, kind, title, body in rows]
        counts: dict[str, list[tuple[str, str, int]]] = {}
        for facet, value, label, count in db.execute(
            f"SELECT f.facet, f.value, MAX(f.label), COUNT(DISTINCT m.node) FROM ({sql}) m "
            "JOIN facets f ON f.node = m.node GROUP BY f.facet, f.value ORDER BY f.facet, COUNT(DISTINCT m.node) DESC, f.value",
            args,
        ):
            counts.setdefault(facet, []).append((value, label, count))
        return Results(query.strip(), words, every, total, hits, counts)

    def scores(self, query: str) -> dict[str, float]:
        """Every matching node and its score: what ``search`` ranks, without facets or limit."""
        sql, args, _every = self._matches(self.words(query), {})
        return {node: -rank for node, rank in self._db().execute(f"SELECT node, rank FROM ({sql})", args)}

    def _facets_of(self, nodes: list[str]) -> dict[str, dict[str, list[tuple[str, str]]]]:
        out: dict[str, dict[str, list[tuple[str, str]]]] = {}
        if not nodes:
            return out
        marks = ",".join("?" * len(nodes))
        for node, facet, value, label in self._db().execute(
            f"SELECT DISTINCT node, facet, value, label FROM facets WHERE node IN ({marks}) ORDER BY value", nodes
        ):
            out.setdefault(node, {}).setdefault(facet, []).append((value, label))
        return out


def _remove_if_owner(directory: str, owner: int) -> None:
    # A forked query worker inherits this object; only the process that made the file removes it.
    if os.getpid() == owner:
        shutil.rmtree(directory, ignore_errors=True)


def index_path(settings: Settings, store: Store) -> Path | None:
    """Where the index lives: ``search_index`` if set, else beside an on-disk store
    (``.vetkg/store.search.sqlite``), else (a store in memory) a temporary file."""
    if settings.search_index:
        return Path(settings.search_index)
    path = getattr(store, "path", None)
    if path is not None:
        return Path(f"{path}.search.sqlite")
    if settings.store == "sparql":
        return Path(f"{settings.store_path}.search.sqlite")
    return None


def refresh_index(settings: Settings, store: Store) -> list[str]:
    """Bring the index beside ``store`` in step with it (after ``vetkg build``, so the next
    ``vetkg serve`` starts without segmenting); returns the graphs re-indexed. A store in memory
    has no index to keep."""
    path = index_path(settings, store)
    if path is None:
        return []
    return SearchIndex(path, settings.search_max_query_chars).sync(store, settings.base_iri)
