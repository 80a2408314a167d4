"""Validated, transactional writes, with no web in it: what SPARQL Update at ``/sparql``, the
Graph Store Protocol at ``/store`` and ``vetkg validate --update`` / ``revert`` / ``repair`` run.

A write is computed into a pending state of the store (:mod:`.state`, :mod:`.update`), checked
(:mod:`.checks`: SHACL, HermiT), and only then committed (:mod:`.transaction`) by the store's own
write backend (:mod:`vetkg.store.write_backend`): in one Oxigraph transaction, or to a remote
SPARQL store as journaled, idempotent requests. Commit hooks (``Writer.hooks``) are where
history plugs in; every commit bumps the dataset's version
(:mod:`.dataset_version`).
"""
from __future__ import annotations

from vetkg.store.change import Change

from .transaction import CommitHook, Outcome, Writer

__all__ = ["Change", "CommitHook", "Outcome", "Writer"]
