"""JSON-LD for people's tools: a page's triples compacted with vetkg's context (the prefixes of
the other formats, plus the bases of its own IRIs), which is also published at
``/context.jsonld`` for clients that want to compact their own data the same way.

pyoxigraph writes expanded JSON-LD only; rdflib's writer compacts with a given context.
"""
from __future__ import annotations

import json

import pyoxigraph as ox
import rdflib

from vetkg.ontology.graphs import store_graphs
from vetkg.ontology.vocab import PREFIXES

CONTEXT_PATH = "/context.jsonld"


def context(base_iri: str) -> dict[str, str]:
    """Prefixes for the vocabularies, and ``doc:``, ``id:`` and ``graph:`` for vetkg's own IRIs."""
    return {**PREFIXES, "doc": base_iri + "doc/", "id": base_iri + "id/", "graph": store_graphs(base_iri).prefix}


def published_context(base_iri: str) -> bytes:
    return json.dumps({"@context": context(base_iri)}, ensure_ascii=False, indent=1).encode("utf-8")


def compact(triples: list[ox.Triple], base_iri: str) -> bytes:
    """``triples`` as compacted JSON-LD, the context given inline (no fetch needed to read it)."""
    graph = rdflib.Graph()
    graph.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"", format="nt")
    text = graph.serialize(format="json-ld", context=context(base_iri), indent=1, ensure_ascii=False)
    return text.encode("utf-8")
