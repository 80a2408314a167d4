"""SHACL shapes for the vetkg graph (``vetkg-shapes.ttl``) and the validation that uses them:
of whole graphs (:mod:`.validate`), of one write (:mod:`.incremental`), and of a shapes graph
itself (:mod:`.meta`)."""
from __future__ import annotations

from importlib import resources
from pathlib import Path

SHAPES_FILE: Path = Path(str(resources.files(__package__) / "vetkg-shapes.ttl"))
