"""The one exception a client's mistake becomes, and how it is answered."""
from __future__ import annotations

from flask import Response


class ProtocolError(Exception):
    """A request the endpoint refuses: ``status`` is a 4xx (or 503 for a timeout)."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}

    def response(self) -> Response:
        # Plain text: the message is read by people at a terminal or in a query page, and every
        # SPARQL client shows a non-2xx body as text.
        resp = Response(self.message.rstrip("\n") + "\n", status=self.status, mimetype="text/plain")
        resp.headers.update(self.headers)
        return resp
