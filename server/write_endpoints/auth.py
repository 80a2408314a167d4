"""Who may write, checked before a byte of the body is read.

Tokens come from ``settings.update_tokens`` (writers: data graphs), ``settings.admin_tokens``
(admins: also the ontology and shapes graphs) and ``settings.read_tokens`` (read-only: dry runs
alone), each {name: token}; a token may be given hashed
(:mod:`.token_hashes`). A client sends one as ``Authorization: Bearer <token>`` or as Basic auth
with the token's name as user and the token as password (``curl -u``, Jena, rdflib, R: clients
that cannot send a Bearer header). :func:`gate` is called first by every write route: a missing
token is 401, a wrong one 403, a body over ``settings.max_update_bytes`` 413, all before the body
is read or parsed.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import Request, g

from ..config import Settings
from ..sparql.errors import ProtocolError
from .credentials import Credentials, credentials_of
from .token_hashes import token_matches

READ_ONLY = "this endpoint is read-only: no update tokens are configured (settings.update_tokens)"


@dataclass(frozen=True)
class Principal:
    """The holder of a valid token: its name (recorded in the history) and whether it is an admin."""

    name: str
    admin: bool = False
    # The read-only role: the token checks a change (?dry-run=true) and commits none.
    read_only: bool = False


# Basic alone is offered as a challenge: Bearer clients send their token without being asked,
# and the clients that wait for a challenge speak Basic; Jena 4.5 (rupdate) fails outright on a
# challenge of a scheme it does not know, even beside a Basic one.
CHALLENGE = 'Basic realm="vetkg", charset="UTF-8"'


def authorise(request: Request, settings: Settings) -> Principal:
    """The token holder making ``request``; raises a 401 or 403 ProtocolError."""
    # (name, token, rank): an admin's match wins over a writer's, a writer's over a reader's
    tokens = [(name, token, 1) for name, token in settings.update_tokens.items()]
    tokens += [(name, token, 2) for name, token in settings.admin_tokens.items()]
    tokens += [(name, token, 0) for name, token in settings.read_tokens.items()]
    if not tokens:
        raise ProtocolError(403, READ_ONLY)
    given: Credentials | None = credentials_of(request.headers.get("Authorization", ""))
    if given is None:
        raise ProtocolError(
            401,
            "writing needs a token: send 'Authorization: Bearer <token>', or Basic auth with the "
            "token's name as user and the token as password",
            {"WWW-Authenticate": CHALLENGE},
        )
    if given.name is not None:
        # Basic: the user names the token, so only that name's tokens are compared.
        tokens = [t for t in tokens if t[0] == given.name]
    found: Principal | None = None
    best = -1
    # Every candidate token is compared, in constant time, so timing tells nothing about which
    # one (or how much of one) matched.
    for name, expected, rank in tokens:
        if token_matches(given.token, expected) and rank > best:
            found, best = Principal(name, admin=rank == 2, read_only=rank == 0), rank
    if found is None:
        what = "bearer token" if given.name is None else f"token named {given.name!r} (Basic auth)"
        raise ProtocolError(403, f"the {what} is not valid for writing to this endpoint")
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
    return flag_value("dry-run", raw)


def flag_value(name: str, raw: str | None) -> bool:
    """A boolean request parameter: absent is false; ``""``, true, 1, yes; false, 0, no; else 400."""
    if raw is None:
        return False
    value = raw.strip().lower()
    if value in ("", "true", "1", "yes"):
        return True
    if value in ("false", "0", "no"):
        return False
    raise ProtocolError(400, f"{name} must be true or false, not {raw!r}")
