"""What the durability and soak benches write, and the store they write it to.

- :func:`prepare_store` copies a given store into the work directory, or builds ``seeds/`` there.
- :func:`write_target` picks the measure the writes describe: each write is an ``INSERT DATA`` of
  one triple ``<measure> vet:actionVerb "写入N"@zh`` in the measure's document graph, which the
  shapes accept (a verb is a string tagged @zh) and which can be told apart by its number.
- :func:`written_numbers` reads the numbers back from a store no server holds.
- :func:`history_writes` counts the write records ``vetkg history`` lists for one author, and
  says whether it reports an interrupted write.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
VETKG = str(Path(sys.executable).with_name("vetkg"))
VERB = "https://w3id.org/vetkg/ontology#actionVerb"
MEASURE = "https://w3id.org/vetkg/ontology#Measure"
PREFIX = "写入"


def prepare_store(source: Path | None, workdir: Path) -> Path:
    """A store of its own in ``workdir``: a copy of ``source``, or ``seeds/`` built into it."""
    store = workdir / "store"
    if store.exists():
        shutil.rmtree(store)
    if source is not None:
        shutil.copytree(source, store)
        return store
    done = subprocess.run([VETKG, "build", "--no-progress", "--store", str(store)], cwd=ROOT, capture_output=True,
                          text=True, timeout=1800)
    if done.returncode != 0:
        raise RuntimeError(f"vetkg build failed: {done.stderr.strip()[-300:]}")
    return store


def write_target(store: Path) -> tuple[str, str]:
    """(measure, its graph): the first measure of the store in IRI order."""
    s = ox.Store.read_only(str(store))
    try:
        rows = list(s.query(f"SELECT ?m ?g WHERE {{ GRAPH ?g {{ ?m a <{MEASURE}> }} }} ORDER BY ?m LIMIT 1"))
    finally:
        del s
    if not rows:
        raise RuntimeError(f"no vet:Measure in {store}: nothing to write about")
    return rows[0]["m"].value, rows[0]["g"].value


def numbered_insert(measure: str, graph: str, number: int) -> str:
    return f'INSERT DATA {{ GRAPH <{graph}> {{ <{measure}> <{VERB}> "{PREFIX}{number}"@zh }} }}'


def written_numbers(store: Path, measure: str) -> set[int]:
    """The numbers of the writes present in ``store`` (opened read-only; no server may hold it)."""
    s = ox.Store.read_only(str(store))
    try:
        values = [row["v"].value for row in s.query(
            f"SELECT ?v WHERE {{ GRAPH ?g {{ <{measure}> <{VERB}> ?v }} FILTER(STRSTARTS(?v, \"{PREFIX}\")) }}")]
    finally:
        del s
    return {int(v[len(PREFIX):]) for v in values if v[len(PREFIX):].isdigit()}


def history_writes(store: Path, who: str) -> tuple[int, bool]:
    """(records by ``who``, whether an interrupted write is pending), from ``vetkg history``."""
    done = subprocess.run([VETKG, "history", "--store", str(store)], capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"vetkg history failed: {done.stderr.strip()[-300:]}")
    records = sum(1 for line in done.stdout.splitlines() if re.search(rf"\s{re.escape(who)}\s+\+\d+ -\d+", line))
    return records, "interrupted write is pending" in done.stdout
