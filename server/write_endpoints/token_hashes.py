"""Tokens kept in the settings as hashes, so a settings file that leaks gives no write access.

A configured token is one of:

* ``sha256:<64 hex digits>``: the SHA-256 of the token. Enough for a token drawn at random (as
  ``vetkg token`` draws them): nothing shorter than a search of the whole token space recovers it,
  and it is checked in microseconds on every write;
* a Werkzeug password hash (``scrypt:…`` or ``pbkdf2:…``, from
  ``werkzeug.security.generate_password_hash``): slow on purpose, for tokens a person chose;
* anything else: the token itself.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets

from werkzeug.security import check_password_hash

SHA256 = "sha256:"
_SLOW = ("scrypt:", "pbkdf2:")


def token_matches(given: str, expected: str) -> bool:
    """Whether ``given`` (from a request) is the token ``expected`` stands for, in constant time."""
    if expected.startswith(SHA256):
        digest = hashlib.sha256(given.encode("utf-8")).hexdigest()
        return hmac.compare_digest(digest, expected[len(SHA256):].strip().lower())
    if expected.startswith(_SLOW):
        return check_password_hash(expected, given)
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def hashed(token: str) -> str:
    """The ``sha256:`` form of ``token``, as it may be written in the settings."""
    return SHA256 + hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    """A token drawn at random: 256 bits, URL-safe, so it fits a header and a ``-u`` argument."""
    return secrets.token_urlsafe(32)
