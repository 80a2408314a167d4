"""A synthetic corpus of the genre: notices issuing vocational-education work plans.

    python bench/corpus.py N OUTDIR [--seed S]

writes ``doc-00001.txt`` … with a ground-truth sidecar ``doc-00001.json`` each. Document ``i``
depends only on ``(seed, i)``, so the same N and seed give byte-identical files and a larger N
extends a smaller corpus. The vocabulary is the domain lexicon (``ingest/lexicon/``); the
sentence templates below are benchmark data, not facts of any document. Every template states
what it names (institutions, quantified and ordinal targets), which is what the sidecar records
and what a correct ingest must recover.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LEXICON = ROOT / "ingest" / "lexicon"

# The genre's own words. Document-number abbreviations of the provinces are the standard ones.
_PROVINCE_ABBR = {
    "北京": "京", "天津": "津", "上海": "沪", "重庆": "渝", "河北": "冀", "山西": "晋", "辽宁": "辽",
    "吉林": "吉", "黑龙江": "黑", "江苏": "苏", "浙江": "浙", "安徽": "皖", "福建": "闽", "江西": "赣",
    "山东": "鲁", "河南": "豫", "湖北": "鄂", "湖南": "湘", "广东": "粤", "海南": "琼", "四川": "川",
    "贵州": "黔", "云南": "云", "陕西": "陕", "甘肃": "甘", "青海": "青", "内蒙古": "蒙", "广西": "桂",
    "宁夏": "宁", "新疆": "新",
}
_MUNICIPALITIES = {"北京", "天津", "上海", "重庆"}
_NUMBER_KINDS = ["职", "职成", "职函", "发", "职成函"]
_CN = "〇一二三四五六七八九"
_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_MARKER_CN = "一二三四五六七八九十"
# the words that end a notice title (ingest/structure.py reads a title line up to one of them)
_TITLE_END = re.compile(r"(通知|意见|决定|通报|函|批复|规划|方案|要点|办法)$")

_HEADINGS = [
    "加强党对职业教育工作的全面领导", "德技并修培养时代新人", "提升院校关键办学能力", "创新产教融合发展机制",
    "推动职普融通人才培养", "构建数字化教学新生态", "打造职教国际交往高地", "强化政策支持宣传引领",
    "筑牢安全工作防线", "优化专业布局结构", "深化产教融合", "加强实训基地建设", "推进国际交流合作",
    "强化教师队伍建设", "完善质量评价体系", "服务区域产业发展", "深化办学体制改革", "推进课程教材改革",
    "加强技能人才培养", "扩大优质资源供给", "提升社会服务能力", "健全现代职业教育体系", "推进校企协同育人",
    "夯实基础办学条件", "推动高质量就业创业", "加强继续教育和培训", "推进数字校园建设", "完善招生考试制度",
]
_QUOTED_HEADS = ["技能", "匠心", "数智", "强基", "领航", "卓越", "双师", "启航", "金蓝领", "职教", "智造", "新工匠"]
_QUOTED_TAILS = ["赋能", "筑梦", "提质", "培优", "引领", "振兴", "护航", "成才", "出海", "润心"]
_KIND_WORDS = ["行动计划", "专项行动", "计划", "行动", "项目", "工程", "模式", "体系"]
_ORG_CORES = [
    "机电", "交通", "轻工", "电子信息", "现代", "城市建设", "海运", "建筑工程", "医学", "商务", "工业", "铁道",
    "航空", "农业", "财经", "艺术", "旅游", "石油", "化工", "信息工程", "科技", "经济贸易", "水利", "电力",
    "海洋", "生物工程", "食品", "汽车工程", "司法警官", "体育", "外事服务", "渤海", "滨海", "工程",
]
_COUNTED = {
    "个": ["区级公共实训基地", "市级高水平专业群", "技能大师工作室", "产教融合实训基地", "示范性职教集团",
           "虚拟仿真实训基地", "专业教学资源库", "现代学徒制试点专业", "专业大类"],
    "所": ["优质中职学校", "高水平高职学校", "示范性职业院校", "特色骨干学校"],
    "门": ["精品在线开放课程", "课程思政示范课", "职业教育在线精品课程"],
    "项": ["教学成果奖", "职业教育教学改革研究课题"],
    "本": ["新形态教材", "规划教材"],
    "支": ["教学创新团队", "技能大师团队"],
}


def _rows(name: str) -> list[list[str]]:
    rows = []
    for line in (LEXICON / name).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].rstrip()
        if line.strip():
            rows.append([f.strip() for f in line.split("\t")])
    return rows


@dataclass(frozen=True)
class Vocabulary:
    provinces: list[str]  # short names with a standard abbreviation (河北, 天津 …)
    province_full: dict[str, str]  # 河北 → 河北省
    cities: list[str]  # 石家庄市 …
    districts: list[str]  # 滨海新区 …
    countries: list[str]
    industries: list[str]
    programmes: list[str]


@cache
def vocabulary() -> Vocabulary:
    from vetkg.ingest.gazetteer import gazetteer, short_form

    gaz = gazetteer()
    places = {r[0]: r[1] for r in _rows("places.txt")}
    province_divisions = [d for d in gaz.divisions.values() if d.level == "province"]
    full = {short_form(d): d.name for d in province_divisions if short_form(d) in _PROVINCE_ABBR}
    provinces = [p for p in _PROVINCE_ABBR if p in full]
    # prefecture cities and Tianjin's districts, from the gazetteer of the divisions
    cities = sorted(d.name for d in gaz.divisions.values() if d.level == "city" and d.name.endswith("市"))
    districts = [d.name for d in gaz.divisions.values() if d.parent == "120000"]
    industries = [r[0] for r in _rows("industries.txt") if not any(c in r[0] for c in "和与及的")]
    return Vocabulary(
        provinces=provinces,
        province_full=full,
        cities=cities,
        districts=districts,
        countries=[p for p in places if places[p] == "country" and p != "中国"],
        industries=industries,
        programmes=[r[0] for r in _rows("programmes.txt")],
    )


# ------------------------------------------------------------------ what a document says


@dataclass
class Measure:
    text: str
    institutions: list[tuple[str, str]] = field(default_factory=list)  # (name, class)
    targets: list[dict] = field(default_factory=list)
    ordinals: list[dict] = field(default_factory=list)


@dataclass
class Area:
    path: list[int]
    marker: str
    title: str
    measures: list[Measure]
    heading_alone: bool = False  # the heading on a line of its own, the measures below it


@dataclass
class Region:
    name: str  # as it opens a plan title: 河北省, 石家庄市, 滨海新区
    short: str  # as it opens an institution name: 河北, 石家庄, 天津
    scope: str  # 全省, 全市, 全区
    issuer: str
    co_issuer: str | None
    abbr: str


def _region(rng: random.Random, v: Vocabulary) -> Region:
    level = rng.choices(["province", "city", "district"], weights=[5, 3, 2])[0]
    if level == "province":
        p = rng.choice(v.provinces)
        full = v.province_full[p]
        if p in _MUNICIPALITIES:
            issuer = f"{full}教育委员会"
            co = f"中共{full}委教育工作委员会" if rng.random() < 0.4 else None
            scope = "全市"
        else:
            issuer, co, scope = f"{full}教育厅", None, "全省"
        return Region(full, p, scope, issuer, co, _PROVINCE_ABBR[p])
    if level == "city":
        c = rng.choice(v.cities)
        return Region(c, c[:-1], "全市", f"{c}教育局", None, c[0])
    d = rng.choice(v.districts)
    return Region(d, "天津", "全区", f"天津市{d}教育体育局", None, "津" + d[0])


class Writer:
    """Renders numbers and names in one document's style and remembers what it wrote."""

    def __init__(self, rng: random.Random, v: Vocabulary, region: Region) -> None:
        self.rng, self.v, self.region = rng, v, region
        self.fullwidth = rng.random() < 0.2
        self.spaced = rng.random() < 0.4  # typeset spaces around numbers: 建设 5 个
        self.institutions = self._institutions()

    def num(self, n: int) -> str:
        s = str(n).translate(_FULLWIDTH) if self.fullwidth else str(n)
        return f" {s} " if self.spaced else s

    def _place(self) -> str:
        r, rng = self.region, self.rng
        roll = rng.random()
        if roll < 0.6:
            return r.short if rng.random() < 0.6 else r.name
        if roll < 0.8:
            return rng.choice(self.v.provinces)
        return rng.choice(self.v.cities)

    def _institution(self) -> tuple[str, str]:
        rng, place = self.rng, self._place()
        core = rng.choice(_ORG_CORES) if rng.random() < 0.7 else rng.choice(self.v.industries)
        kind = rng.choices(
            ["高职", "高专", "大学", "中职", "研究院", "中心", "联盟"], weights=[8, 2, 2, 4, 2, 2, 2]
        )[0]
        if kind == "高职":
            return f"{place}{core}{rng.choice(['职业技术学院', '职业学院'])}", "HigherVocationalCollege"
        if kind == "高专":
            return f"{place}{rng.choice(['医学', '工业', '幼儿师范', '建筑'])}高等专科学校", "HigherVocationalCollege"
        if kind == "大学":
            return f"{place}{core}职业技术大学", "HigherVocationalCollege"
        if kind == "中职":
            return f"{place}{core}中等专业学校", "SecondaryVocationalSchool"
        if kind == "研究院":
            return f"{place}{rng.choice(['教育科学', '职业教育', '职业技术教育'])}研究院", "ResearchInstitute"
        if kind == "中心":
            return f"{place}{rng.choice(['职业教育课程', '职业教育质量评价', '课程思政教学'])}研究中心", "Centre"
        return f"{place}{rng.choice(self.v.industries)}{rng.choice(['职业教育', '产教融合'])}联盟", "Alliance"

    def _institutions(self) -> list[tuple[str, str]]:
        pool: dict[str, str] = {}
        size = self.rng.randint(4, 9)
        while len(pool) < size:
            name, cls = self._institution()
            pool[name] = cls
        return list(pool.items())

    def org(self) -> tuple[str, str]:
        return self.rng.choice(self.institutions)

    def programme(self) -> str:
        rng = self.rng
        return f"“{rng.choice(_QUOTED_HEADS)}{rng.choice(_QUOTED_TAILS)}”{rng.choice(_KIND_WORDS)}"


# Templates: each returns one sentence (ending 。, no other sentence end) and what it names.
Template = Callable[[Writer], Measure]


def _t_support_build(w: Writer) -> Measure:
    org, n, unit = w.org(), w.rng.randint(2, 12), w.rng.choice(list(_COUNTED))
    thing = w.rng.choice(_COUNTED[unit])
    verb = w.rng.choice(["支持", "推动", "指导"])
    return Measure(f"{verb}{org[0]}建设{w.num(n)}{unit}{thing}。", [org], [{"value": n, "unit": unit}])


def _t_guide_publish(w: Writer) -> Measure:
    org = w.org()
    report = w.rng.choice(["职业教育质量年度报告", "专业对接服务产业发展蓝皮书", "产教融合发展报告"])
    return Measure(f"指导{org[0]}发布{w.rng.randint(2021, 2030)}年{report}，完善质量评估指标体系。", [org])


def _t_co_build(w: Writer) -> Measure:
    a, b = w.org(), w.org()
    while b == a:
        b = w.org()
    industry = w.rng.choice(w.v.industries)
    return Measure(f"推动{a[0]}与{b[0]}共建{industry}产业学院，深化校企协同育人。", [a, b])


def _t_rely_on(w: Writer) -> Measure:
    org, n = w.org(), w.rng.randint(2, 9)
    inds = w.rng.sample(w.v.industries, 2)
    return Measure(
        f"依托{org[0]}组建{inds[0]}、{inds[1]}等{w.num(n)}个行业产教融合共同体，推动人才链与产业链有机衔接。",
        [org],
        [{"value": n, "unit": "个"}],
    )


def _t_new_enterprises(w: Writer) -> Measure:
    n = w.rng.randint(10, 90)
    return Measure(f"深化校企合作，新增校企合作企业{w.num(n)}家。", targets=[{"value": n, "unit": "家"}])


def _t_select_about(w: Writer) -> Measure:
    n, thing = w.rng.randint(3, 30), w.rng.choice(_COUNTED["所"])
    return Measure(
        f"遴选{w.num(n)}所左右{thing}，发挥示范引领作用。", targets=[{"value": n, "unit": "所", "approximate": True}]
    )


def _t_two_targets(w: Writer) -> Measure:
    n, m = w.rng.randint(5, 20), w.rng.randint(5, 20)
    a, b = w.rng.sample(_COUNTED["所"], 2)
    return Measure(
        f"打造{w.num(n)}所{a}和{w.num(m)}所{b}。", targets=[{"value": n, "unit": "所"}, {"value": m, "unit": "所"}]
    )


def _t_training(w: Writer) -> Measure:
    n, industry = w.rng.randint(5, 50) * 100, w.rng.choice(w.v.industries)
    return Measure(f"面向{industry}领域开展职业技能培训，年培训技能人才{w.num(n)}人次。", targets=[{"value": n, "unit": "人次"}])


def _t_teachers(w: Writer) -> Measure:
    n = w.rng.choice([20, 30, 45, 60])
    return Measure(
        f"实施职业学校教师企业实践制度，每名专业教师每年企业实践不少于{w.num(n)}天。",
        targets=[{"value": n, "unit": "天", "comparator": "atLeast"}],
    )


def _t_ordinal_batch(w: Writer) -> Measure:
    k = w.rng.randint(2, 5)
    return Measure(
        f"启动第{_MARKER_CN[k - 1]}批{w.programme()}，持续推进优质资源共建共享。",
        ordinals=[{"number": k, "unit": "批"}],
    )


def _t_first_abroad(w: Writer) -> Measure:
    country = w.rng.choice(w.v.countries)
    return Measure(f"优化鲁班工坊海外布局，在{country}建设首个鲁班工坊。", ordinals=[{"number": 1, "unit": "个"}])


def _t_programme(w: Writer) -> Measure:
    return Measure(f"实施{w.programme()}，提升职业院校教师数字素养。")


def _t_lexicon_programme(w: Writer) -> Measure:
    prog = w.rng.choice(w.v.programmes)
    return Measure(f"高质量推进{prog}建设与运行，推广“产业园区+职业教育”模式。")


def _t_industries(w: Writer) -> Measure:
    inds = w.rng.sample(w.v.industries, 3)
    return Measure(f"对接{inds[0]}、{inds[1]}、{inds[2]}等重点产业链发展需求，动态调整专业设置。")


def _t_employment(w: Writer) -> Measure:
    n = w.rng.randint(85, 98)
    return Measure(
        f"推动毕业生高质量就业，毕业生就业率达到{w.num(n)}%以上。", targets=[{"value": n, "unit": "%", "comparator": "atLeast"}]
    )


def _t_lead_alliance(w: Writer) -> Measure:
    org = w.org()
    place = w.region.short
    alliance = f"{place}{w.rng.choice(w.v.industries)}职业教育联盟"
    return Measure(f"支持{org[0]}牵头成立{alliance}，服务区域产业发展。", [org, (alliance, "Alliance")])


def _t_competition(w: Writer) -> Measure:
    n = w.rng.randint(2, 9)
    return Measure(
        f"举办第{_MARKER_CN[n - 1]}届职业院校技能大赛，组织开展职业教育活动周。", ordinals=[{"number": n, "unit": "届"}]
    )


def _t_plain(w: Writer) -> Measure:
    return Measure(
        w.rng.choice(
            [
                "完善实习安全信息报送和预警机制，防止安全事故发生。",
                "深化“三全育人”综合改革，推进思想政治工作一体化建设。",
                "健全完善职业院校集体教研机制，定期开展多形式教学研究。",
                "加强校园食品安全管理，压实校园食品安全主体责任。",
                "持续改善基本办学条件，提高规范化管理水平。",
                "开设一批应用技能型微专业，引导学生走技能成才、技能报国之路。",
                "构建贯通式课程体系，促进中高职有机衔接。",
            ]
        )
    )


_TEMPLATES: list[tuple[Template, int]] = [
    (_t_support_build, 6), (_t_guide_publish, 3), (_t_co_build, 3), (_t_rely_on, 3), (_t_new_enterprises, 2),
    (_t_select_about, 2), (_t_two_targets, 2), (_t_training, 2), (_t_teachers, 1), (_t_ordinal_batch, 2),
    (_t_first_abroad, 1), (_t_programme, 3), (_t_lexicon_programme, 2), (_t_industries, 3), (_t_employment, 1),
    (_t_lead_alliance, 1), (_t_competition, 1), (_t_plain, 6),
]
_TEMPLATE_FNS = [t for t, _ in _TEMPLATES]
_TEMPLATE_WEIGHTS = [k for _, k in _TEMPLATES]


def _measures(w: Writer, k: int) -> list[Measure]:
    return [t(w) for t in w.rng.choices(_TEMPLATE_FNS, weights=_TEMPLATE_WEIGHTS, k=k)]


# ------------------------------------------------------------------ layout


def _cn(n: int) -> str:
    if n <= 10:
        return _MARKER_CN[n - 1]
    return ("十" if n < 20 else _MARKER_CN[n // 10 - 1] + "十") + (_MARKER_CN[n % 10 - 1] if n % 10 else "")


def _cn_digits(n: int) -> str:
    return "".join(_CN[int(d)] for d in str(n))


def _cn_day(n: int) -> str:
    return _cn(n)


# layout → weight. numbered: the seed's 1. paragraphs; parts-items: the district plan's 一、 parts
# with （一） items; parts-numbered: 一、 parts with 1. items; chapters: a 规划 in 第一章 chapters;
# flat-parts: 一、 parts as the work areas themselves.
LAYOUTS = {"numbered": 4, "parts-items": 3, "parts-numbered": 2, "chapters": 2, "flat-parts": 1}


class Document:
    """One generated document: its lines, then its ground truth."""

    def __init__(self, index: int, seed: int, layouts: dict[str, int] = LAYOUTS, notice_rate: float = 0.8) -> None:
        self.rng = rng = random.Random(f"vetkg-corpus/{seed}/{index}")
        self.index = index
        v = vocabulary()
        self.region = _region(rng, v)
        self.w = Writer(rng, v, self.region)
        self.year = rng.randint(2021, 2030)
        self.layout = rng.choices(list(layouts), weights=list(layouts.values()))[0]
        self.header = rng.random() < notice_rate
        self.areas: list[Area] = []
        self.requirements = False
        self.breaks = rng.random() < 0.35
        self.paras: list[str] = []

    # -- pieces of text

    def _plan_title(self) -> str:
        r, y = self.region, self.year
        if self.layout == "chapters":
            return self.rng.choice([f"{r.name}职业教育发展规划（{y}—{y + 4}年）", f"{r.name}{y}—{y + 4}年职业教育发展规划"])
        return self.rng.choice(
            [f"{y}年{r.name}职业教育工作要点", f"{r.name}{y}年职业教育工作要点", f"{r.name}{y}年职业教育产教融合实施方案"]
        )

    def _requirements_text(self) -> str:
        return (
            f"{self.year}年{self.region.scope}职业教育工作总体要求是：坚持以习近平新时代中国特色社会主义思想为指导，"
            "全面贯彻党的教育方针，深化产教融合，促进职普融通，加快构建现代职业教育体系，为推进新型工业化贡献职教力量。"
        )

    def _area(self, path: list[int], marker: str, title: str) -> str:
        """An area's paragraph(s): the heading as the first sentence, then its measures."""
        measures = _measures(self.w, self.rng.randint(3, 8))
        area = Area(path, marker, title, measures)
        self.areas.append(area)
        body = "".join(m.text for m in measures)
        if self.layout != "numbered" and self.rng.random() < 0.25:
            # the heading alone on its line, the measures in the paragraph below
            area.heading_alone = True
            return f"{marker}{title}\n\n{self._broken(body)}"
        return self._broken(f"{marker}{title}。{body}", skip=len(marker) + len(title) + 1)

    def _broken(self, para: str, skip: int = 0) -> str:
        """Break a paragraph inside a word, as PDF extraction does: a line end, or a page end
        with its page number."""
        if not self.breaks or self.rng.random() < 0.5:
            return para
        comma = para.find("，", skip)
        if comma < 0:
            return para
        candidates = [
            i for i in range(max(comma + 2, 13), len(para) - 2)
            if _han(para[i - 1]) and _han(para[i]) and para[i] not in _MARKER_CN + "第"
        ]
        if not candidates:
            return para
        i = self.rng.choice(candidates)
        gap = "\n" if self.rng.random() < 0.5 else f"\n\n— {self.rng.randint(2, 9)} —\n\n"
        return para[:i] + gap + para[i:]

    def _headings(self, k: int) -> list[str]:
        return self.rng.sample(_HEADINGS, k)

    # -- the plan

    def _numbered(self) -> list[str]:
        paras = []
        if self.rng.random() < 0.6:
            self.requirements = True
            paras.append(self._requirements_text())
        for i, title in enumerate(self._headings(self.rng.randint(5, 10)), start=1):
            paras.append(self._area([i], f"{self.w.num(i).strip()}.", title))
        return paras

    def _parts(self, item_marker: Callable[[int], str], chapter: int | None = None) -> list[str]:
        """一、 parts holding items; optionally a requirements part first and a closing part."""
        paras, n = [], 0
        prefix = [] if chapter is None else [chapter]
        if chapter is None and self.rng.random() < 0.6:
            self.requirements = True
            n += 1
            paras += [f"{_cn(n)}、{self.rng.choice(['指导思想', '总体要求'])}", self._requirements_text()]
        headings = self._headings(self.rng.randint(6, 12))
        parts = self.rng.randint(1, 3)
        per = max(1, len(headings) // parts)
        groups = [headings[i * per : (i + 1) * per] for i in range(parts - 1)] + [headings[(parts - 1) * per :]]
        for _g, group in enumerate(groups):
            n += 1
            part_title = "主要任务" if parts == 1 else group[0]
            items = group if parts == 1 else group[1:] or [self.rng.choice(_HEADINGS)]
            paras.append(f"{_cn(n)}、{part_title}")
            for k, title in enumerate(items, start=1):
                paras.append(self._area([*prefix, n, k], item_marker(k), title))
        if chapter is None and self.rng.random() < 0.5:
            n += 1
            paras += self._fixed_area([n], f"{_cn(n)}、", "保障措施", "加强组织领导，完善经费保障机制，加强督导检查，营造良好舆论氛围。")
        return paras

    def _fixed_area(self, path: list[int], marker: str, title: str, text: str) -> list[str]:
        """A section of fixed wording that still holds measures (保障措施, 发展目标): a work area,
        as tests/data/genre/README.md counts them."""
        self.areas.append(Area(path, marker, title, [Measure(text)], heading_alone=True))
        return [f"{marker}{title}", text]

    def _flat_parts(self) -> list[str]:
        return [self._area([i], f"{_cn(i)}、", t) for i, t in enumerate(self._headings(self.rng.randint(5, 10)), start=1)]

    def _chapters(self) -> list[str]:
        self.requirements = True
        paras = [
            "第一章 发展基础",
            f"“十四五”期间，{self.region.scope}职业教育规模稳步扩大，办学条件持续改善，服务产业发展能力显著增强。",
            "第二章 总体要求",
            "一、指导思想",
            "坚持服务发展、促进就业的办学方向，深化产教融合、校企合作，加快建设现代职业教育体系。",
            *self._fixed_area([2, 2], "二、", "发展目标", f"到{self.year + 4}年，职业教育适应性显著增强，现代职业教育体系基本建成。"),
            "第三章 主要任务",
        ]
        paras += self._parts(lambda k: f"（{_cn(k)}）", chapter=3)
        paras += self._fixed_area([4], "第四章 ", "保障措施", "加强组织领导，完善经费投入机制，营造良好发展环境。")
        return paras

    def body(self) -> list[str]:
        if self.layout == "numbered":
            return self._numbered()
        if self.layout == "parts-items":
            return self._parts(lambda k: f"（{_cn(k)}）")
        if self.layout == "parts-numbered":
            return self._parts(lambda k: f"{k}.")
        if self.layout == "chapters":
            return self._chapters()
        return self._flat_parts()

    # -- the notice

    def render(self) -> tuple[str, dict]:
        rng, r = self.rng, self.region
        plan_title = self._plan_title()
        lines: list[str] = []
        number = notice_title = date = None
        issuers: list[str] = []
        if self.header:
            issuers = [r.co_issuer, r.issuer] if r.co_issuer else [r.issuer]
            number = f"{r.abbr}教{rng.choice(_NUMBER_KINDS)}〔{self.year}〕{self.index + 1}号"
            notice_title = f"关于印发《{plan_title}》的通知" if rng.random() < 0.5 else f"关于印发{plan_title}的通知"
            month, day = rng.randint(1, 6), rng.randint(1, 28)
            date = f"{self.year}-{month:02d}-{day:02d}"
            head = " ".join(issuers)
            lines += [head + ("文件" if len(issuers) == 1 and rng.random() < 0.3 else ""), number]
            cuts = [c for c in range(6, len(notice_title) - 2) if not _TITLE_END.search(notice_title[:c])]
            if rng.random() < 0.4 and cuts:
                # the title over two lines, cut where the first line cannot pass for a whole title
                cut = rng.choice(cuts)
                lines.append(notice_title[:cut] + "\n" + notice_title[cut:])
            else:
                lines.append(notice_title)
            lines.append(rng.choice(["各区教育局，各职业院校：", "各市教育局，各有关高等学校，各职业学校：", "各职业学校，各有关单位："]))
            lines.append(f"现将《{plan_title}》印发给你们，请结合实际认真贯彻落实。")
            if rng.random() < 0.5:
                lines.append(r.issuer)
            if rng.random() < 0.2:
                lines.append(f"{_cn_digits(self.year)}年{_cn(month)}月{_cn_day(day)}日")
            else:
                lines.append(f"{self.year}年{month}月{day}日".translate(_FULLWIDTH if self.w.fullwidth else {}))
        lines.append(plan_title)
        lines += self.body()
        text = "\n\n".join(lines) + "\n"
        truth = self._truth(plan_title, notice_title, number, date, issuers)
        return text, truth

    def _truth(self, plan_title, notice_title, number, date, issuers) -> dict:
        institutions: dict[str, dict] = {}
        areas = []
        for area in self.areas:
            key = ".".join(map(str, area.path))
            names: dict[str, str] = {}
            for m in area.measures:
                names.update(m.institutions)
            for name, cls in names.items():
                institutions.setdefault(name, {"class": cls, "areas": []})["areas"].append(key)
            areas.append(
                {
                    "path": key,
                    "marker": area.marker,
                    "title": area.title,
                    "heading_alone": area.heading_alone,
                    "measures": len(area.measures),
                    "institutions": sorted(names),
                    "targets": [
                        {"value": t["value"], "unit": t["unit"], "approximate": t.get("approximate", False),
                         "comparator": t.get("comparator", "approximately" if t.get("approximate") else "exactly")}
                        for m in area.measures for t in m.targets
                    ],
                    "ordinals": [o for m in area.measures for o in m.ordinals],
                }
            )
        return {
            "layout": self.layout,
            "title": notice_title or plan_title,
            "notice_title": notice_title,
            "plan_title": plan_title,
            "document_number": number,
            "date": date,
            "issuers": issuers,
            "requirements": self.requirements,
            "work_areas": len(areas),
            "areas": areas,
            "institutions": institutions,
        }


def _han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def generate(index: int, seed: int, layouts: dict[str, int] = LAYOUTS, notice_rate: float = 0.8) -> tuple[bytes, dict]:
    """Document ``index`` of the corpus of ``seed``: its bytes and its ground truth."""
    doc = Document(index, seed, layouts, notice_rate)
    text, truth = doc.render()
    if doc.rng.random() < 0.1:
        text = text.replace("\n", "\r\n")
    encoding = "gbk" if doc.rng.random() < 0.2 else "utf-8"
    truth["encoding"] = encoding
    return text.encode(encoding), truth


def write_corpus(
    n: int, outdir: Path, seed: int = 0, layouts: dict[str, int] = LAYOUTS, notice_rate: float = 0.8
) -> list[Path]:
    """Write documents 0 … n-1 of the corpus of ``seed`` (and their sidecars) into ``outdir``."""
    outdir.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        data, truth = generate(i, seed, layouts, notice_rate)
        path = outdir / f"doc-{i + 1:05d}.txt"
        path.write_bytes(data)
        truth["file"] = path.name
        path.with_suffix(".json").write_text(json.dumps(truth, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of documents")
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--layouts", default=",".join(LAYOUTS), help=f"comma-separated subset of: {', '.join(LAYOUTS)}"
    )
    parser.add_argument("--notice-rate", type=float, default=0.8, help="share of documents with a notice header")
    args = parser.parse_args()
    chosen = args.layouts.split(",")
    if unknown := set(chosen) - set(LAYOUTS):
        parser.error(f"unknown layouts: {', '.join(sorted(unknown))}")
    start = time.perf_counter()
    paths = write_corpus(args.n, args.outdir, args.seed, {k: LAYOUTS[k] for k in chosen}, args.notice_rate)
    size = sum(p.stat().st_size for p in paths)
    print(f"{len(paths)} documents, {size / max(1, len(paths)) / 1024:.1f} KB each on average, "
          f"in {time.perf_counter() - start:.1f} s → {args.outdir}")


if __name__ == "__main__":
    main()
