"""A cache of query results in the server process, so a repeated query costs no worker.

Researchers, dashboards and the linked-data pages send the same queries far more often than the
data changes. An entry is the outcome a worker returned (the serialised bytes, the content type,
whether the rows were capped), keyed by everything that selects it: the query text (stripped of
surrounding white space, the only normalisation that cannot change what the text means: inside
it a space or a line break may be part of a literal), the dataset (the protocol's graphs, the
union setting), the Accept header and ``format=`` (the format is chosen in the worker, from the
query's form, so the key takes what the choice is made from), the row cap and the base IRI.

Every entry belongs to one dataset generation (:class:`vetkg.server.writes.dataset_version.
DatasetVersion`): the first look-up after a committed write finds the generation changed and
empties the cache, and an outcome computed while a write committed is not stored (it may be of
either generation). A capped answer is stored with its flag, so the cap headers come back with
it; a query that timed out or failed has no outcome and is never stored.

Texts whose answer may differ between two runs on the same data are not cached (see
:func:`cacheable`); the test is on the text, conservatively, since the text is parsed only in the
worker: a false alarm (the word in a literal) costs only the cache.
"""
from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from .results import QueryJob

# Functions that give a new value per call or per query (RAND, NOW, UUID, STRUUID, BNODE),
# SERVICE (another server's data, which no write here bumps), and vetkg:search (its full-text
# index is brought in step with the store in the background, outside the dataset generation).
_VOLATILE = re.compile(r"\b(?:RAND|NOW|UUID|STRUUID|BNODE)\s*\(|\bSERVICE\b|search\s*>?\s*\(", re.IGNORECASE)
# SPARQL reads \uXXXX and \UXXXXXXXX escapes anywhere in the text before parsing it (SPARQL 1.1,
# 19.2), so "\u0052AND(" is RAND(: a text with one is not judged by its letters.
_CODEPOINT_ESCAPE = re.compile(r"\\[uU]")
# A CONSTRUCT template's blank nodes are minted anew by every run.
_CONSTRUCT = re.compile(r"\bCONSTRUCT\b", re.IGNORECASE)
_TEMPLATE_BNODE = re.compile(r"_:|\[")
# Per entry: the bytes a key, the job and the bookkeeping take on top of the body, roughly.
_ENTRY_OVERHEAD = 200


def cacheable(text: str) -> bool:
    """Whether two runs of ``text`` on the same data give the same bytes (as far as the text tells)."""
    if _VOLATILE.search(text) or _CODEPOINT_ESCAPE.search(text):
        return False
    return not (_CONSTRUCT.search(text) and _TEMPLATE_BNODE.search(text))


def cache_key(job: QueryJob) -> bytes:
    """What selects a job's answer, hashed. The limits (memory, nesting, timeout) are left out:
    they decide whether an answer comes, not what it is."""
    parts = (
        job.text.strip(), job.union_default_graph, job.default_graphs, job.named_graphs,
        sorted(job.prefixes.items()), job.base_iri, job.accept, job.format_name, job.max_rows,
        job.kind, job.fmt, job.allow_service, job.allow_unknown_graphs,
    )
    return hashlib.blake2b(repr(parts).encode("utf-8", "surrogatepass"), digest_size=16).digest()


class Sized(Protocol):
    @property
    def nbytes(self) -> int: ...


Entry = TypeVar("Entry", bound=Sized)


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0
    uncacheable: int = 0
    evictions: int = 0
    invalidations: int = 0


class ResultCache(Generic[Entry]):
    """Outcomes by key, at most ``max_bytes`` of them, least recently used evicted first.

    An outcome larger than a quarter of the bound is not kept: one large answer would otherwise
    evict every small one. ``max_bytes`` 0: the cache is off (nothing is kept). The entries are
    query outcomes (:class:`.results.QueryOutcome`) or whole responses (the endpoint's replays):
    anything that tells its size."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max(0, max_bytes)
        self._entries: OrderedDict[bytes, Entry] = OrderedDict()
        self._bytes = 0
        self._generation: int | None = None
        self._lock = threading.Lock()
        self.stats = CacheStats()

    @property
    def enabled(self) -> bool:
        return self.max_bytes > 0

    @property
    def size(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._entries)

    @staticmethod
    def _size(outcome: Entry) -> int:
        return outcome.nbytes + _ENTRY_OVERHEAD

    def _settle(self, generation: int) -> None:
        """Empty the cache if the dataset changed since its entries were made (under the lock)."""
        if self._generation != generation:
            if self._entries:
                self.stats.invalidations += 1
            self._entries.clear()
            self._bytes = 0
            self._generation = generation

    def get(self, key: bytes, generation: int) -> Entry | None:
        with self._lock:
            self._settle(generation)
            outcome = self._entries.get(key)
            if outcome is None:
                self.stats.misses += 1
                return None
            self._entries.move_to_end(key)
            self.stats.hits += 1
            return outcome

    def put(self, key: bytes, generation: int, outcome: Entry) -> None:
        """Keep ``outcome``, computed from the data of ``generation``, unless that is past."""
        size = self._size(outcome)
        if size > self.max_bytes // 4:
            return
        with self._lock:
            self._settle(max(generation, self._generation or 0))
            if generation != self._generation:
                return  # a write committed while it ran: it may be of the old data
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= self._size(old)
            self._entries[key] = outcome
            self._bytes += size
            while self._bytes > self.max_bytes:
                _, evicted = self._entries.popitem(last=False)
                self._bytes -= self._size(evicted)
                self.stats.evictions += 1

    def note_uncacheable(self) -> None:
        with self._lock:
            self.stats.uncacheable += 1

    def note_hit(self) -> None:
        """A hit answered from a copy of an entry elsewhere (the endpoint's replay of a response)."""
        with self._lock:
            self.stats.hits += 1
