"""Cold build of the seed: a fresh process reads, parses, extracts, validates and stores it.

Prints the median of several runs beside jieba's own cold start and segmentation of the same
text in a fresh process (the floor any build pays), and the triple count.

    python bench/cold_build.py [--runs 5] [FILE]
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
JIEBA_ONLY = """
import sys, warnings
warnings.simplefilter("ignore")
import jieba
jieba.setLogLevel(60)
text = open(sys.argv[1], encoding="utf-8").read()
list(jieba.tokenize(text))
"""


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", default=str(ROOT / "seeds" / "000_777b55b23df1fdd7.txt"))
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    builds, floors = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.runs):
            store = Path(tmp) / f"store{i}"
            builds.append(timed([sys.executable, "-m", "vetkg.server.cli", "build", args.file, "--store", str(store)]))
            floors.append(timed([sys.executable, "-c", JIEBA_ONLY, args.file]))
        from vetkg.store import get_store

        store = get_store("oxigraph", path=Path(tmp) / "store0")
        graphs = [g for g in store.graphs() if "/graph/" in g and not g.endswith(("/shapes", "/history"))]
        triples = sum(store.graph_size(g) for g in graphs)
        total = len(store)
        store.close()

    build, floor = statistics.median(builds), statistics.median(floors)
    print(f"document            {Path(args.file).name}")
    print(f"cold build (median of {args.runs})  {build:.2f} s   (process start, jieba, parse, extract, SHACL, store)")
    print(f"jieba cold cut      {floor:.2f} s   (fresh process: import, dictionary, segmentation)")
    print(f"ratio build/jieba   {build / floor:.1f}x")
    print(f"document triples    {triples}")
    print(f"store quads         {total}   (with ontology and shapes graphs)")


if __name__ == "__main__":
    main()
