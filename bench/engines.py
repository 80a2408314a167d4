"""The in-process baselines: the same queries on pyoxigraph and on rdflib's in-memory store.

Every timing includes full iteration of the result (a lazy iterator costs nothing until read).
rdflib takes seconds to minutes per query at a million triples and cannot be interrupted, so each
of its queries runs in a child forked from the process holding the loaded dataset, killed at a
cap; a query that reaches the cap is reported as "> cap" and its ratios as lower bounds.
"""
from __future__ import annotations

import multiprocessing
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

_FORK = multiprocessing.get_context("fork")


@dataclass
class Timing:
    rows: int | None = None  # None: never finished (capped)
    seconds: list[float] = field(default_factory=list)
    capped: bool = False  # the first run did not finish within the cap
    skipped: bool = False  # not run at all (rdflib above --rdflib-max-triples)
    error: str = ""


def oxigraph_select(store: ox.Store, query: str) -> list[str]:
    """The ``?v`` column of ``query`` as lexical values (for sampling parameters)."""
    return [row["v"].value for row in store.query(query, use_default_graph_as_union=True)]


def oxigraph_once(store: ox.Store, query: str) -> tuple[int, float]:
    """(rows, seconds) of one run over the union default graph, as the server runs it."""
    start = time.perf_counter()
    rows = sum(1 for _ in store.query(query, use_default_graph_as_union=True))
    return rows, time.perf_counter() - start


def load_rdflib(nquads: Path):
    """rdflib's in-memory Dataset with the union default graph, as vetkg serves it."""
    import rdflib

    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(str(nquads), format="nquads")
    return dataset


def _rdflib_child(dataset, query: str, repeat: int, budget: float, conn) -> None:
    # Each finished run is sent at once, so the parent keeps what finished before a kill.
    try:
        spent = 0.0
        for _ in range(repeat):
            start = time.perf_counter()
            rows = sum(1 for _ in dataset.query(query))
            elapsed = time.perf_counter() - start
            conn.send(("run", rows, elapsed))
            spent += elapsed
            if spent >= budget:
                break
        conn.send(("done", 0, 0.0))
    except BaseException as exc:
        conn.send(("error", 0, f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()
        import os

        os._exit(0)


def time_rdflib(dataset, query: str, repeat: int, cap: float, budget: float) -> Timing:
    """Up to ``repeat`` runs (no warm-up: a second run is not cheaper in rdflib), stopping once
    ``budget`` seconds are spent; a run still going at ``cap`` seconds is killed."""
    timing = Timing()
    parent, child = _FORK.Pipe(duplex=False)
    proc = _FORK.Process(target=_rdflib_child, args=(dataset, query, repeat, budget, child), daemon=True)
    proc.start()
    child.close()
    deadline = time.monotonic() + cap
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not parent.poll(left):
                timing.capped = not timing.seconds
                break
            try:
                kind, rows, value = parent.recv()
            except EOFError:
                timing.error = timing.error or "the rdflib child died"
                break
            if kind == "run":
                timing.rows = rows
                timing.seconds.append(value)
                deadline = time.monotonic() + cap  # each run has the cap
            elif kind == "error":
                timing.error = str(value)
                break
            else:
                break
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()
        parent.close()
    return timing
