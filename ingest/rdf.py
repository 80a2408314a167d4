"""A parsed document, with what its sentences name, as an RDF graph (see ontology/README.md).

The builder writes plain triples (triples.py): IRIs as ``str``, literals as ``Lit``, in the
lexical forms rdflib gives the same values, so the rdflib graph made from them is the one the
builder used to fill directly.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, cached_property

from rdflib import RDF, RDFS, SKOS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, SDO

from vetkg.ontology.namespace import OA, VET

from .entities import (
    RELATIVE_BODY,
    Extraction,
    Mention,
    extract,
    find_places,
    heading_programme,
    programme_kind,
)
from .gazetteer import gazetteer, short_form
from .iris import Minter, document_key, slug
from .lexicon import lexicon, programme_label, tokens
from .places import needs_boundary, place_occurrences
from .structure import Attachment, Document, Row, Section, split_sentences
from .targets import Target, table_targets
from .text import HAN, MappedText
from .triples import Lit, Triple, ntriples, to_graph

# the terms the builder writes, as plain strings
_TYPE, _LABEL, _PREF_LABEL, _IN_SCHEME = str(RDF.type), str(RDFS.label), str(SKOS.prefLabel), str(SKOS.inScheme)
_ALT_LABEL, _NOTATION = str(SKOS.altLabel), str(SKOS.notation)
_TITLE, _ISSUED, _DERIVED_FROM = str(DCTERMS.title), str(DCTERMS.issued), str(PROV.wasDerivedFrom)
_VALUE, _UNIT_TEXT = str(SDO.value), str(SDO.unitText)
_SPECIFIC_RESOURCE, _HAS_SOURCE, _HAS_SELECTOR = str(OA.SpecificResource), str(OA.hasSource), str(OA.hasSelector)
_POSITION_SELECTOR, _START, _END = str(OA.TextPositionSelector), str(OA.start), str(OA.end)
_QUOTE_SELECTOR, _EXACT, _PREFIX, _SUFFIX = str(OA.TextQuoteSelector), str(OA.exact), str(OA.prefix), str(OA.suffix)
_ANNOTATION, _HAS_BODY, _HAS_TARGET = str(OA.Annotation), str(OA.hasBody), str(OA.hasTarget)
_INTEGER, _DECIMAL, _BOOLEAN = str(XSD.integer), str(XSD.decimal), str(XSD.boolean)
_DATE, _GYEAR = str(XSD.date), str(XSD.gYear)


@cache
def _vet(name: str) -> str:
    # VET is a closed namespace: an unknown name raises here rather than minting a wrong IRI
    return str(VET[name])


_ENTITY_PATH = {
    "org": "org",
    "place": "place",
    "industry": "industry",
    "programme": "programme",
    "platform": "platform",
    "law": "law",
    "event": "event",
    "publication": "publication",
}
# the header of a table column that lists projects by name
_PROJECT_COLUMN = re.compile("(?:项目|工程|计划|行动)(?:名称)?")
_RECOGNISER = {"rule": "recogniserRules", "gazetteer": "recogniserGazetteer", "lexicon": "recogniserLexicon", "lac": "recogniserLAC"}
# the ranks that are units of a long 规划 in their own right, besides being parts or work areas
_RANK_CLASSES = {"chapter": "Chapter", "section": "Section"}
_GOAL_VERBS = re.compile(r"^(提升|深化|促进|推进|加快|构建|建设|打造|推动|完善|健全|增强|提高|实现|培养|发展|优化|强化)")
_QUOTE_CONTEXT = 16


def zh(text: str) -> Lit:
    return Lit(text, "zh")


def _plain(text: str) -> Lit:
    return Lit(text)


def _integer(value: int) -> Lit:
    return Lit(str(int(value)), None, _INTEGER)


def _boolean(value: bool) -> Lit:
    return Lit("true" if value else "false", None, _BOOLEAN)


def _decimal(value: float) -> Lit:
    # rdflib's own lexical form of a float as xsd:decimal (2.5, 12.0): rare enough to ask it
    return Lit(str(Literal(value, datatype=XSD.decimal)), None, _DECIMAL)


def _joined(parts: Sequence[MappedText | None]) -> MappedText | None:
    present = [p for p in parts if p is not None and p.text]
    if not present:
        return None
    return MappedText("".join(p.text for p in present), tuple(o for p in present for o in p.offsets))


class GraphBuilder:
    def __init__(self, doc: Document, base: str) -> None:
        self.doc = doc
        self.raw = doc.source.text
        self.mint = Minter(base, document_key(doc.number.text if doc.number else None, self.raw))
        self.notice = self.mint.notice
        # a dict as an ordered set: the graph is a set of triples, and a builder says some twice
        self.triples: dict[Triple, None] = {}
        self._spans: set[str] = set()
        self.plan_titles = {t.text for t in (doc.plan_title,) if t is not None}
        # the divisions the document is about, to tell apart divisions that share a name (鼓楼区)
        self.region_codes = _region_codes(doc)
        # involvements are numbered per unit across all its sentences, so that two sentences of
        # one unit never mint the same involvement
        self._involvements: dict[str, int] = {}
        self._units: set[str] = set()

    def add(self, s: str, p: str, o: str | Lit) -> None:
        self.triples[(s, p, o)] = None

    # ------------------------------------------------------------ provenance

    def span(self, start: int, end: int) -> str:
        """The Web Annotation target for original characters [start, end)."""
        iri = self.mint.span(start, end)
        if iri in self._spans:
            return iri
        self._spans.add(iri)
        add, raw = self.add, self.raw
        pos, quote = f"{iri}#position", f"{iri}#quote"
        # xsd:integer, not the nonNegativeInteger of Web Annotation: Oxigraph stores the
        # subtype as xsd:integer, and the graph must read the same before and after the store
        add(iri, _TYPE, _SPECIFIC_RESOURCE)
        add(iri, _HAS_SOURCE, self.notice)
        add(iri, _HAS_SELECTOR, pos)
        add(iri, _HAS_SELECTOR, quote)
        add(pos, _TYPE, _POSITION_SELECTOR)
        add(pos, _START, _integer(start))
        add(pos, _END, _integer(end))
        add(quote, _TYPE, _QUOTE_SELECTOR)
        add(quote, _EXACT, Lit(raw[start:end]))
        add(quote, _PREFIX, Lit(raw[max(0, start - _QUOTE_CONTEXT) : start]))
        add(quote, _SUFFIX, Lit(raw[end : end + _QUOTE_CONTEXT]))
        return iri

    def span_of(self, text: MappedText) -> str:
        return self.span(*text.span(0, len(text)))

    # ------------------------------------------------------------ entities

    def division(self, code: str) -> str:
        """The IRI of a division of the gazetteer, with its full name as label, its short form as
        alternative label (the same whichever the text used: an entity's description is one for
        every document), and the division it lies in."""
        add, gaz = self.add, gazetteer()
        d = gaz.division(code)
        iri = self.mint.division(code)
        add(iri, _TYPE, _vet("AdministrativeArea"))
        add(iri, _LABEL, zh(d.name))
        add(iri, _PREF_LABEL, zh(d.name))
        add(iri, _NOTATION, _plain(code))
        short = short_form(d)
        if short is not None:
            add(iri, _ALT_LABEL, zh(short))
        if d.parent is not None:
            add(iri, _vet("locatedIn"), self.division(d.parent))
        return iri

    def event_scope(self, name: str) -> str | None:
        """The division an event named by a region's own word (全市, 全省, 全区, 全县) belongs to:
        the document's own region of that level."""
        m = _REGION_WORD.match(name)
        if m is None:
            return None
        gaz = gazetteer()
        for code in self.region_codes:  # smallest first
            if _fits(m.group(1), gaz.division(code)):
                return code
        return None

    def full_name(self, name: str) -> str | None:
        """The full name of a body named relative to the document's region (省教育厅 → 广东省教育厅,
        市委 → 成都市委), or None."""
        if not RELATIVE_BODY.fullmatch(name):
            return None
        gaz = gazetteer()
        for code in self.region_codes:  # smallest first
            d = gaz.division(code)
            if _fits(name[0], d):
                rest = "人民政府" if name[1:] == "政府" else name[1:]  # 省政府 is 省人民政府
                return d.name + rest if d.name.endswith(name[0]) else None
        return None

    def home(self, name: str) -> str | None:
        """The division an organisation's name begins with (长沙民政职业技术学院: 长沙市), the
        smallest of several (天津市滨海新区教育体育局: 滨海新区)."""
        code = None
        pos = 0
        while True:
            starts = [(b, p) for p, a, b in place_occurrences(name) if a == pos and p.codes]
            if not starts:
                return code
            end, place = max(starts, key=lambda x: x[0])
            found = gazetteer().resolve(place.name, ((code,) if code else ()) + self.region_codes)
            if found is None:
                return code
            code, pos = found, end

    def place_code(self, m: Mention) -> str | None:
        if not m.codes:
            return None
        return gazetteer().resolve(m.name, self.region_codes) if len(m.codes) > 1 else m.codes[0]

    def entity(self, m: Mention) -> str:
        add = self.add
        if m.kind == "place":
            code = self.place_code(m)
            if code is not None:
                return self.division(code)
        label = m.name.strip("“”") if m.name.count("“") == 1 and m.name.startswith("“") and m.name.endswith("”") else m.name
        if m.kind == "programme":
            label = programme_label(label)
            iri = self.mint.entity("programme", label)
        elif m.kind == "place" and not m.codes:
            # one region, one IRI, whichever of its names the text uses (成渝, 成渝地区双城经济圈)
            labels = lexicon().place_labels
            label = labels.get(m.name, m.name)
            iri = self.mint.entity(_ENTITY_PATH[m.kind], label)
            for other in sorted(n for n, to in labels.items() if to == label):
                add(iri, _ALT_LABEL, zh(other))
        elif m.kind == "event" and (scope := self.event_scope(m.name)) is not None:
            # 全市教育大会 of Tianjin is not that of Ningbo: the IRI carries the region's code
            iri = self.mint.entity("event", f"{scope}-{m.name}")
            add(iri, _vet("locatedIn"), self.division(scope))
        elif m.kind == "org" and (full := self.full_name(m.name)) is not None:
            # 省教育厅 of a Guangdong plan is 广东省教育厅: one IRI, the text's form as altLabel
            label = full
            iri = self.mint.entity(_ENTITY_PATH[m.kind], full)
            add(iri, _ALT_LABEL, zh(m.name))
        else:
            iri = self.mint.entity(_ENTITY_PATH[m.kind], m.name)
        add(iri, _LABEL, zh(label))
        add(iri, _PREF_LABEL, zh(label))
        if m.kind == "programme":
            add(iri, _TYPE, _vet("Programme"))
            add(iri, _vet("programmeKind"), _vet(m.cls))
            for alias in (*lexicon().programme_names.get(label, ()), *m.aliases):
                add(iri, _ALT_LABEL, zh(alias))
        elif m.kind == "industry":
            add(iri, _TYPE, _vet("Industry"))
            add(iri, _IN_SCHEME, _vet("IndustryScheme"))
        else:
            add(iri, _TYPE, _vet(m.cls))
        if m.kind == "org" and (code := self.home(m.name)) is not None:
            add(iri, _vet("locatedIn"), self.division(code))
        if m.publisher:
            publisher = self.entity(Mention("org", m.publisher, 0, 0, _org_cls(m.publisher)))
            add(iri, _vet("publishedBy"), publisher)
        return iri

    def mention(self, m: Mention, sentence: MappedText, found_in: str) -> str:
        add = self.add
        start, end = sentence.span(m.start, m.end)
        iri = self.mint.doc(f"mention/{start}-{end}")
        entity = self.entity(m)
        span = self.span(start, end)
        add(iri, _TYPE, _vet("Mention"))
        add(iri, _TYPE, _ANNOTATION)
        add(iri, _HAS_BODY, entity)
        add(iri, _HAS_TARGET, span)
        add(iri, _vet("textSpan"), span)
        add(iri, _vet("foundIn"), found_in)
        for source in m.sources:
            add(iri, _vet("foundBy"), _vet(_RECOGNISER[source]))
        add(found_in, _vet("mentions"), entity)
        return entity

    def target(self, t: Target, sentence: MappedText, found_in: str) -> str:
        """A target the unit sets, or a baseline it reports (t.kind == "baseline")."""
        add = self.add
        start, end = sentence.span(t.start, t.end)
        baseline = t.kind == "baseline"
        iri = self.mint.doc(f"{'baseline' if baseline else 'target'}/{start}-{end}")
        add(iri, _vet("textSpan"), self.span(start, end))
        add(iri, _vet("foundIn"), found_in)
        add(found_in, _vet("statesBaseline" if baseline else "setsTarget"), iri)
        if t.counted:
            add(iri, _vet("countedThing"), zh(t.counted))
        if t.action:
            add(iri, _vet("targetAction"), zh(t.action))
        if t.kind in {"quantified", "baseline"}:
            add(iri, _TYPE, _vet("Baseline" if baseline else "QuantifiedTarget"))
            add(iri, _VALUE, _decimal(t.value) if isinstance(t.value, float) else _integer(t.value))
            add(iri, _UNIT_TEXT, _plain(t.unit))
            add(iri, _vet("approximate"), _boolean(t.approximate))
            add(iri, _vet("comparator"), _plain(t.comparator))
            if t.value_kind:
                add(iri, _vet("valueKind"), _plain(t.value_kind))
            if t.year is not None:
                add(iri, _vet("year"), Lit(str(t.year), None, _GYEAR))
            add(iri, _LABEL, zh(f"{t.action}{t.counted} {t.value} {t.unit}".strip()))
        else:
            add(iri, _TYPE, _vet("OrdinalTarget"))
            add(iri, _vet("ordinalNumber"), _integer(int(t.value)))
            add(iri, _vet("ordinalUnit"), _plain(t.unit))
            if t.concerns is not None:
                add(iri, _vet("concerns"), self.entity(t.concerns))
            if t.place is not None:
                add(iri, _vet("locatedIn"), self.entity(t.place))
            prefix = t.place.name if t.place else ""
            add(iri, _LABEL, zh(f"{prefix}第{t.value}{t.unit}{t.counted}"))
        return iri

    def table_targets(self, rows: list[tuple[str, MappedText]]) -> None:
        """Targets and baselines of an indicator table, read column by column: ``rows`` are
        (the IRI of the row's unit, the row's text with its cells separated by tabs)."""
        for (unit, text), found in zip(rows, table_targets([t.text for _, t in rows]), strict=False):
            for t in found:
                self.target(t, text, unit)

    # ------------------------------------------------------------ text units

    def annotate(
        self, unit: str, sentence: MappedText, targets: bool = True, orgs_only: bool = False, mentions: bool = True
    ) -> Extraction:
        """Mentions (unless ``mentions`` is false), involvements and (unless ``targets`` is false)
        targets of one sentence, attached to ``unit``; with ``orgs_only``, the organisations it
        names and nothing else."""
        add = self.add
        ex = extract(sentence.text, self.plan_titles)
        for m in ex.mentions:
            if not mentions or (orgs_only and m.kind != "org"):
                continue
            entity = self.mention(m, sentence, unit)
            if m.kind == "org":
                k = self._involvements[unit] = self._involvements.get(unit, 0) + 1
                inv = f"{unit}/involvement/{k}"
                add(unit, _vet("involves"), entity)
                add(unit, _vet("hasInvolvement"), inv)
                add(inv, _TYPE, _vet("Involvement"))
                add(inv, _vet("agent"), entity)
                add(inv, _vet("role"), _vet(m.role or "roleImplement"))
            elif m.kind == "industry":
                add(unit, _vet("targetsIndustry"), entity)
            elif m.kind == "law":
                add(unit, _vet("citesLaw"), entity)
        if targets:
            for t in ex.targets:
                self.target(t, sentence, unit)
        return ex

    def measure(self, iri: str, parent: str, ordinal: int, sentence: MappedText) -> None:
        add = self.add
        add(iri, _TYPE, _vet("Measure"))
        add(iri, _vet("partOf"), parent)
        add(iri, _vet("ordinal"), _integer(ordinal))
        add(iri, _vet("text"), zh(sentence.text))
        add(iri, _LABEL, zh(_short(sentence.text)))
        add(iri, _vet("textSpan"), self.span_of(sentence))
        add(iri, _DERIVED_FROM, self.notice)
        for verb in self.annotate(iri, sentence).verbs:
            add(iri, _vet("actionVerb"), zh(verb))

    def requirements(self, iri: str, paragraphs: list[MappedText], own_text: bool = True) -> None:
        """General requirements: an unnumbered paragraph, or a part headed 指导思想 / 总体要求,
        which already carries its text as a part (``own_text=False``)."""
        add = self.add
        add(iri, _TYPE, _vet("GeneralRequirements"))
        text = _joined(paragraphs)
        if text is None:
            return
        if own_text:
            add(iri, _vet("text"), zh(text.text))
            add(iri, _vet("textSpan"), self.span_of(text))
        for para in paragraphs:
            for sentence in split_sentences(para):
                self.annotate(iri, sentence)
                body = sentence.text.split("：", 1)[-1]
                for clause in re.split("[，；。]", body):
                    if _GOAL_VERBS.match(clause) and len(clause) >= 4:
                        add(iri, _vet("goal"), zh(clause))

    def unit(self, path: str) -> str:
        """The IRI of the unit at ``path``: segments are unique among siblings (structure.py),
        so a second unit at one path is a bug of the parser, never of the document."""
        iri = self.mint.doc(path)
        if iri in self._units:
            raise AssertionError(f"two units at {iri}")
        self._units.add(iri)
        return iri

    def section(self, sec: Section, parent: str, path: str) -> None:
        add = self.add
        iri = self.unit(path)
        if sec.is_box:
            self.box(sec, iri, parent, path)
            return
        if sec.is_part:
            add(iri, _TYPE, _vet("Part"))
        if sec.is_area:
            add(iri, _TYPE, _vet("WorkArea"))
        if sec.kind in _RANK_CLASSES:
            add(iri, _TYPE, _vet(_RANK_CLASSES[sec.kind]))
        add(iri, _vet("partOf"), parent)
        add(iri, _vet("ordinal"), _integer(sec.number))
        if sec.marker:
            add(iri, _vet("marker"), _plain(sec.marker))
        if sec.heading is not None:
            add(iri, _TITLE, zh(sec.heading.text))
            add(iri, _LABEL, zh(f"{sec.marker}{sec.heading.text}"))
        else:
            add(iri, _LABEL, zh(sec.marker))
        whole = _joined([sec.heading, *sec.body])
        if whole is not None:
            add(iri, _vet("text"), zh(whole.text))
            add(iri, _vet("textSpan"), self.span_of(whole))
        if sec.heading is not None:
            self.heading(iri, sec.heading)
        if sec.is_requirements:
            self.requirements(iri, sec.body, own_text=False)
        elif sec.is_background:
            for sentence in sec.sentences():  # its names and baselines, as no measure
                self.annotate(iri, sentence)
        else:
            for k, sentence in enumerate(sec.sentences(), start=1):
                self.measure(self.mint.doc(f"{path}/measure/{k}"), iri, k, sentence)
        for note in sec.notes:  # （牵头单位：…）: the bodies named act in the unit, as no measure
            self.annotate(iri, note)
        self.table(iri, path, sec.rows)
        for child in sec.children:
            self.section(child, iri, f"{path}/{child.segment}")

    def heading(self, unit: str, heading: MappedText) -> None:
        """A heading names what its unit is about (深化东北地区职业教育协作), and may be the name
        of a programme itself (（一）专业布局优化行动)."""
        self.annotate(unit, heading, targets=False)
        named = heading_programme(heading.text)
        if named is not None:
            self.mention(named, heading, unit)

    def box(self, sec: Section, iri: str, parent: str, path: str) -> None:
        """A 专栏: its items are its measures, one an item, numbered in the box."""
        add = self.add
        add(iri, _TYPE, _vet("Box"))
        add(iri, _vet("partOf"), parent)
        add(iri, _vet("ordinal"), _integer(sec.number))
        add(iri, _vet("marker"), _plain(sec.marker))
        # the box's title is how the plan names it: 专栏1 职业教育提质培优重点工程
        label = f"{sec.marker} {sec.heading.text}" if sec.heading is not None else sec.marker
        add(iri, _TITLE, zh(label))
        add(iri, _LABEL, zh(label))
        if sec.heading is not None:
            self.heading(iri, sec.heading)
        whole = _joined([sec.heading, *sec.body])
        if whole is not None:
            add(iri, _vet("text"), zh(whole.text))
            add(iri, _vet("textSpan"), self.span_of(whole))
        for k, item in enumerate(sec.body, start=1):
            measure = self.mint.doc(f"{path}/measure/{k}")
            self.measure(measure, iri, k, item)
            # an item titled by its project (3.技能人才培训项目。每年…): the title names it
            title = re.match(r"^(?:\d{1,2}[.．、]\s*)?([^。；，]{4,24})。", item.text)
            named = heading_programme(title.group(1)) if title else None
            if title is not None and named is not None:
                self.mention(named, item[title.start(1) : title.end(1)], measure)
        self.table(iri, path, sec.rows)

    def table(self, parent: str, path: str, rows: list[Row]) -> None:
        """Rows of a table turned to text, read row by row (never glued across columns). The
        numbers of an indicator table (a header of years or 目标 columns) are read column by
        column; those of any other table, sentence by sentence."""
        add = self.add
        indicator = any(table_targets([row.text.text for row in rows]))
        # a column headed 项目名称 (工程名称, 计划名称) lists projects: each of its cells names one
        named_column = next((i for i, c in enumerate(rows[0].cells) if _PROJECT_COLUMN.fullmatch(c.text.strip())), None) if rows else None
        units = []
        for k, row in enumerate(rows, start=1):
            iri = self.unit(f"{path}/row/{k}" if path else f"row/{k}")
            add(iri, _TYPE, _vet("TableRow"))
            add(iri, _vet("partOf"), parent)
            add(iri, _vet("ordinal"), _integer(k))
            add(iri, _vet("text"), zh(row.text.text))
            add(iri, _LABEL, zh(_short(" | ".join(c.text for c in row.cells))))
            add(iri, _vet("textSpan"), self.span_of(row.text))
            # a name never runs across cells (…共同体 | 义乌工商职业技术学院): each is read alone
            for cell in row.cells:
                self.annotate(iri, cell, targets=False)
            if named_column is not None and k > 1 and named_column < len(row.cells):
                cell = row.cells[named_column]
                name = cell.text.strip()
                if re.search(f"[{HAN}]{{4}}", name):
                    self.mention(Mention("programme", name, 0, len(cell.text), programme_kind(name)), cell, iri)
            if not indicator:
                self.annotate(iri, row.text, mentions=False)
            units.append((iri, row.text))
        if indicator:
            self.table_targets(units)

    def attachment(self, att: Attachment) -> None:
        add = self.add
        iri = self.unit(att.segment)
        add(iri, _TYPE, _vet("Attachment"))
        add(iri, _vet("partOf"), self.notice)
        add(iri, _vet("ordinal"), _integer(att.number))
        label = f"附件{att.number}"
        if att.title is not None:
            add(iri, _TITLE, zh(att.title.text))
            label = f"{label} {att.title.text}"
        add(iri, _LABEL, zh(label))
        whole = _joined([att.title, *att.body])
        if whole is not None:
            add(iri, _vet("text"), zh(whole.text))
            add(iri, _vet("textSpan"), self.span_of(whole))
        sentences = [s for para in att.body for s in split_sentences(para)]
        for k, sentence in enumerate(sentences, start=1):
            self.measure(self.mint.doc(f"{att.segment}/measure/{k}"), iri, k, sentence)
        self.table(iri, att.segment, att.rows)
        for child in att.sections:
            self.section(child, iri, f"{att.segment}/{child.segment}")

    # ------------------------------------------------------------ the document

    def build(self) -> dict[Triple, None]:
        add, doc, notice = self.add, self.doc, self.notice
        add(notice, _TYPE, _vet("Notice"))
        title = doc.notice_title or doc.plan_title
        assert title is not None  # structure.parse refuses a text with neither
        add(notice, _TITLE, zh(title.text))
        add(notice, _LABEL, zh(title.text))
        add(notice, _vet("sourceText"), _plain(self.raw))
        add(notice, _vet("contentDigest"), _plain(self.digest))
        if doc.number is not None:
            add(notice, _vet("documentNumber"), _plain(doc.number.text))
            add(notice, _vet("textSpan"), self.span_of(doc.number))
        if doc.date is not None:
            add(notice, _ISSUED, Lit(doc.date.isoformat(), None, _DATE))
        for issuer in doc.issuers or self.title_issuer():
            m = Mention("org", issuer.text, 0, len(issuer), _org_cls(issuer.text))
            add(notice, _vet("issuedBy"), self.mention(m, issuer, notice))
        # the bodies an addressee or 抄送 line names (新疆生产建设兵团教育局, 财政部办公厅) are
        # organisations of the text, beside the group the line is
        for addressee in doc.addressees:
            add(notice, _vet("addressedTo"), self.addressee(addressee))
            self.annotate(notice, addressee, targets=False, orgs_only=True)
        for copy in doc.copies:
            add(notice, _vet("copiedTo"), self.addressee(copy))
            self.annotate(notice, copy, targets=False, orgs_only=True)
        for line in doc.named_lines:
            self.annotate(notice, line, targets=False, orgs_only=True)
        for para in doc.notice_body:
            for sentence in split_sentences(para):
                self.annotate(notice, sentence)

        plan = self.mint.doc("plan")
        add(notice, _vet("issues"), plan)
        add(plan, _TYPE, _vet("WorkPlan"))
        plan_title = (doc.plan_title or title).text
        add(plan, _TITLE, zh(plan_title))
        add(plan, _LABEL, zh(plan_title))
        year = re.search(r"(?:19|20)\d{2}", plan_title) or (doc.date and re.search(r"\d{4}", doc.date.isoformat()))
        if year:
            add(plan, _vet("year"), Lit(year.group(0), None, _GYEAR))
        if doc.plan_title is not None:
            add(plan, _vet("textSpan"), self.span_of(doc.plan_title))
            # the place the plan is for, even when the title is also read as a programme's name
            # (江苏省职业教育…行动计划) that would swallow it
            # …but not one inside the name of the body the title begins with (九江职业技术学院
            # 2025年工作要点 is the college's plan, not Jiujiang's)
            orgs = [m for m in extract(plan_title).mentions if m.kind == "org"]
            places = [p for p in find_places(plan_title, tokens(plan_title))
                      if not any(o.start <= p.start and p.end <= o.end for o in orgs)]
            region = min(places, key=lambda m: (m.start, m.start - m.end), default=None)
            if region is not None:
                add(plan, _vet("locatedIn"), self.entity(region))
        if doc.requirements:
            requirements = self.mint.doc("requirements")
            self.requirements(requirements, doc.requirements)
            add(requirements, _vet("partOf"), plan)
            add(requirements, _LABEL, zh("总体要求"))
        for sec in doc.sections:
            self.section(sec, plan, sec.segment)
        self.table(plan, "", doc.rows)
        for att in doc.attachments:
            self.attachment(att)
        return self.triples

    def title_issuer(self) -> list[MappedText]:
        """A plan with no issuer line nor signature is issued by the body its title begins with
        (深圳职业技术大学2025年工作要点: a college's own plan)."""
        title = self.doc.plan_title
        if title is None:
            return []
        orgs = [m for m in extract(title.text).mentions if m.kind == "org" and m.start == 0]
        return [title[0 : orgs[0].end]] if orgs else []

    def addressee(self, name: MappedText) -> str:
        iri = self.mint.entity("addressee", name.text)
        self.add(iri, _TYPE, _vet("AddresseeGroup"))
        self.add(iri, _LABEL, zh(name.text))
        return iri

    @cached_property
    def digest(self) -> str:
        """The ``vet:contentDigest`` of the notice: SHA-256 of the decoded text."""
        return hashlib.sha256(self.raw.encode("utf-8")).hexdigest()


_REGION_WORD = re.compile("^全(省|市|区|县|州)")
_MUNICIPALITIES = ("11", "12", "31", "50")


def _fits(word: str, d) -> bool:
    """Whether 全市 (全省 …) can mean division ``d``: a city is a prefecture or a municipality,
    a 区 a district or an autonomous region, a 州 an autonomous prefecture."""
    if word == "市":
        return (d.level == "city" and d.name.endswith("市")) or (d.level == "province" and d.code[:2] in _MUNICIPALITIES)
    if word == "省":
        return d.level == "province" and d.name.endswith("省")
    if word == "区":
        return (d.level == "county" and d.name.endswith("区")) or (d.level == "province" and d.name.endswith("自治区"))
    if word == "州":
        return d.level == "city" and d.name.endswith("州")
    return d.level == "county" and d.name.endswith("县")


def _region_codes(doc: Document) -> tuple[str, ...]:
    """The codes of the divisions named in the plan's title and by its issuers, the smallest
    first (天津市滨海新区教育体育局: 滨海新区, then 天津市)."""
    gaz = gazetteer()
    codes: set[str] = set()
    texts = [t.text for t in (doc.plan_title, doc.notice_title) if t is not None] + [i.text for i in doc.issuers]
    for text in texts:
        for place, _, _ in place_occurrences(text):
            if len(place.codes) == 1 and not needs_boundary(place):
                codes.update((place.codes[0], *gaz.ancestors(place.codes[0])))
    rank = {"county": 0, "city": 1, "province": 2}
    return tuple(sorted(codes, key=lambda c: (rank[gaz.division(c).level], c)))


def _org_cls(name: str) -> str:
    from .entities import org_class

    return org_class(name)


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class DocumentTriples:
    """The graph of one document as plain triples (see triples.py)."""

    graph_iri: URIRef
    notice: URIRef
    digest: str  # the notice's vet:contentDigest
    triples: list[Triple]
    warnings: tuple[str, ...] = ()  # what the parser could not structure (kept as text)

    def ntriples(self) -> str:
        return ntriples(self.triples)

    def graph(self) -> Graph:
        return to_graph(self.triples)


def build_triples(doc: Document, base: str) -> DocumentTriples:
    builder = GraphBuilder(doc, base)
    triples = list(builder.build())
    return DocumentTriples(
        URIRef(builder.mint.graph), URIRef(builder.mint.notice), builder.digest, triples, tuple(doc.warnings)
    )


__all__ = ["DocumentTriples", "build_triples", "slug"]
