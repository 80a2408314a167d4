"""The Flask application factory."""
from __future__ import annotations

from flask import Flask

from vetkg.store import Store, get_store

from .config import Settings, load_settings
from .http import init_http
from .linked_data import blueprint as linked_data_blueprint
from .operate.routes import init_operate
from .sparql_endpoint import init_sparql
from .sparql_endpoint.admission import init_admission
from .sparql_endpoint.cached_queries import init_result_cache
from .sparql_endpoint.direct import init_direct_queries
from .validation import init_validation
from .workbench.extension import init_workbench
from .write_endpoints import init_writes


def create_app(settings: Settings | None = None, store: Store | None = None) -> Flask:
    """Build the app for ``settings`` (default: :func:`load_settings`) over ``store``.

    Passing a store lets tests serve an in-memory dataset; otherwise the store named in the
    settings is opened.
    """
    settings = settings or load_settings()
    app = Flask(__name__)
    app.config.from_mapping(settings.as_flask_config())
    app.extensions["vetkg.settings"] = settings
    # "is None", not "or": an empty store has length 0 and is falsy, and opening its path a second
    # time fails on Oxigraph's lock.
    app.extensions["vetkg.store"] = store if store is not None else get_store(settings.store, **settings.store_options())
    init_http(app, app.extensions["vetkg.store"])  # CORS, gzip, validators, /health, /metrics
    init_sparql(app)  # /sparql
    init_admission(app)  # long queries in a slow lane of their own
    init_direct_queries(app)  # plain queries answered in front of Flask's dispatch
    init_result_cache(app)  # repeated queries answered without a worker
    init_writes(app)  # SPARQL Update on /sparql, the Graph Store Protocol on /store
    init_operate(app)  # /documents, /history, /backup: what the CLI does while a server holds the store
    init_validation(app)  # /validate: the store, a graph or posted shapes, open to readers
    app.register_blueprint(linked_data_blueprint)  # IRIs, /ontology, VoID, dumps, the query page
    init_workbench(app)  # /search, /compare, vetkg:search in SPARQL (after init_writes: its commit hook)
    return app
