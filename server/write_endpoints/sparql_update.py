"""The SPARQL 1.1 Update handler the ``/sparql`` endpoint calls (``UPDATE_HANDLER_KEY``)."""
from __future__ import annotations

import time

import pyoxigraph as ox
from flask import Response, current_app, request

from vetkg.ontology.graphs import store_graphs

from ..config import Settings
from ..sparql.errors import ProtocolError
from ..sparql.guard import check_update
from ..sparql.known_prefixes import missing_declarations
from ..sparql_endpoint.protocol import Operation
from ..writes.deadline import WriteTimeout, deadline
from ..writes.update import UpdateOptions, apply_update
from .auth import dry_run_requested, gate
from .report import change_headers
from .respond import checked_answer, memory_bound, run_write


def _base_iri() -> str | None:
    # Relative IRIs in an update resolve against the endpoint (SPARQL 1.1 Protocol allows it).
    try:
        return ox.NamedNode(request.base_url).value
    except ValueError:
        return None


def gate_update() -> None:
    """The endpoint's UPDATE_GATE_KEY: the token and the body's size, before the body is read."""
    gate(request, current_app.extensions["vetkg.settings"])


def handle_update(op: Operation) -> Response:
    """Apply the update of ``op`` as one transaction: 204 when committed, 422 with the report
    when the result would not conform, 400 when an operation cannot be carried out, 503 when
    reading, computing and checking it takes longer than ``update_timeout``."""
    settings: Settings = current_app.extensions["vetkg.settings"]
    who = gate(request, settings)
    dry_run = dry_run_requested(request)
    started = time.monotonic()
    try:
        with deadline(settings.update_timeout, memory_bound(settings.max_update_memory_mb)):
            # the known prefixes work undeclared in an update as in a query (on its first line,
            # so a syntax error keeps its line number)
            text = missing_declarations(op.update or "") + (op.update or "")
            checked = check_update(text, allow_service=settings.allow_service, using_given=op.has_dataset)
    except WriteTimeout as exc:
        raise ProtocolError(503, str(exc), {"Retry-After": "5"}) from None
    options = UpdateOptions(
        base_iri=_base_iri(),
        union_default_graph=settings.union_default_graph,
        using_graphs=op.default_graphs if op.has_dataset else None,
        using_named_graphs=op.named_graphs if op.has_dataset else None,
        system_graphs=store_graphs(settings.base_iri).system,
    )
    left = max(settings.update_timeout - (time.monotonic() - started), 0.001)
    outcome = run_write(lambda state: apply_update(state, checked.text, options, checked.tree), who, dry_run, timeout=left)
    answer = checked_answer(outcome, dry_run)
    if answer is not None:
        return answer
    return change_headers(Response(status=204), outcome)
