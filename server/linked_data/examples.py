"""The example queries of the query page: ``server/queries/*.rq``, titled by their header comments.

A file starts with comment lines ``# title: …`` (Chinese), ``# title@en: …`` and optionally
``# description: …`` / ``# description@en: …``; the rest is the query.
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class Example:
    name: str
    title: str
    title_en: str
    description: str
    description_en: str
    query: str


def _parse(name: str, text: str) -> Example:
    fields: dict[str, str] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        key, sep, value = line[1:].partition(":")
        if sep and key.strip() in ("title", "title@en", "description", "description@en"):
            fields[key.strip()] = value.strip()
    title = fields.get("title", name)
    description = fields.get("description", "")
    return Example(name, title, fields.get("title@en", title), description,
                   fields.get("description@en", description), text)


def load_examples() -> list[Example]:
    folder = resources.files("vetkg.server") / "queries"
    if not folder.is_dir():
        return []
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".rq")), key=lambda f: f.name)
    return [_parse(f.name.removesuffix(".rq"), f.read_text(encoding="utf-8")) for f in files]
