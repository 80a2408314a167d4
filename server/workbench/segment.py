"""Chinese words for the search index and for queries, from the ingest's own jieba tokenizer.

One segmentation for ingest and search: the words come from :func:`vetkg.ingest.lexicon.tokenizer`
(jieba with the domain lexicon). The index holds jieba's *search* mode words (each word, plus
the dictionary words inside a long one: 实训基地 also gives 实训, 基地), so a query word matches
however the surrounding text made jieba cut. SQLite's FTS5 then splits the space-joined words
again with its ``unicode61`` tokenizer, which keeps a run of CJK characters whole.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from vetkg.ingest.lexicon import tokenizer


def _is_word(token: str) -> bool:
    # Punctuation and spaces are not words; FTS5 would drop them anyway, but a query made of
    # nothing else must be recognised as empty.
    return any(unicodedata.category(c)[0] in "LN" for c in token)


def _clean(token: str) -> str:
    # FTS5's unicode61 splits on anything not a letter or digit: keep only those, so the index
    # and the query split the same way, and a quote can never reach the MATCH syntax.
    return "".join(c if unicodedata.category(c)[0] in "LN" else " " for c in token).strip()


def index_words(text: str) -> str:
    """``text`` as space-separated words for the FTS5 column."""
    words = []
    for word, _start, _end in tokenizer().tokenize(text, mode="search"):
        if _is_word(word):
            words.append(_clean(word))
    return " ".join(words)


@dataclass(frozen=True)
class QueryWord:
    """A word of the query and the dictionary words inside it (empty for a short word)."""

    word: str
    parts: tuple[str, ...] = ()

    def terms(self) -> list[str]:
        """Every string that marks a hit in the text (the word first, then its parts)."""
        return [self.word, *self.parts]


def query_words(text: str) -> list[QueryWord]:
    """The query's words, as the ingest segments (jieba's default mode), each with its parts."""
    found: list[QueryWord] = []
    seen: set[str] = set()
    tk = tokenizer()
    for word, _start, _end in tk.tokenize(text):
        if not _is_word(word):
            continue
        for piece in _clean(word).split():
            if piece in seen:
                continue
            seen.add(piece)
            parts = tuple(
                w for w, _s, _e in tk.tokenize(piece, mode="search") if w != piece and _is_word(w) and _clean(w) == w
            )
            found.append(QueryWord(piece, parts))
    return found


def _phrase(term: str) -> str:
    # _clean left letters and digits only: no double quote to escape, but quote for FTS5's
    # bareword rules (a word like AND or NEAR would be an operator otherwise).
    return '"' + term + '"'


def match_expression(words: list[QueryWord], every: bool) -> str:
    """The FTS5 MATCH text: each word, or all its parts; ``every`` word (AND) or any (OR)."""
    clauses = []
    for w in words:
        clause = _phrase(w.word)
        if w.parts:
            clause = f"({clause} OR ({' AND '.join(_phrase(p) for p in w.parts)}))"
        clauses.append(clause)
    return (" AND " if every else " OR ").join(clauses)
