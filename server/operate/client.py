"""The command line's side of a store held by a running server: its work sent to the server.

Each function returns what the command prints, or raises :class:`ServerRefused` with the one
line to show and the exit code to end with. Writes need a token (``client_token``, else one of
the tokens in the settings, which the CLI shares with a server started from the same place).
"""
from __future__ import annotations

import gzip
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, cast

import pyoxigraph as ox
import requests

from ..config import Settings
from .backup import check_target, history_target
from .presence import Serving, find, record_path

EXIT_INPUT, EXIT_INVALID, EXIT_STORE = 2, 3, 4
_TIMEOUT = 600  # seconds: a document's ingest and check, or a large dump, takes a while


class ServerRefused(Exception):
    """What the server (or the way to it) refused, as one line; ``exit_code`` for the CLI."""

    def __init__(self, message: str, exit_code: int = EXIT_STORE) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def holder(settings: Settings) -> Serving | None:
    """The server holding the settings' embedded store, if one runs."""
    if settings.store != "oxigraph":
        return None
    return find(settings.store_path)


def held_message(serving: Serving, settings: Settings, what: str) -> str:
    """The one line for a command that cannot go through the server."""
    return (f"the store at {settings.store_path} is held by {serving.describe()}: {what}")


def _token(settings: Settings) -> str | None:
    if settings.client_token:
        return settings.client_token
    for tokens in (settings.admin_tokens, settings.update_tokens):
        for token in tokens.values():
            return token
    return None


@dataclass
class ServerClient:
    serving: Serving
    settings: Settings

    def _request(self, method: str, path: str, *, write: bool = True, **kwargs: Any) -> requests.Response:
        headers = dict(kwargs.pop("headers", {}))
        token = _token(self.settings)
        if write and token:
            headers["Authorization"] = f"Bearer {token}"
        try:
            resp = requests.request(method, self.serving.url.rstrip("/") + path, headers=headers,
                                    timeout=_TIMEOUT, **kwargs)
        except requests.RequestException as exc:
            raise ServerRefused(f"{self.serving.describe()} holds the store but did not answer "
                                f"({type(exc).__name__}); if it no longer runs, remove "
                                f"{record_path(self.settings.store_path)}") from None
        if resp.status_code == 401:
            raise ServerRefused(f"the store is held by {self.serving.describe()}, which needs a token for this: "
                                "set VETKG_CLIENT_TOKEN (or client_token in the settings)")
        if resp.status_code == 403:
            raise ServerRefused(f"{self.serving.describe()} refused: {_first_line(resp)}")
        if resp.status_code >= 500 or resp.status_code in (404, 405, 409, 413):
            raise ServerRefused(f"{self.serving.describe()}: {resp.status_code} {_first_line(resp)}")
        if resp.status_code == 400:
            raise ServerRefused(_first_line(resp), EXIT_INPUT)
        return resp

    # -- writes -----------------------------------------------------------------------------------

    def build(self, paths: list[Path], strict: bool, force: bool) -> Iterator[tuple[str, str]]:
        """Send each document, one validated write each; yields (stream, line) to print. The
        first refused document ends the build (those before it stay written)."""
        built = triples = unchanged = 0
        quads = 0
        changes: list[str] = []
        for path in paths:
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise ServerRefused(f"{path}: cannot read the file ({exc.strerror or exc})", EXIT_INPUT) from None
            params = {"name": path.name, "strict": str(strict).lower(), "force": str(force).lower()}
            resp = self._request("POST", "/documents", params=params, data=data,
                                 headers={"Content-Type": "text/plain", "Accept": "application/json"})
            body = resp.json()
            if resp.status_code == 422:
                raise ServerRefused(f"{path}: refused by {self.serving.describe()}: "
                                    f"{_first_report_line(body.get('report', ''))}", EXIT_INVALID)
            quads = body.get("quads", quads)
            if body.get("unchanged"):
                unchanged += 1
                continue
            built += body.get("built", 0)
            triples += body.get("triples", 0)
            if body.get("change") is not None:
                changes.append(str(body["change"]))
            for line in body.get("lines", []):
                yield "out", line.replace(body.get("name", path.name), str(path), 1)
        written = f", as change(s) {', '.join(changes)}" if changes else ""
        yield "err", (f"vetkg: built {built} document(s), {triples} triples, {unchanged} unchanged, into {quads} quads "
                      f"through {self.serving.describe()}{written}")

    def revert(self, number: int) -> tuple[bool, str]:
        resp = self._request("POST", f"/history/{number}/revert", headers={"Accept": "application/json"})
        body = resp.json()
        return bool(body.get("committed")), str(body.get("report", ""))

    def check_update(self, text: str) -> tuple[bool, str]:
        resp = self._request("POST", "/sparql", params={"dry-run": "true"}, data=text.encode("utf-8"),
                             headers={"Content-Type": "application/sparql-update", "Accept": "text/plain"})
        if resp.status_code not in (200, 422):
            raise ServerRefused(f"{self.serving.describe()}: {resp.status_code} {_first_line(resp)}")
        return resp.status_code == 200, resp.text

    def backup(self, target: Path) -> list[Path]:
        """The server backs up into its own backup folder; the directories are then moved to
        ``target`` (the files are hard links to the store's or copies, immutable either way)."""
        try:
            check_target(target)
        except Exception as exc:
            raise ServerRefused(str(exc), EXIT_INPUT) from None
        name = f"vetkg-{uuid.uuid4().hex[:12]}"
        resp = self._request("POST", "/backup", params={"name": name})
        made = [Path(p) for p in resp.json()["backup"]]
        moved = [target, history_target(target)][: len(made)]
        for source, destination in zip(made, moved, strict=True):
            try:
                shutil.move(str(source), str(destination))
            except OSError as exc:
                raise ServerRefused(f"the backup is in {source}, but moving it to {destination} failed: {exc}") from None
        return moved

    def snapshot(self) -> list[Path]:
        """A backup of the store taken by the server (an admin's token), in its backup folder,
        for a read that needs the store's files (validation, the history's details): the first
        directory is the store. The caller removes them (:func:`remove`)."""
        resp = self._request("POST", "/backup", params={"name": f"snapshot-{uuid.uuid4().hex[:12]}"})
        return [Path(p) for p in resp.json()["backup"]]

    # -- reads ------------------------------------------------------------------------------------

    def history(self) -> tuple[list[dict[str, Any]], bool]:
        body = self._request("GET", "/history", headers={"Accept": "application/json"}).json()
        return list(body["records"]), bool(body.get("interrupted"))

    def export(self, output: IO[bytes], fmt: str) -> None:
        """The public dataset from the server's dump (without the history, as `vetkg export`)."""
        name = "dataset.trig.gz" if fmt == "trig" else "dataset.nq.gz"
        resp = self._request("GET", f"/dumps/{name}", write=False, stream=True)
        with gzip.GzipFile(fileobj=resp.raw) as dump:
            if fmt != "turtle":
                shutil.copyfileobj(dump, output)
                return
            # Turtle has no graphs: the union of the triples, as `vetkg export --format turtle`.
            triples = {q.triple for q in ox.parse(cast(IO[bytes], dump), format=ox.RdfFormat.N_QUADS)}
        ox.serialize(sorted(triples, key=str), output, format=ox.RdfFormat.TURTLE)


def remove(directories: list[Path]) -> None:
    for directory in directories:
        shutil.rmtree(directory, ignore_errors=True)


def _first_line(resp: requests.Response) -> str:
    text = resp.text.strip()
    return (text.splitlines() or [resp.reason or "no reason given"])[0]


def _first_report_line(report: str) -> str:
    lines = [line.strip() for line in report.splitlines() if line.strip()]
    return "; ".join(lines[:3]) if lines else "it does not conform to the shapes"
