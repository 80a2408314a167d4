"""Prefixes and the labels of reused vocabulary terms that the vet: ontology does not label itself."""
from __future__ import annotations

from vetkg.ontology import ONTOLOGY_IRI

PREFIXES: dict[str, str] = {
    "vet": ONTOLOGY_IRI + "#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "schema": "https://schema.org/",
    "oa": "http://www.w3.org/ns/oa#",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "eli": "http://data.europa.eu/eli/ontology#",
    "void": "http://rdfs.org/ns/void#",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "sh": "http://www.w3.org/ns/shacl#",
    "foaf": "http://xmlns.com/foaf/0.1/",
}

RDF_TYPE = PREFIXES["rdf"] + "type"
LABEL_PROPERTIES: tuple[str, ...] = (
    PREFIXES["skos"] + "prefLabel",
    PREFIXES["rdfs"] + "label",
    PREFIXES["dcterms"] + "title",
)

# (zh, en) labels of the reused terms a page shows most; vet: terms take theirs from the ontology.
_EXTERNAL: dict[str, tuple[str, str]] = {
    "rdf:type": ("类型", "type"),
    "rdfs:label": ("名称", "label"),
    "rdfs:comment": ("说明", "comment"),
    "rdfs:subClassOf": ("上位类", "subclass of"),
    "rdfs:subPropertyOf": ("上位属性", "subproperty of"),
    "rdfs:domain": ("定义域", "domain"),
    "rdfs:range": ("值域", "range"),
    "skos:prefLabel": ("首选名称", "preferred label"),
    "skos:altLabel": ("别名", "alternative label"),
    "skos:definition": ("定义", "definition"),
    "skos:inScheme": ("所属概念体系", "in scheme"),
    "skos:ConceptScheme": ("概念体系", "concept scheme"),
    "skos:Concept": ("概念", "concept"),
    "dcterms:title": ("标题", "title"),
    "dcterms:issued": ("发布日期", "issued"),
    "dcterms:isPartOf": ("属于", "is part of"),
    "oa:Annotation": ("标注", "annotation"),
    "oa:SpecificResource": ("文本片段", "specific resource"),
    "oa:TextPositionSelector": ("位置选择器", "text position selector"),
    "oa:TextQuoteSelector": ("引文选择器", "text quote selector"),
    "oa:hasBody": ("标注对象", "body"),
    "oa:hasTarget": ("标注位置", "target"),
    "oa:hasSource": ("来源文档", "source"),
    "oa:hasSelector": ("选择器", "selector"),
    "oa:start": ("起始位置", "start"),
    "oa:end": ("结束位置", "end"),
    "oa:exact": ("原文", "exact text"),
    "oa:prefix": ("前文", "prefix"),
    "oa:suffix": ("后文", "suffix"),
    "prov:wasDerivedFrom": ("来源于", "derived from"),
    "schema:value": ("数值", "value"),
    "schema:unitText": ("单位", "unit"),
    "owl:Class": ("类", "class"),
    "owl:ObjectProperty": ("对象属性", "object property"),
    "owl:DatatypeProperty": ("数据属性", "datatype property"),
    "owl:NamedIndividual": ("个体", "individual"),
}


def expand(curie: str) -> str:
    prefix, _, local = curie.partition(":")
    return PREFIXES[prefix] + local


EXTERNAL_LABELS: dict[str, dict[str, str]] = {
    expand(curie): {"zh": zh, "en": en} for curie, (zh, en) in _EXTERNAL.items()
}


def curie(iri: str) -> str | None:
    """``vet:Notice`` for a term of a known vocabulary, else None."""
    best: tuple[str, str] | None = None
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and (best is None or len(namespace) > len(best[1])):
            best = (prefix, namespace)
    if best is None:
        return None
    local = iri[len(best[1]):]
    if not local or any(c in local for c in "/#?"):
        return None
    return f"{best[0]}:{local}"


def namespace_of(iri: str) -> str:
    """The vocabulary namespace of a term: a known prefix's, or everything up to the last # or /."""
    for namespace in sorted(PREFIXES.values(), key=len, reverse=True):
        if iri.startswith(namespace):
            return namespace
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1] if cut > 0 else iri
