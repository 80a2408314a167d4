"""The SPARQL 1.1 Protocol endpoint at ``/sparql``.

``init_sparql(app)`` registers it; see :mod:`.views` for the request flow, :mod:`.executor` for
how a query is read and stopped at its deadline in a forked worker, :mod:`.guard` for what the
worker refuses before Oxigraph runs a query, :mod:`.confine` for what the worker cannot do.
"""
from __future__ import annotations

from .errors import ProtocolError
from .views import UPDATE_HANDLER_KEY, bp, init_sparql

__all__ = ["UPDATE_HANDLER_KEY", "ProtocolError", "bp", "init_sparql"]
