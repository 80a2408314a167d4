"""The benchmark command runs end to end at a tiny scale and reports every section and target.

Nothing here is timed: the figures of a 3k-triple run mean nothing; that they are there, numeric,
and that every target is judged MET or MISSED is what is checked.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SECTIONS = ("## Machine", "## Versions", "## Targets", "### Ingest", "### Queries at 3k", "### Per category",
            "concurrent clients on loopback", "### Server memory", "### One-triple update at 3k")
TARGETS = ("http-p50-vs-pyoxigraph", "10x-faster-than-rdflib", "ingest-vs-jieba-per-core", "update-p50", "server-memory")


@pytest.mark.slow
def test_benchmark_command_reports_every_section_and_target(tmp_path: Path) -> None:
    out = tmp_path / "BENCHMARKS.md"
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--scales", "3k", "--repeat", "2", "--load-seconds", "1",
         "--updates", "2", "--per-core-docs", "1", "--rdflib-budget", "0.5", "--clients", "2",
         "--out", str(out), "--workdir", str(tmp_path / "work")],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    report = out.read_text(encoding="utf-8")
    for section in SECTIONS:
        assert section in report, section
    for name in TARGETS:
        line = re.search(rf"^TARGET {re.escape(name)}\S*: (MET|MISSED) \((.*) vs (.*)\)$", report, re.MULTILINE)
        assert line, f"no target line for {name}"
        assert re.search(r"\d", line.group(2)) and re.search(r"\d", line.group(3)), line.group(0)
        assert line.group(0) in done.stdout  # printed as well as written
    # every query of the set has a row with numeric latencies in the 3k table
    table = report.split("### Queries at 3k", 1)[1].split("###", 1)[0]
    rows = [r for r in table.splitlines() if r.startswith("| ") and not r.startswith(("| query", "| ---"))]
    assert len(rows) >= 10
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert all(re.fullmatch(r"[\d,.]+", c) for c in cells[3:7]), row


def test_bad_scale_is_one_line_error() -> None:
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--scales", "lots"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "not a number of triples" in done.stderr
