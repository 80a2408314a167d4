"""What the search index holds, read from the store by SPARQL, one named graph at a time.

Every document graph gives an entry for its notice, plan, parts, work areas, general
requirements and measures, and the facets of each (document, year, region, work area, kind);
the entities graph gives an entry for each named thing (organisation, programme, industry …)
under each of its labels. An entity gets the document, year and region facets of every document
graph that refers to it, so those facet rows belong to that document's graph.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from vetkg.ontology import ONTOLOGY_IRI
from vetkg.ontology.graphs import store_graphs
from vetkg.store import Store

PREFIXES = f"""PREFIX vet: <{ONTOLOGY_IRI}#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX oa: <http://www.w3.org/ns/oa#>
"""

#: Kinds of entity, by the vet: class an entity is an instance of (or of a subclass of, by the
#: ontology's rdfs:subClassOf); the kind is the class's local name.
ENTITY_GROUPS = (
    "Organization", "AddresseeGroup", "Programme", "Platform", "Industry", "Place", "Law", "Event", "Publication",
)


@dataclass(frozen=True)
class Entry:
    node: str
    kind: str  # a vet: class local name (a document's unit, or one of ENTITY_GROUPS)
    title: str  # a title or label: weighs more in the ranking
    body: str = ""  # running text


@dataclass(frozen=True)
class Facet:
    node: str
    facet: str  # document, year, region, area, kind
    value: str
    label: str


@dataclass
class GraphContent:
    """What one named graph puts in the index."""

    graph: str
    entries: list[Entry] = field(default_factory=list)
    facets: list[Facet] = field(default_factory=list)

    def digest(self) -> str:
        h = hashlib.sha256()
        for e in sorted(set(self.entries), key=lambda e: (e.node, e.kind, e.title, e.body)):
            h.update("\0".join(("e", e.node, e.kind, e.title, e.body)).encode("utf-8") + b"\1")
        for f in sorted(set(self.facets), key=lambda f: (f.node, f.facet, f.value, f.label)):
            h.update("\0".join(("f", f.node, f.facet, f.value, f.label)).encode("utf-8") + b"\1")
        return h.hexdigest()


def _rows(store: Store, query: str) -> list[dict[str, str]]:
    result = store.query(PREFIXES + query)
    names = [v.value for v in result.variables]
    return [{n: row[n].value for n in names if row[n] is not None} for row in result]


# Each query names its graph literally: Oxigraph then reads that graph's index alone, where a
# VALUES ?g joined with GRAPH ?g reads across the whole store (40 times slower at 60k quads).

def document_rows(store: Store, graph: ox.NamedNode) -> list[dict[str, str]]:
    """Each notice of ``graph`` with its title, number, plan, year and region (one row a notice)."""
    return _rows(store, f"""
SELECT ?doc ?docTitle ?number ?plan ?planTitle ?year ?region ?regionLabel WHERE {{
  GRAPH {graph} {{
    ?doc a vet:Notice .
    OPTIONAL {{ ?doc dcterms:title ?docTitle }}
    OPTIONAL {{ ?doc vet:documentNumber ?number }}
    OPTIONAL {{
      ?doc vet:issues ?plan .
      OPTIONAL {{ ?plan dcterms:title ?planTitle }}
      OPTIONAL {{ ?plan vet:year ?year }}
    }}
  }}
  # The region's label is looked up only where the plan names a region: an OPTIONAL whose
  # ?region may be unbound would join every label of the store to a plan without one.
  OPTIONAL {{
    GRAPH {graph} {{ ?doc vet:issues/vet:locatedIn ?region }}
    OPTIONAL {{ ?region rdfs:label ?regionLabel FILTER(lang(?regionLabel) = "zh") }}
  }}
}}""")


def _parts(store: Store, graph: ox.NamedNode) -> list[dict[str, str]]:
    return _rows(store, f"""
SELECT ?node ?type ?title ?text ?area ?areaTitle (GROUP_CONCAT(?goal; separator="\\n") AS ?goals) WHERE {{
  GRAPH {graph} {{
    VALUES ?type {{ vet:Part vet:WorkArea vet:GeneralRequirements vet:Measure }}
    ?node a ?type .
    OPTIONAL {{ ?node dcterms:title ?title }}
    OPTIONAL {{ ?node vet:text ?text FILTER(?type != vet:WorkArea && ?type != vet:Part) }}
    OPTIONAL {{ ?node vet:goal ?goal }}
    OPTIONAL {{ ?node vet:partOf ?area . ?area a vet:WorkArea . OPTIONAL {{ ?area dcterms:title ?areaTitle }} }}
  }}
}} GROUP BY ?node ?type ?title ?text ?area ?areaTitle""")


def _entity_references(store: Store, graph: ox.NamedNode, base_iri: str) -> list[dict[str, str]]:
    return _rows(store, f"""
SELECT DISTINCT ?e WHERE {{
  GRAPH {graph} {{ ?x ?p ?e FILTER(isIRI(?e) && STRSTARTS(STR(?e), {ox.Literal(base_iri + "id/")})) }}
}}""")


def _entities(store: Store, graph: str) -> list[dict[str, str]]:
    groups = " ".join(f"vet:{g}" for g in ENTITY_GROUPS)
    return _rows(store, f"""
SELECT DISTINCT ?e ?label ?group WHERE {{
  GRAPH {ox.NamedNode(graph)} {{ ?e rdfs:label|skos:prefLabel|skos:altLabel ?label . ?e a ?type }}
  VALUES ?group {{ {groups} }}
  ?type rdfs:subClassOf* ?group .
}}""")


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def harvest(store: Store, base_iri: str, graphs: Iterable[str]) -> dict[str, GraphContent]:
    """The index content of each of ``graphs`` (a graph with nothing to index maps to an empty one)."""
    contents = {g: GraphContent(g) for g in graphs}
    entities_graph = store_graphs(base_iri).entities
    for graph, content in contents.items():
        if graph == entities_graph:
            _harvest_entities(store, content)
        else:
            _harvest_document(store, base_iri, content)
    return contents


def _harvest_document(store: Store, base_iri: str, content: GraphContent) -> None:
    graph = ox.NamedNode(content.graph)
    # the graph's document, year and regions, given to each of its entries (a row per region)
    context: dict[Facet, None] = {}
    for row in document_rows(store, graph):
        doc = row["doc"]
        context[Facet("", "document", doc, row.get("number") or row.get("docTitle") or doc)] = None
        if "year" in row:
            context[Facet("", "year", row["year"], row["year"])] = None
        if "region" in row:
            context[Facet("", "region", row["region"], row.get("regionLabel") or _local(row["region"]))] = None
        content.entries.append(Entry(doc, "Notice", row.get("docTitle", ""), row.get("number", "")))
        if "plan" in row:
            content.entries.append(Entry(row["plan"], "WorkPlan", row.get("planTitle", "")))
    for row in _parts(store, graph):
        node, kind = row["node"], _local(row["type"])
        body = row.get("text", "")
        if row.get("goals"):
            body = f"{body}\n{row['goals']}" if body else row["goals"]
        content.entries.append(Entry(node, kind, row.get("title", ""), body))
        if kind == "WorkArea":
            content.facets.append(Facet(node, "area", node, row.get("title", "") or node))
        elif "area" in row:
            content.facets.append(Facet(node, "area", row["area"], row.get("areaTitle", "") or row["area"]))
    for entry in content.entries:
        content.facets.extend(_with_node(context, entry.node))
        content.facets.append(Facet(entry.node, "kind", entry.kind, entry.kind))
    for row in _entity_references(store, graph, base_iri):
        content.facets.extend(_with_node(context, row["e"]))


def _with_node(facets: Iterable[Facet], node: str) -> list[Facet]:
    return [Facet(node, f.facet, f.value, f.label) for f in facets]


def _harvest_entities(store: Store, content: GraphContent) -> None:
    seen: set[tuple[str, str]] = set()
    for row in _entities(store, content.graph):
        key = (row["e"], row["label"])
        kind = _local(row["group"])
        content.facets.append(Facet(row["e"], "kind", kind, kind))
        if key in seen:
            continue
        seen.add(key)
        content.entries.append(Entry(row["e"], kind, row["label"]))


def indexable(graph: str, base_iri: str) -> bool:
    """Whether ``graph`` may hold documents or entities: not a system graph (ontology, shapes,
    history, the entailed triples)."""
    return store_graphs(base_iri).is_data(graph)


def indexable_graphs(store: Store, base_iri: str) -> list[str]:
    """The store's graphs that :func:`indexable` keeps."""
    return [g for g in store.graphs() if indexable(g, base_iri)]
