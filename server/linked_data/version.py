"""Which version of the dataset is being served: the key of cached results, and the validators.

The HTTP layer keeps a DatasetVersion in ``app.extensions["vetkg.version"]`` (server/http.py) and
bumps it on every write; when it is there it is the one truth. An app built without it still
works: a cheap signature keys the caches, and the dumps' ETag hashes their content.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, Response, current_app, request

from vetkg.store import Store

T = TypeVar("T")
_CACHE = "vetkg.linked_data.cache"


def shared_version(app: Flask) -> str | None:
    version = app.extensions.get("vetkg.version")
    return None if version is None else version.tag


def _store(app: Flask) -> Store:
    return app.extensions["vetkg.store"]


def cache_key(app: Flask) -> str:
    shared = shared_version(app)
    if shared is not None:
        return shared
    store = _store(app)
    return f"{len(store)}:{'|'.join(store.graphs())}"


def content_digest(store: Store) -> str:
    """An order-independent digest of every quad: equal datasets give equal digests in any store."""
    total = 0
    for quad in store.quads():
        total = (total + int.from_bytes(hashlib.sha256(str(quad).encode()).digest()[:16], "big")) % (1 << 128)
    return f"{total:032x}-{len(store)}"


def memoised(app: Flask, name: str, compute: Callable[[], T]) -> T:
    """``compute()`` once per dataset version; a result of an older version is dropped."""
    cache: dict[str, tuple[str, Any]] = app.extensions.setdefault(_CACHE, {})
    key = cache_key(app)
    hit = cache.get(name)
    if hit is not None and hit[0] == key:
        return hit[1]
    value = compute()
    cache[name] = (key, value)
    return value


def etag(*parts: str) -> str:
    """An ETag for one representation of the current dataset version."""
    app = current_app
    version = app.extensions.get("vetkg.version")
    if version is not None:
        return version.etag_for(*parts)
    # Not memoised on the cheap cache key: a change that keeps the quad count must change the tag.
    digest = hashlib.sha256(content_digest(_store(app)).encode())
    for part in parts:
        digest.update(b"\0" + part.encode("utf-8"))
    return digest.hexdigest()[:32]


def not_modified(tag: str) -> Response | None:
    """A 304 when the client's validators still hold, decided before the body is built."""
    if current_app.extensions.get("vetkg.version") is None:
        return None
    from ..http import not_modified as http_not_modified

    return http_not_modified(tag)


def validate(response: Response, tag: str) -> Response:
    """Weak ETag and Last-Modified the way the HTTP layer does them, or a plain weak ETag without it."""
    if current_app.extensions.get("vetkg.version") is None:
        response.set_etag(tag, weak=True)
        response.make_conditional(request)  # in place: it returns the response itself
        return response
    from ..http import conditional

    return conditional(response, tag)
