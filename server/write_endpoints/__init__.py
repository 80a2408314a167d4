"""Validated, transactional writes: SPARQL 1.1 Update at ``/sparql`` and the Graph Store
Protocol at ``/store``.

A write is computed into a pending state of the store (:mod:`.state`, :mod:`.update`), checked
(:mod:`.checks`: SHACL, HermiT), and only then committed: in one Oxigraph transaction
(:mod:`.transaction`, :mod:`.commit`), or to a remote SPARQL store as journaled, idempotent
requests (:mod:`.backend`, :mod:`.remote_commit`, :mod:`.journal`). Commit hooks
(``Writer.hooks``) are where history plugs in.
"""
from __future__ import annotations

from flask import Flask

from ..sparql import UPDATE_HANDLER_KEY
from ..sparql.views import UPDATE_GATE_KEY
from .backend import backend_for
from .change import Change
from .checks import Checker
from .gsp import bp as gsp_blueprint
from .history import history_hook
from .respond import WRITER_KEY
from .sparql_update import gate_update, handle_update
from .transaction import CommitHook, Outcome, Writer


def init_writes(app: Flask) -> None:
    """Give ``app`` its writer, the update handler and ``/store`` (after ``init_sparql``)."""
    settings = app.extensions["vetkg.settings"]
    backend = backend_for(app.extensions["vetkg.store"], settings.base_iri)
    if backend is not None:
        app.extensions[WRITER_KEY] = Writer(
            backend,
            app.extensions["vetkg.version"],
            Checker(settings.base_iri),
            hooks=[history_hook(backend, settings.base_iri)],
        )
    app.extensions[UPDATE_HANDLER_KEY] = handle_update
    app.extensions[UPDATE_GATE_KEY] = gate_update
    app.register_blueprint(gsp_blueprint)


__all__ = ["WRITER_KEY", "Change", "CommitHook", "Outcome", "Writer", "init_writes"]
