"""The structure of a notice's plan: its parts, work areas and measures, in document order."""
from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from vetkg.ontology.vocab import PREFIXES
from vetkg.store import Store

VET = PREFIXES["vet"]
DCTERMS = PREFIXES["dcterms"]
_KINDS = ("GeneralRequirements", "Part", "WorkArea", "Measure")


@dataclass
class Node:
    iri: str
    kind: str  # one of _KINDS, or "" for something else that is part of the plan
    ordinal: int | None = None
    title: str | None = None
    text: str | None = None
    children: list[Node] = field(default_factory=list)

    @property
    def kind_iri(self) -> str | None:
        """The vet: class, whose label names an untitled node (the general requirements)."""
        return VET + self.kind if self.kind else None


@dataclass
class Plan:
    iri: str
    title: str | None
    children: list[Node]


def _sort_key(node: Node) -> tuple[int, int, str]:
    # Requirements come before numbered parts; unnumbered things after them, stably by IRI.
    kind_rank = 0 if node.kind == "GeneralRequirements" else 1
    return (kind_rank, node.ordinal if node.ordinal is not None else 1 << 30, node.iri)


def plans_of(store: Store, notice: str) -> list[Plan]:
    """The plans ``notice`` issues, each as a tree of what is vet:partOf it."""
    node = ox.NamedNode(notice)
    plans = [
        (r["plan"].value, r["title"].value if r["title"] is not None else None)
        for r in store.query(
            f"SELECT DISTINCT ?plan ?title WHERE {{ {node} <{VET}issues> ?plan "
            f"OPTIONAL {{ ?plan <{DCTERMS}title> ?title }} }} ORDER BY ?plan"
        )
    ]
    seen: dict[str, Plan] = {}
    for iri, title in plans:
        if iri not in seen:
            seen[iri] = Plan(iri, title, _tree(store, iri))
    return list(seen.values())


def _tree(store: Store, plan: str) -> list[Node]:
    rows = store.query(f"""SELECT ?n ?parent ?type ?ord ?title ?text WHERE {{
        ?n <{VET}partOf>+ {ox.NamedNode(plan)} ; <{VET}partOf> ?parent .
        OPTIONAL {{ ?n a ?type FILTER(STRSTARTS(STR(?type), "{VET}")) }}
        OPTIONAL {{ ?n <{VET}ordinal> ?ord }}
        OPTIONAL {{ ?n <{DCTERMS}title> ?title }}
        OPTIONAL {{ ?n <{VET}text> ?text }}
    }}""")
    nodes: dict[str, Node] = {}
    parents: dict[str, set[str]] = {}
    for r in rows:
        iri = r["n"].value
        item = nodes.setdefault(iri, Node(iri, ""))
        parents.setdefault(iri, set()).add(r["parent"].value)
        kind = r["type"].value[len(VET):] if r["type"] is not None else ""
        if kind in _KINDS:
            item.kind = kind
        if r["ord"] is not None and item.ordinal is None:
            try:
                item.ordinal = int(r["ord"].value)
            except ValueError:
                pass
        if r["title"] is not None and item.title is None:
            item.title = r["title"].value
        if r["text"] is not None and item.text is None:
            item.text = r["text"].value
    roots: list[Node] = []
    for iri, item in nodes.items():
        placed = False
        # With partOf stated transitively too, the longest parent IRI is the nearest one.
        for parent in sorted(parents[iri], key=lambda p: (-len(p), p)):
            if parent in nodes:
                nodes[parent].children.append(item)
                placed = True
                break
        if not placed:
            roots.append(item)
    for item in nodes.values():
        item.children.sort(key=_sort_key)
    return sorted(roots, key=_sort_key)
