"""Gzipped dumps of the whole dataset, produced while they are sent.

Quads are serialised in batches: N-Quads is one quad per line and TriG allows a graph's block to
appear more than once, so concatenated batches are one valid document, and memory stays flat.
The write history is left out (it names the token holders: see :mod:`vetkg.ontology.graphs`).
"""
from __future__ import annotations

import zlib
from collections.abc import Iterator
from itertools import islice

import pyoxigraph as ox

from vetkg.store import Store

from ..export import public_quads
from .vocab import PREFIXES

FORMATS: dict[str, ox.RdfFormat] = {
    "dataset.nq.gz": ox.RdfFormat.N_QUADS,
    "dataset.trig.gz": ox.RdfFormat.TRIG,
}
_BATCH = 5000


def _serialised(store: Store, rdf_format: ox.RdfFormat, base_iri: str | None) -> Iterator[bytes]:
    quads = public_quads(store, base_iri)
    while batch := list(islice(quads, _BATCH)):
        if rdf_format == ox.RdfFormat.TRIG:
            # Each batch redeclares the prefixes: TriG allows it, and each batch stays self-contained.
            yield ox.serialize(batch, format=rdf_format, prefixes=PREFIXES) or b""
        else:
            yield ox.serialize(batch, format=rdf_format) or b""


def gzipped_dump(store: Store, rdf_format: ox.RdfFormat, base_iri: str | None = None) -> Iterator[bytes]:
    """The public dataset in ``rdf_format``, gzip-compressed chunk by chunk."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, 31)  # wbits 31: a gzip header and trailer
    for chunk in _serialised(store, rdf_format, base_iri):
        compressed = compressor.compress(chunk)
        if compressed:
            yield compressed
    yield compressor.flush()
