"""Validation over HTTP: ``/validate`` answers what ``vetkg validate`` prints, to any reader.

* ``GET /validate``: the store's data graphs against the store's shapes;
  ``?graph=IRI``: one data graph;
* ``POST /validate`` with an RDF body (Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML): that
  graph against the store's shapes, nothing written;
* ``POST /validate/shapes`` with a Turtle body of SHACL shapes: the store (or ``?graph=``)
  against them;
* ``POST /validate`` as ``multipart/form-data`` with parts ``data`` and ``shapes``: both posted.

The report comes as text (zh and en, as the CLI prints it; ``?lang=zh`` or ``en`` keeps one),
JSON, or the SHACL report graph in Turtle (or JSON-LD, N-Triples, RDF/XML), by ``Accept`` or
``?format=text|json|turtle``. It is 200 whether or not the data conforms; ``X-VetKG-Conforms``
and ``X-VetKG-Violations`` say which.

Validation runs in the server process (pyshacl), so it is bounded as a write's checks are: a
body of at most ``max_update_bytes``, ``update_timeout`` seconds and ``max_update_memory_mb``
(503 past them), one validation at a time (503 with Retry-After while one runs). A report of the
store is kept for its version, so asking again costs nothing until the next write.
"""
from __future__ import annotations

from flask import Flask

from .views import bp


def init_validation(app: Flask) -> None:
    """Give ``app`` the ``/validate`` routes."""
    app.register_blueprint(bp)


__all__ = ["init_validation"]
