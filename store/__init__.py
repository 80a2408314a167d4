"""The store backends and the model every stage above them shares.

The backends are the embedded Oxigraph store (:mod:`.oxigraph`) and a remote SPARQL 1.1 store
(:mod:`.sparql`). Each one reads, and commits a checked change itself (:mod:`.write_backend`).
The shared model is the terms between pyoxigraph and rdflib (:mod:`.terms`), the change a write
makes (:mod:`.change`), the data graphs seen as one graph before or after a change
(:mod:`.union`), the one registry of RDF and results formats (:mod:`.formats`), the canonical
N-Quads of a dataset (:mod:`.canonical`) and the entailed graph (:mod:`.entailment`).

Stores are chosen by name, as with rdflib's plugin registry. ``get_store("oxigraph", path=...)``
opens the embedded on-disk store and ``get_store("memory")`` an in-memory one. A remote store
registers itself the same way, so the rest of the code never names a concrete class.
"""
from __future__ import annotations

from importlib import import_module
from typing import Any

from .base import Store, StoreError, StoreRefused, StoreTimeout

_REGISTRY: dict[str, str] = {
    "oxigraph": "vetkg.store.oxigraph:OxigraphStore",
    "memory": "vetkg.store.oxigraph:MemoryStore",
    "sparql": "vetkg.store.sparql:RemoteSparqlStore",
}


def register(name: str, target: str) -> None:
    """Register ``target`` ("module:Class") as the store called ``name``."""
    _REGISTRY[name] = target


def store_names() -> list[str]:
    return sorted(_REGISTRY)


def get_store(name: str, **options: Any) -> Store:
    """Open the store registered as ``name`` with its options (path, url, read_only …)."""
    try:
        target = _REGISTRY[name]
    except KeyError:
        raise StoreError(f"unknown store {name!r}; known stores: {', '.join(store_names())}") from None
    module_name, _, class_name = target.partition(":")
    cls = getattr(import_module(module_name), class_name)
    return cls(**options)


__all__ = ["Store", "StoreError", "StoreRefused", "StoreTimeout", "get_store", "register", "store_names"]
