"""The domain lexicon (data files in ``lexicon/``) and a jieba tokenizer that knows it."""
from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

with warnings.catch_warnings():
    # jieba 0.42 imports the deprecated pkg_resources; the warning says nothing to our users
    warnings.simplefilter("ignore")
    import jieba

# Verbs that commonly sit inside the name of a programme or platform (…素质提高计划,
# …综合服务平台): a leftward search for the start of a name does not stop at them.
NAME_INTERNAL_VERBS = frozenset(
    "提升 提高 培育 培养 服务 对接 联合 赋能 创新 发展 融合 评估 研究 调整 设置 开发 注册 转化 引领 共享 协同".split()
)


def _rows(name: str) -> list[list[str]]:
    text = (resources.files(__package__) / "lexicon" / name).read_text(encoding="utf-8")
    rows = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].rstrip()
        if line.strip():
            rows.append([f.strip() for f in line.split("\t")])
    return rows


@dataclass(frozen=True)
class Lexicon:
    industries: frozenset[str]
    places: dict[str, str]  # name -> kind
    programmes: dict[str, str]  # name -> vet kind local name
    verbs: frozenset[str]
    roles: dict[str, str]  # verb -> vet role local name
    generic_institutions: frozenset[str]
    bodies: dict[str, str]  # name -> vet class local name
    programme_names: dict[str, tuple[str, ...]]  # a programme's label -> its other names
    place_labels: dict[str, str]  # a region's other name -> its label (成渝 -> 成渝地区双城经济圈)



@cache
def lexicon() -> Lexicon:
    verbs = _rows("verbs.txt")
    return Lexicon(
        industries=frozenset(r[0] for r in _rows("industries.txt")),
        places={r[0]: r[1] for r in _rows("places.txt")},
        programmes={r[0]: r[1] for r in _rows("programmes.txt")},
        verbs=frozenset(r[0] for r in verbs),
        roles={r[0]: r[1] for r in verbs if len(r) > 1},
        generic_institutions=frozenset(r[0] for r in _rows("generic-institutions.txt")),
        bodies={r[0]: r[1] for r in _rows("bodies.txt")},
        programme_names={r[0]: tuple(r[1:]) for r in _rows("programme-aliases.txt")},
        place_labels={r[0]: r[2] for r in _rows("places.txt") if len(r) > 2},
    )


@cache
def _programme_labels() -> dict[str, str]:
    return {alias: label for label, aliases in lexicon().programme_names.items() for alias in aliases}


def programme_label(name: str) -> str:
    """The label of the programme that ``name`` is one of the names of (双高计划 for
    中国特色高水平高职学校和专业建设计划); ``name`` itself when it has no other."""
    return _programme_labels().get(name, name)


@cache
def tokenizer() -> jieba.Tokenizer:
    """A jieba tokenizer of its own (not the global one) with the domain words added.

    Out of the box jieba splits institution names and tags 鲁班 as a person; the extractors
    find names with patterns and use jieba only for word boundaries, which the lexicon fixes.
    """
    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.initialize()
    lex = lexicon()
    from .gazetteer import gazetteer

    # provinces and prefectures by full name and short form (湖南, 长沙市): a name begins there.
    # Not counties: 新建区 made a word would cut 新建区域, and a county's name needs no help to
    # start and end on word boundaries (和平|区)
    gaz = gazetteer()
    divisions = [n for n, codes in gaz.names.items() if gaz.division(codes[0]).level != "county"]
    for word in (*lex.industries, *lex.places, *divisions, *lex.programmes, *lex.verbs, *lex.bodies):
        tk.add_word(word, freq=20000)
    return tk


def tokens(text: str) -> list[tuple[str, int, int]]:
    """(word, start, end) for ``text``."""
    return list(_tokens(text))


def forget_segmentations() -> None:
    """Drop the segmentations kept so far (a benchmark times segmenting, not the cache)."""
    _tokens.cache_clear()


@lru_cache(maxsize=4096)
def _tokens(text: str) -> tuple[tuple[str, int, int], ...]:
    # a sentence is segmented several times (once per extractor that needs word boundaries,
    # once per company name in it); jieba's result depends on the text alone
    return tuple(tokenizer().tokenize(text))


class WordIndex:
    """Every occurrence of a fixed set of words in a text.

    It gives what ``re.finditer(re.escape(word), text)`` gives for each word in turn (an
    occurrence of a word never overlaps an earlier one of the same word), with one regular
    expression for the whole set instead of one per word and text: it finds the characters
    that begin a word (a character class is much faster than an alternation of all the words),
    and only there are the words compared.
    """

    def __init__(self, words: Iterable[str]) -> None:
        by_first: dict[str, list[str]] = {}
        for word in words:
            if word:
                by_first.setdefault(word[0], []).append(word)
        self._by_first = {c: tuple(sorted(ws, key=len, reverse=True)) for c, ws in by_first.items()}
        self._starts = re.compile(f"[{''.join(map(re.escape, by_first))}]") if by_first else None

    def occurrences(self, text: str) -> list[tuple[str, int]]:
        """(word, start) pairs, longest words first, then by position."""
        if self._starts is None:
            return []
        found: list[tuple[str, int]] = []
        free: dict[str, int] = {}  # word -> where its next occurrence may start
        index = self._by_first
        for m in self._starts.finditer(text):
            i = m.start()
            for word in index[text[i]]:
                if text.startswith(word, i) and free.get(word, 0) <= i:
                    free[word] = i + len(word)
                    found.append((word, i))
        found.sort(key=lambda hit: -len(hit[0]))
        return found


@cache
def word_index(name: str) -> WordIndex:
    """The :class:`WordIndex` of one part of the lexicon (``places``, ``industries``, …)."""
    return WordIndex(getattr(lexicon(), name))
