"""Gzipped dumps of the whole dataset, produced while they are sent.

Quads are serialised in batches: N-Quads is one quad per line and TriG allows a graph's block to
appear more than once, so concatenated batches are one valid document, and memory stays flat.
The write history is left out (it names the token holders: see :mod:`vetkg.ontology.graphs`).
"""
from __future__ import annotations

import zlib
from collections.abc import Iterator
from itertools import islice

from vetkg.ontology.vocab import PREFIXES
from vetkg.store import Store
from vetkg.store import formats as registry
from vetkg.store.formats import Format, Holds

from ..export import public_quads

_BATCH = 5000


def dump_formats() -> dict[str, Format]:
    """File name → format: a dump in every registered dataset format."""
    return {f"dataset.{f.suffix}.gz": f for f in registry.formats(Holds.DATASET)}


def _serialised(store: Store, fmt: Format, base_iri: str | None) -> Iterator[bytes]:
    quads = public_quads(store, base_iri)
    while batch := list(islice(quads, _BATCH)):
        # Each batch of TriG redeclares the prefixes: TriG allows it, and each batch stays
        # self-contained.
        yield fmt.serialize(batch, PREFIXES)


def gzipped_dump(store: Store, fmt: Format, base_iri: str | None = None) -> Iterator[bytes]:
    """The public dataset in ``fmt``, gzip-compressed chunk by chunk."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, 31)  # wbits 31: a gzip header and trailer
    for chunk in _serialised(store, fmt, base_iri):
        compressed = compressor.compress(chunk)
        if compressed:
            yield compressed
    yield compressor.flush()
