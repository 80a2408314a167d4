"""The vetkg OWL ontology: the Turtle source, its namespace, and loaders."""
from __future__ import annotations

from importlib import resources
from pathlib import Path

from .namespace import DEFAULT_BASE_IRI, ONTOLOGY_IRI, VET

ONTOLOGY_FILE: Path = Path(str(resources.files(__package__) / "vetkg.ttl"))

__all__ = ["DEFAULT_BASE_IRI", "ONTOLOGY_FILE", "ONTOLOGY_IRI", "VET"]
