"""The ontology as served at /ontology: its triples, and the reference page's model of them.

The ontology's named graph in the store is what SPARQL sees, so it is preferred; a store built
without it falls back to the packaged ``vetkg.ttl`` (the one source of truth).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from vetkg.ontology import ONTOLOGY_FILE, ONTOLOGY_IRI
from vetkg.ontology.vocab import LABEL_PROPERTIES, PREFIXES, RDF_TYPE
from vetkg.store import Store
from vetkg.store.terms import OxObject

OWL = PREFIXES["owl"]
RDF = PREFIXES["rdf"]
RDFS = PREFIXES["rdfs"]
SKOS = PREFIXES["skos"]
TERM_PREFIX = ONTOLOGY_IRI + "#"


def load_triples(store: Store) -> list[ox.Triple]:
    if ONTOLOGY_IRI in store.graphs():
        return [q.triple for q in store.quads(ONTOLOGY_IRI)]
    if ONTOLOGY_FILE.exists():
        return [q.triple for q in ox.parse(path=str(ONTOLOGY_FILE), format=ox.RdfFormat.TURTLE)]
    return []


@dataclass
class Term:
    iri: str
    anchor: str
    kind: str  # class, object property, datatype property, annotation property, individual
    labels: dict[str, str] = field(default_factory=dict)
    definitions: dict[str, str] = field(default_factory=dict)
    parents: list[str] = field(default_factory=list)  # subClassOf / subPropertyOf (named only)
    domains: list[list[str]] = field(default_factory=list)  # each a union of alternatives
    ranges: list[list[str]] = field(default_factory=list)
    types: list[str] = field(default_factory=list)  # an individual's classes
    equivalents: list[str] = field(default_factory=list)
    inverse: list[str] = field(default_factory=list)


_KINDS: tuple[tuple[str, str], ...] = (
    (OWL + "Class", "class"),
    (RDFS + "Class", "class"),
    (OWL + "ObjectProperty", "object property"),
    (OWL + "DatatypeProperty", "datatype property"),
    (OWL + "AnnotationProperty", "annotation property"),
    (RDF_TYPE.replace("type", "Property"), "property"),
    (OWL + "NamedIndividual", "individual"),
    (SKOS + "ConceptScheme", "individual"),
    (SKOS + "Concept", "individual"),
)
KIND_ORDER: tuple[str, ...] = (
    "class", "object property", "datatype property", "annotation property", "property", "individual"
)


class Ontology:
    """An index over the ontology's triples: labels for every page, terms for the reference page."""

    def __init__(self, triples: list[ox.Triple]) -> None:
        self.triples = triples
        self._by_subject: dict[str, dict[str, list[OxObject]]] = defaultdict(lambda: defaultdict(list))
        for t in triples:
            # Blank nodes are indexed by their N-Triples form: unions and lists are built from them.
            key = t.subject.value if isinstance(t.subject, ox.NamedNode) else str(t.subject)
            self._by_subject[key][t.predicate.value].append(t.object)

    def __bool__(self) -> bool:
        return bool(self.triples)

    def values(self, iri: str, predicate: str) -> list[OxObject]:
        return self._by_subject.get(iri, {}).get(predicate, [])

    def _list(self, head: OxObject) -> list[OxObject]:
        items: list[OxObject] = []
        while isinstance(head, ox.BlankNode) and len(items) < 1000:
            key = str(head)
            items.extend(self.values(key, RDF + "first"))
            rest = self.values(key, RDF + "rest")
            head = rest[0] if rest else ox.NamedNode(RDF + "nil")
        return items

    def alternatives(self, term: OxObject) -> list[str]:
        """A named class as [iri]; an owl:unionOf as its named members; anything else as []."""
        if isinstance(term, ox.NamedNode):
            return [term.value]
        for union in self.values(str(term), OWL + "unionOf"):
            return [m.value for m in self._list(union) if isinstance(m, ox.NamedNode)]
        return []

    def labels(self) -> dict[str, list[ox.Literal]]:
        """Every labelled subject's label literals, by the first label property it has."""
        out: dict[str, list[ox.Literal]] = {}
        for iri in self._by_subject:
            for prop in LABEL_PROPERTIES:
                literals = [v for v in self.values(iri, prop) if isinstance(v, ox.Literal)]
                if literals:
                    out[iri] = literals
                    break
        return out

    def header(self) -> dict[str, dict[str, str]]:
        """The ontology's own title/description/version, by property local name and language."""
        out: dict[str, dict[str, str]] = {}
        for iri_prop, key in (
            (PREFIXES["dcterms"] + "title", "title"), (RDFS + "label", "title"),
            (PREFIXES["dcterms"] + "description", "description"), (RDFS + "comment", "description"),
            (SKOS + "definition", "description"), (OWL + "versionInfo", "version"),
        ):
            for lit in self.values(ONTOLOGY_IRI, iri_prop):
                if isinstance(lit, ox.Literal):
                    out.setdefault(key, {}).setdefault((lit.language or "").split("-")[0] or "-", lit.value)
        return out

    def terms(self) -> dict[str, list[Term]]:
        """The vet: terms by kind, sorted by local name; other vocabularies' terms are only referenced."""
        by_kind: dict[str, list[Term]] = defaultdict(list)
        for iri in sorted(self._by_subject):
            if not iri.startswith(TERM_PREFIX) or iri.startswith("_:"):
                continue
            types = [v.value for v in self.values(iri, RDF_TYPE) if isinstance(v, ox.NamedNode)]
            kind = next((k for t, k in _KINDS if t in types), None)
            if kind is None:
                kind = "individual" if types else None
            if kind is None:
                continue
            by_kind[kind].append(self._term(iri, kind, types))
        return {k: by_kind[k] for k in KIND_ORDER if by_kind.get(k)}

    def _named(self, iri: str, predicate: str) -> list[str]:
        return sorted(v.value for v in self.values(iri, predicate) if isinstance(v, ox.NamedNode))

    def _term(self, iri: str, kind: str, types: list[str]) -> Term:
        term = Term(iri=iri, anchor=iri[len(TERM_PREFIX):], kind=kind)
        for prop in reversed(LABEL_PROPERTIES):  # highest-ranked label property wins
            for lit in self.values(iri, prop):
                if isinstance(lit, ox.Literal):
                    term.labels[(lit.language or "").split("-")[0] or "-"] = lit.value
        for prop in (RDFS + "comment", SKOS + "definition"):
            for lit in self.values(iri, prop):
                if isinstance(lit, ox.Literal):
                    term.definitions[(lit.language or "").split("-")[0] or "-"] = lit.value
        parent_prop = RDFS + ("subClassOf" if kind == "class" else "subPropertyOf")
        term.parents = self._named(iri, parent_prop)
        term.domains = [a for v in self.values(iri, RDFS + "domain") if (a := self.alternatives(v))]
        term.ranges = [a for v in self.values(iri, RDFS + "range") if (a := self.alternatives(v))]
        term.equivalents = self._named(iri, OWL + ("equivalentClass" if kind == "class" else "equivalentProperty"))
        term.inverse = self._named(iri, OWL + "inverseOf")
        if kind == "individual":
            term.types = sorted(t for t in types if t != OWL + "NamedIndividual")
        return term
