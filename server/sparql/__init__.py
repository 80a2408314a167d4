"""The SPARQL 1.1 Protocol endpoint at ``/sparql``.

``init_sparql(app)`` registers it; see :mod:`.views` for the request flow, :mod:`.executor` for
how a query is stopped at its deadline, :mod:`.guard` for what is refused before anything runs.
"""
from __future__ import annotations

from .errors import ProtocolError
from .views import UPDATE_HANDLER_KEY, bp, init_sparql

__all__ = ["ProtocolError", "UPDATE_HANDLER_KEY", "bp", "init_sparql"]
