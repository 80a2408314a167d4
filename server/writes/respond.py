"""Running a write for a request and answering it: shared by SPARQL Update and the GSP."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Response, current_app, request

from ..sparql.errors import ProtocolError
from ..stores.base import StoreError
from .journal import WriteInterrupted
from .report import change_headers, report_response
from .state import PendingState
from .transaction import Outcome, Writer
from .update import UpdateFailed

T = TypeVar("T")
WRITER_KEY = "vetkg.writer"


def writer() -> Writer:
    found = current_app.extensions.get(WRITER_KEY)
    if found is None:
        raise ProtocolError(501, "this server's store cannot be written through vetkg")
    return found


def run_write(compute: Callable[[PendingState], T], who: str, dry_run: bool) -> Outcome[T]:
    """Compute, check and (unless rejected or a dry run) commit; client mistakes become 4xx."""
    try:
        return writer().write(compute, who, dry_run)
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
    return change_headers(report_response(outcome, request, dry_run, writer().checker.system), outcome)
