"""Who may write, checked before a byte of the body is read.

Tokens come from ``settings.update_tokens`` (writers: data graphs) and ``settings.admin_tokens``
(admins: also the ontology and shapes graphs), each {name: token}. :func:`gate` is called first
by every write route: a missing token is 401, a wrong one 403, a body over
``settings.max_update_bytes`` 413, all before the body is read or parsed.
"""
from __future__ import annotations

import hmac
from dataclasses import dataclass

from flask import Request, g

from ..config import Settings
from ..sparql.errors import ProtocolError

READ_ONLY = "this endpoint is read-only: no update tokens are configured (settings.update_tokens)"


@dataclass(frozen=True)
class Principal:
    """The holder of a valid token: its name (recorded in the history) and whether it is an admin."""

    name: str
    admin: bool = False


def authorise(request: Request, settings: Settings) -> Principal:
    """The token holder making ``request``; raises a 401 or 403 ProtocolError."""
    tokens = [(name, token, False) for name, token in settings.update_tokens.items()]
    tokens += [(name, token, True) for name, token in settings.admin_tokens.items()]
    if not tokens:
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
    found: Principal | None = None
    # Every configured token is compared, in constant time, so timing tells nothing about which
    # one (or how much of one) matched. An admin match wins over a writer's.
    for name, expected, admin in tokens:
        if hmac.compare_digest(given, expected.encode("utf-8")) and (found is None or admin):
            found = Principal(name, admin)
    if found is None:
        raise ProtocolError(403, "the bearer token is not valid for writing to this endpoint")
    return found


def limit_body(request: Request, settings: Settings) -> None:
    """413 for a body declared larger than ``max_update_bytes``; a body sent without a length
    (chunked) is cut at the limit by Werkzeug, which answers 413 too."""
    limit = settings.max_update_bytes
    length = request.content_length
    if length is not None and length > limit:
        raise ProtocolError(413, f"the request body holds {length} bytes; writes take at most {limit} (max_update_bytes)")
    request.max_content_length = limit


_GATED = "vetkg_write_principal"


def gate(request: Request, settings: Settings) -> Principal:
    """Authorise ``request`` and bound its body, once per request, before anything reads it."""
    found = g.get(_GATED)
    if found is None:
        found = authorise(request, settings)
        limit_body(request, settings)
        setattr(g, _GATED, found)
    return found


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
