"""`vetkg build` is the ingest, the shapes and the store: it must not pay for the web server.
Flask, the endpoint and cn2an cost about a second of a cold build (bench/cold_build.py)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ingest_helpers import SEED

PROBE = """
import sys
from vetkg.server.cli import main
try:
    main(["build", sys.argv[1], "--store", sys.argv[2]])
except SystemExit as exit:
    assert not exit.code, exit.code
heavy = sorted(m for m in ("flask", "werkzeug", "cn2an", "vetkg.server.sparql_endpoint", "vetkg.server.write_endpoints") if m in sys.modules)
print("heavy:" + ",".join(heavy))
"""


def test_a_build_imports_neither_flask_nor_the_endpoint(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", PROBE, str(SEED), str(tmp_path / "store")], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "heavy:", done.stdout
    assert (tmp_path / "store").exists()
