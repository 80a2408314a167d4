"""`vetkg build --dask`: the per-document work on a Dask cluster (here a local one of two worker
processes) gives the same dataset as the local build, byte for byte in the canonical dump; a bad
document among them writes nothing; an unreachable scheduler is one line and an exit code."""
from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VETKG = [sys.executable, "-m", "vetkg.server.cli"]
COUNT = 8


def _corpus():
    spec = importlib.util.spec_from_file_location("vetkg_bench_corpus_dask", ROOT / "bench" / "corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VETKG_")}
    return subprocess.run([*VETKG, *args], capture_output=True, text=True, env=env, timeout=600)


@pytest.fixture(scope="module")
def documents(tmp_path_factory) -> list[Path]:
    return _corpus().write_corpus(COUNT, tmp_path_factory.mktemp("docs"), seed=11)


def canonical_dump(store: Path) -> str:
    done = run("export", "--canonical", "--store", str(store))
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_dask_build_gives_the_local_builds_dataset(documents: list[Path], tmp_path: Path) -> None:
    local = run("build", "--store", str(tmp_path / "local"), "-j", "2", *map(str, documents))
    assert local.returncode == 0, local.stderr
    dask = run("build", "--store", str(tmp_path / "dask"), "-j", "2", "--dask", "local", *map(str, documents))
    assert dask.returncode == 0, dask.stderr
    assert f"built {COUNT} document(s)" in dask.stderr
    assert dask.stdout == local.stdout  # the same per-document report, in the same order
    dump = canonical_dump(tmp_path / "dask")
    assert dump == canonical_dump(tmp_path / "local")
    assert dump.count("\n") > 1000 and "_:c14n" in dump  # the ontology's blank nodes, named canonically


def test_a_bad_document_on_the_cluster_writes_nothing(documents: list[Path], tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("这不是一份政策文件，只有一句话。\n", encoding="utf-8")  # readable, but not of the genre
    done = run("build", "--store", str(tmp_path / "store"), "--dask", "local", "-j", "2",
               *map(str, documents[:3]), str(bad))
    assert done.returncode != 0
    assert done.stderr.strip().count("\n") == 0 and "bad.txt" in done.stderr and "Traceback" not in done.stderr
    # the three good documents were checked on the cluster too, and none of them was written
    assert "/graph/" not in canonical_dump(tmp_path / "store").replace("/graph/shapes", "")


def test_an_unreachable_scheduler_is_one_line(documents: list[Path], tmp_path: Path) -> None:
    done = run("build", "--store", str(tmp_path / "store"), "--dask", "tcp://127.0.0.1:9", str(documents[0]))
    assert done.returncode != 0
    assert done.stderr.strip().count("\n") == 0, done.stderr
    assert "tcp://127.0.0.1:9" in done.stderr and "Traceback" not in done.stderr
