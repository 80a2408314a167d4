"""SHACL shapes for the vetkg graph and the validation that uses them."""
from __future__ import annotations

from importlib import resources
from pathlib import Path

SHAPES_FILE: Path = Path(str(resources.files(__package__) / "vetkg-shapes.ttl"))
