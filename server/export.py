"""Serialise the whole dataset, for `vetkg export` and the dumps the server offers."""
from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from typing import IO

import pyoxigraph as ox

from vetkg.ontology.graphs import store_graphs
from vetkg.store import Store

FORMATS: dict[str, ox.RdfFormat] = {
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "turtle": ox.RdfFormat.TURTLE,
}


_BATCH = 5000


def _dump_history_details(store: Store, output: IO[bytes], rdf_format: ox.RdfFormat) -> None:
    """Who made each write and what it changed, kept beside an embedded store
    (:mod:`vetkg.store.history_details`): a whole history needs them too."""
    side = store.history_details()
    if side is not None and len(side):
        side.dump(output, format=rdf_format)


def public_quads(store: Store, base_iri: str | None = None, include_history: bool = False) -> Iterator[ox.Quad]:
    """Every quad of ``store``, without the write history's (which names the token holders)
    unless ``include_history``; see :mod:`vetkg.ontology.graphs`."""
    roles = store_graphs(base_iri) if base_iri else store_graphs()
    history = ox.NamedNode(roles.history)
    for quad in store.quads():
        if include_history or quad.graph_name != history:
            yield quad


def export_dataset(
    store: Store, output: IO[bytes], fmt: str, *, base_iri: str | None = None, include_history: bool = False
) -> None:
    """Write every quad to ``output``, the history's only with ``include_history``; Turtle, which
    has no graphs, gets the union of them."""
    rdf_format = FORMATS[fmt]
    roles = store_graphs(base_iri) if base_iri else store_graphs()
    if rdf_format.supports_datasets:
        if include_history or roles.history not in store.graphs():
            store.dump(output, rdf_format)
            if include_history:
                _dump_history_details(store, output, rdf_format)
            return
        quads = public_quads(store, base_iri)
        while batch := list(islice(quads, _BATCH)):
            # N-Quads is a line per quad and TriG allows a graph's block again: batches concatenate.
            ox.serialize(batch, output, format=rdf_format)
        return
    triples = {q.triple for q in public_quads(store, base_iri, include_history)}
    ox.serialize(sorted(triples, key=str), output, format=rdf_format)
