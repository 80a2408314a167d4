"""The fixed query set of the benchmark: what a policy researcher asks of the graph.

Each query is a template with ``{name}`` slots; :func:`sample_parameters` fills them from the
graph itself (deterministically: the most frequent value, ties broken by the value), chosen with
the same pattern the query uses, so every query has an answer at every scale. Listing queries end
in ORDER BY … LIMIT so that their row count is the same on every engine and stays below the
endpoint's row cap at 10M triples.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

PREFIXES = """PREFIX vet: <https://w3id.org/vetkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX schema: <https://schema.org/>
PREFIX oa: <http://www.w3.org/ns/oa#>
"""

CATEGORIES = ("lookup", "join", "aggregation", "path", "fulltext")


@dataclass(frozen=True)
class Query:
    name: str
    category: str
    text: str  # with {slots}

    def render(self, params: dict[str, str]) -> str:
        return PREFIXES + self.text.format(**{k: _escape(v) for k, v in params.items()})


def _escape(value: str) -> str:
    """A value for a "…" literal or an <…> IRI slot: backslashes and quotes escaped."""
    return value.replace("\\", "\\\\").replace('"', '\\"')


QUERIES: tuple[Query, ...] = (
    # -- lookups: one thing by its label or IRI
    Query("lookup-institution", "lookup", """
SELECT ?org ?class ?prefLabel WHERE {{
  ?org rdfs:label "{org}"@zh ; a ?class .
  OPTIONAL {{ ?org skos:prefLabel ?prefLabel }}
}}"""),
    Query("lookup-document", "lookup", """
SELECT ?doc ?number ?issued ?issuer WHERE {{
  ?doc a vet:Notice ; dcterms:title "{title}"@zh .
  OPTIONAL {{ ?doc vet:documentNumber ?number }}
  OPTIONAL {{ ?doc dcterms:issued ?issued }}
  OPTIONAL {{ ?doc vet:issuedBy/rdfs:label ?issuer }}
}}"""),
    Query("lookup-measure", "lookup", """
SELECT ?p ?o WHERE {{ <{measure}> ?p ?o }}"""),
    # -- 2-3 hop joins
    Query("join-institution-measures", "join", """
SELECT ?doc ?docTitle ?areaTitle ?measure ?text WHERE {{
  ?org rdfs:label "{org}"@zh .
  ?measure ?relation ?org ;
           vet:text ?text ;
           vet:partOf ?area ;
           prov:wasDerivedFrom ?doc .
  VALUES ?relation {{ vet:involves vet:mentions }}
  ?area dcterms:title ?areaTitle .
  ?doc dcterms:title ?docTitle .
}} ORDER BY ?doc ?measure LIMIT 500"""),
    Query("join-industry-targets", "join", """
SELECT ?measure ?value ?unit ?counted ?doc WHERE {{
  ?industry skos:prefLabel "{industry}"@zh .
  ?measure vet:targetsIndustry ?industry ;
           vet:setsTarget ?target ;
           prov:wasDerivedFrom ?doc .
  ?target a vet:QuantifiedTarget ; schema:value ?value .
  OPTIONAL {{ ?target schema:unitText ?unit }}
  OPTIONAL {{ ?target vet:countedThing ?counted }}
}} ORDER BY ?doc ?measure ?target LIMIT 500"""),
    Query("join-issuer-targets", "join", """
SELECT ?doc ?year ?measure ?value ?unit WHERE {{
  ?issuer rdfs:label "{issuer}"@zh .
  ?doc vet:issuedBy ?issuer ; vet:issues ?plan .
  ?plan vet:year ?year .
  ?measure prov:wasDerivedFrom ?doc ; vet:setsTarget ?target .
  ?target schema:value ?value .
  OPTIONAL {{ ?target schema:unitText ?unit }}
}} ORDER BY ?doc ?measure ?target LIMIT 500"""),
    # -- aggregations per work area and per institution
    Query("agg-work-areas", "aggregation", """
SELECT ?areaTitle (COUNT(DISTINCT ?area) AS ?areas) (COUNT(DISTINCT ?measure) AS ?measures)
       (COUNT(DISTINCT ?target) AS ?targets) WHERE {{
  ?area a vet:WorkArea ; dcterms:title ?areaTitle .
  ?measure vet:partOf ?area .
  OPTIONAL {{ ?measure vet:setsTarget ?target }}
}} GROUP BY ?areaTitle ORDER BY DESC(?measures) ?areaTitle LIMIT 100"""),
    Query("agg-institutions", "aggregation", """
SELECT ?org ?name (COUNT(DISTINCT ?measure) AS ?measures) (COUNT(DISTINCT ?doc) AS ?documents) WHERE {{
  ?measure vet:hasInvolvement ?inv ; prov:wasDerivedFrom ?doc .
  ?inv vet:agent ?org .
  ?org rdfs:label ?name .
}} GROUP BY ?org ?name ORDER BY DESC(?measures) ?name LIMIT 50"""),
    Query("agg-issuer-year", "aggregation", """
SELECT ?issuerName ?year (COUNT(DISTINCT ?doc) AS ?documents) (COUNT(?target) AS ?quantifiedTargets) WHERE {{
  ?doc a vet:Notice ; vet:issuedBy ?issuer ; vet:issues/vet:year ?year .
  ?issuer rdfs:label ?issuerName .
  OPTIONAL {{ ?measure prov:wasDerivedFrom ?doc ; vet:setsTarget ?target . ?target a vet:QuantifiedTarget }}
}} GROUP BY ?issuerName ?year ORDER BY ?issuerName ?year LIMIT 1000"""),
    # -- property paths
    Query("path-organisation-classes", "path", """
SELECT ?class (COUNT(DISTINCT ?org) AS ?organisations) WHERE {{
  ?org a ?class .
  ?class rdfs:subClassOf* vet:Organization .
}} GROUP BY ?class ORDER BY DESC(?organisations) ?class"""),
    Query("path-plan-measures", "path", """
SELECT ?measure ?ordinal ?text WHERE {{
  ?doc dcterms:title "{title}"@zh ; vet:issues ?plan .
  ?measure a vet:Measure ; vet:partOf+ ?plan ; vet:text ?text .
  OPTIONAL {{ ?measure vet:ordinal ?ordinal }}
}} ORDER BY ?measure LIMIT 1000"""),
    Query("path-programme-documents", "path", """
SELECT ?doc (COUNT(DISTINCT ?mention) AS ?mentions) WHERE {{
  ?programme rdfs:label "{programme}"@zh .
  ?mention oa:hasBody ?programme ; oa:hasTarget/oa:hasSource ?doc .
}} GROUP BY ?doc ORDER BY DESC(?mentions) ?doc LIMIT 100"""),
    # -- full text (no index: a scan of the literals)
    Query("fulltext-measures", "fulltext", """
SELECT ?measure ?text WHERE {{
  ?measure a vet:Measure ; vet:text ?text .
  FILTER(CONTAINS(?text, "{word}"))
}} ORDER BY ?measure LIMIT 200"""),
    Query("fulltext-titles", "fulltext", """
SELECT ?thing ?title WHERE {{
  ?thing dcterms:title ?title .
  FILTER(REGEX(?title, "职业教育.*(要点|规划|方案)"))
}} ORDER BY ?thing LIMIT 200"""),
)

# Each slot, and the query that picks its value: the pattern of the queries that use it, grouped by
# the value, most frequent first. Run with the union default graph.
SAMPLERS: dict[str, str] = {
    "org": """
SELECT ?v (COUNT(DISTINCT ?measure) AS ?n) WHERE {
  ?org rdfs:label ?v . FILTER(lang(?v) = "zh")
  ?measure vet:involves ?org ; vet:text ?text ; vet:partOf ?area ; prov:wasDerivedFrom ?doc .
  ?area dcterms:title ?at . ?doc dcterms:title ?dt .
} GROUP BY ?v ORDER BY DESC(?n) ?v LIMIT 1""",
    "title": """
SELECT ?v (COUNT(DISTINCT ?measure) AS ?n) WHERE {
  ?doc a vet:Notice ; dcterms:title ?v ; vet:issues ?plan .
  ?measure a vet:Measure ; vet:partOf+ ?plan .
} GROUP BY ?v ORDER BY DESC(?n) ?v LIMIT 1""",
    # the middle measure in IRI order: an ordinary one, not the first of the first document
    "measure": """
SELECT ?v WHERE { ?v a vet:Measure } ORDER BY ?v""",
    "industry": """
SELECT ?v (COUNT(DISTINCT ?measure) AS ?n) WHERE {
  ?industry skos:prefLabel ?v .
  ?measure vet:targetsIndustry ?industry ; vet:setsTarget ?target ; prov:wasDerivedFrom ?doc ; vet:text ?text .
  ?target a vet:QuantifiedTarget ; schema:value ?value .
  FILTER(CONTAINS(?text, ?v))
} GROUP BY ?v ORDER BY DESC(?n) ?v LIMIT 1""",
    "issuer": """
SELECT ?v (COUNT(DISTINCT ?target) AS ?n) WHERE {
  ?issuer rdfs:label ?v . FILTER(lang(?v) = "zh")
  ?doc vet:issuedBy ?issuer ; vet:issues/vet:year ?year .
  ?measure prov:wasDerivedFrom ?doc ; vet:setsTarget/schema:value ?value .
} GROUP BY ?v ORDER BY DESC(?n) ?v LIMIT 1""",
    "programme": """
SELECT ?v (COUNT(DISTINCT ?mention) AS ?n) WHERE {
  ?programme a vet:Programme ; rdfs:label ?v . FILTER(lang(?v) = "zh")
  ?mention oa:hasBody ?programme ; oa:hasTarget/oa:hasSource ?doc .
} GROUP BY ?v ORDER BY DESC(?n) ?v LIMIT 1""",
}
# The full-text word is the sampled industry: its name is in the text of the measures that target it.
DERIVED = {"word": "industry"}


class NoAnswer(Exception):
    """A query or sampler found nothing: the benchmark would time an empty answer."""


def sample_parameters(select: Callable[[str], list[str]]) -> dict[str, str]:
    """Fill every slot. ``select(query)`` returns the ``?v`` column (lexical forms) of a query
    evaluated over the union default graph."""
    params: dict[str, str] = {}
    for slot, sampler in SAMPLERS.items():
        values = select(PREFIXES + sampler)
        if not values:
            raise NoAnswer(f"no value in the graph for the query parameter {slot!r}")
        params[slot] = values[len(values) // 2] if slot == "measure" else values[0]
    for slot, source in DERIVED.items():
        params[slot] = params[source]
    return params


def rendered(params: dict[str, str], names: Iterable[str] | None = None) -> list[tuple[Query, str]]:
    """(query, text) for the chosen queries (default: all) with the slots filled."""
    chosen = set(names) if names is not None else None
    return [(q, q.render(params)) for q in QUERIES if chosen is None or q.name in chosen]
