"""The dataset's version: a token that changes with every write, for ETags and snapshots.

The writer bumps it when it commits; the web side labels answers with it (:mod:`vetkg.server.http`)
and the query workers keep a snapshot per generation.
"""
from __future__ import annotations

import hashlib
import threading
import uuid
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from vetkg.store import Store


class DatasetVersion:
    """A token that changes whenever the dataset may have changed.

    It starts from a token drawn when the server starts and changes again on every ``bump()``.
    Nothing in it is read from the store: counting the quads of a large store takes seconds, and
    a write that keeps the count (one triple replaced) must change it all the same, across
    restarts too.
    """

    def __init__(self, store: Store) -> None:
        self._lock = threading.Lock()
        self._store = store
        self._counter = 0
        self._seed = uuid.uuid4().hex[:16]
        self._modified = datetime.now(UTC).replace(microsecond=0)
        self._modified_http = format_datetime(self._modified, usegmt=True)
        self._quads: tuple[int, int] | None = None  # (generation, quad count)

    def quads(self) -> int:
        """The store's quad count, counted once per generation."""
        generation = self._counter
        known = self._quads
        if known is None or known[0] != generation:
            known = self._quads = (generation, len(self._store))
        return known[1]

    def bump(self) -> None:
        """Record a change to the store: new ETags, a new Last-Modified."""
        with self._lock:
            self._counter += 1
            # Last-Modified has one-second resolution: never let a bump within the same second
            # leave it unchanged, or If-Modified-Since would answer 304 for changed data.
            now = datetime.now(UTC).replace(microsecond=0)
            self._modified = now if now > self._modified else self._modified + timedelta(seconds=1)
            self._modified_http = format_datetime(self._modified, usegmt=True)

    @property
    def generation(self) -> int:
        """How many changes this server has committed: what a snapshot of the store is as of."""
        return self._counter

    @property
    def tag(self) -> str:
        return f"{self._seed}-{self._counter}"

    @property
    def last_modified(self) -> datetime:
        return self._modified

    @property
    def last_modified_http(self) -> str:
        """``last_modified`` as an HTTP date, formatted once per change rather than per answer."""
        return self._modified_http

    def etag_for(self, *parts: str) -> str:
        """An ETag for one representation: this version plus what selects the representation."""
        digest = hashlib.sha256(self.tag.encode("ascii"))
        for part in parts:
            digest.update(b"\0" + part.encode("utf-8"))
        return digest.hexdigest()[:32]
