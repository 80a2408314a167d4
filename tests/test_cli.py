"""The `vetkg` command as a user runs it: exit codes, one line on stderr, nothing written on failure."""
from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from ingest_helpers import BINHAI, SEED
from rdflib import Dataset

VETKG = [sys.executable, "-m", "vetkg.server.cli"]


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VETKG_")}
    return subprocess.run([*VETKG, *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=300)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    store = tmp_path_factory.mktemp("cli") / "store"
    result = run("build", str(SEED), str(BINHAI), "--store", str(store))
    assert result.returncode == 0, result.stderr
    assert "built 2 document(s)" in result.stderr
    return store


def test_build_default_reads_seeds_dir(tmp_path: Path):
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / SEED.name).write_bytes(SEED.read_bytes())
    result = run("build", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / ".vetkg" / "store").is_dir()


def test_validate_says_the_built_graph_conforms(built: Path):
    result = run("validate", "--store", str(built))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "conforms" in result.stdout


def test_validate_fails_a_broken_graph(built: Path, tmp_path: Path):
    import shutil

    from vetkg.store import get_store

    broken = tmp_path / "broken"
    shutil.copytree(built, broken)
    store = get_store("oxigraph", path=broken)
    store.update(
        "PREFIX vet: <https://w3id.org/vetkg/ontology#> DELETE { GRAPH ?g { ?m vet:textSpan ?s } } WHERE { GRAPH ?g { ?m a vet:Measure ; vet:textSpan ?s } }"
    )
    store.close()
    del store
    result = run("validate", "--store", str(broken))
    assert result.returncode == 3
    assert "vet:textSpan" in result.stdout


@pytest.mark.parametrize("fmt, parse_as", [("nquads", "nquads"), ("trig", "trig")])
def test_export_writes_the_whole_dataset(built: Path, fmt: str, parse_as: str):
    result = subprocess.run([*VETKG, "export", "--store", str(built), "--format", fmt], capture_output=True, timeout=300)
    assert result.returncode == 0, result.stderr
    ds = Dataset()
    ds.parse(data=result.stdout, format=parse_as)
    graphs = {str(g.identifier) for g in ds.graphs()}
    assert "https://w3id.org/vetkg/graph/津教职函-2025-1号" in graphs
    assert "https://w3id.org/vetkg/graph/津滨教体-2025-12号" in graphs
    assert "https://w3id.org/vetkg/ontology" in graphs
    assert len(ds) > 4000


def test_export_turtle_is_the_union(built: Path):
    from rdflib import Graph

    result = subprocess.run([*VETKG, "export", "--store", str(built), "--format", "turtle"], capture_output=True, timeout=300)
    assert result.returncode == 0
    assert len(Graph().parse(data=result.stdout, format="turtle")) > 4000


@pytest.mark.parametrize(
    "content, problem",
    [(b"", "the file is empty"), (b"\x00\x01\x02binary", "binary data"), ("没有结构的文字。".encode() * 10, "no document structure")],
    ids=["empty", "binary", "structureless"],
)
def test_bad_input_one_line_and_nothing_written(built: Path, tmp_path: Path, content: bytes, problem: str):
    before = subprocess.run([*VETKG, "export", "--store", str(built)], capture_output=True, timeout=300).stdout
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    result = run("build", str(SEED), str(bad), "--store", str(built))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(bad) in lines[0] and problem in lines[0]
    assert "Traceback" not in result.stderr
    after = subprocess.run([*VETKG, "export", "--store", str(built)], capture_output=True, timeout=300).stdout
    assert after == before


def test_unknown_store_is_one_line(tmp_path: Path):
    env = {**os.environ, "VETKG_STORE": "nosuch"}
    result = subprocess.run([*VETKG, "validate"], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert result.returncode == 4
    assert result.stderr.strip() == "vetkg: unknown store 'nosuch'; known stores: memory, oxigraph, sparql"


def _files_of_at_most(size: int):
    """For preexec_fn: writes past ``size`` bytes fail with EFBIG (SIGXFSZ ignored) instead of
    killing the process, as on a full or failing disk."""
    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
    return limit


@pytest.mark.parametrize("size", [200_000, 2_000_000])  # the sidecar index's file, the store's own log
def test_a_store_write_failing_mid_build_is_one_line(tmp_path: Path, size: int):
    env = {k: v for k, v in os.environ.items() if not k.startswith("VETKG_")}
    result = subprocess.run([*VETKG, "build", str(SEED), "--store", str(tmp_path / "store")], capture_output=True,
                            text=True, env=env, timeout=300, preexec_fn=_files_of_at_most(size))
    assert result.returncode == 4, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("vetkg: ") and "File too large" in lines[0], result.stderr


def test_a_full_disk_under_export_is_one_line(built: Path):
    with open("/dev/full", "wb") as full:
        result = subprocess.run([*VETKG, "export", "--store", str(built)], stdout=full, stderr=subprocess.PIPE,
                                text=True, timeout=300)
    assert result.returncode == 4
    assert result.stderr.strip() == "vetkg: input/output error: [Errno 28] No space left on device"


def test_a_reader_that_goes_away_ends_export_quietly(built: Path):
    export = subprocess.Popen([*VETKG, "export", "--store", str(built)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert export.stdout is not None and export.stderr is not None
    export.stdout.read(10)
    export.stdout.close()
    assert export.wait(timeout=300) != 0
    assert b"Traceback" not in export.stderr.read()


UPDATE_OK = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
INSERT DATA { GRAPH <https://w3id.org/vetkg/graph/entities> {
  <https://w3id.org/vetkg/id/org/天津职业大学> skos:altLabel "天职大"@zh } }"""
UPDATE_BAD = """PREFIX vet: <https://w3id.org/vetkg/ontology#>
DELETE { GRAPH ?g { ?m vet:text ?t } } WHERE { GRAPH ?g { ?m a vet:Measure ; vet:text ?t } }"""
SHAPES_STRICTER = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix vet: <https://w3id.org/vetkg/ontology#> .
<urn:x:MeasureNeedsTarget> a sh:NodeShape ; sh:targetClass vet:Measure ;
  sh:property [ sh:path vet:setsTarget ; sh:minCount 1 ; sh:message "every measure sets a target"@en ] ."""


def _export(store: Path) -> bytes:
    return subprocess.run([*VETKG, "export", "--store", str(store)], capture_output=True, timeout=300).stdout


@pytest.mark.parametrize("update, code, says", [(UPDATE_OK, 0, "conforms"), (UPDATE_BAD, 3, "A measure has exactly one vet:text")],
                         ids=["passes", "fails"])
def test_validate_update_checks_without_applying(built: Path, tmp_path: Path, update: str, code: int, says: str):
    before = _export(built)
    path = tmp_path / "change.ru"
    path.write_text(update, encoding="utf-8")
    result = run("validate", "--store", str(built), "--update", str(path))
    assert result.returncode == code, result.stdout + result.stderr
    assert says in result.stdout
    assert _export(built) == before


def test_validate_with_other_shapes(built: Path, tmp_path: Path):
    path = tmp_path / "stricter.ttl"
    path.write_text(SHAPES_STRICTER, encoding="utf-8")
    result = run("validate", "--store", str(built), "--shapes", str(path))
    assert result.returncode == 3
    assert "every measure sets a target" in result.stdout


@pytest.mark.parametrize(
    "option, content, says",
    [("--update", "INSERT DATUM { }", "syntax error"), ("--shapes", "@prefix broken", "not readable Turtle shapes")],
    ids=["bad-update", "bad-shapes"],
)
def test_validate_bad_check_files_are_one_line(built: Path, tmp_path: Path, option: str, content: str, says: str):
    path = tmp_path / "bad"
    path.write_text(content, encoding="utf-8")
    result = run("validate", "--store", str(built), option, str(path))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and says in lines[0] and str(path) in lines[0]
