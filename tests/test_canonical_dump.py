"""store/canonical.py: the same data under other blank-node labels gives the same bytes."""
from __future__ import annotations

from vetkg.store.canonical import canonical_nquads

ONE = b"""_:a <http://ex/p> "x" <http://ex/g> .
_:a <http://ex/q> _:b <http://ex/g> .
_:b <http://ex/p> "y" <http://ex/g> .
<http://ex/s> <http://ex/p> _:a .
"""


def test_relabelled_and_reordered_blank_nodes_give_the_same_bytes() -> None:
    other = b"\n".join(reversed(ONE.replace(b"_:a", b"_:zz9").replace(b"_:b", b"_:k").splitlines())) + b"\n"
    assert other != ONE
    assert canonical_nquads(other) == canonical_nquads(ONE)
    lines = canonical_nquads(ONE).decode().splitlines()
    assert lines == sorted(lines) and len(lines) == 4 and all("_:c14n" in line for line in lines)


def test_other_data_gives_other_bytes() -> None:
    changed = ONE.replace(b'"y"', b'"z"')
    assert canonical_nquads(changed) != canonical_nquads(ONE)
    # which blank node holds which value is data, not labelling
    swapped = ONE.replace(b'_:b <http://ex/p> "y"', b'_:b <http://ex/p> "x"').replace(b'_:a <http://ex/p> "x"', b'_:a <http://ex/p> "y"')
    assert canonical_nquads(swapped) != canonical_nquads(ONE)
