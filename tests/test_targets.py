"""Quantities in sentences of the genre: Chinese numerals, units, comparators, baselines told
from targets, and table cells that must not be read as quantities."""
from __future__ import annotations

import pytest

from vetkg.ingest.entities import extract
from vetkg.ingest.targets import cn_number, table_targets


def quantities(sentence: str, kind: str = "quantified") -> set[tuple]:
    return {(t.value, t.unit, t.counted) for t in extract(sentence).targets if t.kind == kind}


def one(sentence: str):
    (t,) = [t for t in extract(sentence).targets if t.kind in {"quantified", "baseline"}]
    return t


# ---------------------------------------------------------------- Chinese numerals


@pytest.mark.parametrize(
    "numeral, value",
    [("两", 2), ("三", 3), ("十", 10), ("二十五", 25), ("一百二十", 120), ("两千五百", 2500), ("十五点五", 15.5), ("零点五", 0.5)],
)
def test_chinese_numerals_are_numbers(numeral, value):
    assert cn_number(numeral) == value


@pytest.mark.parametrize("text", ["十四五", "点", "三门"])
def test_what_is_not_a_numeral_is_none(text):
    assert cn_number(text) is None


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("建设两个省级示范性实训基地。", {(2, "个", "省级示范性实训基地")}),
        ("新增三所高职院校，建成十个产教融合实训基地。", {(3, "所", "高职院校"), (10, "个", "产教融合实训基地")}),
        ("完成二十五项职业教育改革任务。", {(25, "项", "职业教育改革任务")}),
        ("培训教师1.2万人次。", {(1.2, "万人次", "教师")}),
        ("中职毕业生升学比例达到百分之八十。", {(80, "%", "中职毕业生升学比例")}),
        ("支持天津市第一商业学校建设三个专业群。", {(3, "个", "专业群")}),
    ],
)
def test_chinese_numerals_in_targets(sentence, expected):
    assert quantities(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "三门峡职业技术学院建设实训基地。",  # 三门 begins a place name
        "进一步完善一体化办学，推进一批重点项目。",  # 一 inside words, 一批 is no count
        "打造一个平台，建设一批基地。",  # 一个: an article
        "实施“十四五”规划，落实“三教”改革和“1+X”证书制度。",
        "落实党的二十大精神，开展百校千企对接活动。",
        "推动十大产业集群发展。",
        "召开第三次推进会，举办第十届技能大赛。",
    ],
)
def test_numerals_inside_words_and_names_are_not_quantities(sentence):
    assert quantities(sentence) == set() and quantities(sentence, "baseline") == set()


# ---------------------------------------------------------------- units


@pytest.mark.parametrize(
    "sentence, value, unit, counted",
    [
        ("每年培训技能人才12万人次。", 12, "万人次", "技能人才"),
        ("到2027年，全省高职院校在校生规模达到120万人。", 120, "万人", "全省高职院校在校生规模"),
        ("招收五年制高职学生8000人。", 8000, "人", "五年制高职学生"),
        ("争取中央财政资金3亿元。", 3, "亿元", "中央财政资金"),
        ("安排专项资金800万元支持实训基地建设。", 800, "万元", "专项资金"),
        ("每名学生发放交通补贴500元。", 500, "元", "交通补贴"),
        ("建设智慧教室2万个。", 2, "万个", "智慧教室"),
        ("新建实训场地2万平方米。", 2, "万平方米", "实训场地"),
        ("开发100门优质在线课程。", 100, "门", "优质在线课程"),
        ("新增职业技能等级证书15项。", 15, "项", "职业技能等级证书"),
        ("教师每年参加专业培训不少于24课时。", 24, "课时", "专业培训"),
        ("学生修满160学分方可毕业。", 160, "学分", "方可毕业"),
        ("遴选20家产教融合型企业。", 20, "家", "产教融合型企业"),
        ("组建30支教学创新团队。", 30, "支", "教学创新团队"),
        ("认定500名“双师型”教师。", 500, "名", "“双师型”教师"),
        ("开发30套新形态教材。", 30, "套", "新形态教材"),
        ("出版100本活页式教材。", 100, "本", "活页式教材"),
        ("双师型教师占比不低于60%。", 60, "%", "双师型教师占比"),
        ("技能人才占就业人员比例提高5个百分点。", 5, "个百分点", "技能人才占就业人员比例"),
    ],
)
def test_units(sentence, value, unit, counted):
    t = one(sentence)
    assert (t.value, t.unit, t.counted) == (value, unit, counted)


def test_wan_before_a_unit_belongs_to_the_unit_not_the_value():
    t = one("年培训规模超过12万人次。")
    assert (t.value, t.unit) == (12, "万人次")
    assert isinstance(one("培训教师1.2万人次。").value, float)


# ---------------------------------------------------------------- comparators


@pytest.mark.parametrize(
    "sentence, comparator, approximate",
    [
        ("建设国家级专业教学资源库不少于10个。", "atLeast", False),
        ("双师型教师占比不低于60%。", "atLeast", False),
        ("建设省级高水平专业群50个以上。", "atLeast", False),
        ("年培训规模超过20万人次。", "atLeast", False),
        ("每所中职学校至少配备2名专职心理健康教师。", "atLeast", False),
        ("每所职业院校至少面向社会开放校园1天。", "atLeast", False),
        ("到2025年建成40余个实训基地。", "atLeast", True),
        ("班额控制在45人以内。", "atMost", False),
        ("单个项目支持经费不超过200万元。", "atMost", False),
        ("建设15所左右高水平高职学校。", "approximately", True),
        ("全省建设约300个实习实训基地。", "approximately", True),
        ("每年招收学生1.2万人左右。", "approximately", True),
        ("新增校企合作企业40家。", "exactly", False),
        ("职业院校毕业生就业率达到95%。", "atLeast", False),
    ],
)
def test_comparators(sentence, comparator, approximate):
    t = one(sentence)
    assert (t.comparator, t.approximate) == (comparator, approximate)


def test_a_bound_governs_only_the_next_number():
    found = [(t.value, t.comparator) for t in extract("至少建设3个基地和5个中心。").targets]
    assert found == [(3, "atLeast"), (5, "exactly")]


@pytest.mark.parametrize(
    "sentence, value_kind",
    [
        ("职业院校毕业生就业率达到95%。", "level"),
        ("职业院校毕业生就业率提高到95%。", "level"),
        ("职业本科在校生占比提升至10%。", "level"),
        ("生均经费年均增长10%。", "increase"),
        ("技能人才占就业人员比例提高5个百分点。", "increase"),
        ("新增校企合作企业40家。", "increase"),
        ("学生流失率降低2个百分点。", "decrease"),
        ("建设10个产业学院。", ""),
    ],
)
def test_level_or_change(sentence, value_kind):
    assert one(sentence).value_kind == value_kind


def test_growth_does_not_count_its_rate_word():
    t = one("生均经费年均增长不低于10%。")
    assert (t.value, t.unit, t.counted, t.comparator, t.value_kind) == (10, "%", "生均经费", "atLeast", "increase")


# ---------------------------------------------------------------- baselines


@pytest.mark.parametrize(
    "sentence, value, counted",
    [
        ("依托6个国家级实训基地开展培训。", 6, "国家级实训基地"),
        ("全省现有中职学校350所。", 350, "中职学校"),
        ("已建成国家级实训基地12个。", 12, "国家级实训基地"),
        ("目前，全省职业院校在校生80万人。", 80, "全省职业院校在校生"),
        ("截至2024年底，全省累计培训技能人才50万人次。", 50, "技能人才"),
        ("合作办学已累计培养来华留学生1200余人。", 1200, "来华留学生"),
    ],
)
def test_existing_means_are_baselines_not_targets(sentence, value, counted):
    t = one(sentence)
    assert (t.kind, t.value, t.counted) == ("baseline", value, counted)


@pytest.mark.parametrize(
    "sentence",
    [
        "依托龙头企业建设10个产业学院。",  # 依托 governs the enterprises, 建设 the ten colleges
        "到2027年，累计培训技能人才100万人次。",  # 累计 of the plan's own years
        "力争到2027年建成优质中职学校50所。",
    ],
)
def test_what_the_plan_commits_to_stays_a_target(sentence):
    assert one(sentence).kind == "quantified"


def test_an_enumeration_of_baselines_stays_one_and_the_future_clause_is_a_target():
    ts = [(t.kind, t.value, t.counted) for t in extract("全省现有中职学校350所，高职院校60所；到2027年，建成优质中职学校50所。").targets]
    assert ts == [("baseline", 350, "中职学校"), ("baseline", 60, "高职院校"), ("quantified", 50, "优质中职学校")]


def test_a_time_clause_in_the_past_makes_a_baseline_until_the_future_one():
    ts = [(t.kind, t.value) for t in extract("截至2024年底，全省有中职学校300所；到2027年，建成优质中职学校50所。").targets]
    assert ts == [("baseline", 300), ("quantified", 50)]


# ---------------------------------------------------------------- tables turned to text


@pytest.mark.parametrize(
    "row",
    [
        "市级高水平专业群（个）16222835",  # a row whose cells were glued together
        "高职院校数量（所）815所属各区县",  # 815 then the 所属 of the next column
        "专业点数（个）\t1200\t1350",
        "中职毕业生升学比例（%）58 62",
        "职业院校订单班在校生（万人）2.1",
    ],
)
def test_table_cells_are_not_read_across_columns(row):
    assert extract(row).targets == []


def test_a_sentence_after_a_table_is_still_read():
    assert quantities("市级高水平专业群（个）16222835。新增三所高职院校。") == {(3, "所", "高职院校")}


# ---------------------------------------------------------------- years and indicator tables


@pytest.mark.parametrize(
    "sentence, year",
    [
        ("到2027年，全省高职院校在校生规模达到120万人。", 2027),
        ("2025年底前，建成10个实训基地。", 2025),
        ("截至2024年底，全省累计培训技能人才50万人次。", 2024),
        ("建成10个实训基地。", None),
        ("发布2024年职业教育质量报告，建成10个实训基地。", None),  # a title's year is no due date
    ],
)
def test_the_year_a_quantity_is_due_or_describes(sentence, year):
    assert one(sentence).year == year


INDICATORS = [
    "成都市职业教育主要发展指标",
    "指标名称\t2024年（基期）\t2025年\t2027年",
    "市级高水平专业群（个）\t16\t22\t35",
    "职业院校订单班在校生（万人）\t2.1\t2.6\t4",
    "中职毕业生升学比例（%）\t58\t62\t70",
]


def test_an_indicator_table_gives_a_baseline_and_a_target_per_year():
    found = [[(t.kind, t.value, t.unit, t.counted, t.year) for t in row] for row in table_targets(INDICATORS)]
    assert found == [
        [],
        [],
        [("baseline", 16, "个", "市级高水平专业群", 2024), ("quantified", 22, "个", "市级高水平专业群", 2025),
         ("quantified", 35, "个", "市级高水平专业群", 2027)],
        [("baseline", 2.1, "万人", "职业院校订单班在校生", 2024), ("quantified", 2.6, "万人", "职业院校订单班在校生", 2025),
         ("quantified", 4, "万人", "职业院校订单班在校生", 2027)],
        [("baseline", 58, "%", "中职毕业生升学比例", 2024), ("quantified", 62, "%", "中职毕业生升学比例", 2025),
         ("quantified", 70, "%", "中职毕业生升学比例", 2027)],
    ]
    row = INDICATORS[2]
    assert [row[t.start : t.end] for t in table_targets(INDICATORS)[2]] == ["16", "22", "35"]


def test_a_table_with_a_unit_column_and_bounded_cells():
    rows = ["序号\t指标\t单位\t现状值\t2027年目标值\t属性",
            "1\t“双师型”教师占比\t%\t55\t≥65\t约束性",
            "2\t中职学校数量\t所\t40\t35以内\t预期性"]
    found = [(t.kind, t.value, t.unit, t.counted, t.comparator, t.year) for row in table_targets(rows) for t in row]
    assert found == [
        ("baseline", 55, "%", "“双师型”教师占比", "exactly", None), ("quantified", 65, "%", "“双师型”教师占比", "atLeast", 2027),
        ("baseline", 40, "所", "中职学校数量", "exactly", None), ("quantified", 35, "所", "中职学校数量", "atMost", 2027),
    ]


def test_a_table_without_target_columns_has_no_quantities():
    rows = ["序号\t学校名称\t所在地", "1\t天津职业大学\t天津", "2\t长沙民政职业技术学院\t长沙"]
    assert table_targets(rows) == [[], [], []]


def test_the_graph_of_an_indicator_table_points_at_its_cells():
    from rdflib import Graph

    from vetkg.ingest.rdf import GraphBuilder
    from vetkg.ingest.reader import SourceText
    from vetkg.ingest.structure import parse
    from vetkg.ingest.text import normalise
    from vetkg.ingest.triples import to_graph

    raw = "2025年某市职业教育工作要点\n\n一、主要指标\n" + "\n".join(INDICATORS) + "\n"
    builder = GraphBuilder(parse(SourceText("t.txt", raw, "utf-8")), "https://w3id.org/vetkg/")
    text = normalise(raw)
    lines = text.split(__import__("re").compile("\n"))
    rows = [(builder.mint.doc(f"row/{k}"), line) for k, line in enumerate(lines) if line.text in INDICATORS]
    builder.table_targets(rows)
    g: Graph = to_graph(list(builder.triples))
    q = """PREFIX vet: <https://w3id.org/vetkg/ontology#> PREFIX schema: <https://schema.org/> PREFIX oa: <http://www.w3.org/ns/oa#>
    SELECT ?type ?v ?y ?exact WHERE { ?t a ?type ; schema:value ?v ; vet:year ?y ; vet:countedThing "市级高水平专业群"@zh ;
        vet:textSpan/oa:hasSelector/oa:exact ?exact . ?unit vet:setsTarget|vet:statesBaseline ?t }"""
    found = {(str(r.type).split("#")[1], int(r.v), int(r.y), str(r.exact)) for r in g.query(q)}
    assert found == {("Baseline", 16, 2024, "16"), ("QuantifiedTarget", 22, 2025, "22"), ("QuantifiedTarget", 35, 2027, "35")}


# ---------------------------------------------------------------- what only looks like a target


@pytest.mark.parametrize(
    "sentence",
    [
        "连续两年招生不足30人的专业原则上停止招生。",  # a threshold that picks out specialties
        "对连续三年就业率低于70%的专业实行黄牌提示。",
        "撤并办学规模小于1200人的中职学校。",
        "实施“粤菜师傅”“广东技工”“南粤家政”三项工程。",  # the count of the list just named
        "推进区中职公共实训基地二期建设。",  # a phase
        "启动3年行动计划。",  # a span of years, unbounded
    ],
)
def test_conditions_lists_phases_and_spans_are_not_targets(sentence):
    assert [t for t in extract(sentence).targets if t.kind in {"quantified", "baseline"}] == []


def test_a_count_inside_a_modifier_gives_way_to_the_count_of_the_clause():
    assert quantities("年内两个联盟的成员单位合计达到120家。") == {(120, "家", "联盟的成员单位")}


@pytest.mark.parametrize(
    "sentence, value, unit, counted, comparator",
    [
        ("新招聘专业教师须有不少于1年的企业工作经历。", 1, "年", "企业工作经历", "atLeast"),
        ("选派骨干教师开展为期一年的支教帮扶。", 1, "年", "支教帮扶", "exactly"),
        ("每所高职院校至少与一家龙头企业共建产业学院。", 1, "家", "龙头企业", "atLeast"),
        ("每半年召开一次工作推进会。", 1, "次", "工作推进会", "exactly"),
        ("全国参与开放的职业院校应达到8000所以上。", 8000, "所", "全国参与开放的职业院校", "atLeast"),
        ("参加职业技能等级认定的学生不少于5万人次。", 5, "万人次", "职业技能等级认定的学生", "atLeast"),
        ("中职学校数量调整到35所以内。", 35, "所", "中职学校数量", "atMost"),
        ("开展全覆盖安全检查每学期不少于2次。", 2, "次", "安全检查", "atLeast"),
        ("市级职业教育专项经费安排不低于1.5亿元。", 1.5, "亿元", "市级职业教育专项经费", "atLeast"),
    ],
)
def test_bounds_spans_and_modifiers(sentence, value, unit, counted, comparator):
    t = one(sentence)
    assert (t.value, t.unit, t.counted, t.comparator) == (value, unit, counted, comparator)


def test_a_result_reported_is_a_baseline():
    assert one("顺德职业技术学院等14所学校入选首轮“双高计划”。").kind == "baseline"


PLAN = """2026年某市职业教育工作要点

一、提升办学能力
截至2025年底，全市现有市级高水平专业群16个。到2027年，建成市级高水平专业群35个以上。依托6个区域开放型产教融合实践中心开展实训。
"""


def test_a_plan_with_baselines_and_targets_passes_the_shapes_and_answers_the_readme_query(tmp_path):
    from pathlib import Path

    from ingest_helpers import build_store, select

    path = tmp_path / "plan.txt"
    path.write_text(PLAN, encoding="utf-8")
    store = build_store(path)  # the build refuses a graph that breaks the shapes
    readme = (Path(__file__).parent.parent / "ontology" / "README.md").read_text(encoding="utf-8")
    query = readme.split("```sparql\n")[-1].split("```")[0]  # the query ontology/README.md shows
    rows = [{k: v for k, v in r.items() if k != "document"} for r in select(store, query)]
    assert rows == [{"countedThing": "市级高水平专业群", "unit": "个", "baseline": "16", "baselineYear": "2025",
                     "target": "35", "targetYear": "2027", "comparator": "atLeast"}]


@pytest.mark.parametrize(
    "sentence, span",
    [
        ("撤并3个就业率较低的专业。", "3个就业率较低的专业"),
        ("新增校企合作企业40家。", "校企合作企业40家"),
        ("遴选第三批办学质量优的产教融合专业。", "第三批办学质量优的产教融合专业"),
    ],
)
def test_the_span_covers_the_number_and_what_it_counts(sentence, span):
    (t,) = extract(sentence).targets
    assert sentence[t.start : t.end] == span
