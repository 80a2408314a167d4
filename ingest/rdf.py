"""A parsed document, with what its sentences name, as an RDF graph (see ontology/README.md)."""
from __future__ import annotations

import hashlib
import re

from rdflib import RDF, RDFS, SKOS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, SDO

from vetkg.ontology.namespace import OA, VET

from .entities import Extraction, Mention, Target, extract
from .iris import Minter, document_key, slug
from .structure import Document, Section, split_sentences
from .text import MappedText

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
_GOAL_VERBS = re.compile(r"^(提升|深化|促进|推进|加快|构建|建设|打造|推动|完善|健全|增强|提高|实现|培养|发展|优化|强化)")
_QUOTE_CONTEXT = 16


def zh(text: str) -> Literal:
    return Literal(text, lang="zh")


def _joined(parts: list[MappedText]) -> MappedText | None:
    parts = [p for p in parts if p is not None and p.text]
    if not parts:
        return None
    return MappedText("".join(p.text for p in parts), tuple(o for p in parts for o in p.offsets))


class GraphBuilder:
    def __init__(self, doc: Document, base: str) -> None:
        self.doc = doc
        self.raw = doc.source.text
        self.mint = Minter(base, document_key(doc.number.text if doc.number else None, self.raw))
        self.g = Graph()
        for prefix, ns in (("vet", VET), ("oa", OA), ("schema", SDO), ("dcterms", DCTERMS), ("prov", PROV), ("skos", SKOS)):
            self.g.bind(prefix, ns)
        self.plan_titles = {t.text for t in (doc.plan_title,) if t is not None}

    # ------------------------------------------------------------ provenance

    def span(self, start: int, end: int) -> URIRef:
        """The Web Annotation target for original characters [start, end)."""
        g, iri = self.g, self.mint.span(start, end)
        if (iri, RDF.type, OA.SpecificResource) in g:
            return iri
        pos, quote = URIRef(f"{iri}#position"), URIRef(f"{iri}#quote")
        # xsd:integer, not the nonNegativeInteger of Web Annotation: Oxigraph stores the
        # subtype as xsd:integer, and the graph must read the same before and after the store
        g.add((iri, RDF.type, OA.SpecificResource))
        g.add((iri, OA.hasSource, self.mint.notice))
        g.add((iri, OA.hasSelector, pos))
        g.add((iri, OA.hasSelector, quote))
        g.add((pos, RDF.type, OA.TextPositionSelector))
        g.add((pos, OA.start, Literal(start, datatype=XSD.integer)))
        g.add((pos, OA.end, Literal(end, datatype=XSD.integer)))
        g.add((quote, RDF.type, OA.TextQuoteSelector))
        g.add((quote, OA.exact, Literal(self.raw[start:end])))
        g.add((quote, OA.prefix, Literal(self.raw[max(0, start - _QUOTE_CONTEXT) : start])))
        g.add((quote, OA.suffix, Literal(self.raw[end : end + _QUOTE_CONTEXT])))
        return iri

    def span_of(self, text: MappedText) -> URIRef:
        return self.span(*text.span(0, len(text)))

    # ------------------------------------------------------------ entities

    def entity(self, m: Mention) -> URIRef:
        g = self.g
        iri = self.mint.entity(_ENTITY_PATH[m.kind], m.name)
        label = m.name.strip("“”") if m.name.count("“") == 1 and m.name.startswith("“") and m.name.endswith("”") else m.name
        g.add((iri, RDFS.label, zh(label)))
        g.add((iri, SKOS.prefLabel, zh(label)))
        if m.kind == "programme":
            g.add((iri, RDF.type, VET.Programme))
            g.add((iri, VET.programmeKind, VET[m.cls]))
        elif m.kind == "industry":
            g.add((iri, RDF.type, VET.Industry))
            g.add((iri, SKOS.inScheme, VET.IndustryScheme))
        else:
            g.add((iri, RDF.type, VET[m.cls]))
        if m.publisher:
            publisher = self.entity(Mention("org", m.publisher, 0, 0, _org_cls(m.publisher)))
            g.add((iri, VET.publishedBy, publisher))
        return iri

    def mention(self, m: Mention, sentence: MappedText, found_in: URIRef) -> URIRef:
        g = self.g
        start, end = sentence.span(m.start, m.end)
        iri = self.mint.doc(f"mention/{start}-{end}")
        entity = self.entity(m)
        span = self.span(start, end)
        g.add((iri, RDF.type, VET.Mention))
        g.add((iri, RDF.type, OA.Annotation))
        g.add((iri, OA.hasBody, entity))
        g.add((iri, OA.hasTarget, span))
        g.add((iri, VET.textSpan, span))
        g.add((iri, VET.foundIn, found_in))
        g.add((found_in, VET.mentions, entity))
        return entity

    def target(self, t: Target, sentence: MappedText, found_in: URIRef) -> URIRef:
        g = self.g
        start, end = sentence.span(t.start, t.end)
        iri = self.mint.doc(f"target/{start}-{end}")
        g.add((iri, VET.textSpan, self.span(start, end)))
        g.add((iri, VET.foundIn, found_in))
        g.add((found_in, VET.setsTarget, iri))
        if t.counted:
            g.add((iri, VET.countedThing, zh(t.counted)))
        if t.action:
            g.add((iri, VET.targetAction, zh(t.action)))
        if t.kind == "quantified":
            g.add((iri, RDF.type, VET.QuantifiedTarget))
            datatype = XSD.decimal if isinstance(t.value, float) else XSD.integer
            g.add((iri, SDO.value, Literal(t.value, datatype=datatype)))
            g.add((iri, SDO.unitText, Literal(t.unit)))
            g.add((iri, VET.approximate, Literal(t.approximate)))
            g.add((iri, VET.comparator, Literal(t.comparator)))
            g.add((iri, RDFS.label, zh(f"{t.action}{t.counted} {t.value} {t.unit}".strip())))
        else:
            g.add((iri, RDF.type, VET.OrdinalTarget))
            g.add((iri, VET.ordinalNumber, Literal(int(t.value))))
            g.add((iri, VET.ordinalUnit, Literal(t.unit)))
            if t.concerns is not None:
                g.add((iri, VET.concerns, self.mint.entity("programme", t.concerns.name)))
            if t.place is not None:
                g.add((iri, VET.locatedIn, self.mint.entity("place", t.place.name)))
            prefix = t.place.name if t.place else ""
            g.add((iri, RDFS.label, zh(f"{prefix}第{t.value}{t.unit}{t.counted}")))
        return iri

    # ------------------------------------------------------------ text units

    def annotate(self, unit: URIRef, sentence: MappedText) -> Extraction:
        """Mentions, involvements and targets of one sentence, attached to ``unit``."""
        g = self.g
        ex = extract(sentence.text, self.plan_titles)
        involvements = 0
        for m in ex.mentions:
            entity = self.mention(m, sentence, unit)
            if m.kind == "org":
                involvements += 1
                inv = URIRef(f"{unit}/involvement/{involvements}")
                g.add((unit, VET.involves, entity))
                g.add((unit, VET.hasInvolvement, inv))
                g.add((inv, RDF.type, VET.Involvement))
                g.add((inv, VET.agent, entity))
                g.add((inv, VET.role, VET[m.role or "roleImplement"]))
            elif m.kind == "industry":
                g.add((unit, VET.targetsIndustry, entity))
            elif m.kind == "law":
                g.add((unit, VET.citesLaw, entity))
        for t in ex.targets:
            self.target(t, sentence, unit)
        return ex

    def measure(self, iri: URIRef, parent: URIRef, ordinal: int, sentence: MappedText) -> None:
        g = self.g
        g.add((iri, RDF.type, VET.Measure))
        g.add((iri, VET.partOf, parent))
        g.add((iri, VET.ordinal, Literal(ordinal)))
        g.add((iri, VET.text, zh(sentence.text)))
        g.add((iri, RDFS.label, zh(_short(sentence.text))))
        g.add((iri, VET.textSpan, self.span_of(sentence)))
        g.add((iri, PROV.wasDerivedFrom, self.mint.notice))
        for verb in self.annotate(iri, sentence).verbs:
            g.add((iri, VET.actionVerb, zh(verb)))

    def requirements(self, iri: URIRef, paragraphs: list[MappedText], own_text: bool = True) -> None:
        """General requirements: an unnumbered paragraph, or a part headed 指导思想 / 总体要求,
        which already carries its text as a part (``own_text=False``)."""
        g = self.g
        g.add((iri, RDF.type, VET.GeneralRequirements))
        text = _joined(paragraphs)
        if text is None:
            return
        if own_text:
            g.add((iri, VET.text, zh(text.text)))
            g.add((iri, VET.textSpan, self.span_of(text)))
        for para in paragraphs:
            for sentence in split_sentences(para):
                self.annotate(iri, sentence)
                body = sentence.text.split("：", 1)[-1]
                for clause in re.split("[，；。]", body):
                    if _GOAL_VERBS.match(clause) and len(clause) >= 4:
                        g.add((iri, VET.goal, zh(clause)))

    def section(self, sec: Section, parent: URIRef, path: str) -> None:
        g = self.g
        iri = self.mint.doc(path)
        g.add((iri, RDF.type, VET.Part if sec.is_part else VET.WorkArea))
        g.add((iri, VET.partOf, parent))
        g.add((iri, VET.ordinal, Literal(sec.number)))
        if sec.heading is not None:
            g.add((iri, DCTERMS.title, zh(sec.heading.text)))
            g.add((iri, RDFS.label, zh(f"{sec.marker}{sec.heading.text}")))
        else:
            g.add((iri, RDFS.label, zh(sec.marker)))
        whole = _joined([sec.heading, *sec.body])
        if whole is not None:
            g.add((iri, VET.text, zh(whole.text)))
            g.add((iri, VET.textSpan, self.span_of(whole)))
        if sec.is_requirements:
            self.requirements(iri, sec.body, own_text=False)
        else:
            for k, sentence in enumerate(sec.sentences(), start=1):
                self.measure(self.mint.doc(f"{path}/measure/{k}"), iri, k, sentence)
        child_word = "area" if not any(c.is_part for c in sec.children) else "part"
        for child in sec.children:
            self.section(child, iri, f"{path}/{child_word}/{child.number}")

    # ------------------------------------------------------------ the document

    def build(self) -> Graph:
        g, doc, notice = self.g, self.doc, self.mint.notice
        g.add((notice, RDF.type, VET.Notice))
        title = doc.notice_title or doc.plan_title
        g.add((notice, DCTERMS.title, zh(title.text)))
        g.add((notice, RDFS.label, zh(title.text)))
        g.add((notice, VET.sourceText, Literal(self.raw)))
        g.add((notice, VET.contentDigest, Literal(hashlib.sha256(self.raw.encode("utf-8")).hexdigest())))
        if doc.number is not None:
            g.add((notice, VET.documentNumber, Literal(doc.number.text)))
            g.add((notice, VET.textSpan, self.span_of(doc.number)))
        if doc.date is not None:
            g.add((notice, DCTERMS.issued, Literal(doc.date, datatype=XSD.date)))
        for issuer in doc.issuers:
            m = Mention("org", issuer.text, 0, len(issuer), _org_cls(issuer.text))
            g.add((notice, VET.issuedBy, self.mention(m, issuer, notice)))
        for addressee in doc.addressees:
            iri = self.mint.entity("addressee", addressee.text)
            g.add((iri, RDF.type, VET.AddresseeGroup))
            g.add((iri, RDFS.label, zh(addressee.text)))
            g.add((notice, VET.addressedTo, iri))
        for para in doc.notice_body:
            for sentence in split_sentences(para):
                self.annotate(notice, sentence)

        plan = self.mint.doc("plan")
        g.add((notice, VET.issues, plan))
        g.add((plan, RDF.type, VET.WorkPlan))
        plan_title = (doc.plan_title or title).text
        g.add((plan, DCTERMS.title, zh(plan_title)))
        g.add((plan, RDFS.label, zh(plan_title)))
        year = re.search(r"(?:19|20)\d{2}", plan_title) or (doc.date and re.search(r"\d{4}", doc.date.isoformat()))
        if year:
            g.add((plan, VET.year, Literal(year.group(0), datatype=XSD.gYear)))
        if doc.plan_title is not None:
            g.add((plan, VET.textSpan, self.span_of(doc.plan_title)))
            region = next((m for m in extract(plan_title).mentions if m.kind == "place"), None)
            if region is not None:
                g.add((plan, VET.locatedIn, self.entity(region)))
        if doc.requirements:
            self.requirements(self.mint.doc("requirements"), doc.requirements)
            g.add((self.mint.doc("requirements"), VET.partOf, plan))
            g.add((self.mint.doc("requirements"), RDFS.label, zh("总体要求")))
        word = "part" if any(s.is_part for s in doc.sections) else "area"
        for sec in doc.sections:
            self.section(sec, plan, f"{word}/{sec.number}")
        return g


def _org_cls(name: str) -> str:
    from .entities import org_class

    return org_class(name)


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def build_graph(doc: Document, base: str) -> tuple[URIRef, URIRef, Graph]:
    """(graph IRI, notice IRI, graph) for ``doc``."""
    builder = GraphBuilder(doc, base)
    return builder.mint.graph, builder.mint.notice, builder.build()


__all__ = ["build_graph", "slug"]
