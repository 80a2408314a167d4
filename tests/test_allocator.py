"""vetkg serve runs on glibc's malloc, or on mimalloc or jemalloc when asked and installed (.ci/run
installs Debian's mimalloc): Oxigraph's evaluation is up to twice as fast there (server/allocator.py)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import free_port, wait_for_health
from ingest_helpers import SEED, cli_build

from vetkg.server import allocator

VETKG = str(Path(sys.executable).with_name("vetkg"))


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return cli_build(tmp_path_factory.mktemp("allocator") / "store", SEED)


def test_choices_name_a_library_or_glibc() -> None:
    assert allocator.find("system") is None
    found = allocator.find("auto")
    assert found is not None and found.is_file() and "mimalloc" in found.name  # installed by .ci/run
    assert allocator.find("mimalloc") == found
    with pytest.raises(allocator.AllocatorError, match="no such library"):
        allocator.find("/nowhere/libfast.so")


def test_inside_another_program_nothing_is_restarted() -> None:
    before = allocator.loaded()
    allocator.restart_with("auto")  # pytest is running this: it must return, not replace pytest
    assert allocator.loaded() == before and "VETKG_ALLOCATOR_STARTED" not in os.environ


def _serve_and_look(store: Path, **settings: str) -> tuple[str, str]:
    """(allocator mapped into the serving process, what its start line says)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("VETKG_") and k != "LD_PRELOAD"}
    env.update({f"VETKG_{k.upper()}": v for k, v in settings.items()})
    proc = subprocess.Popen([VETKG, "serve", "--store", str(store), "--host", "127.0.0.1", "--port", str(port)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        wait_for_health(f"http://127.0.0.1:{port}", proc)
        maps = Path(f"/proc/{proc.pid}/maps").read_text()  # the same process id after the restart
        mapped = "mimalloc" if "libmimalloc" in maps else "jemalloc" if "libjemalloc" in maps else "glibc"
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=20)
    return mapped, err


@pytest.mark.parametrize("choice, expected", [("auto", "mimalloc"), ("mimalloc", "mimalloc"), ("system", "glibc"), (None, "mimalloc")])
def test_the_server_runs_on_the_chosen_allocator(store: Path, choice: str | None, expected: str) -> None:
    mapped, err = _serve_and_look(store, **({"allocator": choice} if choice else {}))
    assert mapped == expected
    assert f"(allocator: {expected})" in err and "Traceback" not in err


def test_an_allocator_that_is_not_there_is_one_line(store: Path) -> None:
    result = subprocess.run([VETKG, "serve", "--store", str(store), "--port", str(free_port())], capture_output=True,
                            text=True, timeout=60, env={**os.environ, "VETKG_ALLOCATOR": "/nowhere/lib.so"})
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == ["vetkg: allocator '/nowhere/lib.so': no such library (use auto, system, mimalloc, jemalloc or a path)"]
