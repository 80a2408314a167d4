"""The bottom layer: the vetkg OWL ontology (``vetkg.ttl``, the one source of truth) and what
the code knows of it: its terms as Python names (:mod:`.namespace`), the prefixes and labels of
reused vocabularies (:mod:`.vocab`), which graphs of a store are data (:mod:`.graphs`), and the
HermiT check (:mod:`.owl`)."""
from __future__ import annotations

from importlib import resources
from pathlib import Path

from .namespace import DEFAULT_BASE_IRI, ONTOLOGY_IRI, VET

ONTOLOGY_FILE: Path = Path(str(resources.files(__package__) / "vetkg.ttl"))

__all__ = ["DEFAULT_BASE_IRI", "ONTOLOGY_FILE", "ONTOLOGY_IRI", "VET"]
