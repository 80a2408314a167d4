"""Human labels of IRIs in the reader's language, from the data, the ontology and a few built-ins."""
from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from vetkg.ontology.vocab import EXTERNAL_LABELS, LABEL_PROPERTIES, curie
from vetkg.store import Store

LANGUAGES: tuple[str, ...] = ("zh", "en")
_BATCH = 200  # IRIs per VALUES clause: keeps each query text small


def pick(literals: Iterable[ox.Literal], language: str) -> str | None:
    """The literal in ``language``, else Chinese (the data's own language), else untagged, else any."""
    literals = list(literals)
    for wanted in (language, "zh", None):
        for lit in literals:
            tag = (lit.language or "").split("-")[0].lower() or None
            if tag == wanted:
                return lit.value
    return literals[0].value if literals else None


class Labeller:
    """Collects labels for many IRIs with few queries, then answers per IRI in one language.

    Label properties are ranked (prefLabel, label, title) so a resource with several shows the same
    one on every page.
    """

    def __init__(self, store: Store, language: str, ontology_labels: dict[str, list[ox.Literal]]) -> None:
        self.store = store
        self.language = language
        self._ontology = ontology_labels
        self._found: dict[str, dict[str, list[ox.Literal]]] = {}

    def fetch(self, iris: Iterable[str]) -> None:
        wanted = sorted({i for i in iris if i not in self._found})
        for iri in wanted:
            self._found[iri] = {}
        props = " ".join(str(ox.NamedNode(p)) for p in LABEL_PROPERTIES)
        for start in range(0, len(wanted), _BATCH):
            values = " ".join(str(ox.NamedNode(i)) for i in wanted[start:start + _BATCH])
            query = (
                f"SELECT DISTINCT ?s ?p ?l WHERE {{ VALUES ?s {{ {values} }} VALUES ?p {{ {props} }} "
                f"?s ?p ?l FILTER(isLiteral(?l)) }}"
            )
            for row in self.store.query(query):
                self._found[row["s"].value].setdefault(row["p"].value, []).append(row["l"])

    def literals(self, iri: str) -> list[ox.Literal]:
        if iri not in self._found:
            self.fetch([iri])
        # All label properties in rank order: pick() then takes the best-ranked one in the wanted
        # language, so an English rdfs:label still wins over a Chinese-only skos:prefLabel for en.
        by_property = self._found[iri]
        ranked = [lit for prop in LABEL_PROPERTIES for lit in by_property.get(prop, [])]
        return ranked + self._ontology.get(iri, [])

    def label(self, iri: str, language: str | None = None) -> str | None:
        language = language or self.language
        found = pick(self.literals(iri), language)
        if found is not None:
            return found
        external = EXTERNAL_LABELS.get(iri)
        return external.get(language, external["en"]) if external else None

    def other_label(self, iri: str) -> str | None:
        """The label in the other language, shown beside the main one when it differs."""
        main = self.label(iri)
        for language in LANGUAGES:
            if language != self.language:
                literal = next(
                    (lit.value for lit in self.literals(iri) if (lit.language or "").startswith(language)), None
                )
                if literal and literal != main:
                    return literal
        return None

    def display(self, iri: str, fallback: str | None = None) -> str:
        """What a link to ``iri`` reads: its label, its prefixed name, or ``fallback``/the IRI."""
        return self.label(iri) or curie(iri) or fallback or iri
