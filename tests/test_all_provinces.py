"""One real vocational college from each of the 31 provincial divisions of the mainland, in a
sentence of the genre: each is found whole, with the class its head word gives.

The sentences vary the way plans vary (the verb before the name, an enumeration, the name as
subject, a partner after 与, a programme after it); some names begin with no place at all
(黄河水利职业技术学院, 杨凌职业技术学院), which only the statistical recogniser can start.
"""
from __future__ import annotations

import pytest

from vetkg.ingest.entities import extract

HVC, SVS = "HigherVocationalCollege", "SecondaryVocationalSchool"

CASES = [
    ("北京", "支持北京电子科技职业学院建设高水平专业群。", "北京电子科技职业学院", HVC),
    ("天津", "天津职业大学牵头组建全国眼视光行业产教融合共同体。", "天津职业大学", HVC),
    ("河北", "推动河北工业职业技术大学与龙头企业共建现代产业学院。", "河北工业职业技术大学", HVC),
    ("山西", "依托山西工程职业学院建设煤炭行业公共实训基地。", "山西工程职业学院", HVC),
    ("内蒙古", "鼓励包头职业技术学院面向稀土产业开展订单培养。", "包头职业技术学院", HVC),
    ("辽宁", "指导辽宁省交通高等专科学校做好“双高计划”中期绩效评价。", "辽宁省交通高等专科学校", HVC),
    ("吉林", "长春汽车工业高等专科学校、一汽集团联合开展现代学徒制试点。", "长春汽车工业高等专科学校", HVC),
    ("黑龙江", "支持哈尔滨职业技术学院申报本科层次职业教育试点。", "哈尔滨职业技术学院", HVC),
    ("上海", "推进上海电子信息职业技术学院中高职贯通培养模式改革。", "上海电子信息职业技术学院", HVC),
    ("江苏", "遴选无锡职业技术学院等院校承担国家级教学资源库建设任务。", "无锡职业技术学院", HVC),
    ("浙江", "宁波职业技术学院与宁波舟山港集团共建港航物流产业学院。", "宁波职业技术学院", HVC),
    ("安徽", "加快芜湖职业技术学院新校区建设，年内完成主体工程。", "芜湖职业技术学院", HVC),
    ("福建", "支持福建船政交通职业学院在东盟国家设立海外分校。", "福建船政交通职业学院", HVC),
    ("江西", "江西应用技术职业学院要发挥牵头作用，带动省内院校共同发展。", "江西应用技术职业学院", HVC),
    ("山东", "由日照职业技术学院承办全省职业院校技能大赛。", "日照职业技术学院", HVC),
    ("河南", "推动黄河水利职业技术学院建设水利行业产教融合共同体。", "黄河水利职业技术学院", HVC),
    ("湖北", "支持武汉职业技术学院与中亚地区院校开展合作办学。", "武汉职业技术学院", HVC),
    ("湖南", "长沙民政职业技术学院入选中国特色高水平高职学校建设单位。", "长沙民政职业技术学院", HVC),
    ("广东", "深圳职业技术大学要率先建成世界一流职业院校。", "深圳职业技术大学", HVC),
    ("广西", "依托广西机电职业技术学院建设面向东盟的职业教育开放合作平台。", "广西机电职业技术学院", HVC),
    ("海南", "引导海南职业技术学院对接自由贸易港建设需要调整专业设置。", "海南职业技术学院", HVC),
    ("重庆", "重庆工业职业技术学院、重庆市机械高级技工学校等院校要加强实训基地建设。", "重庆工业职业技术学院", HVC),
    ("四川", "支持成都航空职业技术学院服务成渝地区双城经济圈航空产业发展。", "成都航空职业技术学院", HVC),
    ("贵州", "组织贵州交通职业技术学院开展桥梁隧道技术技能培训10000人次。", "贵州交通职业技术学院", HVC),
    ("云南", "推动昆明冶金高等专科学校面向南亚东南亚开展国际化办学。", "昆明冶金高等专科学校", HVC),
    ("西藏", "对口支援西藏职业技术学院，共建旅游管理专业。", "西藏职业技术学院", HVC),
    ("陕西", "支持杨凌职业技术学院建设现代农业职业教育集团。", "杨凌职业技术学院", HVC),
    ("甘肃", "兰州石化职业技术大学与中国石油共建石油化工实训基地。", "兰州石化职业技术大学", HVC),
    ("青海", "扩大青海交通职业技术学院五年一贯制招生规模。", "青海交通职业技术学院", HVC),
    ("宁夏", "宁夏职业技术学院承担全区职业院校教师培训任务。", "宁夏职业技术学院", HVC),
    ("新疆", "支持克拉玛依职业技术学院面向中亚国家开展石油工程技术培训。", "克拉玛依职业技术学院", HVC),
]


def test_every_province_has_a_case():
    assert len({province for province, *_ in CASES}) == 31


@pytest.mark.parametrize("province, sentence, name, cls", CASES, ids=[c[0] for c in CASES])
def test_the_college_is_found_with_its_class(province, sentence, name, cls):
    orgs = {m.name: m.cls for m in extract(sentence).mentions if m.kind == "org"}
    assert orgs.get(name) == cls, orgs


@pytest.mark.parametrize(
    "sentence, name, cls",
    [
        # the head word is the last institution word: 集团 here modifies 办学联盟
        ("推动天津市职业教育集团化办学联盟实体化运行。", "天津市职业教育集团化办学联盟", "Alliance"),
        # 中心 modifies 学校: a school, not a centre
        ("支持宁波市职业技术教育中心学校建设省级高水平中职学校。", "宁波市职业技术教育中心学校", SVS),
        # 和 inside a name that no new name follows
        ("会同宁波市发展和改革委员会制定产教融合型企业认定办法。", "宁波市发展和改革委员会", "GovernmentBody"),
        ("宁波市人力资源和社会保障局负责技能等级认定。", "宁波市人力资源和社会保障局", "GovernmentBody"),
        ("京津冀职业教育协同发展联盟年会在雄安新区召开。", "京津冀职业教育协同发展联盟", "Alliance"),
        ("依托浙大宁波理工学院建设数字经济产业学院。", "浙大宁波理工学院", "University"),
        ("重庆工业职业技术学院、重庆市机械高级技工学校等院校要加强实训基地建设。", "重庆市机械高级技工学校", SVS),
    ],
)
def test_names_end_at_their_head_word(sentence, name, cls):
    orgs = {m.name: m.cls for m in extract(sentence).mentions if m.kind == "org"}
    assert orgs == {name: cls} | {k: v for k, v in orgs.items() if k != name and name not in k}
    assert orgs[name] == cls


@pytest.mark.parametrize(
    "sentence, names",
    [
        # after 和 / 与 a new name begins: two organisations, not one
        ("天津市教育委员会与天津市人力资源和社会保障局联合发文。", {"天津市教育委员会", "天津市人力资源和社会保障局"}),
        ("支持北京电子科技职业学院与华为技术有限公司共建产业学院。", {"北京电子科技职业学院", "华为技术有限公司"}),
        ("推动湖南省教育厅和长沙市人民政府共建职业教育示范区。", {"湖南省教育厅", "长沙市人民政府"}),
    ],
)
def test_a_joiner_before_a_new_name_separates_two(sentence, names):
    assert {m.name for m in extract(sentence).mentions if m.kind == "org"} == names


def test_which_recogniser_found_a_name():
    mentions = {m.name: m.sources for m in extract("支持黄河水利职业技术学院和长沙民政职业技术学院合作。").mentions}
    assert "lac" in mentions["黄河水利职业技术学院"]
    assert mentions["长沙民政职业技术学院"] == ("rule", "gazetteer")
