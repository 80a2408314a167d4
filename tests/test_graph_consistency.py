"""The ingested data fits the ontology: HermiT finds ontology + data consistent."""
from __future__ import annotations

from ingest_helpers import BINHAI, SEED, document
from rdflib import Graph, Literal, URIRef

from vetkg.ontology import DEFAULT_BASE_IRI
from vetkg.ontology.namespace import VET
from vetkg.ontology.owl import check_consistency


def built_data() -> Graph:
    data = Graph()
    for path in (SEED, BINHAI):
        data += document(path).graph()
    return data


def test_ingested_data_is_consistent_with_the_ontology():
    result = check_consistency(data=built_data())
    assert result.consistent and not result.unsatisfiable, result.message


def test_the_check_would_catch_data_outside_the_ontology():
    data = built_data()
    measure = URIRef(f"{DEFAULT_BASE_IRI}doc/津教职函-2025-1号/i3/measure/1")
    assert (measure, VET.ordinal, Literal(1)) in data
    data.add((measure, VET.ordinal, Literal(2)))  # vet:ordinal is functional
    assert not check_consistency(data=data).consistent
