"""The SPARQL 1.1 Protocol endpoint at ``/sparql`` (Flask): the request is read
(:mod:`.protocol`), admitted to a lane (:mod:`.admission`) and answered (:mod:`.views`).

``init_sparql(app)`` registers it. Running a query safely is :mod:`vetkg.server.sparql`'s job;
an update is handed to the handler :mod:`vetkg.server.write_endpoints` registers.
"""
from __future__ import annotations

from ..sparql.errors import ProtocolError
from .views import UPDATE_HANDLER_KEY, bp, init_sparql

__all__ = ["UPDATE_HANDLER_KEY", "ProtocolError", "bp", "init_sparql"]
