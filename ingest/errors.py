"""Errors the ingest reports to users."""
from __future__ import annotations


class InputError(Exception):
    """A document that cannot be read as a policy text; the message names the file and the problem."""
