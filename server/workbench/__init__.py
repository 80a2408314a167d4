"""The researcher's workbench: Chinese full-text search (``/search``) and comparison of plans
(``/compare``), over the same store as the endpoint.

``init_workbench(app)`` (after ``init_writes``) opens the search index (:mod:`.index`) beside the
store, brings it in step with the store (re-segmenting only graphs whose content changed since
it was last built, so a ``vetkg build`` is picked up by the next ``vetkg serve``; see
:mod:`.keeper`), re-indexes the graphs each committed write changed (the writer's
``after_commit`` hook), offers the search
to SPARQL as ``vetkg:search`` (:mod:`.sparql_function`) and registers the pages.
"""
from __future__ import annotations

from pathlib import Path

from flask import Flask

from vetkg.store import Store

from ..config import Settings
from ..write_endpoints import WRITER_KEY
from .index import SearchIndex
from .keeper import IndexKeeper
from .sparql_function import SEARCH, search_function
from .views import INDEX_KEY, blueprint


def index_path(settings: Settings, store: Store) -> Path | None:
    """Where the index lives: ``search_index`` if set, else beside an on-disk store
    (``.vetkg/store.search.sqlite``), else (a store in memory) a temporary file."""
    if settings.search_index:
        return Path(settings.search_index)
    path = getattr(store, "path", None)
    if path is not None:
        return Path(f"{path}.search.sqlite")
    if settings.store == "sparql":
        return Path(f"{settings.store_path}.search.sqlite")
    return None


def refresh_index(settings: Settings, store: Store) -> list[str]:
    """Bring the index beside ``store`` in step with it (after ``vetkg build``, so the next
    ``vetkg serve`` starts without segmenting); returns the graphs re-indexed. A store in memory
    has no index to keep."""
    path = index_path(settings, store)
    if path is None:
        return []
    return SearchIndex(path, settings.search_max_query_chars).sync(store, settings.base_iri)


def init_workbench(app: Flask) -> None:
    """Give ``app`` the search index, its SPARQL function, ``/search`` and ``/compare``."""
    settings: Settings = app.extensions["vetkg.settings"]
    store: Store = app.extensions["vetkg.store"]
    index = SearchIndex(index_path(settings, store), settings.search_max_query_chars)
    keeper = IndexKeeper(index, store, settings.base_iri)
    keeper.start(background=app.extensions["vetkg.version"].quads() > settings.search_sync_max_quads)
    app.extensions[INDEX_KEY] = keeper
    writer = app.extensions.get(WRITER_KEY)
    if writer is not None:
        writer.after_commit.append(keeper.after_commit)
    functions = getattr(store, "custom_functions", None)
    if functions is not None:
        functions[SEARCH] = search_function(index)
    app.register_blueprint(blueprint)


__all__ = ["IndexKeeper", "index_path", "init_workbench", "refresh_index"]
