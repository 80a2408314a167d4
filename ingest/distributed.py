"""The build's per-document work on Dask (``dask.distributed``), an existing distributed engine.

``vetkg build --dask tcp://scheduler:8786`` sends each changed document to the workers of a
running cluster; ``--dask local`` starts a cluster of ``-j`` worker processes on this machine for
the length of the build. The workers may be other machines, so they are sent the bytes of each
file (not its path) and hand back the document's N-Quads and its entities' N-Triples (not file
names); this process writes them to its temporary directory and, as in a local build, alone
writes the store. Results come back in input order, so the first bad document reported is the
first in the list, and a bad document cancels the rest.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

from .errors import InputError
from .parallel import Checked, Input, Rejected, check_text, written

LOCAL = "local"
AHEAD = 64  # documents in flight per worker: the cluster runs ahead, the parent's memory stays bounded


class DaskEngine:
    """A :class:`~vetkg.ingest.parallel.DocumentEngine` on a Dask cluster: ``address`` of its
    scheduler, or ``"local"`` for ``workers`` processes on this machine."""

    def __init__(self, address: str, workers: int = 2) -> None:
        self.address = address
        self.workers = workers

    def _client(self, stack: ExitStack) -> Any:
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError:
            raise InputError("--dask needs Dask: pip install 'vetkg[distributed]'") from None
        if self.address == LOCAL:
            # processes, one thread each: the ingest is pure Python and holds the GIL
            cluster = stack.enter_context(
                LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                             dashboard_address=None, silence_logs=40)
            )
            return stack.enter_context(Client(cluster))
        try:
            return stack.enter_context(Client(self.address, timeout=30))
        except (OSError, TimeoutError) as exc:
            raise InputError(f"--dask {self.address}: cannot reach the Dask scheduler ({exc})") from None

    def check(
        self, todo: list[Input], base_iri: str, outdir: str, strict: bool, progress: Callable[[int], Any]
    ) -> Iterator[Checked | Rejected]:
        with ExitStack() as stack:
            client = self._client(stack)
            ahead = AHEAD * max(1, len(client.scheduler_info().get("workers", {})) or self.workers)
            bar = stack.enter_context(progress(len(todo)))
            pending: list[Any] = []
            queued = iter(todo)

            def submit() -> None:
                for inp in queued:
                    try:
                        data = inp.path.read_bytes()
                    except OSError as exc:
                        raise InputError(f"{inp.path}: cannot read the file ({exc.strerror or exc})") from exc
                    pending.append(client.submit(check_text, inp.index, str(inp.path), data, base_iri, strict, pure=False))
                    if len(pending) >= ahead:
                        return

            submit()
            try:
                while pending:
                    future = pending.pop(0)
                    result = future.result()
                    future.release()
                    submit()
                    bar.update()
                    yield written(result, outdir)
            finally:
                for future in pending:  # a bad document ends the build: the rest is not needed
                    future.cancel()
