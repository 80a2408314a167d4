"""Validate one write against the SHACL shapes by checking again only what the write can affect.

A write is a :class:`~vetkg.store.change.Change` to the union of the data graphs seen as one graph
(:func:`vetkg.store.union.union_change`), read through a :class:`~vetkg.store.union.DataView`.
Validation has two steps:

1. :func:`affected_focus_nodes` walks the change backwards through the shapes: targets, property
   paths (predicate, inverse, sequence, alternative, zero/one-or-more, zero-or-one), ``sh:class``
   on value nodes, nested shapes (``sh:node``, ``sh:property``, ``sh:and``/``sh:or``/``sh:xone``/
   ``sh:not``, ``sh:qualifiedValueShape``), property pair constraints (``sh:equals``,
   ``sh:disjoint``, ``sh:lessThan``, ``sh:lessThanOrEquals``) and ``sh:closed``. A shape with a
   SPARQL constraint (``sh:sparql``) cannot be bounded statically: every node it applies to is
   affected.
2. :func:`validate_change` copies out of the data only what validating those nodes reads (each
   shape's paths from them, the types that ``sh:class`` looks at, the nested shapes' values) and
   runs pyshacl on that small graph.

pyshacl's own ``focus_nodes`` option is not used: in pyshacl 0.40.1 it also filters the value
nodes that nested shapes (``sh:or``, ``sh:node``, ``sh:qualifiedValueShape`` …) are evaluated on,
so a nested shape silently passes (``sh:or`` always conforms, ``sh:not`` always fails). Instead the
small graph is validated whole and only the results on the affected nodes are kept: the other
nodes in it are incomplete copies of their neighbours and their results mean nothing.
"""
from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH
from rdflib.term import Node

from vetkg.store.change import Change
from vetkg.store.union import ChangedView, DataView, Triple, as_triples

from .validate import (
    ValidationResult,
    class_hierarchy,
    load_shapes,
    summary_text,
    validate_graph,
)

__all__ = [
    "IncrementalResult",
    "affected_focus_nodes",
    "extract_subgraph",
    "validate_change",
]

Edges = Iterable[tuple[Node, Node]]  # (subclass, superclass); a data graph's may be blank nodes

# How far from $this a SPARQL constraint is assumed to read, forwards and backwards: SPARQL text
# is not analysed, so this is the one assumption the extraction makes (see _collect_sparql).
SPARQL_HOPS = 2


# ------------------------------------------------------------------------------------------------
# Shapes, read once into plain Python
# ------------------------------------------------------------------------------------------------

# A path is ("pred", p) | ("inv", path) | ("seq", (paths…)) | ("alt", (paths…))
#           | ("star", path) | ("plus", path) | ("opt", path).
Path = tuple


@dataclass
class ShapeInfo:
    node: Node
    path: Path | None
    classes: list[URIRef] = field(default_factory=list)
    nested: list[Node] = field(default_factory=list)
    pair_predicates: list[URIRef] = field(default_factory=list)
    closed: bool = False
    sparql: bool = False
    target_classes: list[URIRef] = field(default_factory=list)
    target_nodes: list[Node] = field(default_factory=list)
    subjects_of: list[URIRef] = field(default_factory=list)
    objects_of: list[URIRef] = field(default_factory=list)

    @property
    def has_targets(self) -> bool:
        return bool(self.target_classes or self.target_nodes or self.subjects_of or self.objects_of)


@dataclass
class ShapeIndex:
    shapes: dict[Node, ShapeInfo]
    top: list[ShapeInfo]


_NESTING = (SH.node, SH.property, SH["not"], SH.qualifiedValueShape)
_LISTS = (SH["and"], SH["or"], SH.xone)
_PAIRS = (SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals)
_INDEX_CACHE: dict[int, tuple[Graph, int, ShapeIndex]] = {}


def shape_index(shapes: Graph) -> ShapeIndex:
    """The shapes of ``shapes`` as :class:`ShapeInfo`, cached while the graph is unchanged."""
    cached = _INDEX_CACHE.get(id(shapes))
    if cached is not None and cached[0] is shapes and cached[1] == len(shapes):
        return cached[2]
    index = _build_index(shapes)
    _INDEX_CACHE[id(shapes)] = (shapes, len(shapes), index)
    return index


def _build_index(g: Graph) -> ShapeIndex:
    infos: dict[Node, ShapeInfo] = {}
    pending = list(_shape_nodes(g))
    while pending:
        node = pending.pop()
        if node in infos:
            continue
        if (node, SH.deactivated, Literal(True)) in g:
            continue  # pyshacl skips deactivated shapes, so they affect nothing
        info = _read_shape(g, node)
        infos[node] = info
        pending.extend(info.nested)
    top = [i for i in infos.values() if i.has_targets]
    return ShapeIndex(infos, top)


def _shape_nodes(g: Graph) -> set[Node]:
    nodes: set[Node] = set(g.subjects(RDF.type, SH.NodeShape)) | set(g.subjects(RDF.type, SH.PropertyShape))
    for pred in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.path):
        nodes.update(g.subjects(pred, None))
    return nodes


def _read_shape(g: Graph, node: Node) -> ShapeInfo:
    path_node = g.value(node, SH.path)
    info = ShapeInfo(node=node, path=None if path_node is None else _read_path(g, path_node))
    info.classes = [c for c in g.objects(node, SH["class"]) if isinstance(c, URIRef)]
    info.nested = [n for pred in _NESTING for n in g.objects(node, pred)]
    for pred in _LISTS:
        for head in g.objects(node, pred):
            info.nested.extend(Collection(g, head))
    info.pair_predicates = [p for pred in _PAIRS for p in g.objects(node, pred) if isinstance(p, URIRef)]
    info.closed = (node, SH.closed, Literal(True)) in g
    info.sparql = any(True for _ in g.objects(node, SH.sparql))
    info.target_classes = [c for c in g.objects(node, SH.targetClass) if isinstance(c, URIRef)]
    # A shape that is also a class targets its own instances (SHACL 2.1.3.3).
    if isinstance(node, URIRef) and ((node, RDF.type, RDFS.Class) in g or (node, RDF.type, OWL.Class) in g):
        info.target_classes.append(node)  # named, as sh:targetClass values are taken above
    info.target_nodes = list(g.objects(node, SH.targetNode))
    info.subjects_of = [p for p in g.objects(node, SH.targetSubjectsOf) if isinstance(p, URIRef)]
    info.objects_of = [p for p in g.objects(node, SH.targetObjectsOf) if isinstance(p, URIRef)]
    return info


def _read_path(g: Graph, node: Node) -> Path:
    if isinstance(node, URIRef):
        return ("pred", node)
    for pred, kind in (
        (SH.inversePath, "inv"),
        (SH.zeroOrMorePath, "star"),
        (SH.oneOrMorePath, "plus"),
        (SH.zeroOrOnePath, "opt"),
    ):
        inner = g.value(node, pred)
        if inner is not None:
            return (kind, _read_path(g, inner))
    alternatives = g.value(node, SH.alternativePath)
    if alternatives is not None:
        return ("alt", tuple(_read_path(g, n) for n in Collection(g, alternatives)))
    if g.value(node, RDF.first) is not None:
        return ("seq", tuple(_read_path(g, n) for n in Collection(g, node)))
    raise ValueError(f"unsupported SHACL path {node!r}")


# ------------------------------------------------------------------------------------------------
# Paths: forwards to value nodes, backwards to focus nodes
# ------------------------------------------------------------------------------------------------


def _step(view: DataView, nodes: Iterable[Node], p: Node, backward: bool, sink: set[Triple] | None) -> set[Node]:
    found: set[Node] = set()
    for n in nodes:
        pattern = (None, p, n) if backward else (n, p, None)
        for t in view.triples(*pattern):
            found.add(t[0] if backward else t[2])
            if sink is not None:
                sink.add(t)
    return found


def walk(path: Path, nodes: Iterable[Node], view: DataView, backward: bool = False, sink: set[Triple] | None = None) -> set[Node]:
    """The nodes ``path`` reaches from ``nodes`` (or, ``backward``, the nodes that reach them).

    Every triple read on the way is added to ``sink``: those are the triples pyshacl needs to
    evaluate the path.
    """
    kind, arg = path
    start = set(nodes)
    if kind == "pred":
        return _step(view, start, arg, backward, sink)
    if kind == "inv":
        return walk(arg, start, view, not backward, sink)
    if kind == "seq":
        parts = reversed(arg) if backward else arg
        for part in parts:
            start = walk(part, start, view, backward, sink)
        return start
    if kind == "alt":
        return set().union(*(walk(a, start, view, backward, sink) for a in arg))
    if kind == "opt":
        return start | walk(arg, start, view, backward, sink)
    # star / plus: breadth-first to the fixpoint; the graph may have cycles.
    reached: set[Node] = set(start) if kind == "star" else set()
    frontier = walk(arg, start, view, backward, sink)
    while frontier - reached:
        new = frontier - reached
        reached |= new
        frontier = walk(arg, new, view, backward, sink)
    return reached


def _ends(path: Path, t: Triple, view: DataView) -> tuple[set[Node], set[Node]]:
    """(heads, tails): start and end nodes of the ``path`` walks in ``view`` that use triple ``t``."""
    kind, arg = path
    if kind == "pred":
        return ({t[0]}, {t[2]}) if t[1] == arg else (set(), set())
    if kind == "inv":
        h, e = _ends(arg, t, view)
        return e, h
    if kind == "alt" or kind == "opt":
        parts = arg if kind == "alt" else (arg,)
        pairs = [_ends(a, t, view) for a in parts]
        return set().union(*(h for h, _ in pairs)), set().union(*(e for _, e in pairs))
    if kind == "seq":
        heads: set[Node] = set()
        tails: set[Node] = set()
        for k, part in enumerate(arg):
            h, e = _ends(part, t, view)
            if h:
                heads |= walk(("seq", arg[:k]), h, view, backward=True)
                tails |= walk(("seq", arg[k + 1 :]), e, view)
        return heads, tails
    # star / plus: t is used in one step; before it any number of steps, after it too.
    h, e = _ends(arg, t, view)
    if not h:
        return set(), set()
    return walk(("star", arg), h, view, backward=True), walk(("star", arg), e, view)


# ------------------------------------------------------------------------------------------------
# Which nodes a change can affect
# ------------------------------------------------------------------------------------------------


class _All:
    """A shape whose affected nodes cannot be bounded: every node it applies to."""


ALL = _All()
Affected = set[Node] | _All


@dataclass
class _Context:
    added: set[Triple]
    removed: set[Triple]
    before: DataView
    after: DataView
    index: ShapeIndex
    supers: dict[Node, set[Node]]
    type_changes: list[tuple[Node, Node]]
    memo: dict[Node, Affected] = field(default_factory=dict)

    @property
    def triples(self) -> set[Triple]:
        return self.added | self.removed

    def views(self) -> tuple[DataView, DataView]:
        return self.before, self.after


def affected_focus_nodes(
    change: Change,
    before: DataView,
    after: DataView,
    shapes: Graph | None = None,
    hierarchy: Edges | None = None,
) -> set[Node]:
    """Every node whose conformance ``change`` (a change to the union) can alter: a focus node of
    some shape, before or after the change, whose validation reads a changed triple."""
    return _affected_nodes(_context(_delta(change), before, after, shapes, hierarchy))


def _delta(change: Change) -> tuple[set[Triple], set[Triple]]:
    """The triples ``change`` adds and removes, as rdflib terms (what the views hold)."""
    added = as_triples(change.added)
    return added, as_triples(change.removed) - added


def _affected_nodes(ctx: _Context) -> set[Node]:
    before, after = ctx.before, ctx.after
    affected: set[Node] = set()
    facts_before, facts_after = _Facts(before, ctx.supers), _Facts(after, ctx.supers)
    for shape in ctx.index.top:
        found = _affected(shape.node, ctx)
        if isinstance(found, _All):
            affected |= _targets(shape, before, ctx.supers) | _targets(shape, after, ctx.supers)
            continue
        found = found | _target_changes(shape, ctx)
        affected |= {n for n in found if _is_target(shape, n, facts_after) or _is_target(shape, n, facts_before)}
    return affected


def _context(
    delta: tuple[set[Triple], set[Triple]], before: DataView, after: DataView, shapes: Graph | None, hierarchy: Edges | None
) -> _Context:
    added, removed = delta
    index = shape_index(load_shapes() if shapes is None else shapes)
    edges = _effective_hierarchy(hierarchy, before, after)
    supers = _superclasses(edges)
    changed = added | removed
    type_changes = [(s, o) for s, p, o in changed if p == RDF.type]
    # A subclass axiom in the data moves every instance below it in or out of classes: the same
    # as changing each instance's type.
    for s, p, o in changed:
        if p == RDFS.subClassOf:
            subs = {c for c, sup in supers.items() if s in sup}
            for view in (before, after):
                for c in subs:
                    type_changes.extend((x, o) for x, _, _ in view.triples(None, RDF.type, c))
    return _Context(added, removed, before, after, index, supers, type_changes)


def _effective_hierarchy(hierarchy: Edges | None, *views: DataView) -> list[tuple[Node, Node]]:
    edges = set(class_hierarchy() if hierarchy is None else hierarchy)
    for view in views:
        edges.update((s, o) for s, _, o in view.triples(None, RDFS.subClassOf, None))
    return sorted(edges)


def _superclasses(edges: Iterable[tuple[Node, Node]]) -> dict[Node, set[Node]]:
    direct: dict[Node, set[Node]] = {}
    for sub, sup in edges:
        direct.setdefault(sub, set()).add(sup)
    closure: dict[Node, set[Node]] = {}
    for cls in direct:
        seen: set[Node] = set()
        todo = [cls]
        while todo:
            for sup in direct.get(todo.pop(), ()):
                if sup not in seen:
                    seen.add(sup)
                    todo.append(sup)
        closure[cls] = seen
    return closure


def _is_instance_class(cls: Node, target: Node, supers: dict[Node, set[Node]]) -> bool:
    return cls == target or target in supers.get(cls, ())


def _affected(node: Node, ctx: _Context) -> Affected:
    """Nodes whose conformance to shape ``node`` may change, wherever the shape is applied."""
    if node in ctx.memo:
        return ctx.memo[node]
    ctx.memo[node] = set()  # a recursive shape reached again adds nothing new on this pass
    info = ctx.index.shapes[node]
    result = _compute_affected(info, ctx)
    ctx.memo[node] = result
    return result


def _compute_affected(info: ShapeInfo, ctx: _Context) -> Affected:
    if info.sparql:
        return ALL  # the query may read anything: not bounded
    direct: set[Node] = set()
    if info.path is not None:
        # The value set of a focus node changes when a changed triple lies on one of its paths.
        for t in ctx.removed:
            direct |= _ends(info.path, t, ctx.before)[0]
        for t in ctx.added:
            direct |= _ends(info.path, t, ctx.after)[0]
    # Pair constraints compare the focus node's own values of another property.
    direct |= {s for s, p, _ in ctx.triples if p in info.pair_predicates}
    values = _affected_values(info, ctx)
    if isinstance(values, _All):
        return ALL
    if info.path is None:
        return direct | values
    for view in ctx.views():
        direct |= walk(info.path, values, view, backward=True)
    return direct


def _affected_values(info: ShapeInfo, ctx: _Context) -> Affected:
    """Value nodes whose own state, as this shape reads it, may have changed."""
    values: set[Node] = set()
    for cls in info.classes:
        values |= {s for s, c in ctx.type_changes if _is_instance_class(c, cls, ctx.supers)}
    if info.closed:
        values |= {t[0] for t in ctx.triples}
    for nested in info.nested:
        found = _affected(nested, ctx)
        if isinstance(found, _All):
            return ALL
        values |= found
    return values


def _target_changes(shape: ShapeInfo, ctx: _Context) -> set[Node]:
    """Nodes that a change moves into or out of the shape's targets."""
    moved = {
        s
        for s, c in ctx.type_changes
        if any(_is_instance_class(c, target, ctx.supers) for target in shape.target_classes)
    }
    for s, p, o in ctx.triples:
        if p in shape.subjects_of:
            moved.add(s)
        if p in shape.objects_of:
            moved.add(o)
    return moved


class _Facts:
    """What target tests read about nodes of one view, read once per node."""

    def __init__(self, view: DataView, supers: dict[Node, set[Node]]) -> None:
        self.view, self.supers = view, supers
        self._out: dict[Node, tuple[set[Node], set[Node]]] = {}
        self._in: dict[tuple[Node, Node], bool] = {}

    def _read(self, node: Node) -> tuple[set[Node], set[Node]]:
        known = self._out.get(node)
        if known is None:
            classes: set[Node] = set()
            predicates: set[Node] = set()
            for _, p, o in self.view.triples(node, None, None):
                predicates.add(p)
                if p == RDF.type:
                    classes.add(o)
                    classes |= self.supers.get(o, set())
            known = self._out[node] = (classes, predicates)
        return known

    def classes(self, node: Node) -> set[Node]:
        return self._read(node)[0]

    def out_predicates(self, node: Node) -> set[Node]:
        return self._read(node)[1]

    def has_in(self, node: Node, p: Node) -> bool:
        key = (node, p)
        if key not in self._in:
            self._in[key] = next(iter(self.view.triples(None, p, node)), None) is not None
        return self._in[key]


def _is_target(shape: ShapeInfo, node: Node, facts: _Facts) -> bool:
    if node in shape.target_nodes:
        return True
    if isinstance(node, Literal):
        return False
    if shape.target_classes and not facts.classes(node).isdisjoint(shape.target_classes):
        return True
    if shape.subjects_of and not facts.out_predicates(node).isdisjoint(shape.subjects_of):
        return True
    return any(facts.has_in(node, p) for p in shape.objects_of)


def _targets(shape: ShapeInfo, view: DataView, supers: dict[Node, set[Node]]) -> set[Node]:
    found = set(shape.target_nodes)
    classes = {c for c, sup in supers.items() if sup & set(shape.target_classes)} | set(shape.target_classes)
    for cls in classes:
        found |= {s for s, _, _ in view.triples(None, RDF.type, cls)}
    for p in shape.subjects_of:
        found |= {s for s, _, _ in view.triples(None, p, None)}
    for p in shape.objects_of:
        found |= {o for _, _, o in view.triples(None, p, None)}
    return found


# ------------------------------------------------------------------------------------------------
# The small graph that validating the affected nodes reads
# ------------------------------------------------------------------------------------------------


def extract_subgraph(
    focus_nodes: Iterable[Node],
    view: DataView,
    shapes: Graph | None = None,
    hierarchy: Edges | None = None,
) -> Graph:
    """The triples of ``view`` that validating ``focus_nodes`` against the shapes reads."""
    index = shape_index(load_shapes() if shapes is None else shapes)
    supers = _superclasses(_effective_hierarchy(hierarchy, view))
    facts = _Facts(view, supers)
    sink: set[Triple] = set()
    done: set[tuple[Node, Node]] = set()
    for node in focus_nodes:
        sink.update(view.triples(node, RDF.type, None))
        for shape in index.top:
            if _is_target(shape, node, facts):
                _collect_targeting(shape, node, view, sink)
                _collect(shape.node, node, view, index, sink, done)
    graph = Graph()
    for t in sink:
        graph.add(t)
    return graph


def _collect_targeting(shape: ShapeInfo, node: Node, view: DataView, sink: set[Triple]) -> None:
    # One witness per predicate keeps the node a target in the small graph, as in the data.
    for p in shape.subjects_of:
        sink.update(_first(view.triples(node, p, None)))
    for p in shape.objects_of:
        sink.update(_first(view.triples(None, p, node)))


def _first(triples: Iterable[Triple]) -> list[Triple]:
    return [t for t in [next(iter(triples), None)] if t is not None]


def _collect(
    shape: Node, node: Node, view: DataView, index: ShapeIndex, sink: set[Triple], done: set[tuple[Node, Node]]
) -> None:
    if (shape, node) in done:
        return
    done.add((shape, node))
    info = index.shapes[shape]
    values = {node} if info.path is None else walk(info.path, {node}, view, sink=sink)
    if info.classes:
        for v in values:
            sink.update(view.triples(v, RDF.type, None))
    for p in info.pair_predicates:
        sink.update(view.triples(node, p, None))
    if info.closed:
        for v in values:
            sink.update(view.triples(v, None, None))
    if info.sparql:
        _collect_sparql(node, view, sink)
    for nested in info.nested:
        for v in values:
            _collect(nested, v, view, index, sink, done)


def _collect_sparql(node: Node, view: DataView, sink: set[Triple]) -> None:
    """The neighbourhood a SPARQL constraint is assumed to read: SPARQL_HOPS steps each way."""
    frontier = {node}
    seen = {node}
    for _ in range(SPARQL_HOPS):
        reached: set[Node] = set()
        for n in frontier:
            for t in view.triples(n, None, None):
                sink.add(t)
                reached.add(t[2])
            for t in view.triples(None, None, n):
                sink.add(t)
                reached.add(t[0])
        frontier = {n for n in reached - seen if not isinstance(n, Literal)}
        seen |= frontier


# ------------------------------------------------------------------------------------------------
# Validating a change
# ------------------------------------------------------------------------------------------------


@dataclass
class IncrementalResult(ValidationResult):
    """A :class:`ValidationResult` of the affected nodes, with what it took to get it."""

    focus_nodes: set[Node] = field(default_factory=set)
    checked_triples: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def validate_change(
    change: Change,
    after: DataView,
    shapes: Graph | None = None,
    hierarchy: Edges | None = None,
) -> IncrementalResult:
    """Validate the data ``after`` a change, checking only the nodes the change can affect.

    ``change`` is the change to the union (:func:`vetkg.store.union.union_change`, or
    :func:`vetkg.store.union.triples_change`). Agrees with validating the whole of ``after`` on
    every affected node; any other node's conformance is the same as before the change.
    """
    shapes_graph = load_shapes() if shapes is None else shapes
    edges = _effective_hierarchy(hierarchy, after)
    added, removed = _delta(change)
    before = ChangedView(after, plus=removed, minus=added)
    clock = time.perf_counter()
    focus = _affected_nodes(_context((added, removed), before, after, shapes_graph, edges))
    found = time.perf_counter()
    sub = extract_subgraph(focus, after, shapes_graph, edges)
    extracted = time.perf_counter()
    result = _validate_focus(sub, focus, shapes_graph, edges)
    result.seconds = {
        "affected": found - clock,
        "extract": extracted - found,
        "validate": time.perf_counter() - extracted,
    }
    return result


def _validate_focus(sub: Graph, focus: set[Node], shapes: Graph, edges: list[tuple[Node, Node]]) -> IncrementalResult:
    if not focus:
        full = validate_graph(sub, shapes, focus_nodes=[], hierarchy=edges)
        return IncrementalResult(full.conforms, full.report, full.text, [], set(), len(sub))
    # Validated whole, not with pyshacl's focus_nodes (see the module docstring), then narrowed.
    full = validate_graph(sub, shapes, hierarchy=edges)
    kept = [v for v in full.violations if v.focus_node in focus]
    conforms = not any(v.severity == "Violation" for v in kept)
    report = _narrow_report(full.report, focus, conforms)
    text = summary_text(conforms, report, sub, kept, len(focus))
    return IncrementalResult(conforms, report, text, kept, focus, len(sub))


def _narrow_report(report: Graph, focus: set[Node], conforms: bool) -> Graph:
    """A copy of ``report`` with only the results on ``focus`` nodes."""
    narrowed = Graph()
    for prefix, ns in report.namespaces():
        narrowed.bind(prefix, ns)
    root = BNode()
    narrowed.add((root, RDF.type, SH.ValidationReport))
    narrowed.add((root, SH.conforms, Literal(conforms)))
    for res in report.subjects(RDF.type, SH.ValidationResult):
        if report.value(res, SH.focusNode) in focus:
            narrowed.add((root, SH.result, res))
            _copy_description(report, res, narrowed)
    return narrowed


def _copy_description(source: Graph, node: Node, target: Graph) -> None:
    todo, seen = [node], set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for _, p, o in source.triples((current, None, None)):
            target.add((current, p, o))
            if isinstance(o, BNode):
                todo.append(o)
