"""Linked data: dereferenceable IRIs, HTML pages, the ontology reference, VoID, dumps and the query page.

``app.register_blueprint(blueprint)`` is all the app needs; templates and static files are the
app's own (``server/templates``, ``server/static``).
"""
from __future__ import annotations

from .views import blueprint

__all__ = ["blueprint"]
