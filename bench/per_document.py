"""Where one document's time goes in a build worker, beside jieba's segmentation of its text.

Generates N documents (bench/corpus.py) and prints, per document, the CPU time of each step a
build worker takes (ingest/parallel.py ``check_document``) and of jieba cutting the same text:
the yardstick of issue 5 ("ingest at least half of jieba's raw throughput per core").

    python bench/per_document.py [N] [--pyshacl]

``--pyshacl`` also times pyshacl's check, the engine that writes reports (several times slower).
The sentence cache of the tokenizer is emptied before each document, since documents of a real
corpus rarely repeat a sentence and generated ones often do.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import corpus  # noqa: E402 - bench/ is not a package


def per_document(items: list, step: Callable) -> tuple[float, list]:
    """(CPU milliseconds per item, results) of ``step`` over ``items``."""
    start = time.process_time()
    out = [step(item) for item in items]
    return (time.process_time() - start) / len(items) * 1000, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=40)
    parser.add_argument("--pyshacl", action="store_true", help="time pyshacl's check too")
    args = parser.parse_args()
    warnings.simplefilter("ignore")

    from vetkg.ingest import lexicon
    from vetkg.ingest.parallel import document_triples
    from vetkg.ingest.reader import read_document
    from vetkg.ingest.triples import joined, statements
    from vetkg.ontology import DEFAULT_BASE_IRI
    from vetkg.shapes.validate import (
        class_hierarchy,
        conforms_ntriples,
        load_shapes,
        prepare_fast_check,
        validate_graph,
    )

    with tempfile.TemporaryDirectory() as tmp:
        paths = corpus.write_corpus(args.n, Path(tmp), seed=20261129)
        # what a worker loads once, before its first document
        lexicon.tokenizer()
        load_shapes()
        class_hierarchy()
        prepare_fast_check()
        document_triples(paths[0], DEFAULT_BASE_IRI)

        def ingest(path: Path):
            lexicon.forget_segmentations()
            return document_triples(path, DEFAULT_BASE_IRI)

        rows = []
        ms, docs = per_document(paths, ingest)
        rows.append(("ingest (read, parse, extract, triples)", ms))
        ms, texts = per_document(docs, lambda d: joined([s for _, s in statements(d.triples)]))
        rows.append(("N-Triples", ms))
        ms, verdicts = per_document(texts, conforms_ntriples)
        assert all(verdicts), "a generated document does not conform"
        rows.append(("shapes check (pyshacl-turbo)", ms))
        ms, graphs = per_document(docs, lambda d: d.graph())
        rows.append(("(rdflib graph, not in the build)", ms))
        if args.pyshacl:
            ms, _ = per_document(graphs, validate_graph)
            rows.append(("(shapes check with pyshacl, not in the build)", ms))
        raw = [read_document(p).text for p in paths]
        ms, _ = per_document(raw, lambda text: list(lexicon.tokenizer().cut(text)))
        rows.append(("jieba cut of the text", ms))

    triples = sum(len(d.triples) for d in docs) / len(docs)
    print(f"{args.n} generated documents, {triples:.0f} triples each on average; CPU ms per document:")
    for label, ms in rows:
        print(f"  {label:48s} {ms:7.1f}")
    worker = rows[0][1] + rows[1][1] + rows[2][1]
    print(f"  {'worker total (ingest + N-Triples + check)':48s} {worker:7.1f}   = {worker / rows[-1][1]:.1f} x jieba")


if __name__ == "__main__":
    main()
