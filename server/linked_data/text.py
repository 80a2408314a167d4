"""Source sentences of text-derived facts, with the span the fact was read from marked.

Offsets are oa:TextPositionSelector start/end in code points into the notice's vet:sourceText, so
Python string slicing applies directly.
"""
from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from vetkg.ontology.vocab import PREFIXES
from vetkg.store import Store

VET = PREFIXES["vet"]
OA = PREFIXES["oa"]
_SENTENCE_END = "。！？!?；;\n"
_MAX_CONTEXT = 200  # code points either side, for texts without sentence punctuation


@dataclass(frozen=True)
class Excerpt:
    """A sentence split around the marked span; the template marks ``marked`` with <mark>."""

    document: str
    start: int
    end: int
    before: str
    marked: str
    after: str
    subject: str | None = None  # the fact (mention, measure …) this excerpt is the source of
    context: str | None = None  # where in the plan it was found (vet:foundIn)


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence(s) around ``[start, end)``: from after the previous sentence end to the next one."""
    left = start
    while left > 0 and text[left - 1] not in _SENTENCE_END and start - left < _MAX_CONTEXT:
        left -= 1
    right = max(end, start)
    # A span that ends on the sentence's full stop already holds its whole sentence.
    if right > start and text[right - 1] in _SENTENCE_END:
        return left, right
    while right < len(text) and text[right] not in _SENTENCE_END and right - end < _MAX_CONTEXT:
        right += 1
    if right < len(text) and text[right] != "\n":
        right += 1  # keep the full stop with its sentence
    return left, right


def excerpt(text: str, document: str, start: int, end: int, **extra: str | None) -> Excerpt | None:
    if not (0 <= start <= end <= len(text)):
        return None  # offsets that do not fit the text: show nothing rather than a wrong mark
    left, right = sentence_bounds(text, start, end)
    return Excerpt(document, start, end, text[left:start], text[start:end], text[end:right], **extra)


class SourceTexts:
    """vet:sourceText of notices, each read once per request however many excerpts need it."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._texts: dict[str, str | None] = {}

    def get(self, document: str) -> str | None:
        if document not in self._texts:
            rows = list(self.store.query(
                f"SELECT ?t WHERE {{ {ox.NamedNode(document)} <{VET}sourceText> ?t }} LIMIT 1"
            ))
            self._texts[document] = rows[0]["t"].value if rows else None
        return self._texts[document]


_SPAN_PATTERN = f"""
    ?span <{OA}hasSource> ?doc ; <{OA}hasSelector> ?sel .
    ?sel <{OA}start> ?start ; <{OA}end> ?end .
"""


def _excerpts(store: Store, texts: SourceTexts, query: str) -> list[Excerpt]:
    found: list[Excerpt] = []
    seen: set[tuple[str, int, int, str | None]] = set()
    for row in store.query(query):
        try:
            start, end = int(row["start"].value), int(row["end"].value)
        except ValueError:
            continue
        document = row["doc"].value
        subject = row["x"].value if row["x"] is not None else None
        key = (document, start, end, subject)
        text = texts.get(document)
        if key in seen or text is None:
            continue
        seen.add(key)
        context = row["found"].value if row["found"] is not None else None
        item = excerpt(text, document, start, end, subject=subject, context=context)
        if item is not None:
            found.append(item)
    return found


def excerpts_of(store: Store, texts: SourceTexts, iri: str) -> list[Excerpt]:
    """Where the fact ``iri`` (mention, measure, target, span …) was read from."""
    node = ox.NamedNode(iri)
    query = f"""SELECT ?x ?doc ?start ?end ?found WHERE {{
        BIND({node} AS ?x)
        {{ ?x <{VET}textSpan> ?span }} UNION {{ ?x <{OA}hasTarget> ?span }}
        UNION {{ ?x <{OA}hasSelector> [] BIND(?x AS ?span) }}
        {_SPAN_PATTERN}
        OPTIONAL {{ ?x <{VET}foundIn> ?found }}
    }} ORDER BY ?doc ?start"""
    return _excerpts(store, texts, query)


def mentions_of(store: Store, texts: SourceTexts, iri: str, limit: int = 200) -> list[Excerpt]:
    """The mentions of the entity ``iri`` across all documents, each with its sentence."""
    node = ox.NamedNode(iri)
    query = f"""SELECT ?x ?doc ?start ?end ?found WHERE {{
        ?x <{OA}hasBody> {node} ; <{OA}hasTarget> ?span .
        {_SPAN_PATTERN}
        OPTIONAL {{ ?x <{VET}foundIn> ?found }}
    }} ORDER BY ?doc ?start LIMIT {int(limit)}"""
    return _excerpts(store, texts, query)
