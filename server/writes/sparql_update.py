"""The SPARQL 1.1 Update handler the ``/sparql`` endpoint calls (``UPDATE_HANDLER_KEY``)."""
from __future__ import annotations

import pyoxigraph as ox
from flask import Response, current_app, request

from ..config import Settings
from ..sparql.guard import CheckedUpdate
from ..sparql.protocol import Operation
from .auth import authorise, dry_run_requested
from .report import change_headers
from .respond import checked_answer, run_write
from .update import UpdateOptions, apply_update


def _base_iri() -> str | None:
    # Relative IRIs in an update resolve against the endpoint (SPARQL 1.1 Protocol allows it).
    try:
        return ox.NamedNode(request.base_url).value
    except ValueError:
        return None


def handle_update(checked: CheckedUpdate, op: Operation) -> Response:
    """Apply ``checked`` as one transaction: 204 when committed, 422 with the report when the
    result would not conform, 400 when an operation cannot be carried out."""
    settings: Settings = current_app.extensions["vetkg.settings"]
    who = authorise(request, settings)
    dry_run = dry_run_requested(request)
    options = UpdateOptions(
        base_iri=_base_iri(),
        union_default_graph=settings.union_default_graph,
        using_graphs=op.default_graphs if op.has_dataset else None,
        using_named_graphs=op.named_graphs if op.has_dataset else None,
    )
    outcome = run_write(lambda state: apply_update(state, checked.text, options), who, dry_run)
    answer = checked_answer(outcome, dry_run)
    if answer is not None:
        return answer
    return change_headers(Response(status=204), outcome)
