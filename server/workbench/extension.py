"""Wires the workbench into the Flask app (kept out of the package's ``__init__`` so that
``vetkg build``, which only refreshes the index, does not import Flask and the endpoint)."""
from __future__ import annotations

from flask import Flask

from vetkg.store import Store

from ..config import Settings
from ..http import HEALTH_KEY
from ..write_endpoints import WRITER_KEY
from .index import SearchIndex, index_path
from .inference import init_inference
from .keeper import IndexKeeper
from .pictures import pictures
from .plan_text import marked_measures
from .sparql_function import SEARCH, search_function
from .views import INDEX_KEY, blueprint


def init_workbench(app: Flask) -> None:
    """Give ``app`` the entailed triples, the search index, its SPARQL function, ``/search``
    and ``/compare``."""
    settings: Settings = app.extensions["vetkg.settings"]
    store: Store = app.extensions["vetkg.store"]
    init_inference(app)
    index = SearchIndex(index_path(settings, store), settings.search_max_query_chars)
    keeper = IndexKeeper(index, store, settings.base_iri)
    keeper.start(background=app.extensions["vetkg.version"].quads() > settings.search_sync_max_quads)
    app.extensions[INDEX_KEY] = keeper
    app.extensions.setdefault(HEALTH_KEY, {})["search_index"] = lambda: "ready" if keeper.ready else "building"
    writer = app.extensions.get(WRITER_KEY)
    if writer is not None:
        writer.after_commit.append(keeper.after_commit)
    functions = getattr(store, "custom_functions", None)
    if functions is not None:
        functions[SEARCH] = search_function(index)
    app.register_blueprint(blueprint)
    # the entity and plan pages (server/templates/resource.html) draw these
    app.add_template_global(
        lambda iri, types, lang="zh": pictures(store, settings.base_iri, iri, types, lang), "workbench_pictures")
    app.add_template_global(lambda plan: marked_measures(store, settings.base_iri, plan), "workbench_marked_measures")
