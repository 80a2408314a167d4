"""What a build found in one document, as `vetkg build` prints it: counts and warnings."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from rdflib import RDF

from vetkg.ontology.namespace import VET

from .triples import Triple

_TYPE = str(RDF.type)
_VET = str(VET)
_TARGETS = {str(VET.QuantifiedTarget), str(VET.OrdinalTarget)}
_COUNTED = {"WorkArea": "work areas", "Measure": "measures", "Box": "boxes", "Attachment": "attachments", "TableRow": "table rows"}


@dataclass(frozen=True)
class DocumentReport:
    path: str
    counts: dict[str, int] = field(default_factory=dict)
    organisations: dict[str, int] = field(default_factory=dict)  # by class
    warnings: tuple[str, ...] = ()

    def lines(self) -> list[str]:
        """One line of counts, then one line per warning."""
        c = self.counts
        orgs = sum(self.organisations.values())
        by_class = ", ".join(f"{n} {cls}" for cls, n in sorted(self.organisations.items(), key=lambda kv: (-kv[1], kv[0])))
        parts = [f"{c.get(k, 0)} {k}" for k in ("work areas", "measures")]
        parts += [f"{c[k]} {k}" for k in ("boxes", "attachments", "table rows") if c.get(k)]
        parts.append(f"{orgs} organisations" + (f" ({by_class})" if by_class else ""))
        parts += [f"{c.get(k, 0)} {k}" for k in ("places", "programmes", "targets")]
        return [f"{self.path}: " + ", ".join(parts)] + [f"{self.path}: warning: {w}" for w in self.warnings]


def document_report(path: str, triples: list[Triple], base_iri: str, warnings: list[str]) -> DocumentReport:
    """Count, in one document's triples, the units it holds and the things it names."""
    entity = {kind: f"{base_iri}id/{kind}/" for kind in ("org", "place", "programme")}
    types: dict[str, set[str]] = {}
    targets: set[str] = set()
    for s, p, o in triples:
        if p != _TYPE or type(o) is not str:
            continue
        if o in _TARGETS:
            targets.add(s)
        types.setdefault(s, set()).add(o)
    counts: Counter[str] = Counter()
    organisations: Counter[str] = Counter()
    for s, classes in types.items():
        for cls in classes:
            name = cls[len(_VET) :] if cls.startswith(_VET) else ""
            if name in _COUNTED:
                counts[_COUNTED[name]] += 1
        if s.startswith(entity["org"]):
            named = sorted(c[len(_VET) :] for c in classes if c.startswith(_VET) and c != str(VET.Organization))
            organisations[named[0] if named else "Organization"] += 1
        elif s.startswith(entity["place"]):
            counts["places"] += 1
        elif s.startswith(entity["programme"]):
            counts["programmes"] += 1
    counts["targets"] = len(targets)
    return DocumentReport(path, dict(counts), dict(organisations), tuple(warnings))
