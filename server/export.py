"""Serialise the whole dataset, for `vetkg export` and the dumps the server offers."""
from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from typing import IO

import pyoxigraph as ox

from vetkg.ontology.graphs import store_graphs
from vetkg.store import Store
from vetkg.store import formats as registry
from vetkg.store.formats import Holds

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
    """Write every quad to ``output`` in the format named ``fmt`` (a registered short name), the
    history's only with ``include_history``; a format without graphs (Turtle) gets their union."""
    chosen = registry.by_name(fmt, Holds.GRAPH)
    if chosen is None:
        raise ValueError(f"no RDF format {fmt!r}; known: {', '.join(registry.names(Holds.GRAPH))}")
    roles = store_graphs(base_iri) if base_iri else store_graphs()
    if chosen.holds(Holds.DATASET):
        if chosen.rdf is not None and (include_history or roles.history not in store.graphs()):
            store.dump(output, chosen.rdf)
            if include_history:
                _dump_history_details(store, output, chosen.rdf)
            return
        quads = public_quads(store, base_iri, include_history)
        while batch := list(islice(quads, _BATCH)):
            # A dataset syntax (N-Quads a line per quad, TriG a graph's block again) concatenates.
            output.write(chosen.serialize(batch))
        return
    triples = {q.triple for q in public_quads(store, base_iri, include_history)}
    output.write(chosen.serialize(sorted(triples, key=str)))
