"""The genre corpus (tests/data/genre, see its README): every document is one that `vetkg build`
accepts, and every ground-truth file is one that bench/extraction.py can score.

The documents are globbed, not listed, so that a document added to the corpus is checked
without touching this file. A legitimate document of the genre must never be refused (issue 9):
a failure here names the document and the build's own message.
"""
from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pytest
from ingest_helpers import DATA

from vetkg.ingest.parallel import Checked, Rejected, check_document
from vetkg.ingest.reader import read_document
from vetkg.ontology import DEFAULT_BASE_IRI

GENRE = DATA / "genre"
SUFFIX = ".expected.toml"
DOCUMENTS = sorted(GENRE.glob("*.txt"))
TRUTHS = sorted(GENRE.glob(f"*{SUFFIX}"))

# The vocabulary of the ground-truth format, as tests/data/genre/README.md gives it
LEVELS = {"ministry", "province", "city", "district", "college"}
GENRES = {"工作要点", "规划", "实施方案", "行动计划", "通知"}
ENCODINGS = {"utf-8", "gb18030"}
ORGANISATION_CLASSES = {
    "HigherVocationalCollege", "SecondaryVocationalSchool", "University", "ResearchInstitute",
    "Centre", "Alliance", "Enterprise", "GovernmentBody",
}
PLACE_CLASSES = {"AdministrativeArea", "Region", "Country", "EconomicZone"}
COMPARATORS = {"exactly", "atLeast", "atMost", "approximately"}
NAMED_KINDS = ("organisations", "places", "programmes", "industries", "laws", "events")
HEADER_STRINGS = ("notice_title", "plan_title", "number", "date")
HEADER_LISTS = ("issuers", "addressees")
# the reader's name for a UTF-8 file (with or without a byte-order mark) is utf-8-sig
READER_ENCODING = {"utf-8-sig": "utf-8", "gb18030": "gb18030"}


def _id(path: Path) -> str:
    return path.name


def test_the_corpus_is_there():
    assert DOCUMENTS, f"no documents in {GENRE}"


def test_every_document_has_its_ground_truth():
    documents = {p.stem for p in DOCUMENTS}
    truths = {p.name.removesuffix(SUFFIX) for p in TRUTHS}
    assert sorted(documents - truths) == [], "documents without a ground-truth file"
    assert sorted(truths - documents) == [], "ground-truth files without their document"


@pytest.mark.parametrize("document", DOCUMENTS, ids=_id)
def test_the_build_accepts_the_document(document: Path, tmp_path: Path):
    # the per-document step of `vetkg build` (ingest/parallel.py): read, parse, build the graph
    # (ingest/rdf.py) and check it against the shapes (shapes/validate.py), as a worker does
    result = check_document((0, str(document), DEFAULT_BASE_IRI, str(tmp_path)))
    if isinstance(result, Rejected):
        stage = "its graph does not conform to the shapes" if result.conformance else "refused by the ingest"
        pytest.fail(f"{document.name}: {stage}: {result.message}", pytrace=False)
    assert isinstance(result, Checked)
    assert result.triples > 0
    assert Path(result.document_file).read_text(encoding="utf-8").strip(), "the document graph is empty"


@pytest.mark.parametrize("truth", TRUTHS, ids=_id)
def test_the_ground_truth_parses_and_names_its_file(truth: Path):
    data = tomllib.loads(truth.read_text(encoding="utf-8"))
    assert isinstance(data.get("file"), str), "`file` is required"
    assert data["file"] == truth.name.removesuffix(SUFFIX) + ".txt", "`file` is not the document beside it"
    assert (GENRE / data["file"]).is_file(), f"{data['file']} does not exist"


@pytest.mark.parametrize("truth", TRUTHS, ids=_id)
def test_the_encoding_is_the_one_the_file_decodes_with(truth: Path):
    data = tomllib.loads(truth.read_text(encoding="utf-8"))
    document = GENRE / data["file"]
    declared = data.get("encoding", "utf-8")
    assert declared in ENCODINGS
    # as the build decodes it: UTF-8 first, then GB18030, so a GB18030 file must not also be
    # valid UTF-8 (else the ingest would read it as UTF-8 and the label would be wrong)
    assert READER_ENCODING[read_document(document).encoding] == declared
    document.read_bytes().decode(declared)  # strictly: no byte left undecoded


@pytest.mark.parametrize("truth", TRUTHS, ids=_id)
def test_the_ground_truth_uses_the_format(truth: Path):
    data = tomllib.loads(truth.read_text(encoding="utf-8"))
    if "level" in data:
        assert data["level"] in LEVELS
    if "genre" in data:
        assert data["genre"] in GENRES
    header = data.get("header", {})
    for key in HEADER_STRINGS:
        assert isinstance(header.get(key, ""), str), f"header.{key} is not a string"
    for key in HEADER_LISTS:
        assert all(isinstance(v, str) and v for v in header.get(key, [])), f"header.{key} is not a list of names"
    if "date" in header:
        dt.date.fromisoformat(header["date"])
    for area in data.get("work_areas", []):
        assert isinstance(area["title"], str) and area["title"]
        assert isinstance(area["measures"], int) and area["measures"] >= 0
        assert all(isinstance(p, str) and p for p in area.get("path", []))
    for box in data.get("boxes", []):
        assert box["title"].startswith("专栏") and isinstance(box["items"], int) and box["items"] > 0
    for attachment in data.get("attachments", []):
        assert isinstance(attachment["title"], str) and attachment["title"]
    for kind in NAMED_KINDS:
        names = [item["name"] for item in data.get(kind, [])]
        assert all(isinstance(n, str) and n for n in names), f"a nameless entry in {kind}"
        assert len(names) == len(set(names)), f"{kind} names a thing twice: one IRI per real thing"
    for org in data.get("organisations", []):
        assert org.get("class") in ORGANISATION_CLASSES, f"{org['name']}: class {org.get('class')!r}"
    for place in data.get("places", []):
        assert place.get("class") in PLACE_CLASSES, f"{place['name']}: class {place.get('class')!r}"
    for target in data.get("targets", []):
        assert isinstance(target["value"], (int, float)) and not isinstance(target["value"], bool)
        assert isinstance(target["unit"], str) and target["unit"]
        assert isinstance(target["counted"], str) and target["counted"]
        assert target.get("comparator", "exactly") in COMPARATORS
