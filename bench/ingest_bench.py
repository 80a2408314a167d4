"""Ingest throughput, and jieba's own segmentation of the same text: its floor.

- :func:`build_cli` times the real command, ``vetkg build -j N`` in a fresh process, over a
  corpus: wall clock from process start to exit, what a user waits for.
- :func:`per_core` times the build with one worker in this process after a warm-up (jieba's
  dictionary and the shapes loaded), so that start-up does not count against a small subset.
- :func:`jieba_floor` segments the same decoded texts on one core, with jieba's default
  dictionary (``jieba.lcut``) and with vetkg's tokenizer (the default dictionary plus the domain
  words); the dictionaries are loaded before timing.
"""
from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import corpus  # noqa: E402 - bench/ is not a package

TRIPLES_PER_DOC = 2840  # bench/README.md: the average over 300 generated documents
_REPORT = re.compile(r"built (\d+) document\(s\), (\d+) triples, (\d+) unchanged, into (\d+) quads")


@dataclass
class Throughput:
    docs: int
    triples: int
    seconds: float
    chars: int = 0

    @property
    def docs_per_s(self) -> float:
        return self.docs / self.seconds

    @property
    def triples_per_s(self) -> float:
        return self.triples / self.seconds

    @property
    def chars_per_s(self) -> float:
        return self.chars / self.seconds


def docs_for(triples: int) -> int:
    return max(1, round(triples / TRIPLES_PER_DOC))


def make_corpus(n: int, outdir: Path) -> list[Path]:
    """Documents 1 … n of the default corpus (seed 0), reusing the files already there: the
    corpus is deterministic, so a file of the right name is the right file."""
    outdir.mkdir(parents=True, exist_ok=True)
    paths = [outdir / f"doc-{i + 1:05d}.txt" for i in range(n)]
    if not all(p.exists() for p in paths):
        corpus.write_corpus(n, outdir)
    return paths


def build_cli(paths: list[Path], store: Path, jobs: int) -> tuple[Throughput, int]:
    """``vetkg build -j jobs`` of ``paths`` into a new store; (throughput, quads in the store)."""
    vetkg = Path(sys.executable).with_name("vetkg")
    command = [str(vetkg), "build", "-j", str(jobs), "--no-progress", "--store", str(store), *map(str, paths)]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["(no message)"])[-1]
        raise RuntimeError(f"vetkg build failed with {done.returncode}: {last}")
    found = _REPORT.search(done.stderr)
    if not found:
        raise RuntimeError(f"vetkg build printed no summary line: {done.stderr.strip()[-200:]}")
    built, triples, _, quads = map(int, found.groups())
    return Throughput(built, triples, seconds), quads


def texts_of(paths: list[Path]) -> list[str]:
    """The decoded texts, as the ingest reads them (GBK and CRLF handled)."""
    from vetkg.ingest.reader import read_document

    return [read_document(p).text for p in paths]


def per_core(paths: list[Path], workdir: Path) -> Throughput:
    """The build with one worker (``jobs=1``: checked in this process), after a warm-up build."""
    from vetkg.ingest import parallel
    from vetkg.ontology import DEFAULT_BASE_IRI
    from vetkg.store import get_store

    def once(subset: list[Path], where: Path) -> Throughput:
        store = get_store("oxigraph", path=str(where))
        try:
            start = time.perf_counter()
            report = parallel.build(parallel.scan(subset), store, DEFAULT_BASE_IRI, jobs=1, progress=False)
            return Throughput(report.built, report.triples, time.perf_counter() - start)
        finally:
            store.close()

    from vetkg.ingest.lexicon import forget_segmentations

    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        once(paths[:1], Path(tmp) / "warm")
        # The ingest keeps jieba's answer per sentence; the warm-up's must not serve the timed
        # run. (Sentences repeated across generated documents still hit it, as they would.)
        forget_segmentations()
        found = once(paths, Path(tmp) / "store")
    found.chars = sum(len(t) for t in texts_of(paths))
    return found


def jieba_floor(paths: list[Path], min_seconds: float = 2.0) -> tuple[Throughput, Throughput]:
    """(default dictionary, vetkg's tokenizer): documents segmented per second on one core,
    repeating the texts until ``min_seconds`` have passed so that small sets time well."""
    import logging

    import jieba

    from vetkg.ingest.lexicon import tokenizer

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    ours = tokenizer()
    texts = texts_of(paths)
    chars = sum(len(t) for t in texts)
    results = []
    for cut in (jieba.lcut, ours.lcut):
        rounds, start = 0, time.perf_counter()
        while True:
            for text in texts:
                cut(text)
            rounds += 1
            if time.perf_counter() - start >= min_seconds:
                break
        results.append(Throughput(len(texts) * rounds, 0, time.perf_counter() - start, chars * rounds))
    return results[0], results[1]


def replicate_to(store_path: Path, target_triples: int) -> tuple[int, int]:
    """Copy the document graphs under renamed keys (bench/validate_update.py) until the store holds
    about ``target_triples`` document triples; (copies, quads)."""
    from validate_update import replicate

    from vetkg.ontology.graphs import is_data_graph
    from vetkg.store import get_store

    store = get_store("oxigraph", path=str(store_path))
    try:
        data = sum(store.graph_size(g) for g in store.graphs() if is_data_graph(g))
        copies = max(0, round(target_triples / max(1, data)) - 1)
        quads, _ = replicate(store, copies) if copies else (len(store), 0.0)
        return copies, quads
    finally:
        store.close()
