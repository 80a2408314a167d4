"""The extractors on sentences typical of the genre that the two sample documents do not hold."""
from __future__ import annotations

import pytest

from vetkg.ingest.entities import extract


def names(sentence: str, kind: str) -> dict[str, str]:
    return {m.name: m.cls for m in extract(sentence).mentions if m.kind == kind}


def targets(sentence: str) -> set[tuple]:
    return {(t.value, t.unit, t.counted, t.comparator, t.action) for t in extract(sentence).targets if t.kind == "quantified"}


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("推动天津市第一商业学校、天津市经济贸易学校等中职学校提质培优。",
         {"天津市第一商业学校": "SecondaryVocationalSchool", "天津市经济贸易学校": "SecondaryVocationalSchool"}),
        ("支持北京电子科技职业学院与华为技术有限公司共建产业学院。",
         {"北京电子科技职业学院": "HigherVocationalCollege", "华为技术有限公司": "Enterprise"}),
        ("推动教育部与天津市人民政府共建国家职业教育改革创新示范区。",
         {"教育部": "GovernmentBody", "天津市人民政府": "GovernmentBody"}),
        ("支持石家庄职业技术学院和天津大学联合培养。",
         {"石家庄职业技术学院": "HigherVocationalCollege", "天津大学": "University"}),
        ("建设天津市职业学校课程思政资源，扩大天津市各职业院校教师规模。", {}),
    ],
)
def test_institutions_by_suffix_and_place(sentence, expected):
    assert names(sentence, "org") == expected


def test_roles_follow_the_verb_over_an_enumeration():
    roles = {m.name: m.role for m in extract("指导天津职业大学、天津渤海职业技术学院等相关院校加强管理。").mentions}
    assert roles == {"天津职业大学": "roleGuide", "天津渤海职业技术学院": "roleGuide"}


def test_laws_and_other_titles():
    mentions = {m.name: m.kind for m in extract("深入贯彻《中华人民共和国职业教育法》，落实《国家职业教育改革实施方案》。").mentions}
    assert mentions == {"中华人民共和国职业教育法": "law", "国家职业教育改革实施方案": "publication"}


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("到2025年，中职学校毕业生升学比例达到60%以上，培训教师5000人次。",
         {(60, "%", "中职学校毕业生升学比例", "atLeast", ""), (5000, "人次", "教师", "exactly", "培训")}),
        ("新增省级示范性职业教育集团（联盟）3个，认定“双师型”教师2000名。",
         {(3, "个", "省级示范性职业教育集团（联盟）", "exactly", "新增"), (2000, "名", "“双师型”教师", "exactly", "认定")}),
        ("遴选打造7所左右“服务好、支撑好”的国家级高水平学校和专业群。",
         {(7, "所", "国家级高水平学校和专业群", "approximately", "遴选打造")}),
        ("每名专业教师每年企业实践不少于30天。", {(30, "天", "企业实践", "atLeast", "")}),
    ],
)
def test_quantified_targets(sentence, expected):
    assert targets(sentence) == expected


def test_years_dates_and_quoted_numbers_are_not_targets():
    assert targets("2025年4月18日，对接新区“1+3+4”现代工业产业体系。") == set()


def test_ordinal_target_with_its_place_and_programme():
    (t,) = [t for t in extract("在马来西亚建设首个鲁班工坊。").targets]
    assert (t.kind, t.value, t.unit, t.concerns.name, t.place.name) == ("ordinal", 1, "个", "鲁班工坊", "马来西亚")


@pytest.mark.parametrize(
    "sentence, kind, expected",
    [
        # lexicon words over characters, not only on jieba's word boundaries (jieba: 中亚地区)
        ("支持院校面向中亚地区开展留学生培养。", "place", {"中亚": "Region"}),
        # longest match: 东南亚, not 南亚 inside it; 河北区 (a district of Tianjin), not 河北
        ("推动天津市河北区职业学校面向东南亚招生。", "place", {"天津市": "AdministrativeArea", "河北区": "AdministrativeArea", "东南亚": "Region"}),
        # a specialised word before an industry narrows it; a common one does not
        ("服务港航物流和冷链物流发展。", "industry", {"港航物流": "Industry", "冷链物流": "Industry"}),
        ("对接新区现代港口物流产业。", "industry", {"港口物流": "Industry"}),
    ],
)
def test_lexicon_words_over_characters(sentence, kind, expected):
    assert names(sentence, kind) == expected


def test_a_quoted_modifier_after_a_verb_is_no_programme():
    assert names("培养“双师型”教师，推行“订单式”培养。", "programme") == {}
    assert names("实施“强基”工程，推进“三教”改革。", "programme") == {"“强基”工程": "kindUndertaking", "三教": "kindInitiative"}


@pytest.mark.parametrize(
    "sentence, expected",
    [
        # a zone begins with a place; a division is no zone (天津市滨海新区 is the district)
        ("推动四川天府新区、宁波前湾新区建设产教融合园区。", {"四川天府新区": "EconomicZone", "宁波前湾新区": "EconomicZone"}),
        ("支持天津市滨海新区发展。", {"天津市": "AdministrativeArea", "滨海新区": "AdministrativeArea"}),
        # a county's name that is an ordinary word's beginning counts only as a word (新建|区域)
        ("新建区域产教融合实践中心2个。", {}),
        # a college's name followed by the zone it serves is not part of a zone's name
        ("引导海南职业技术学院对接自由贸易港建设需要。", {}),
    ],
)
def test_zones_and_divisions(sentence, expected):
    assert names(sentence, "place") == expected


def programmes(sentence: str) -> dict[str, str]:
    return names(sentence, "programme")


@pytest.mark.parametrize(
    "sentence, expected",
    [
        # what 实施/启动 launches is named whole, to the end of its clause
        ("深入实施乡村教师能力提升计划，", {"乡村教师能力提升计划": "kindPlan"}),
        ("启动实施就业见习促进行动。", {"就业见习促进行动": "kindAction"}),
        ("实施“强基”高水平专业建设。", {"“强基”高水平专业建设": "kindProject", "强基": "kindInitiative"}),
        # a place and those who take part make no name of its own, launched or not
        ("服务山西企业海外项目员工培训。", {}),
        ("实施广西海外办学项目，", {}),
        ("实施高职本科联合培养项目，", {"高职本科联合培养项目": "kindProject"}),
        # a kind the text counts names no programme
        ("申报省级教改项目十五项，", {}),
        ("建设市级示范性产业学院20个。", {}),
        # an industry college is named by its sector, not by who builds it
        ("与某汽车公司共建智能网联汽车产业学院。", {"智能网联汽车产业学院": "kindIndustryCollege"}),
        ("由龙头企业牵头组建产业学院。", {}),
        # quoted words: kind words, the verbs that take a campaign, what they qualify
        ("推行“学分银行”制度，", {"“学分银行”制度": "kindSystem"}),
        ("主动对接“5+5”产业集群，", {"“5+5”产业集群": "kindSystem"}),
        ("聚焦“智造强市”建设，", {"智造强市": "kindInitiative"}),
        ("推进机关党建“双强”。", {"双强": "kindInitiative"}),
        ("守护师生“舌尖上的安全”。", {}),
        ("每年招收“3+2”学生五百人。", {}),
        ("实现“最多跑一次”事项全覆盖。", {}),
        ("根据关于“国家实行学分银行制度”的规定，", {}),
        ("共建“中老铁路技术培训中心”，", {}),
    ],
)
def test_programme_names(sentence, expected):
    assert programmes(sentence) == expected


def test_a_launched_programme_keeps_its_quoted_core_as_another_name():
    (m,) = [m for m in extract("实施高校“强基”培育计划。").mentions if m.kind == "programme"]
    assert (m.name, m.aliases) == ("高校“强基”培育计划", ("“强基”培育计划",))


def test_a_quoted_institution_is_an_organisation():
    assert names("共建“中老铁路技术培训中心”，", "org") == {"中老铁路技术培训中心": "Centre"}


def test_sectors_enumerated_before_a_consortium_name_the_programme_not_an_alliance():
    found = {(m.kind, m.name) for m in extract("组建轨道交通、新能源行业产教融合共同体。").mentions}
    assert ("programme", "行业产教融合共同体") in found
    assert not any(kind == "org" for kind, _ in found)
