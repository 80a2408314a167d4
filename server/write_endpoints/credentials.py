"""The credentials of a request's ``Authorization`` header: a Bearer token, or Basic auth whose
user names the token and whose password is the token."""
from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from ..sparql.errors import ProtocolError


@dataclass(frozen=True)
class Credentials:
    """A token as given; ``name`` is the Basic user (None for a Bearer token)."""

    token: str
    name: str | None = None


def credentials_of(header: str) -> Credentials | None:
    """What ``header`` (an ``Authorization`` value) holds; None when it holds no token.

    A Basic value that is not base64 of ``user:password`` in UTF-8 is a 400 naming the fault, so
    a client's encoding mistake is not taken for a wrong token.
    """
    scheme, _, value = header.strip().partition(" ")
    value = value.strip()
    if not value:
        return None
    if scheme.lower() == "bearer":
        return Credentials(value)
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        raise ProtocolError(400, "the Basic Authorization header is not base64 of 'name:token' in UTF-8") from None
    name, colon, token = decoded.partition(":")
    if not colon or not token:
        return None
    return Credentials(token, name)
