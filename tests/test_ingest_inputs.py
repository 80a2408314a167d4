"""Reading: encodings, bad files, determinism and the text normalisation behind them."""
from __future__ import annotations

from pathlib import Path

import pytest
from ingest_helpers import SEED, build_store, checked_document, document
from rdflib import Literal, URIRef
from rdflib.compare import isomorphic

from vetkg.ingest.errors import InputError
from vetkg.ingest.text import normalise
from vetkg.ontology import DEFAULT_BASE_IRI


def test_two_builds_give_isomorphic_graphs():
    first = document(SEED).graph()
    second = document(SEED).graph()
    assert len(first) > 1000
    assert isomorphic(first, second)
    assert sorted(first) == sorted(second)  # no blank nodes: equal, not just isomorphic


@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "utf-8-sig"])
def test_chinese_encodings_read_the_same(tmp_path: Path, encoding: str):
    path = tmp_path / f"seed-{encoding}.txt"
    path.write_bytes(SEED.read_text(encoding="utf-8").encode(encoding))
    assert sorted(document(path).graph()) == sorted(document(SEED).graph())


@pytest.mark.parametrize(
    "content, problem",
    [
        (b"", "the file is empty"),
        (b"  \n\n \t", "the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, "binary data"),
        ("这是一段没有任何结构的中文文字，没有标题，没有编号，也没有工作要点，只是一些随便写下的句子而已。".encode(), "no document structure"),
        (b"just some english text without any chinese at all, long enough to matter", "no Chinese policy text"),
        (bytes(range(128, 256)) * 8, "not valid UTF-8 or GB18030"),
        ('{"title": "2024年全省职业教育工作要点", "areas": [{"marker": "一、", "heading": "深化产教融合，推进校企合作"}]}'
         .encode(), "JSON data, not a policy text"),
    ],
    ids=["empty", "blank", "binary", "structureless", "not-chinese", "undecodable", "json"],
)
def test_bad_files_are_refused_with_the_file_named(tmp_path: Path, content: bytes, problem: str):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        build_store(path)
    assert str(path) in str(err.value) and problem in str(err.value)
    assert "\n" not in str(err.value)


def test_a_missing_file_is_refused(tmp_path: Path):
    with pytest.raises(InputError, match="cannot read the file"):
        build_store(tmp_path / "nope.txt")


def test_the_same_document_twice_is_refused(tmp_path: Path):
    copy = tmp_path / "copy.txt"
    copy.write_bytes(SEED.read_bytes())
    with pytest.raises(InputError, match="the same document"):
        build_store(SEED, copy)


def test_normalisation_keeps_offsets_into_the_original():
    raw = "现将通知印发给你们，请认真学习领会并结合本地\n\n区实际贯彻执行。年培训１２００人次。"
    text = normalise(raw)
    assert "本地区实际" in text.text and "1200" in text.text
    start = text.text.index("1200")
    a, b = text.span(start, start + 4)
    assert raw[a:b] == "１２００"
    k = text.text.index("地区")
    a, b = text.span(k, k + 2)
    assert raw[a:b] == "地\n\n区"


def test_header_lines_are_not_joined():
    raw = "中共某某市委教育工作委员会 某某市教育委员会\n\n某教职函〔2025〕3号\n"
    assert normalise(raw).text == raw


def test_a_plan_with_only_chapter_markers_and_no_notice(tmp_path: Path):
    """A bare plan (no notice header) with 一、 parts holding 1. items: structure by rank."""
    text = (
        "某某区2026年职业教育工作要点\n\n"
        "一、深化产教融合\n\n"
        "1.推进市域产教联合体建设。支持某某职业技术学院建设3个实训基地。\n\n"
        "2.推动智能制造、新能源等行业产教融合共同体发展。\n\n"
        "二、提升办学能力\n\n"
        "1.实施第二批“双高计划”。\n"
    )
    path = tmp_path / "plan.txt"
    path.write_text(text, encoding="utf-8")
    graph = document(path).graph()
    from rdflib import RDF
    from rdflib.namespace import DCTERMS

    from vetkg.ontology.namespace import VET

    parts = set(graph.subjects(RDF.type, VET.Part))
    areas = set(graph.subjects(RDF.type, VET.WorkArea))
    measures = set(graph.subjects(RDF.type, VET.Measure))
    # 1.推进…建设。 is a heading followed by a measure; 2.推动…发展。 alone is a measure
    assert len(parts) == 2 and len(areas) == 3 and len(measures) == 3
    titles = {str(t) for t in graph.objects(None, DCTERMS.title)}
    assert {"深化产教融合", "提升办学能力", "推进市域产教联合体建设"} <= titles
    industries = {str(o) for o in graph.objects(None, VET.targetsIndustry)}
    assert any(i.endswith("/智能制造") for i in industries)


PDF_LIKE = """某某市教育委员会文件

某教职〔2026〕7号

关于印发《某某市2026年职业教育工作要点》的
通知

各区教育局，各职业院校：

现将《某某市2026年职业教育工作要点》印发给你们，请结合实际认真贯彻落实。

附件：某某市2026年职业教育工作要点

某某市教育委员会
2026年3月2日

某某市2026年职业教育工作要点

一、总体要求

以服务产业发展为导向，深化产教融合，提升职业教育关键办学能力。

二、重点任务

（一）深化产教融合

1.推进市域产教联合体建设。支持某某职业技术学院牵头组建新能源行业产教融合共同体，新增校企合作

— 2 —

企业 20 家。

2.指导某某市教育科学研究院发布年度质量报告。

（二）提升办学能力

遴选第二批市级高水平专业群 10 个左右。

抄送：教育部职业教育与成人教育司。
某某市教育委员会办公室          2026年3月5日印发
"""


def test_pdf_artefacts_and_footer(tmp_path: Path):
    """A red-head issuer, a title over two lines, an attachment line, a page number inside a
    paragraph, and a footer after the plan."""
    from rdflib import RDF
    from rdflib.namespace import DCTERMS, SDO

    from vetkg.ontology.namespace import VET

    path = tmp_path / "pdf-like.txt"
    path.write_text(PDF_LIKE, encoding="utf-8")
    g = document(path).graph()
    notice = next(g.subjects(RDF.type, VET.Notice))
    assert str(g.value(notice, DCTERMS.title)) == "关于印发《某某市2026年职业教育工作要点》的通知"
    issuers = {str(g.value(o, __import__("rdflib").RDFS.label)) for o in g.objects(notice, VET.issuedBy)}
    assert issuers == {"某某市教育委员会"}
    assert str(g.value(notice, DCTERMS.issued)) == "2026-03-02"
    texts = [str(t) for t in g.objects(None, VET.text)]
    assert any("新增校企合作企业20家。" in t for t in texts)  # rejoined across the page number
    assert not any("抄送" in t or "印发" in t[-4:] for t in texts)  # the footer is not a measure
    assert 20 in {v.toPython() for v in g.objects(None, SDO.value)}
    measures = set(g.subjects(RDF.type, VET.Measure))
    assert len(measures) == 3  # 1.推进市域产教联合体建设。 heads item 1
    assert "推进市域产教联合体建设" in {str(t) for t in g.objects(None, DCTERMS.title)}
    reqs = set(g.subjects(RDF.type, VET.GeneralRequirements))
    assert len(reqs) == 1


def test_a_chapter_plan_without_notice():
    """A 规划 with 第一章 chapters over 一、 parts over （一） items, and no notice header."""
    from rdflib import RDF, RDFS
    from rdflib.namespace import DCTERMS, SDO

    from vetkg.ontology.namespace import VET

    g = document(Path(__file__).parent / "data" / "layouts" / "chapters-plan.txt").graph()
    plan = next(g.subjects(RDF.type, VET.WorkPlan))
    assert str(g.value(plan, DCTERMS.title)) == "河北省职业教育发展“十五五”规划"
    assert str(g.value(g.value(plan, VET.locatedIn), RDFS.label)) == "河北省"
    areas = {str(g.value(a, DCTERMS.title)) for a in g.subjects(RDF.type, VET.WorkArea)}
    # a section of goals that holds goal sentences is a work area (tests/data/genre/README.md);
    # the chapter of where things stand (发展基础) and the guiding thought are not
    assert areas == {"发展目标", "建设市域产教联合体", "推进国际合作", "实施第二轮“双高计划”", "保障措施"}
    requirements = {str(g.value(r, DCTERMS.title)) for r in g.subjects(RDF.type, VET.GeneralRequirements)}
    assert requirements == {"总体要求", "指导思想"}
    org = URIRef(f"{DEFAULT_BASE_IRI}id/org/石家庄职业技术学院")
    assert (org, RDF.type, VET.HigherVocationalCollege) in g
    values = {(v.toPython(), str(g.value(t, SDO.unitText))) for t, v in g.subject_objects(SDO.value)}
    assert {(20, "所"), (50, "个"), (30, "所")} <= values
    first = next(g.subjects(VET.ordinalNumber, Literal(1)))
    assert str(g.value(g.value(first, VET.locatedIn), RDFS.label)) == "马来西亚"
    assert (None, VET.citesLaw, URIRef(f"{DEFAULT_BASE_IRI}id/law/河北省职业教育条例")) in g


def test_an_item_without_heading_and_a_title_broken_before_its_closing_word(tmp_path: Path):
    """Found by the generated corpus: a one-sentence item with a comma has no heading (and must
    still conform), and 的通知 may stand alone on the line after the title."""
    from rdflib import RDF
    from rdflib.namespace import DCTERMS

    from vetkg.ontology.namespace import VET

    text = (
        "某某市教育局\n\n某教职〔2030〕2号\n\n关于印发2030年某某市职业教育工作要点\n的通知\n\n各区教育局：\n\n"
        "现将《2030年某某市职业教育工作要点》印发给你们，请认真贯彻落实。\n\n2030年1月5日\n\n"
        "2030年某某市职业教育工作要点\n\n1.深化产教融合。新增校企合作企业20家。\n\n2.推动职业教育高质量发展，深化校企合作。\n"
    )
    path = tmp_path / "plan.txt"
    path.write_text(text, encoding="utf-8")
    g = checked_document(path).graph()  # conforms to the shapes
    notice = next(g.subjects(RDF.type, VET.Notice))
    assert str(g.value(notice, DCTERMS.title)) == "关于印发2030年某某市职业教育工作要点的通知"
    assert len(list(g.objects(notice, VET.addressedTo))) == 1
    assert len(set(g.subjects(RDF.type, VET.WorkArea))) == 2
