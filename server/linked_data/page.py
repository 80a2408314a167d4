"""What a resource's HTML page shows, gathered from the store into plain values for the template."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from vetkg.ontology.vocab import LABEL_PROPERTIES, PREFIXES, RDF_TYPE, curie
from vetkg.store import Store
from vetkg.store.terms import OxObject

from .describe import Description
from .iris import href, split_fragment
from .labels import Labeller
from .notice import Plan, plans_of
from .text import Excerpt, SourceTexts, excerpts_of, mentions_of

VET = PREFIXES["vet"]
XSD = PREFIXES["xsd"]
_LONG = 300  # literals longer than this are folded (a notice's whole source text)
_INBOUND_LIMIT = 300
_TEXT_FACTS = {VET + "Mention", VET + "Measure", VET + "Target", VET + "QuantifiedTarget",
               VET + "OrdinalTarget", VET + "GeneralRequirements", VET + "WorkArea", VET + "Part",
               PREFIXES["oa"] + "SpecificResource"}


@dataclass(frozen=True)
class Link:
    iri: str
    href: str | None  # None: not an http(s) IRI, shown as text (see iris.href)
    label: str
    curie: str | None


@dataclass(frozen=True)
class Value:
    link: Link | None = None
    text: str | None = None
    language: str | None = None
    datatype: str | None = None  # prefixed name of a datatype other than xsd:string / langString
    long: bool = False


@dataclass
class PropertyRow:
    predicate: Link
    values: list[Value]


@dataclass
class Child:
    """A hash child (``…#position``) shown inside its document's page, at its own anchor."""

    fragment: str
    iri: str
    types: list[Link]
    rows: list[PropertyRow]


@dataclass
class InboundGroup:
    predicate: Link
    subjects: list[Link]


@dataclass
class ExcerptView:
    excerpt: Excerpt
    document: Link
    subject: Link | None
    context: Link | None


@dataclass
class Page:
    iri: str
    label: str
    other_label: str | None
    types: list[Link]
    rows: list[PropertyRow]
    children: list[Child] = field(default_factory=list)
    inbound: list[InboundGroup] = field(default_factory=list)
    inbound_truncated: bool = False
    sources: list[ExcerptView] = field(default_factory=list)
    mentions: list[ExcerptView] = field(default_factory=list)
    plans: list[Plan] = field(default_factory=list)
    graph_size: int | None = None


class Linker:
    def __init__(self, base_iri: str, labeller: Labeller) -> None:
        self.base_iri = base_iri
        self.labeller = labeller

    def fallback(self, iri: str) -> str:
        # An unlabelled IRI of ours reads best as its path (doc/…/measure/2), not the whole IRI.
        return iri[len(self.base_iri):] if iri.startswith(self.base_iri) else iri

    def link(self, iri: str) -> Link:
        return Link(iri, href(self.base_iri, iri), self.labeller.display(iri, self.fallback(iri)), curie(iri))

    def value(self, term: OxObject) -> Value:
        if isinstance(term, ox.NamedNode):
            return Value(link=self.link(term.value))
        if isinstance(term, ox.Literal):
            datatype = term.datatype.value
            shown = None if datatype in (XSD + "string", PREFIXES["rdf"] + "langString") else curie(datatype) or datatype
            return Value(text=term.value, language=term.language, datatype=shown, long=len(term.value) > _LONG)
        return Value(text=str(term))


def _rows(triples: list[ox.Triple], linker: Linker, skip: set[str]) -> list[PropertyRow]:
    by_predicate: dict[str, list[OxObject]] = defaultdict(list)
    for t in triples:
        if t.predicate.value not in skip:
            by_predicate[t.predicate.value].append(t.object)
    rank = {p: i for i, p in enumerate(LABEL_PROPERTIES)}
    rows = [
        PropertyRow(linker.link(p), [linker.value(o) for o in sorted(objs, key=_object_key)])
        for p, objs in by_predicate.items()
    ]
    rows.sort(key=lambda r: (rank.get(r.predicate.iri, len(rank)), r.predicate.label))
    return rows


def _object_key(term: OxObject) -> tuple[int, str]:
    if isinstance(term, ox.Literal):
        # Numbers in numeric order, Chinese before English so the data's own language leads.
        try:
            return (0, f"{float(term.value):020.6f}")
        except ValueError:
            return (1, f"{0 if (term.language or '').startswith('zh') else 1}{term.value}")
    return (2, str(term))


def _inbound(store: Store, iri: str, linker: Linker) -> tuple[list[InboundGroup], bool]:
    rows = list(store.query(
        f"SELECT DISTINCT ?s ?p WHERE {{ ?s ?p {ox.NamedNode(iri)} FILTER(isIRI(?s)) }} "
        f"ORDER BY ?p ?s LIMIT {_INBOUND_LIMIT + 1}"
    ))
    truncated = len(rows) > _INBOUND_LIMIT
    rows = rows[:_INBOUND_LIMIT]
    # Hash children of this page are already shown on it; back-links from them are noise.
    rows = [r for r in rows if split_fragment(r["s"].value)[0] != iri]
    linker.labeller.fetch({r["s"].value for r in rows} | {r["p"].value for r in rows})
    groups: dict[str, list[Link]] = defaultdict(list)
    for r in rows:
        groups[r["p"].value].append(linker.link(r["s"].value))
    out = [InboundGroup(linker.link(p), subjects) for p, subjects in groups.items()]
    out.sort(key=lambda g: g.predicate.label)
    return out, truncated


def _excerpt_views(items: list[Excerpt], linker: Linker) -> list[ExcerptView]:
    iris = {e.document for e in items} | {e.subject for e in items if e.subject} | {
        e.context for e in items if e.context
    }
    linker.labeller.fetch(iris)
    return [
        ExcerptView(
            e,
            linker.link(e.document),
            linker.link(e.subject) if e.subject else None,
            linker.link(e.context) if e.context else None,
        )
        for e in items
    ]


def build_page(store: Store, description: Description, linker: Linker, graph_size: int | None = None) -> Page:
    iri = description.iri
    labeller = linker.labeller
    triples = description.triples
    types = sorted({t.object.value for t in triples if t.predicate.value == RDF_TYPE and isinstance(t.object, ox.NamedNode)})
    labeller.fetch(
        {iri} | {t.predicate.value for t in description.all_triples()}
        | {t.object.value for t in description.all_triples() if isinstance(t.object, ox.NamedNode)}
    )
    page = Page(
        iri=iri,
        label=labeller.display(iri, linker.fallback(iri)),
        other_label=labeller.other_label(iri),
        types=[linker.link(t) for t in types],
        rows=_rows(triples, linker, {RDF_TYPE}),
        graph_size=graph_size,
    )
    by_child: dict[str, list[ox.Triple]] = defaultdict(list)
    for t in description.children:
        if isinstance(t.subject, ox.NamedNode):  # children are asked for by IRI (describe.describe)
            by_child[t.subject.value].append(t)
    for child, child_triples in sorted(by_child.items()):
        child_types = sorted(
            t.object.value for t in child_triples if t.predicate.value == RDF_TYPE and isinstance(t.object, ox.NamedNode)
        )
        page.children.append(Child(
            split_fragment(child)[1], child, [linker.link(t) for t in child_types],
            _rows(child_triples, linker, {RDF_TYPE}),
        ))
    page.inbound, page.inbound_truncated = _inbound(store, iri, linker)
    texts = SourceTexts(store)
    if _TEXT_FACTS & set(types) or any(t.predicate.value == VET + "textSpan" for t in triples):
        page.sources = _excerpt_views(excerpts_of(store, texts, iri), linker)
    page.mentions = _excerpt_views(mentions_of(store, texts, iri), linker)
    if VET + "Notice" in types:
        page.plans = plans_of(store, iri)
        labeller.fetch(_plan_iris(page.plans))
    return page


def _plan_iris(plans: list[Plan]) -> set[str]:
    out: set[str] = set()
    stack = [n for p in plans for n in p.children]
    while stack:
        node = stack.pop()
        out.add(node.iri)
        stack.extend(node.children)
    return out
