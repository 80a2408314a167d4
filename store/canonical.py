"""A dataset's canonical N-Quads: the same data gives the same bytes, whatever its blank nodes' labels.

A store names the blank nodes of every write afresh (SPARQL Update's ``INSERT DATA`` must), so
two builds of the same documents hold the same data under other labels. RDF Dataset
Canonicalization (W3C RDFC-1.0, as pyoxigraph implements it) names each blank node by what
surrounds it; the lines are then sorted, so two dumps compare byte for byte.
"""
from __future__ import annotations

import pyoxigraph as ox


def canonical_nquads(nquads: bytes) -> bytes:
    """``nquads`` (an N-Quads document) canonicalised with RDFC-1.0, one quad a line, sorted."""
    dataset = ox.Dataset(ox.parse(nquads, format=ox.RdfFormat.N_QUADS))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    lines = sorted(f"{quad} .\n" for quad in dataset)
    return "".join(lines).encode("utf-8")
