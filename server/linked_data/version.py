"""Results worth keeping between requests (the ontology, VoID's statistics), kept per version
of the dataset: the HTTP layer's DatasetVersion (server/writes/dataset_version.py), bumped on
every write, which also gives every ETag (:func:`vetkg.server.http.conditional_get`).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask

T = TypeVar("T")
_CACHE = "vetkg.linked_data.cache"


def memoised(app: Flask, name: str, compute: Callable[[], T]) -> T:
    """``compute()`` once per dataset version; a result of an older version is dropped."""
    cache: dict[str, tuple[str, Any]] = app.extensions.setdefault(_CACHE, {})
    key = app.extensions["vetkg.version"].tag
    hit = cache.get(name)
    if hit is not None and hit[0] == key:
        return hit[1]
    value = compute()
    cache[name] = (key, value)
    return value
