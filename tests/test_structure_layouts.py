"""Every layout of the genre, one small fixture each (tests/data/layouts/): ranks, boxes, tables,
attachments, headers, page furniture; units get IRIs unique by construction, and what cannot be
structured is kept with a warning instead of refusing the document."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from ingest_helpers import checked_document
from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.namespace import DCTERMS

from vetkg.ingest.header import DOC_NUMBER, parse_date
from vetkg.ingest.markers import cn_number
from vetkg.ingest.reader import SourceText
from vetkg.ingest.structure import parse
from vetkg.ingest.text import normalise
from vetkg.ontology import DEFAULT_BASE_IRI
from vetkg.ontology.namespace import VET

LAYOUTS = Path(__file__).parent / "data" / "layouts"
UNIT_CLASSES = (VET.Part, VET.WorkArea, VET.Box, VET.Attachment, VET.TableRow, VET.Measure)


def graph_of(path: Path) -> Graph:
    return checked_document(path).graph()  # the build also runs the shapes gate


def doc_of(text: str, name: str = "t.txt"):
    return parse(SourceText(name, text, "utf-8"))


def titles(g: Graph, cls: URIRef) -> set[str]:
    return {str(g.value(s, DCTERMS.title)) for s in g.subjects(RDF.type, cls)}


def unit(g: Graph, path: str) -> URIRef:
    notice = next(g.subjects(RDF.type, VET.Notice))
    return URIRef(f"{notice}/{path}")


# ---------------------------------------------------------------- ranks, boxes, tables


@pytest.fixture(scope="module")
def plan() -> Graph:
    return graph_of(LAYOUTS / "sections-boxes-plan.txt")


def test_a_unit_iri_is_the_path_of_its_ranks(plan: Graph):
    area = unit(plan, "ch2/s1/2")
    assert (area, RDF.type, VET.WorkArea) in plan
    assert str(plan.value(area, DCTERMS.title)) == "建设高水平高职学校"
    assert plan.value(area, VET.partOf) == unit(plan, "ch2/s1")
    assert (unit(plan, "ch2"), RDF.type, VET.Chapter) in plan
    assert (unit(plan, "ch2/s1"), RDF.type, VET.Section) in plan
    assert str(plan.value(unit(plan, "ch2/s2"), VET.marker)) == "第二节"
    # 一、 restarts in every 节: the same number under two parents, two IRIs
    assert str(plan.value(unit(plan, "ch2/s2/1"), DCTERMS.title)) == "建设市域产教联合体"


def test_box_items_belong_to_the_box_and_restart(plan: Graph):
    boxes = {str(plan.value(b, DCTERMS.title)): b for b in plan.subjects(RDF.type, VET.Box)}
    assert set(boxes) == {"专栏1 职业教育提质培优重点工程", "专栏2 产教融合重点项目"}
    first = boxes["专栏1 职业教育提质培优重点工程"]
    assert first == unit(plan, "ch2/s1/2/box1") and plan.value(first, VET.partOf) == unit(plan, "ch2/s1/2")
    for box in boxes.values():
        items = sorted(plan.subjects(VET.partOf, box), key=str)
        assert [int(plan.value(m, VET.ordinal)) for m in items] == [1, 2]
        assert all((m, RDF.type, VET.Measure) in plan for m in items)
    # the box's items are not measures of the unit that holds the box
    outer = [m for m in plan.subjects(VET.partOf, unit(plan, "ch2/s1/2")) if (m, RDF.type, VET.Measure) in plan]
    assert len(outer) == 2


def test_an_enumeration_after_a_lead_in_is_measures_of_its_unit(plan: Graph):
    area = unit(plan, "ch2/s2/1")
    texts = sorted(str(plan.value(m, VET.text)) for m in plan.subjects(VET.partOf, area))
    assert texts == ["建立实体化运行机制。", "由龙头企业牵头组建理事会；", "组建市域产教联合体8个，具体做法是："]
    # the clauses ① ② are not units of their own
    assert not [u for u in plan.subjects(VET.partOf, area) if (u, RDF.type, VET.WorkArea) in plan]


def test_a_table_turned_to_text_is_read_row_by_row(plan: Graph):
    rows = sorted(plan.subjects(RDF.type, VET.TableRow), key=lambda r: int(plan.value(r, VET.ordinal)))
    assert [str(plan.value(r, VET.text)) for r in rows] == ["主要指标\t2025年\t2030年", "高职学校数（所）\t80\t90", "中职学校数（所）\t300\t280"]
    assert {plan.value(r, VET.partOf) for r in rows} == {unit(plan, "ch2/s2/2")}
    assert rows[1] == unit(plan, "ch2/s2/2/row/2")


def test_page_number_and_running_head_inside_a_paragraph(plan: Graph):
    texts = [str(t) for t in plan.objects(None, VET.text)]
    assert any("推动校企合作企业达到300家。" in t for t in texts)
    assert not any("— 3 —" in t for t in texts)
    plan_iri = next(plan.subjects(RDF.type, VET.WorkPlan))
    assert str(plan.value(plan_iri, DCTERMS.title)) == "某某省职业教育发展规划（2026—2030年）"


def test_no_two_units_share_an_iri(plan: Graph):
    # two units minted at one IRI would merge into a node with two parents, ordinals or texts
    units = {s for cls in UNIT_CLASSES for s in plan.subjects(RDF.type, cls)}
    assert len(units) > 20
    for s in units:
        assert len(list(plan.objects(s, VET.partOf))) == 1, s
        assert len(list(plan.objects(s, VET.ordinal))) == 1, s
        assert len(list(plan.objects(s, VET.text))) <= 1, s


def test_a_number_written_twice_gets_its_own_iri_and_a_warning(tmp_path: Path):
    text = "某某区2026年职业教育工作要点\n\n1.深化产教融合。新增校企合作企业20家。\n\n2.提升办学能力。建设实训基地3个。\n\n2.强化教师队伍。培训教师100名。\n"
    doc = doc_of(text)
    assert [s.segment for s in doc.sections] == ["i1", "i2", "i2-2"]
    assert any("numbered twice" in w for w in doc.warnings)
    path = tmp_path / "twice.txt"
    path.write_text(text, encoding="utf-8")
    g = graph_of(path)
    assert str(g.value(unit(g, "i2-2"), DCTERMS.title)) == "强化教师队伍"


def test_unnumbered_heading_lines(tmp_path: Path):
    g = graph_of(LAYOUTS / "plain-headings.txt")
    assert titles(g, VET.WorkArea) == {"党的建设", "人才培养", "社会服务"}
    assert str(g.value(unit(g, "h2"), DCTERMS.title)) == "人才培养"
    assert len(list(g.subjects(VET.partOf, unit(g, "h2")))) == 2
    assert len(set(g.subjects(RDF.type, VET.GeneralRequirements))) == 1


def test_a_plain_heading_above_numbered_items():
    text = (
        "某某市2026年职业教育工作要点\n\n一、主要任务\n\n深化产教融合\n\n（一）建设联合体。组建联合体3个。\n\n"
        "（二）建设共同体。组建共同体2个。\n\n提升办学能力\n\n（三）建设专业群。建设专业群5个。\n"
    )
    doc = doc_of(text)
    (part,) = doc.sections
    assert [(c.segment, c.heading.text) for c in part.children] == [("h1", "深化产教融合"), ("h2", "提升办学能力")]
    assert [c.segment for c in part.children[0].children] == ["p1", "p2"]
    assert [c.segment for c in part.children[1].children] == ["p3"]


def test_circled_items_as_units():
    text = "某某学院2026年工作要点\n\n一、教学改革\n\n①推进课程改革。建设课程10门。\n\n②推进教材改革。编写教材5部。\n"
    (part,) = doc_of(text).sections
    assert [(c.kind, c.segment, c.heading.text) for c in part.children] == [
        ("circled", "c1", "推进课程改革"),
        ("circled", "c2", "推进教材改革"),
    ]


# ---------------------------------------------------------------- headers and attachments


@pytest.fixture(scope="module")
def notice() -> Graph:
    return graph_of(LAYOUTS / "notice-attachments.txt")


def test_issuer_first_title_over_three_lines(notice: Graph):
    n = next(notice.subjects(RDF.type, VET.Notice))
    assert str(notice.value(n, DCTERMS.title)) == "某某省教育厅某某省财政厅关于公布第二批省级产教融合实训基地名单的通知"
    assert {str(notice.value(o, RDFS.label)) for o in notice.objects(n, VET.issuedBy)} == {"某某省教育厅", "某某省财政厅"}
    assert str(notice.value(n, VET.documentNumber)) == "某教职成［2025］9号"
    assert str(notice.value(n, DCTERMS.issued)) == "2025-02-28"  # 二〇二五年二月二十八日
    addressees = {str(notice.value(o, RDFS.label)) for o in notice.objects(n, VET.addressedTo)}
    assert addressees == {"各市教育局、财政局", "各高等职业院校"}
    copies = {str(notice.value(o, RDFS.label)) for o in notice.objects(n, VET.copiedTo)}
    assert copies == {"教育部职业教育与成人教育司", "某某省人民政府办公厅"}


def test_release_note_is_never_the_plan_title(notice: Graph):
    assert not any("此件" in str(t) for t in notice.objects(None, DCTERMS.title))
    assert not any("此件" in str(t) or "印发" in str(t)[-4:] for t in notice.objects(None, VET.text))


def test_attachments_with_a_list_and_a_table(notice: Graph):
    n = next(notice.subjects(RDF.type, VET.Notice))
    atts = {int(notice.value(a, VET.ordinal)): a for a in notice.subjects(RDF.type, VET.Attachment)}
    assert set(atts) == {1, 2} and all(notice.value(a, VET.partOf) == n for a in atts.values())
    assert str(notice.value(atts[1], DCTERMS.title)) == "第二批省级产教融合实训基地名单"
    assert atts[1] == unit(notice, "att1")
    rows = sorted(notice.subjects(VET.partOf, atts[2]), key=str)
    assert [str(notice.value(r, VET.text)) for r in rows] == [
        "序号\t学校名称\t建设任务",
        "1\t石家庄职业技术学院\t新建实训工位500个",
        "2\t唐山工业职业技术学院\t培训企业职工2000人次",
    ]
    listed = {str(notice.value(r, VET.text)) for r in notice.subjects(VET.partOf, atts[1])}
    assert listed == {"1.\t石家庄职业技术学院", "2.\t唐山工业职业技术学院", "3.\t保定职业技术学院"}
    # the institutions in the rows are mentioned where they stand
    college = URIRef(f"{DEFAULT_BASE_IRI}id/org/保定职业技术学院")
    assert any((r, VET.mentions, college) in notice for r in notice.subjects(VET.partOf, atts[1]))


def test_forwarding_notice():
    doc = doc_of((LAYOUTS / "forwarding-notice.txt").read_text(encoding="utf-8"), "f.txt")
    assert doc.notice_title.text == "某某市教育局转发某某省教育厅关于开展职业教育活动周的通知"
    assert [i.text for i in doc.issuers] == ["某某市教育局"]
    assert doc.plan_title.text == "某某省教育厅关于开展职业教育活动周的通知"
    # the forwarded notice's own number and addressees are not text of the plan
    assert not any("〔2025〕3号" in p.text or p.text.startswith("各市教育局") for p in doc.requirements)
    assert [s.heading.text for s in doc.sections] == ["活动主题", "工作要求"]
    graph_of(LAYOUTS / "forwarding-notice.txt")  # conforms


@pytest.mark.parametrize(
    "line, iso",
    [
        ("二〇二五年二月二十八日", "2025-02-28"),
        ("二○二五年十二月一日", "2025-12-01"),  # ○ typed for 〇
        ("2025年4月18日", "2025-04-18"),
        ("2025 年 4 月 8 日", "2025-04-08"),
        ("（2025年4月18日）", "2025-04-18"),
    ],
)
def test_dates(line: str, iso: str):
    assert parse_date(line).isoformat() == iso


def test_a_date_that_is_no_calendar_day_is_a_warning():
    text = "某某市教育局\n\n某教职〔2025〕2号\n\n关于印发某某市2025年职业教育工作要点的通知\n\n各区：\n\n现将要点印发给你们。\n\n2025年2月30日\n\n某某市2025年职业教育工作要点\n\n1.深化产教融合。新增合作企业20家。\n"
    doc = doc_of(text)
    assert doc.date is None and any("not a calendar day" in w for w in doc.warnings)


@pytest.mark.parametrize("number", ["津教职函〔2025〕1号", "冀教职成[2025]3号", "湘教通［2025］31号", "苏教职（2025）4号", "鲁教职字【2025】8号"])
def test_document_numbers_with_every_bracket(number: str):
    assert DOC_NUMBER.fullmatch(number)


@pytest.mark.parametrize("numeral, value", [("二十三", 23), ("十", 10), ("两", 2), ("一百零五", 105), ("二〇二五", 2025), ("二○二五", 2025)])
def test_chinese_numerals(numeral: str, value: int):
    assert cn_number(numeral) == value


def test_small_numerals_read_without_cn2an_agree_with_it():
    # markers read 一 … 九十九 themselves (cn2an is slow to import); they must read them as cn2an does
    import cn2an

    for value in range(1, 100):
        numeral = cn2an.an2cn(value)
        assert cn_number(numeral) == value, numeral
    assert cn_number("两") == 2 and cn_number("三千") == 3000


@pytest.mark.parametrize("page", ["— 2 —", "- 3 -", "第2页", "第 2 页 共 10 页", "3/10", "·4·"])
def test_page_numbers_between_two_halves_of_a_paragraph(page: str):
    raw = f"推进市域产教联合体建设，支持石家庄职业技术学院牵头组建共同体，新增校企合作\n{page}\n企业20家。"
    assert "新增校企合作企业20家。" in normalise(raw).text


def test_a_page_number_left_inside_a_line():
    raw = "推进市域产教联合体建设，支持石家庄职业技术学院牵头组建共同体，新增校企合作 — 2 — 企业20家。"
    assert "— 2 —" not in normalise(raw).text


def test_a_repeated_issuer_line_is_not_a_running_head():
    raw = "某某省教育厅\n\n某教职〔2025〕8号\n\n某某省教育厅\n转发某某部关于开展活动的通知\n\n某某省教育厅\n2025年4月21日\n"
    assert normalise(raw).text.count("某某省教育厅") == 3


# ---------------------------------------------------------------- never refuse a legitimate document


def test_two_sentences_of_one_unit_mint_two_involvements(tmp_path: Path):
    """Regression: the notice body and the general requirements numbered their involvements per
    sentence, so two sentences each naming a body minted one involvement with two agents."""
    text = (
        "某某市教育局\n\n某教职〔2026〕5号\n\n关于印发《某某市2026年职业教育工作要点》的通知\n\n各区教育局：\n\n"
        "请石家庄职业技术学院做好组织工作。请唐山工业职业技术学院做好宣传工作。\n\n2026年1月5日\n\n"
        "某某市2026年职业教育工作要点\n\n支持保定职业技术学院建设实训基地。支持天津职业大学发展。\n\n"
        "1.深化产教融合。新增校企合作企业20家。\n"
    )
    path = tmp_path / "involvements.txt"
    path.write_text(text, encoding="utf-8")
    g = graph_of(path)  # conforms: "An involvement has exactly one vet:agent"
    involvements = set(g.subjects(RDF.type, VET.Involvement))
    assert len(involvements) >= 4
    assert all(len(list(g.objects(i, VET.agent))) == 1 for i in involvements)


def test_a_plan_of_paragraphs_is_kept_as_text_with_a_warning(tmp_path: Path):
    text = "某某学院2026年工作要点\n\n全面加强党的建设，深化教育教学改革，提升社会服务能力。新增专业3个，培训5000人次。\n"
    path = tmp_path / "paragraphs.txt"
    path.write_text(text, encoding="utf-8")
    doc = checked_document(path)
    assert any("no numbered work areas" in w for w in doc.warnings)
    assert any("新增专业3个" in str(t) for t in doc.graph().objects(None, VET.text))


# ---------------------------------------------------------------- vetkg build


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VETKG_")}
    return subprocess.run([sys.executable, "-m", "vetkg.server.cli", *args], capture_output=True, text=True, env=env, timeout=300)


def test_build_prints_counts_and_warnings_and_strict_refuses(tmp_path: Path):
    warned = tmp_path / "twice.txt"
    warned.write_text("某某区2026年职业教育工作要点\n\n1.深化产教融合。支持石家庄职业技术学院新增合作企业20家。\n\n1.提升办学能力。建设实训基地3个。\n", encoding="utf-8")
    store = tmp_path / "store"
    strict = _run("build", str(LAYOUTS / "sections-boxes-plan.txt"), str(warned), "--store", str(store), "--strict", "-j", "1")
    assert strict.returncode == 3
    lines = strict.stderr.strip().splitlines()
    assert len(lines) == 1 and str(warned) in lines[0] and "numbered twice" in lines[0] and "--strict" in lines[0]
    assert "某某区2026年" not in _run("export", "--store", str(store)).stdout  # nothing written
    ok = _run("build", str(LAYOUTS / "sections-boxes-plan.txt"), str(warned), "--store", str(store), "-j", "1")
    assert ok.returncode == 0, ok.stderr
    out = ok.stdout.splitlines()
    plan_line = next(line for line in out if line.startswith(str(LAYOUTS / "sections-boxes-plan.txt")))
    assert "work areas" in plan_line and "2 boxes" in plan_line and "3 table rows" in plan_line and "targets" in plan_line
    assert "HigherVocationalCollege" in plan_line  # organisations by class
    assert any(line.startswith(f"{warned}: warning:") and "numbered twice" in line for line in out)
    assert "built 2 document(s)" in ok.stderr


def test_a_column_headed_project_name_names_a_programme_in_each_cell(tmp_path: Path):
    path = tmp_path / "projects.txt"
    path.write_text(
        "某某市2026年职业教育工作要点\n\n一、重点项目\n\n（一）建设重点项目。建设重点项目3个。\n\n"
        "序号\t院校名称\t项目名称\n1\t某某职业学院\t智慧农业实训基地\n2\t某某技师学院\t乡村工匠培育项目\n",
        encoding="utf-8",
    )
    g = graph_of(path)
    programmes = {str(g.value(p, RDFS.label)) for p in g.subjects(RDF.type, VET.Programme)}
    assert {"智慧农业实训基地", "乡村工匠培育项目"} <= programmes
    assert "项目名称" not in programmes and "某某职业学院" not in programmes
