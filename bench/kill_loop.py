"""Durability under SIGKILL: numbered writes, the server killed at a random moment, restarted.

```sh
python bench/kill_loop.py                      # 100 cycles over the seeds/ store
python bench/kill_loop.py --cycles 300 --store PATH --seed 7
```

Each cycle starts ``vetkg serve`` on one fixed loopback port (the same every cycle), sends
numbered one-triple ``INSERT DATA`` writes with a bearer token one after the other, and SIGKILLs
the server (the server's process only, not its query workers: they must go by themselves) after a
random delay of up to ``--max-delay`` seconds, most often in the middle of a write. With the
server dead, the store is read: every acknowledged write must be there (**acknowledged-lost**:
acknowledged, absent), and the writes present must match the write history one for one, with no
interrupted write pending (**half-applied**: a write whose data and history record disagree).
The write the kill interrupted may be there or not; either is correct.

Then the server is restarted on the same port: the **restart time** is from the start of the new
process to its first ``/health`` answer; a start that fails (the port still held) is counted and
retried. Printed at the end, and the exit status is 1 if any write was lost or half-applied, any
restart failed or any worker outlived its server.
"""
from __future__ import annotations

import argparse
import http.client
import os
import random
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import http_load
import workload

WHO = "killloop"


@dataclass
class Tally:
    sent: int = 0
    acknowledged: set[int] = field(default_factory=set)
    refused: list[str] = field(default_factory=list)  # answers other than 204: a bug to report
    lost: list[int] = field(default_factory=list)
    half_applied: int = 0
    restarts: list[float] = field(default_factory=list)
    failed_starts: int = 0
    orphaned_workers: int = 0


def _start(store: Path, port: int, token: str, log: Path) -> tuple[subprocess.Popen, float]:
    """``vetkg serve`` on ``port``, up: (process, seconds to its first /health)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("VETKG_")}
    env["VETKG_UPDATE_TOKENS"] = f"{WHO}:{token}"
    command = [workload.VETKG, "serve", "--store", str(store), "--host", "127.0.0.1", "--port", str(port)]
    started = time.monotonic()
    with open(log, "ab") as err:
        # A session of its own: its workers share its process group, which is how they are found.
        proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
    while time.monotonic() - started < 120:
        if proc.poll() is not None:
            raise StartFailed(proc.returncode)
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/health")
            ok = conn.getresponse().status == 200
            conn.close()
            if ok:
                return proc, time.monotonic() - started
        except OSError:
            pass
        time.sleep(0.02)
    proc.kill()
    proc.wait()
    raise RuntimeError("vetkg serve did not answer /health within 120 s")


class StartFailed(RuntimeError):
    def __init__(self, code: int) -> None:
        super().__init__(f"vetkg serve exited with {code}")


def _writer(port: int, token: str, measure: str, graph: str, first: int, tally: Tally, stop: threading.Event) -> None:
    """Numbered writes, one at a time, until the connection breaks (the kill) or ``stop``."""
    client = http_load.Client(port, timeout=30)
    try:
        client.query("ASK {}")  # a query worker is forked: the kill must take it along too
    except (OSError, http.client.HTTPException):
        return
    number = first
    while not stop.is_set():
        body = workload.numbered_insert(measure, graph, number)
        tally.sent += 1
        try:
            status, data = client.post(body, "application/sparql-update", {"Authorization": f"Bearer {token}"})
        except (OSError, http.client.HTTPException):
            break  # killed in flight: this write may or may not be there
        if status in (200, 204):
            tally.acknowledged.add(number)
        else:
            tally.refused.append(f"write {number}: HTTP {status} {data[:200].decode('utf-8', 'replace')}")
            break
        number += 1
    client.close()


def _group_gone(pgid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.02)
    return False


def run(args: argparse.Namespace) -> Tally:
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="vetkg-kill-"))
    workdir.mkdir(parents=True, exist_ok=True)
    store = workload.prepare_store(args.store, workdir)
    measure, graph = workload.write_target(store)
    rng = random.Random(args.seed)
    token = secrets.token_hex(16)
    port = args.port or http_load.free_port()
    log = workdir / "serve.log"
    tally = Tally()
    next_number = 1
    proc = None
    try:
        proc, _ = _start(store, port, token, log)
        for cycle in range(1, args.cycles + 1):
            stop = threading.Event()
            writer = threading.Thread(target=_writer, args=(port, token, measure, graph, next_number, tally, stop))
            writer.start()
            time.sleep(rng.uniform(0, args.max_delay))
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            stop.set()
            writer.join(timeout=60)
            next_number = max([next_number - 1, *tally.acknowledged]) + 2  # past the one in flight
            if not _group_gone(proc.pid, 5):
                tally.orphaned_workers += 1
                os.killpg(proc.pid, signal.SIGKILL)
            present = workload.written_numbers(store, measure)
            tally.lost = sorted(tally.acknowledged - present)
            records, interrupted = workload.history_writes(store, WHO)
            if records != len(present) or interrupted:
                tally.half_applied += 1
                say(f"cycle {cycle}: {len(present)} writes in the data, {records} in the history"
                    f"{', an interrupted write pending' if interrupted else ''}")
            while True:
                try:
                    proc, seconds = _start(store, port, token, log)
                    break
                except StartFailed:
                    tally.failed_starts += 1
                    if tally.failed_starts > args.cycles:
                        raise RuntimeError(f"vetkg serve cannot start again on port {port}; see {log}") from None
                    time.sleep(0.1)
            tally.restarts.append(seconds)
            if args.progress and cycle % 10 == 0:
                say(f"cycle {cycle}/{args.cycles}: {len(tally.acknowledged)} writes acknowledged, "
                    f"{len(tally.lost)} lost, restart {seconds:.2f} s")
    finally:
        if proc is not None and proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    return tally


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def report(tally: Tally, cycles: int) -> str:
    restarts = sorted(tally.restarts)
    lines = [
        f"kill loop: {cycles} cycles, {tally.sent} writes sent, {len(tally.acknowledged)} acknowledged",
        f"acknowledged-lost: {len(tally.lost)}" + (f" (writes {tally.lost[:10]})" if tally.lost else ""),
        f"half-applied: {tally.half_applied}",
        f"restart time: p50 {statistics.median(restarts):.2f} s, max {restarts[-1]:.2f} s" if restarts
        else "restart time: no restart",
        f"failed starts on the same port: {tally.failed_starts}",
        f"cycles with query workers left after the kill: {tally.orphaned_workers}",
    ]
    lines += [f"refused: {r}" for r in tally.refused[:5]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cycles", type=int, default=100)
    parser.add_argument("--max-delay", type=float, default=1.0, help="longest wait before the kill, in seconds")
    parser.add_argument("--store", type=Path, help="a store to copy (default: build seeds/)")
    parser.add_argument("--workdir", type=Path, help="where the store copy and the server log go")
    parser.add_argument("--port", type=int, help="the port of every cycle (default: a free one)")
    parser.add_argument("--seed", type=int, default=1, help="of the random kill moments")
    parser.add_argument("--progress", action="store_true", help="a line on stderr every 10 cycles")
    args = parser.parse_args(argv)
    if args.cycles < 1:
        parser.error("--cycles must be at least 1")
    try:
        tally = run(args)
    except RuntimeError as exc:
        say(f"kill_loop: {exc}")
        return 2
    print(report(tally, args.cycles))
    bad = tally.lost or tally.half_applied or tally.failed_starts or tally.orphaned_workers or tally.refused
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
