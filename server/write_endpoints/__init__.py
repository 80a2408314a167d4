"""Writes over HTTP (Flask): SPARQL 1.1 Update at ``/sparql`` (:mod:`.sparql_update`, the handler
the endpoint calls) and the Graph Store Protocol at ``/store`` (:mod:`.gsp`); who may write
(:mod:`.auth`), reading an RDF body (:mod:`.rdfbody`), running a write for a request
(:mod:`.respond`) and the report a client is told (:mod:`.report`). The write itself is
:mod:`vetkg.server.writes`'.
"""
from __future__ import annotations

from flask import Flask

from vetkg.store import Store

from ..sparql_endpoint import UPDATE_HANDLER_KEY
from ..sparql_endpoint.views import UPDATE_GATE_KEY
from ..writes.checks import Checker
from ..writes.history import history_hook
from ..writes.transaction import Writer
from .gsp import bp as gsp_blueprint
from .respond import WRITER_KEY
from .sparql_update import gate_update, handle_update


def init_writes(app: Flask) -> None:
    """Give ``app`` its writer, the update handler and ``/store`` (after ``init_sparql``)."""
    settings = app.extensions["vetkg.settings"]
    store: Store = app.extensions["vetkg.store"]
    backend = store.write_backend(settings.base_iri)
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


__all__ = ["WRITER_KEY", "init_writes"]
