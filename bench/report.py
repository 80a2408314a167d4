"""Tables, the machine and versions, the target lines, and BENCHMARKS.md."""
from __future__ import annotations

import os
import platform
import statistics
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("pyoxigraph", "rdflib", "pyshacl", "jieba", "flask", "waitress")


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0…1) of a non-empty list."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def p50(values: list[float]) -> float:
    return statistics.median(values)


def ms(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    value = seconds * 1000
    return f"{value:,.2f}" if value < 10 else f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def num(value: float, digits: int = 0) -> str:
    return f"{value:,.{digits}f}"


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, *cells: object) -> None:
        self.rows.append([str(c) for c in cells])

    def markdown(self) -> str:
        lines = [f"### {self.title}", ""]
        lines.append("| " + " | ".join(self.header) + " |")
        lines.append("| " + " | ".join("---" for _ in self.header) + " |")
        lines += ["| " + " | ".join(r) + " |" for r in self.rows]
        if self.notes:
            lines.append("")
            lines += self.notes
        return "\n".join(lines) + "\n"


@dataclass
class Target:
    name: str
    met: bool
    figure: str
    threshold: str

    def line(self) -> str:
        return f"TARGET {self.name}: {'MET' if self.met else 'MISSED'} ({self.figure} vs {self.threshold})"


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    return {"CPU": cpu, "cores": str(os.cpu_count()), "RAM": ram, "OS": platform.platform(),
            "load average at start (1/5/15 min)": load}


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True).stdout.splitlines()
        # Which folders differ from the commit: the figures may come from work in progress there.
        folders = sorted({line[3:].split("/")[0] + ("/" if "/" in line[3:] else "") for line in dirty})
        found["vetkg"] = commit + (f" (uncommitted changes in {', '.join(folders)})" if folders else "")
    except (OSError, subprocess.CalledProcessError):
        found["vetkg"] = "unknown (not a git checkout)"
    return found


def write_markdown(path: Path, command: str, started: datetime, seconds: float, info: dict[str, str],
                   vers: dict[str, str], tables: list[Table], targets: list[Target], notes: list[str]) -> None:
    load_end = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    out = ["# Benchmarks", "",
           f"Written by `bench/run.py` on {started.astimezone(UTC):%Y-%m-%d %H:%M} UTC in "
           f"{seconds / 60:.1f} min. Every figure below comes from this one run on this one machine; "
           "ratios compare figures of the same run.", "",
           "```sh", command, "```", "", "## Machine", ""]
    out += [f"- {k}: {v}" for k, v in info.items()]
    out += [f"- load average at the end (1/5/15 min): {load_end}", "", "## Versions", ""]
    out += [f"- {k} {v}" for k, v in vers.items()]
    out += ["", "## Targets", "", "```"] + [t.line() for t in targets] + ["```", ""]
    if notes:
        out += ["## Notes", ""] + [f"- {n}" for n in notes] + [""]
    out += ["## Figures", ""]
    for table in tables:
        out.append(table.markdown())
    path.write_text("\n".join(out), encoding="utf-8")
