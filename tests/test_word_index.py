"""WordIndex finds in one pass what a regular expression per lexicon word found."""
from __future__ import annotations

import random
import re

import pytest

from vetkg.ingest.lexicon import WordIndex, lexicon


def naive(words, text: str) -> set[tuple[str, int]]:
    return {(w, m.start()) for w in words for m in re.finditer(re.escape(w), text)}


@pytest.mark.parametrize("part", ["places", "industries", "programmes", "bodies"])
def test_same_occurrences_as_one_regex_per_word(part: str) -> None:
    words = list(getattr(lexicon(), part))
    index = WordIndex(words)
    rng = random.Random(5)
    for _ in range(300):
        # words, their pieces and glue, run together so that occurrences overlap and nest
        pieces = [rng.choice(words)[: rng.randint(1, 6)] if rng.random() < 0.5 else rng.choice(words) for _ in range(8)]
        text = "".join(p + rng.choice(["", "", "的", "，", "和"]) for p in pieces)
        found = index.occurrences(text)
        assert set(found) == naive(words, text), text
        assert len(found) == len(set(found))
        assert [len(w) for w, _ in found] == sorted((len(w) for w, _ in found), reverse=True)


def test_a_word_does_not_overlap_itself() -> None:
    assert WordIndex(["哈哈"]).occurrences("哈哈哈") == [("哈哈", 0)]
    assert WordIndex(["天津", "天津市"]).occurrences("天津市天津") == [("天津市", 0), ("天津", 0), ("天津", 3)]
    assert WordIndex([]).occurrences("天津") == []
