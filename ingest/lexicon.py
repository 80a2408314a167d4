"""The domain lexicon (data files in ``lexicon/``) and a jieba tokenizer that knows it."""
from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from functools import cache
from importlib import resources

with warnings.catch_warnings():
    # jieba 0.42 imports the deprecated pkg_resources; the warning says nothing to our users
    warnings.simplefilter("ignore")
    import jieba

# Verbs that commonly sit inside the name of a programme or platform (…素质提高计划,
# …综合服务平台): a leftward search for the start of a name does not stop at them.
NAME_INTERNAL_VERBS = frozenset(
    "提升 提高 培育 培养 服务 对接 联合 赋能 创新 发展 融合 评估 研究 调整 设置 开发 注册 转化 引领 共享".split()
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
    )


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
    for word in (*lex.industries, *lex.places, *lex.programmes, *lex.verbs, *lex.bodies):
        tk.add_word(word, freq=20000)
    return tk


def tokens(text: str) -> list[tuple[str, int, int]]:
    """(word, start, end) for ``text``."""
    return list(tokenizer().tokenize(text))
