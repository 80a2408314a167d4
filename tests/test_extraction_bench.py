"""The scorer of bench/extraction.py on small hand-made cases, and the ground truth it reads.

These check the scoring itself (a perfect match is 1.0, a miss lowers recall, a wrong class is a
miss, names match across scripts and quotes), not how well the ingest does on the corpus.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import genre_score as gs  # noqa: E402 - bench/ is not a package

GENRE = ROOT / "tests" / "data" / "genre"

EXPECTED = {
    "file": "x.txt",
    "organisations": [
        {"name": "长沙民政职业技术学院", "class": "HigherVocationalCollege"},
        {"name": "湖南省教育厅", "aliases": ["省教育厅"], "class": "GovernmentBody"},
    ],
    "places": [{"name": "粤港澳大湾区", "class": "Region"}],
    "targets": [
        {"value": 12, "unit": "万人次", "counted": "职业技能培训"},
        {"value": 30, "unit": "所", "counted": "省级高水平高职学校", "comparator": "atLeast"},
    ],
    "header": {"plan_title": "2025年全省职业教育工作要点", "number": "湘教通〔2025〕31号", "date": "2025-02-28",
               "issuers": ["湖南省教育厅"], "notice_title": ""},
    "work_areas": [{"title": "推进中高职贯通培养", "measures": 4}, {"title": "办好县域中职学校", "measures": 3}],
}


def perfect() -> gs.Found:
    return gs.Found(
        names={
            "organisations": [gs.FoundName("长沙民政职业技术学院", frozenset({"HigherVocationalCollege"})),
                              gs.FoundName("湖南省教育厅", frozenset({"GovernmentBody"}))],
            "places": [gs.FoundName("粤港澳大湾区", frozenset({"Region"}))],
        },
        targets=[gs.FoundTarget(12, "万人次", "开展职业技能培训"), gs.FoundTarget(30, "所", "省级高水平高职学校")],
        header={"plan_title": "2025年全省职业教育工作要点", "number": "湘教通〔2025〕31号", "date": "2025-02-28",
                "issuers": ["湖南省教育厅"], "notice_title": ""},
        work_areas={"推进中高职贯通培养": 4, "办好县域中职学校": 3},
    )


def test_a_perfect_match_scores_one_everywhere() -> None:
    scores = gs.score_document(EXPECTED, perfect())
    assert set(scores) == {"organisations", "places", "targets", "header", "work_areas", "measures"}
    for kind, score in scores.items():
        assert (score.recall, score.precision) == (1.0, 1.0), (kind, score.missed, score.wrong)


def test_a_missing_organisation_lowers_recall_only() -> None:
    found = perfect()
    found.names["organisations"] = found.names["organisations"][1:]
    score = gs.score_document(EXPECTED, found)["organisations"]
    assert score.recall == 0.5 and score.precision == 1.0
    assert score.missed == ["长沙民政职业技术学院 (HigherVocationalCollege)"]


def test_a_wrong_class_is_a_miss_and_a_wrong_find() -> None:
    found = perfect()
    found.names["organisations"][0] = gs.FoundName("长沙民政职业技术学院", frozenset({"Enterprise"}))
    score = gs.score_document(EXPECTED, found)["organisations"]
    assert score.recall == 0.5 and score.precision == 0.5


def test_one_of_several_classes_is_enough() -> None:
    found = [gs.FoundName("深圳职业技术大学", frozenset({"University", "HigherVocationalCollege"}))]
    score = gs.score_names([{"name": "深圳职业技术大学", "class": "HigherVocationalCollege"}], found, with_class=True)
    assert (score.recall, score.precision) == (1.0, 1.0)


def test_an_alias_finds_the_entry_and_the_full_name_too() -> None:
    found = [gs.FoundName("省教育厅", frozenset({"GovernmentBody"})), gs.FoundName("湖南省教育厅", frozenset({"GovernmentBody"}))]
    score = gs.score_names([EXPECTED["organisations"][1]], found, with_class=True)
    assert (score.hit_expected, score.recall, score.precision) == (1, 1.0, 1.0)


def test_traditional_script_quotes_and_brackets_are_normalised() -> None:
    assert gs.normalise("福建省教育廳") == gs.normalise("福建省教育厅")
    assert gs.normalise("閩教職〔2025〕12號") == gs.normalise("闽教职〔2025〕12号")
    assert gs.normalise("「雙高計劃」") == gs.normalise("“双高计划”") == "双高计划"
    assert gs.normalise("《中华人民共和国职业教育法》") == "中华人民共和国职业教育法"
    assert gs.normalise("阿里巴巴（中国）有限公司") == gs.normalise("阿里巴巴(中国)有限公司")
    assert gs.normalise("2025年全国职业院校技能大赛") == gs.normalise("全国职业院校技能大赛")
    assert gs.normalise("１２００") == "1200"  # NFKC: full-width digits
    assert gs.normalise("湖南省教育厅") != gs.normalise("河南省教育厅")


def test_a_target_needs_value_unit_and_counted_thing() -> None:
    expected = [EXPECTED["targets"][0]]
    assert gs.score_targets(expected, [gs.FoundTarget(12, "万人次", "职业技能培训")]).recall == 1.0
    for wrong in (gs.FoundTarget(12, "万人", "职业技能培训"),  # 12万人次 read as 万人
                  gs.FoundTarget(1200, "人次", "职业技能培训"),
                  gs.FoundTarget(12, "万人次", "专业教师"),
                  gs.FoundTarget(12, "万人次", "")):
        score = gs.score_targets(expected, [wrong])
        assert (score.recall, score.precision) == (0.0, 0.0), wrong


def test_a_baseline_taken_for_a_target_lowers_precision() -> None:
    found = [gs.FoundTarget(12, "万人次", "职业技能培训"), gs.FoundTarget(14, "个", "市域产教联合体")]
    score = gs.score_targets([EXPECTED["targets"][0]], found)
    assert score.recall == 1.0 and score.precision == 0.5
    assert score.wrong == ["14个 市域产教联合体"]


def test_targets_are_paired_one_to_one_whatever_the_order() -> None:
    # the first expected could take either found target; a greedy pairing would starve the second
    expected = [{"value": 15, "unit": "个", "counted": "实训基地"},
                {"value": 15, "unit": "个", "counted": "川渝共建实训基地"}]
    found = [gs.FoundTarget(15, "个", "川渝共建实训基地"), gs.FoundTarget(15, "个", "共建共享实训基地")]
    score = gs.score_targets(expected, found)
    assert (score.hit_expected, score.hit_found) == (2, 2)
    assert gs.score_targets(expected, found[:1]).hit_expected == 1


def test_measures_count_the_smaller_number_per_matched_area() -> None:
    areas, measures = gs.score_work_areas(EXPECTED["work_areas"], {"推进中高职贯通培养": 6, "总体要求": 2})
    assert (areas.recall, areas.precision) == (0.5, 0.5)
    assert (measures.expected, measures.found, measures.hit_expected) == (7, 8, 4)


def test_a_header_field_the_document_lacks_must_stay_empty() -> None:
    found = perfect()
    found.header["notice_title"] = "（此件公开发布）"
    score = gs.score_document(EXPECTED, found)["header"]
    assert score.recall == 1.0 and score.precision < 1.0
    assert score.wrong == ["notice_title=（此件公开发布）"]


def test_a_refused_document_misses_everything() -> None:
    scores = gs.score_document(EXPECTED, None)
    assert all(s.recall == 0.0 and s.found == 0 for s in scores.values())


def test_a_kind_the_graph_cannot_express_is_not_scored() -> None:
    expected = {**EXPECTED, "boxes": [{"title": "专栏1 重点工程", "items": 3}]}
    assert gs.score_document(expected, perfect())["boxes"] is None
    found = perfect()
    found.boxes = {"专栏1 重点工程": 3}
    assert gs.score_document(expected, found)["boxes"].recall == 1.0


def test_every_ground_truth_file_reads_and_names_its_document() -> None:
    truths = sorted(GENRE.glob("*.expected.toml"))
    assert len(truths) >= 8
    for truth in truths:
        data = gs.load_expected(truth)
        text = GENRE / data["file"]
        assert text.is_file(), truth.name
        assert gs.expected_for(text) == truth
        raw = text.read_bytes().decode(data.get("encoding", "utf-8"))
        chars = len(raw)
        assert 2000 <= chars <= 5000, (truth.name, chars)
        for kind in gs.NAMED_KINDS:
            for entry in data.get(kind, []):
                assert entry["name"], (truth.name, kind)
                if kind == "organisations":
                    assert entry["class"] in {"HigherVocationalCollege", "SecondaryVocationalSchool", "University",
                                              "ResearchInstitute", "Centre", "Alliance", "Enterprise", "GovernmentBody"}
        for target in data.get("targets", []):
            assert isinstance(target["value"], (int, float)) and target["unit"] and target["counted"], truth.name


def test_the_command_refuses_a_path_that_does_not_exist(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "extraction.py"), str(tmp_path / "nothing")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "nothing" in done.stderr


@pytest.mark.slow
def test_the_command_scores_a_document_and_exits_by_min(tmp_path: Path) -> None:
    doc = GENRE / "05_district-work-points.txt"
    for name in (doc.name, doc.stem + ".expected.toml"):
        (tmp_path / name).write_bytes((GENRE / name).read_bytes())
    cmd = [sys.executable, str(ROOT / "bench" / "extraction.py"), str(tmp_path)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "05_district-work-points" in done.stdout and "documents/s" in done.stdout
    assert any(line.startswith("organisations ") for line in done.stdout.splitlines())
    strict = subprocess.run([*cmd, "--min", "100"], capture_output=True, text=True, timeout=120)
    assert strict.returncode == 1 and "Below" in strict.stdout


def test_any_label_of_a_found_entity_may_name_it() -> None:
    # one IRI for 天津 and 天津市, with both labels: it finds the entry under either name
    found = [gs.FoundName("天津", frozenset({"AdministrativeArea"}), frozenset({"天津市"}))]
    score = gs.score_names([{"name": "天津市", "class": "AdministrativeArea"}], found, with_class=False)
    assert (score.recall, score.precision) == (1.0, 1.0)
