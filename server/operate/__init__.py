"""Operating the store while a server holds it: the server owns the store, everything else goes
through it.

``vetkg serve`` announces itself beside the store (:mod:`.presence`); the other commands find it
there and send their work to its routes (:mod:`.routes`: documents, history, revert, backup)
through :mod:`.client`, or say in one line why they cannot.
"""
from __future__ import annotations

from flask import Flask

from .routes import bp


def init_operate(app: Flask) -> None:
    """Register ``/documents``, ``/history`` and ``/backup`` (after ``init_writes``)."""
    app.register_blueprint(bp)


__all__ = ["init_operate"]
