"""Deterministic IRIs: one per real-world thing, the same in every document and every build."""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from vetkg.ontology.graphs import store_graphs

_DROP = re.compile(r"[“”‘’\"'《》〈〉「」『』【】]")
_FOLD = re.compile(r"[^\w]+")


@lru_cache(maxsize=8192)
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
    """The IRIs of one document and of the things it names, as plain strings (the graph
    builder writes plain triples, see triples.py)."""

    base: str
    key: str

    def entity(self, kind: str, name: str) -> str:
        return f"{self.base}id/{kind}/{slug(name)}"

    def division(self, code: str) -> str:
        """An administrative division of China, by its gazetteer code: 天津 and 天津市 are one."""
        return f"{self.base}id/place/{code}"

    @property
    def notice(self) -> str:
        return f"{self.base}doc/{self.key}"

    @property
    def graph(self) -> str:
        return store_graphs(self.base).named(self.key)

    def doc(self, path: str) -> str:
        return f"{self.base}doc/{self.key}/{path}"

    def span(self, start: int, end: int) -> str:
        return self.doc(f"span/{start}-{end}")
