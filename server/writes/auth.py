"""Who may write: a bearer token from ``settings.update_tokens`` ({name: token})."""
from __future__ import annotations

import hmac

from flask import Request

from ..config import Settings
from ..sparql.errors import ProtocolError

READ_ONLY = "this endpoint is read-only: no update tokens are configured (settings.update_tokens)"


def authorise(request: Request, settings: Settings) -> str:
    """The name of the token holder making ``request``; raises a 401 or 403 ProtocolError."""
    if not settings.update_tokens:
        raise ProtocolError(403, READ_ONLY)
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if not header or scheme.lower() != "bearer" or not token.strip():
        raise ProtocolError(
            401,
            "writing needs a token: send 'Authorization: Bearer <token>'",
            {"WWW-Authenticate": 'Bearer realm="vetkg"'},
        )
    given = token.strip().encode("utf-8")
    who = None
    # Every configured token is compared, in constant time, so timing tells nothing about which
    # one (or how much of one) matched.
    for name, expected in settings.update_tokens.items():
        if hmac.compare_digest(given, expected.encode("utf-8")):
            who = name
    if who is None:
        raise ProtocolError(403, "the bearer token is not valid for writing to this endpoint")
    return who


def dry_run_requested(request: Request) -> bool:
    """``?dry-run=true`` (also accepted in a form body): check and report, commit nothing."""
    raw = request.args.get("dry-run")
    if raw is None and request.mimetype == "application/x-www-form-urlencoded":
        raw = request.form.get("dry-run")
    if raw is None:
        return False
    value = raw.strip().lower()
    if value in ("", "true", "1", "yes"):
        return True
    if value in ("false", "0", "no"):
        return False
    raise ProtocolError(400, f"dry-run must be true or false, not {raw!r}")
