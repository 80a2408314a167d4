"""Deterministic IRIs: one per real-world thing, the same in every document and every build."""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

from rdflib import URIRef

_DROP = re.compile(r"[“”‘’\"'《》〈〉「」『』【】]")
_FOLD = re.compile(r"[^\w]+")


def slug(name: str) -> str:
    """A path segment for ``name``: NFKC, quotes and brackets dropped, other punctuation and
    spaces folded to ``-``. Chinese stays Chinese: IRIs allow it, and researchers read it."""
    text = _DROP.sub("", unicodedata.normalize("NFKC", name))
    return _FOLD.sub("-", text).strip("-_")


def document_key(number: str | None, text: str) -> str:
    if number and slug(number):
        return slug(number)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Minter:
    base: str
    key: str

    def entity(self, kind: str, name: str) -> URIRef:
        return URIRef(f"{self.base}id/{kind}/{slug(name)}")

    @property
    def notice(self) -> URIRef:
        return URIRef(f"{self.base}doc/{self.key}")

    @property
    def graph(self) -> URIRef:
        return URIRef(f"{self.base}graph/{self.key}")

    def doc(self, path: str) -> URIRef:
        return URIRef(f"{self.base}doc/{self.key}/{path}")

    def span(self, start: int, end: int) -> URIRef:
        return self.doc(f"span/{start}-{end}")
