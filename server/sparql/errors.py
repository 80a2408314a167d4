"""The one exception a client's mistake becomes: a status and a message, answered by the web side
(:func:`vetkg.server.http.error_response`)."""
from __future__ import annotations


class ProtocolError(Exception):
    """A request the endpoint refuses: ``status`` is a 4xx (or 503 for a timeout)."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}
