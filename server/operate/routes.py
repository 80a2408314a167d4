"""Operating a running server over HTTP: add a document, list and revert writes, back up.

* ``POST /documents?name=FILE`` (a write token; ``strict``, ``force``, ``dry-run`` as in
  ``vetkg build``): the body is the document's text, UTF-8 or GB18030, at most
  ``max_update_bytes``. It is ingested and committed as one validated write with its history
  record (:mod:`.documents`). 200 with the build report as JSON (``built``, ``unchanged``,
  ``graph``, ``change``: its history number, ``lines``: what the build found); 422 with the
  report when the document or the resulting store fails the shapes; 400 for a file that is not
  a policy document.
* ``GET /history`` (an admin token: the records name the token holders, as the history graph
  does in the Graph Store Protocol): the committed writes as JSON.
* ``POST /history/N/revert`` (a write token; an admin's to undo an ontology or shapes change):
  undo write N as a validated write of its own; 200 or 422 with the report as JSON.
* ``POST /backup?name=NAME`` (an admin token): Oxigraph's online backup of a snapshot into
  ``backup_dir`` (default: ``{store}.backups``) under NAME, a new directory; the server writes
  nowhere else, whatever the request says. 201 with the directories written.

Every route authorises the token (and bounds the body) before a byte of the body is read.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, request

from vetkg.ingest.errors import InputError
from vetkg.store.base import StoreError
from vetkg.store.write_backend import WriteBackend

from ..config import Settings
from ..http import error_response
from ..sparql.errors import ProtocolError
from ..write_endpoints.auth import Principal, dry_run_requested, flag_value, gate
from ..write_endpoints.report import outcome_text
from ..write_endpoints.respond import run_write, writer
from ..writes.history import RevertRefused, records, revert
from ..writes.state import PendingState
from ..writes.transaction import Outcome
from .backup import backup
from .documents import DocumentRefused, change_number, ingest_document

bp = Blueprint("operate", __name__)
_BACKUP_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


@bp.errorhandler(ProtocolError)
def _protocol_error(exc: ProtocolError) -> Response:
    return error_response(exc)


def _settings() -> Settings:
    return current_app.extensions["vetkg.settings"]


def _flag(name: str) -> bool:
    return flag_value(name, request.args.get(name))


def _admin(who: Principal, what: str) -> None:
    if not who.admin:
        raise ProtocolError(403, f"{what} needs an admin token (settings.admin_tokens)")


def _outcome_json(outcome: Outcome[Any], dry_run: bool) -> dict[str, Any]:
    return {
        "conforms": outcome.verdict.ok,
        "committed": outcome.committed,
        "dry_run": dry_run,
        "added": len(outcome.change.added),
        "removed": len(outcome.change.removed),
        "report": outcome_text(outcome, writer().checker.graphs, dry_run=dry_run),
    }


class _GatedWriter:
    """The app's writer as a request's token may use it: the token's role, the settings' bounds,
    and the writer's refusals answered as run_write answers them (403, 400, 503 …)."""

    def __init__(self, who: Principal, timeout: float) -> None:
        self.who = who
        self.timeout = timeout
        self.backend: WriteBackend = writer().backend

    def write(self, compute: Callable[[PendingState], Any], who: str, dry_run: bool = False, *,
              admin: bool = False) -> Outcome[Any]:
        # who and admin come from the request's token, whatever the caller passes
        return run_write(compute, self.who, dry_run, timeout=self.timeout)


@bp.route("/documents", methods=["POST"])
def post_document() -> Response:
    settings = _settings()
    who = gate(request, settings)  # before the body is read
    # The body is the document whatever its declared type (curl --data-binary says it is a
    # form): the options come from the query string alone, so nothing parses it as a form.
    dry_run, strict, force = _flag("dry-run"), _flag("strict"), _flag("force")
    data = request.get_data(cache=False, parse_form_data=False)
    store = current_app.extensions["vetkg.store"]
    gated = _GatedWriter(who, settings.document_timeout)
    try:
        ingested = ingest_document(gated, store, data, request.args.get("name"), settings.base_iri, who.name,
                                   strict=strict, force=force, dry_run=dry_run)
    except InputError as exc:
        raise ProtocolError(400, str(exc)) from None
    except DocumentRefused as exc:
        return _json({"conforms": False, "committed": False, "dry_run": dry_run, "report": str(exc)}, 422)
    body: dict[str, Any] = {"name": ingested.name, "graph": ingested.graph, "unchanged": ingested.unchanged,
                            "built": 0, "triples": ingested.triples, "lines": list(ingested.lines), "change": None,
                            "conforms": True, "committed": False, "dry_run": dry_run}
    if ingested.outcome is not None:
        body.update(_outcome_json(ingested.outcome, dry_run))
        body["built"] = int(ingested.outcome.committed)
        body["change"] = change_number(gated, ingested.outcome, settings.base_iri)
    body["quads"] = len(store)
    return _json(body, 200 if body["conforms"] else 422)


@bp.route("/history", methods=["GET"])
def list_history() -> Response:
    who = gate(request, _settings())
    _admin(who, "reading the history (it names the token holders)")
    backend = writer().backend
    rows = [r.__dict__ for r in records(backend, _settings().base_iri)]
    return _json({"records": rows, "interrupted": backend.interrupted()}, 200)


@bp.route("/history/<int:number>/revert", methods=["POST"])
def revert_write(number: int) -> Response:
    settings = _settings()
    who = gate(request, settings)
    dry_run = dry_run_requested(request)
    # a revert is as large as the write it undoes, a whole document perhaps
    gated = _GatedWriter(who, max(settings.update_timeout, settings.document_timeout))
    try:
        outcome = revert(gated, settings.base_iri, number, who.name, dry_run=dry_run)  # type: ignore[arg-type]
    except RevertRefused as exc:
        raise ProtocolError(400, str(exc)) from None
    body = _outcome_json(outcome, dry_run)
    body["reverts"] = number
    body["change"] = change_number(gated, outcome, settings.base_iri)
    return _json(body, 200 if outcome.verdict.ok else 422)


@bp.route("/backup", methods=["POST"])
def make_backup() -> Response:
    settings = _settings()
    who = gate(request, settings)
    _admin(who, "a backup")
    name = request.args.get("name", "")
    if not _BACKUP_NAME.fullmatch(name):
        raise ProtocolError(400, "name the backup: ?name= letters, digits, '.', '_' or '-' (a new directory in backup_dir)")
    folder = Path(settings.backup_dir or f"{settings.store_path}.backups").resolve()
    store = current_app.extensions["vetkg.store"]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # Under the writer's lock: no write lands between the data's snapshot and the history's.
        with writer().exclusive():
            written = backup(store, folder / name)
    except (StoreError, OSError) as exc:
        # a target that exists, a store that is not on disk: the request cannot be carried out here
        raise ProtocolError(409 if isinstance(exc, StoreError) else 500, str(exc)) from None
    return _json({"backup": [str(p) for p in written]}, 201)


def _json(body: dict[str, Any], status: int) -> Response:
    resp = jsonify(body)
    resp.status_code = status
    return resp


def init_operate(app: Flask) -> None:
    """Register ``/documents``, ``/history`` and ``/backup`` (after ``init_writes``)."""
    app.register_blueprint(bp)
