"""Serialise the whole dataset, for `vetkg export` and the dumps the server offers."""
from __future__ import annotations

from typing import IO

import pyoxigraph as ox

from .stores import Store

FORMATS: dict[str, ox.RdfFormat] = {
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "turtle": ox.RdfFormat.TURTLE,
}


def export_dataset(store: Store, output: IO[bytes], fmt: str) -> None:
    """Write every quad to ``output``; Turtle, which has no graphs, gets the union of them."""
    rdf_format = FORMATS[fmt]
    if rdf_format.supports_datasets:
        store.dump(output, rdf_format)
        return
    triples = {q.triple for q in store.quads()}
    ox.serialize(sorted(triples, key=str), output, format=rdf_format)
