"""Running a write for a request and answering it: shared by SPARQL Update and the GSP."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Response, current_app, request

from vetkg.store.base import StoreError
from vetkg.store.sparql_journal import WriteInterrupted

from ..sparql.errors import ProtocolError
from ..writes.deadline import WriteTimeout
from ..writes.protect import WriteForbidden
from ..writes.state import PendingState
from ..writes.transaction import Outcome, Writer
from ..writes.update import UpdateFailed
from .auth import Principal
from .report import change_headers, report_response

T = TypeVar("T")
WRITER_KEY = "vetkg.writer"


def writer() -> Writer:
    found = current_app.extensions.get(WRITER_KEY)
    if found is None:
        raise ProtocolError(501, "this server's store cannot be written through vetkg")
    return found


def memory_bound(megabytes: int) -> int | None:
    return megabytes * 1024 * 1024 if megabytes > 0 else None


def run_write(compute: Callable[[PendingState], T], who: Principal, dry_run: bool, timeout: float | None = None) -> Outcome[T]:
    """Compute, check and (unless rejected or a dry run) commit; client mistakes become 4xx, a
    write past ``timeout`` seconds 503."""
    if who.read_only and not dry_run:
        raise ProtocolError(403, f"the token named {who.name!r} is read-only: it may check a change with "
                                 "?dry-run=true, not commit one (settings.read_tokens)")
    try:
        settings = current_app.extensions["vetkg.settings"]
        return writer().write(compute, who.name, dry_run, admin=who.admin, timeout=timeout,
                              max_memory=memory_bound(settings.max_update_memory_mb))
    except WriteForbidden as exc:
        raise ProtocolError(403, f"the write was refused: {exc}") from None
    except WriteTimeout as exc:
        raise ProtocolError(503, str(exc), {"Retry-After": "5"}) from None
    except UpdateFailed as exc:
        raise ProtocolError(400, f"the update was not applied: {exc}") from None
    except RuntimeError as exc:
        # HermiT could not run (no Java …): no verdict, so nothing may be written.
        raise ProtocolError(503, f"the change could not be checked, so nothing was written: {exc}") from None
    except WriteInterrupted as exc:
        raise ProtocolError(502, f"the remote store failed in the middle of the write: {exc}") from None
    except StoreError as exc:
        # Reading the remote store, or its first request, failed: nothing was written.
        raise ProtocolError(502, f"the remote store failed, nothing was written: {exc}") from None


def checked_answer(outcome: Outcome[Any], dry_run: bool) -> Response | None:
    """The report for a rejected change or a dry run; None when the write was committed."""
    if outcome.verdict.ok and not dry_run:
        return None
    return change_headers(report_response(outcome, request, dry_run, writer().checker.graphs), outcome)
