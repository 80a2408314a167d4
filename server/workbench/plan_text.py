"""A plan's measures as the notice words them, with every mention marked by its kind and linked
to its page: the outline of a plan page (server/templates/resource.html) reads as the plan.

A measure's words are the slice of the notice's ``vet:sourceText`` its ``vet:textSpan`` selects
(its ``vet:text`` is normalised: spaces around numbers); a mention lies inside it when its own
span does. Overlapping mentions (天津市 inside 天津市教育委员会) keep the longer one.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pyoxigraph as ox

from vetkg.ontology import ONTOLOGY_IRI
from vetkg.store import Store

from .compare import href

VET = ONTOLOGY_IRI + "#"
OA = "http://www.w3.org/ns/oa#"
#: The kind a mention is marked as: the first of these classes its thing is an instance of
#: (vet:Organization and vet:Place through the inferred graph).
KINDS = ("Organization", "Programme", "Industry", "Place", "Law", "Event", "Platform", "Publication")


@dataclass(frozen=True)
class Piece:
    text: str
    href: str | None = None  # a mention's thing, when it has a page here
    kind: str | None = None  # None: plain text


def _query(plan: ox.NamedNode) -> str:
    kinds = " ".join(f"<{VET}{k}>" for k in KINDS)
    return f"""SELECT ?m ?doc ?mst ?men ?x ?st ?en ?c WHERE {{
  ?m <{VET}partOf>+ {plan} ; a <{VET}Measure> ; <{VET}textSpan> ?msp .
  ?msp <{OA}hasSource> ?doc ; <{OA}hasSelector> ?msel . ?msel <{OA}start> ?mst ; <{OA}end> ?men .
  OPTIONAL {{
    ?mention a <{VET}Mention> ; <{OA}hasBody> ?x ; <{OA}hasTarget> ?sp .
    ?sp <{OA}hasSource> ?doc ; <{OA}hasSelector> ?sel . ?sel <{OA}start> ?st ; <{OA}end> ?en .
    FILTER(?st >= ?mst && ?en <= ?men)
    OPTIONAL {{ VALUES ?c {{ {kinds} }} ?x a ?c }}
  }}
}}"""


def _int(term: object) -> int | None:
    try:
        return int(term.value) if isinstance(term, ox.Literal) else None
    except ValueError:
        return None


def marked_measures(store: Store, base: str, plan: str) -> dict[str, list[Piece]]:
    """Each measure of ``plan`` (IRI → its words in pieces, mentions marked)."""
    try:
        node = ox.NamedNode(plan)
    except ValueError:
        return {}
    spans: dict[str, tuple[str, int, int]] = {}
    mentions: dict[str, dict[tuple[int, int, str], set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in store.query(_query(node)):
        m, start, end = row["m"].value, _int(row["mst"]), _int(row["men"])
        if start is None or end is None:
            continue
        spans[m] = (row["doc"].value, start, end)
        st, en = _int(row["st"]), _int(row["en"])
        if row["x"] is not None and st is not None and en is not None and st < en:
            kinds = mentions[m][(st, en, row["x"].value)]
            if row["c"] is not None:
                kinds.add(row["c"].value[len(VET):])
    texts: dict[str, str | None] = {}
    out: dict[str, list[Piece]] = {}
    for m, (doc, start, end) in spans.items():
        if doc not in texts:
            rows = list(store.query(f"SELECT ?t WHERE {{ {ox.NamedNode(doc)} <{VET}sourceText> ?t }} LIMIT 1"))
            texts[doc] = rows[0]["t"].value if rows else None
        text = texts[doc]
        if text is None or not 0 <= start < end <= len(text):
            continue
        out[m] = _pieces(text, start, end, mentions.get(m, {}), base)
    return out


def _pieces(text: str, start: int, end: int, found: dict[tuple[int, int, str], set[str]], base: str) -> list[Piece]:
    chosen: list[tuple[int, int, str, str]] = []
    # longest first, then leftmost: a mention inside a longer one gives way
    for (st, en, thing), kinds in sorted(found.items(), key=lambda kv: (-(kv[0][1] - kv[0][0]), kv[0][0], kv[0][2])):
        if any(st < c_en and c_st < en for c_st, c_en, _, _ in chosen):
            continue
        kind = next((k for k in KINDS if k in kinds), "Other")
        chosen.append((st, en, thing, kind))
    pieces, at = [], start
    for st, en, thing, kind in sorted(chosen):
        if st > at:
            pieces.append(Piece(text[at:st]))
        pieces.append(Piece(text[st:en], href(base, thing), kind))
        at = en
    if at < end:
        pieces.append(Piece(text[at:end]))
    return pieces
