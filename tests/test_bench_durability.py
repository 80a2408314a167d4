"""The kill loop and the soak (bench/) run end to end, for two cycles and a few seconds.

Nothing here is timed; what is checked is that they run, print every figure, and that the
figures that must be zero (lost and half-applied writes, errors at a low rate) are.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from ingest_helpers import SEED, cli_build

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def seed_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return cli_build(tmp_path_factory.mktemp("bench-durability") / "store", SEED)


def test_kill_loop_counts_lost_and_half_applied_writes(seed_store: Path, tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "kill_loop.py"), "--cycles", "2", "--max-delay", "0.5",
                           "--store", str(seed_store), "--workdir", str(tmp_path)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert re.search(r"^kill loop: 2 cycles, \d+ writes sent, \d+ acknowledged$", out, re.MULTILINE), out
    assert "acknowledged-lost: 0\n" in out and "half-applied: 0\n" in out
    assert re.search(r"^restart time: p50 [\d.]+ s, max [\d.]+ s$", out, re.MULTILINE), out
    assert "failed starts on the same port: 0" in out and "left after the kill: 0" in out


def test_soak_prints_errors_p99_per_kind_and_memory(seed_store: Path, tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "soak.py"), "--duration", "3", "--rate", "20",
                           "--write-rate", "2", "--store", str(seed_store), "--workdir", str(tmp_path)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert re.search(r"^requests: \d+ \(\d+ reads, [1-9]\d* writes\), errors: 0$", out, re.MULTILINE), out
    for kind in ("lookup", "join", "aggregation", "path", "fulltext", "write"):
        assert re.search(rf"^p99 {kind}: [\d.]+ ms \(p50 [\d.]+ ms, n=\d+\)$", out, re.MULTILINE), (kind, out)
    assert re.search(r"^memory: start \d+ MB, after warm-up \d+ MB, end \d+ MB", out, re.MULTILINE), out


def test_kill_loop_bad_cycles_is_one_line() -> None:
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "kill_loop.py"), "--cycles", "0"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "--cycles must be at least 1" in done.stderr


def test_idle_gaps_prints_each_pause_with_both_servers_and_the_ratio(seed_store: Path, tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "idle_gaps.py"), "--store", str(seed_store),
                           "--gaps", "0,2", "--repeat", "5", "--workdir", str(tmp_path)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[0] == "idle gaps: 'ASK {}', p50 of 5 requests after each pause"
    for line, gap in zip(lines[1:], ("0", "2"), strict=True):
        found = re.fullmatch(rf"pause {gap} ms: vetkg ([\d.]+) ms, Oxigraph server ([\d.]+) ms, ratio ([\d.]+)", line)
        assert found, line
        ours, theirs, ratio = map(float, found.groups())
        assert ours > 0 and theirs > 0 and abs(ratio - ours / theirs) < 0.01 + 0.01 * ratio


def test_idle_gaps_a_failing_query_is_one_line(seed_store: Path, tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "idle_gaps.py"), "--store", str(seed_store),
                           "--query", "SELEC", "--repeat", "1", "--gaps", "0", "--workdir", str(tmp_path)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("idle_gaps: the query failed: HTTP 400") and done.stderr.count("\n") == 1
