"""Every file, folder and module the documentation names exists, so that moving or renaming one
shows up as a failing test instead of a README that points nowhere.

Read: the top-level Markdown files, every README.md of ours, and the docstrings of the packages'
``__init__.py`` (each folder's one job). Checked: paths that start at a top-level folder of the
repository (``server/writes/state.py``, ``ingest/lexicon/``), bare file names
(``oxigraph_commit.py``: some file of the repository has that name), and dotted module names
(``vetkg.store.formats``, ``:mod:`.state``` in a package docstring).
"""
from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOP_FOLDERS = ("ontology", "store", "ingest", "shapes", "server", "bench", "tests", "seeds", ".ci")
SKIPPED = ("tests/data/w3c",)  # third-party test suites bring their own READMEs
NOT_OURS = {".git", ".venv", "build", "node_modules", "__pycache__"}

# a path starts a token: not after a character that would make it part of a URL, an IRI
# template (`{base}graph/…`), a route (`/store?graph=`) or a longer name (`.vetkg/store`)
PATH = re.compile(
    r"(?<![\w./{}~:@-])((?:" + "|".join(re.escape(f) for f in TOP_FOLDERS) + r")/[\w./*-]*)"
)
# Python files only: `FILE.ttl` and `mine.ttl` in a README stand for the reader's own files
BARE_FILE = re.compile(r"(?<![\w./{}-])([A-Za-z_]\w*\.py)(?![\w/])")
MODULE = re.compile(r"(?<![\w.])vetkg((?:\.\w+)+)")
RELATIVE_MODULE = re.compile(r":(?:mod|func|class|meth|attr):`~?(\.[\w.]+)`")


def _package_dirs() -> dict[str, Path]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    return {name.removeprefix("vetkg."): ROOT / folder for name, folder in config["package-dir"].items()}


PACKAGES = _package_dirs()


def _docs() -> list[Path]:
    readmes = [
        p
        for p in ROOT.rglob("README.md")
        if not NOT_OURS & set(p.relative_to(ROOT).parts)
        and not any(p.relative_to(ROOT).as_posix().startswith(s) for s in SKIPPED)
    ]
    return sorted({*ROOT.glob("*.md"), *readmes})


def _package_inits() -> list[Path]:
    return sorted(init for folder in PACKAGES.values() for init in folder.rglob("__init__.py"))


def _file_names() -> set[str]:
    names = set()
    for path in ROOT.rglob("*"):
        if path.is_file() and not NOT_OURS & set(path.relative_to(ROOT).parts):
            names.add(path.name)
    return names


def _exists(path: str) -> bool:
    path = path.rstrip(".")  # a sentence may end right after a path
    if "*" in path:
        return any(ROOT.glob(path))
    return (ROOT / path).exists()


def _module_file(parts: list[str]) -> Path | None:
    """The file of module ``vetkg.<parts>``, or None."""
    if not parts or parts[0] not in PACKAGES:
        return None
    base = PACKAGES[parts[0]].joinpath(*parts[1:])
    for candidate in (base / "__init__.py", base.with_suffix(".py")):
        if candidate.is_file():
            return candidate
    return None


def _defined(module: Path) -> set[str]:
    """The names a module defines or imports at its top level or in a class body."""
    names = set()
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def _resolves(dotted: list[str]) -> bool:
    """``dotted`` (after ``vetkg``) is a module, or a name defined or imported in one."""
    for cut in range(len(dotted), 0, -1):
        module = _module_file(dotted[:cut])
        if module is not None:
            rest = dotted[cut:]
            return not rest or rest[0] in _defined(module)
    return False


def _names(text: str, file_names: set[str]) -> list[str]:
    """What ``text`` names that does not exist."""
    missing = [p for p in PATH.findall(text) if "…" not in p and not _exists(p)]
    missing += [name for name in BARE_FILE.findall(text) if name not in file_names]
    for dotted in MODULE.findall(text):
        parts = dotted.strip(".").split(".")
        if parts[0] in PACKAGES and not _resolves(parts):
            missing.append("vetkg" + dotted)
    return missing


@pytest.fixture(scope="module")
def file_names() -> set[str]:
    return _file_names()


@pytest.mark.parametrize("doc", _docs(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_what_a_document_names_exists(doc: Path, file_names: set[str]) -> None:
    assert _names(doc.read_text(encoding="utf-8"), file_names) == []


def _docstring_names(docstring: str, package: list[str], file_names: set[str]) -> list[str]:
    """What the docstring of package ``vetkg.<package>`` names that does not exist."""
    missing = _names(docstring, file_names)
    for relative in RELATIVE_MODULE.findall(docstring):
        if not _resolves(package + relative.strip(".").split(".")):
            missing.append(relative)
    return missing


@pytest.mark.parametrize("init", _package_inits(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_a_package_says_its_job_and_names_what_exists(init: Path, file_names: set[str]) -> None:
    docstring = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
    assert docstring, f"{init.relative_to(ROOT)} has no docstring saying the folder's job"
    folder = init.parent.relative_to(ROOT).parts
    package = [next(n for n, d in PACKAGES.items() if d == ROOT / folder[0]), *folder[1:]]
    assert _docstring_names(docstring, package, file_names) == []


def test_a_stale_path_is_caught(file_names: set[str]) -> None:
    text = (
        "`server/stores/oxigraph.py`, `store/oxigraph.py`, `writes/backend.py`-less prose, "
        "`vetkg.server.writes.backend`, `vetkg.store.formats`, `gone_module.py`, `ingest/lexicon/`, "
        "`{base}graph/store/x`, `.vetkg/store`, https://example.org/server/nothing.py"
    )
    assert _names(text, file_names) == ["server/stores/oxigraph.py", "gone_module.py", "vetkg.server.writes.backend"]
    docstring = "A pending state (:mod:`.state`), checked (:func:`.checks.nothing`), by :mod:`.gone`."
    assert _docstring_names(docstring, ["server", "writes"], file_names) == [".checks.nothing", ".gone"]
