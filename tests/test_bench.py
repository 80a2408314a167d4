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
            "concurrent clients on loopback", "### Server memory", "### One-triple update at 3k",
            "### vetkg and its peers at 3k", "### Throughput at 3k", "### Server memory at 3k")
TARGETS = ("http-p50-vs-pyoxigraph", "10x-faster-than-rdflib", "ingest-vs-jieba-per-core", "update-p50", "server-memory",
           "peers-ask-p50-vs-oxigraph", "peers-geomean-vs-oxigraph", "peers-cached-repeat-vs-oxigraph",
           "peers-throughput-8-cache-off-vs-oxigraph", "peers-throughput-8-cache-on-vs-virtuoso",
           "peers-server-memory-cache-off", "peers-server-memory-cache-on")


@pytest.mark.slow
def test_benchmark_command_reports_every_section_and_target(tmp_path: Path) -> None:
    # Every target line must carry figures, so the peers must be there (.ci/run installs them);
    # without them the run says "not installed" where a figure should be.
    absent = [why for name in ("oxigraph", "virtuoso") if (why := _peers().missing(name))]
    assert not absent, f"this test measures the peers: {'; '.join(absent)}"
    out = tmp_path / "BENCHMARKS.md"
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--scales", "3k", "--repeat", "2", "--load-seconds", "1",
         "--updates", "2", "--per-core-docs", "1", "--rdflib-budget", "0.5", "--clients", "2",
         # Jena's one JVM per query would double the run; its path is the same table's
         "--peers", "oxigraph,virtuoso", "--out", str(out), "--workdir", str(tmp_path / "work")],
        capture_output=True, text=True, timeout=420,
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
    # the peers table: ASK {} and every query, a p50 for each of the four servers and three ratios
    peers = report.split("### vetkg and its peers at 3k", 1)[1].split("###", 1)[0]
    peer_rows = [r for r in peers.splitlines() if r.startswith("| ") and not r.startswith(("| query", "| ---", "| geometric"))]
    assert len(peer_rows) == len(rows) + 1, peer_rows  # ASK {} first
    for row in peer_rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert all(re.fullmatch(r"[\d,.]+", c) for c in cells[2:9]), row
    assert "jena: not asked for (--peers)." in peers


def test_bad_scale_is_one_line_error() -> None:
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--scales", "lots"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "not a number of triples" in done.stderr


def _peers():
    sys.path.insert(0, str(ROOT / "bench"))
    import peers

    return peers


def _figures(peers, *, with_oxigraph: bool = True):
    """Peer figures made up so that every ratio and verdict is known: vetkg takes twice
    Oxigraph's time on one query and half on the other."""
    engines = [peers.OFF, peers.ON] + (["oxigraph"] if with_oxigraph else []) + ["virtuoso"]
    fig = peers.PeerFigures("1M", engines, {"jena": "not installed (no java)"})
    times = {"ASK {}": {peers.OFF: 1.5, peers.ON: 1.4, "oxigraph": 1.0, "virtuoso": 3.0},
             "lookup-x": {peers.OFF: 4.0, peers.ON: 0.5, "oxigraph": 2.0, "virtuoso": 8.0},
             "join-y": {peers.OFF: 3.0, peers.ON: 7.0, "oxigraph": 6.0, "virtuoso": 6.0}}
    for name, by_engine in times.items():
        q = peers.PeerQuery(name)
        for engine in engines:
            q.seconds[engine] = [by_engine[engine] / 1000] * 3
            q.rows[engine] = 5
        fig.queries.append(q)
    for engine, rps in zip(engines, (100, 300, 120, 250), strict=False):
        for clients in peers.CLIENTS:
            fig.load[(engine, clients)] = peers.Throughput(rps * 10, 10.0, 0, 0.004, 0.02)
    fig.memory_mb = {peers.OFF: 400.0, peers.ON: 1200.0, "oxigraph": 300.0, "virtuoso": 500.0}
    return fig


def test_peer_table_shows_each_p50_and_ratio_and_the_geometric_mean() -> None:
    peers = _peers()
    table, load, memory = peers.tables(_figures(peers))
    text = table.markdown()
    rows = {r.split("|")[1].strip(): [c.strip() for c in r.strip("|").split("|")] for r in table.markdown().splitlines()
            if r.startswith("| ") and not r.startswith(("| query", "| ---"))}
    # query, rows, 4 p50s, vetkg/oxigraph, vetkg/virtuoso, cached/oxigraph
    assert rows["lookup-x"] == ["lookup-x", "5", "4.00", "0.50", "2.00", "8.00", "2.00", "0.50", "0.25"]
    assert rows["join-y"][6:] == ["0.50", "0.50", "1.17"]
    # over the two queries of the set, not ASK: sqrt(2 x 0.5) = 1; sqrt(0.5 x 0.5) = 0.5
    mean = rows["geometric mean (the query set, not ASK)"]
    assert mean[6:] == ["1.00 (2)", "0.50 (2)", f"{(0.25 * 7 / 6) ** 0.5:.2f} (2)"]
    assert "jena: not installed (no java)." in text
    assert "| vetkg (cache on) | 8 | 300.0 | 0 |" in load.markdown()
    assert "| vetkg (cache on) | 1,200 |" in memory.markdown()


def test_peer_targets_are_judged_from_the_figures() -> None:
    peers = _peers()
    verdicts = {t.name.split("@")[0]: t for t in peers.judge(_figures(peers))}
    assert verdicts["peers-ask-p50-vs-oxigraph"].met  # 1.5 ms against 2 x 1.0
    assert verdicts["peers-geomean-vs-oxigraph"].met  # 1.00 against 1.2
    assert not verdicts["peers-cached-repeat-vs-oxigraph"].met  # join-y: 7 ms cached against 6
    assert "1/2 repeated queries" in verdicts["peers-cached-repeat-vs-oxigraph"].figure
    assert not verdicts["peers-throughput-8-cache-off-vs-oxigraph"].met  # 100 against 120 requests/s
    assert verdicts["peers-throughput-8-cache-on-vs-virtuoso"].met  # 300 against 250
    assert verdicts["peers-server-memory-cache-off"].met
    assert not verdicts["peers-server-memory-cache-on"].met  # 1,200 MB
    for t in verdicts.values():
        assert re.fullmatch(r"TARGET \S+@1M: (MET|MISSED) \(.+ vs .+\)", t.line()), t.line()


def test_a_missing_peer_is_reported_not_run() -> None:
    peers = _peers()
    fig = _figures(peers, with_oxigraph=False)
    fig.absent["oxigraph"] = "not installed (pip install oxigraph)"
    verdicts = {t.name.split("@")[0]: t for t in peers.judge(fig)}
    for name in ("peers-ask-p50-vs-oxigraph", "peers-geomean-vs-oxigraph", "peers-cached-repeat-vs-oxigraph",
                 "peers-throughput-8-cache-off-vs-oxigraph"):
        assert not verdicts[name].met
        assert "oxigraph not installed (pip install oxigraph): not measured" in verdicts[name].figure
    assert verdicts["peers-throughput-8-cache-on-vs-virtuoso"].met
    assert "oxigraph: not installed" in peers.tables(fig)[0].markdown()


def test_peers_option_names_the_unknown_peer() -> None:
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--peers", "oxigraph,blazegraph"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "unknown peer blazegraph" in done.stderr
