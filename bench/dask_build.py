"""The build on Dask beside the local build: the same documents of the generated corpus, built
by this machine's process pool and by a Dask cluster (a local one of ``-j`` worker processes, or
the scheduler given), timed, and their canonical dumps compared byte for byte.

Prints the seconds of each, the ratio dask/local (the local build is the reference, measured in
the same run) and whether the dumps are identical.

    python bench/dask_build.py [--documents 300] [-j 2] [--scheduler local|tcp://host:8786]
"""
from __future__ import annotations

import argparse
import hashlib
import importlib.util
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VETKG = [sys.executable, "-m", "vetkg.server.cli"]


def _corpus():
    spec = importlib.util.spec_from_file_location("vetkg_bench_corpus", ROOT / "bench" / "corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def timed_build(store: Path, documents: list[Path], extra: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([*VETKG, "build", "--no-progress", "--store", str(store), *extra, *map(str, documents)],
                   check=True, capture_output=True)
    return time.perf_counter() - start


def canonical_digest(store: Path) -> tuple[str, int]:
    dump = subprocess.run([*VETKG, "export", "--canonical", "--store", str(store)], check=True, capture_output=True).stdout
    return hashlib.sha256(dump).hexdigest(), dump.count(b"\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=300)
    parser.add_argument("-j", "--jobs", type=int, default=2)
    parser.add_argument("--scheduler", default="local", help="'local' or a Dask scheduler's address")
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="vetkg-dask-bench-") as tmp:
        work = Path(tmp)
        documents = _corpus().write_corpus(args.documents, work / "docs", seed=args.seed)
        local = timed_build(work / "local", documents, ["-j", str(args.jobs)])
        dask = timed_build(work / "dask", documents, ["-j", str(args.jobs), "--dask", args.scheduler])
        (local_digest, quads), (dask_digest, _) = canonical_digest(work / "local"), canonical_digest(work / "dask")
    print(f"documents            {args.documents} ({quads} quads), {args.jobs} workers")
    print(f"local build          {local:8.1f} s   {args.documents / local:6.1f} documents/s")
    print(f"dask build ({args.scheduler:>5})   {dask:8.1f} s   {args.documents / dask:6.1f} documents/s   dask/local {dask / local:.2f}")
    print(f"canonical dumps      {'identical' if local_digest == dask_digest else 'DIFFERENT'} (sha256 {local_digest[:16]}…)")
    sys.exit(0 if local_digest == dask_digest else 1)


if __name__ == "__main__":
    main()
