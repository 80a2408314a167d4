"""Graphs broken against the SHACL shapes, derived from the shapes themselves.

For every constraint of every shape in ``shapes/vetkg-shapes.ttl`` (a cardinality, a datatype, a
language, a class, a pattern, an enumeration, a bound, a comparison, an alternative, a
qualified count) and every kind of target, :func:`mutations` takes a conforming document graph
that has a node the shape targets and breaks that one constraint there. A constraint this module
does not know how to break is an error, so a new kind of constraint in the shapes cannot go
untested.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

TEST = "urn:vetkg-test:"

# what a shape may say besides constraints: not broken, but known
_NOT_CONSTRAINTS = {
    RDF.type, SH.path, SH.message, SH.severity, SH.name, SH.description, SH.property, SH.targetClass,
    SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode, RDFS.label, RDFS.comment,
    SH.qualifiedValueShape,  # broken through sh:qualifiedMinCount and sh:qualifiedMaxCount
}


@dataclass(frozen=True)
class Mutation:
    shape: Node  # the shape whose constraint is broken (a property shape, or a node shape)
    component: URIRef  # the constraint parameter (sh:minCount, sh:datatype, …) or target kind
    focus: Node
    graph: Graph

    def __str__(self) -> str:
        return f"{_name(self.shape)} {_name(self.component)} at {self.focus}"


def _name(node: Node) -> str:
    text = str(node)
    return text.rsplit("#", 1)[-1] if "#" in text else text


class ShapeIndex:
    def __init__(self, shapes: Graph, hierarchy: list[tuple[URIRef, URIRef]]) -> None:
        self.shapes = shapes
        self.supers: dict[Node, set[Node]] = {}
        for sub, sup in hierarchy:
            self.supers.setdefault(sub, set()).add(sup)

    def classes_of(self, g: Graph, node: Node) -> set[Node]:
        """The types of ``node`` with their superclasses (the closure SHACL targeting uses)."""
        seen: set[Node] = set()
        todo = list(g.objects(node, RDF.type))
        while todo:
            c = todo.pop()
            if c not in seen:
                seen.add(c)
                todo.extend(self.supers.get(c, ()))
        return seen

    def node_shapes(self) -> list[Node]:
        return sorted(set(self.shapes.subjects(RDF.type, SH.NodeShape)), key=str)

    def focus_nodes(self, g: Graph, node_shape: Node) -> list[Node]:
        found: set[Node] = set()
        for cls in self.shapes.objects(node_shape, SH.targetClass):
            found.update(n for n in set(g.subjects(RDF.type, None)) if cls in self.classes_of(g, n))
        for p in self.shapes.objects(node_shape, SH.targetSubjectsOf):
            found.update(g.subjects(p, None))
        for p in self.shapes.objects(node_shape, SH.targetObjectsOf):
            found.update(o for o in g.objects(None, p) if not isinstance(o, Literal))
        return sorted(found, key=str)

    def items(self, head: Node) -> list[Node]:
        return list(Collection(self.shapes, head))


def _values(g: Graph, focus: Node, path: Node, shapes: Graph) -> list[tuple[Node, Node, Node]]:
    """The triples that give ``focus`` its values on ``path`` (an IRI or an inverse path)."""
    inverse = shapes.value(path, SH.inversePath) if isinstance(path, BNode) else None
    if inverse is not None:
        return sorted(g.triples((None, inverse, focus)), key=str)
    if isinstance(path, BNode):
        raise NotImplementedError(f"complex path {list(shapes.triples((path, None, None)))}: teach shape_mutations.py")
    return sorted(g.triples((focus, path, None)), key=str)


def _set_value(g: Graph, focus: Node, path: Node, value: Node, old: tuple[Node, Node, Node] | None) -> None:
    if old is not None:
        g.remove(old)
    g.add((focus, path, value))


def _another(lit: Literal, k: int) -> Literal:
    """A well-formed value of ``lit``'s datatype other than ``lit``: a second value breaks a
    maximum count and nothing else."""
    dt = lit.datatype
    if dt in (XSD.integer, XSD.nonNegativeInteger, XSD.decimal):
        return Literal(str(lit.toPython() + k), datatype=dt, normalize=False)
    if dt == XSD.boolean:
        return Literal("false" if lit.toPython() else "true", datatype=dt)
    if dt == XSD.date:
        return Literal(f"{1900 + k:04d}-01-01", datatype=dt)
    if dt == XSD.gYear:
        return Literal(f"{1900 + k:04d}", datatype=dt)
    if dt in (None, XSD.string) or lit.language:
        return Literal(f"{lit}之{k + 1}", lang=lit.language, datatype=dt)
    raise NotImplementedError(f"a second value of {dt}: teach shape_mutations.py")


def ill_typed(lit_datatype: URIRef) -> Literal:
    """A literal of ``lit_datatype`` whose lexical form is not one of its values; kept as written
    (rdflib would otherwise swap an ill-typed boolean for ``false``)."""
    return Literal("不是值", datatype=lit_datatype, normalize=False)


def _wrong_datatype(expected: set[Node]) -> Literal:
    for candidate in (XSD.double, XSD.dateTime, XSD.token):
        if candidate not in expected:
            lexical = "1.5E0" if candidate == XSD.double else "2025-01-01T00:00:00" if candidate == XSD.dateTime else "x"
            return Literal(lexical, datatype=candidate, normalize=False)
    raise AssertionError("no wrong datatype left")


def _untyped() -> URIRef:
    return URIRef(f"{TEST}untyped-thing")


def _meets(s: Graph, index: ShapeIndex, g: Graph, qualified: Node, value: Node) -> bool:
    """Whether ``value`` meets a qualified value shape of the kinds the shapes use: a class, or a
    datatype with a language (vsh:ZhString)."""
    kinds = set(s.predicates(qualified)) - {RDF.type}
    if kinds == {SH["class"]}:
        return s.value(qualified, SH["class"]) in index.classes_of(g, value)
    if kinds <= {SH.datatype, SH.languageIn}:
        if not isinstance(value, Literal):
            return False
        datatype = s.value(qualified, SH.datatype)
        if datatype == RDF.langString and value.language is None:
            return False
        ranges = [str(x) for x in index.items(s.value(qualified, SH.languageIn))] if SH.languageIn in kinds else None
        return ranges is None or any((value.language or "").lower().split("-")[0] == r.lower() for r in ranges)
    raise NotImplementedError(f"qualified shape of {kinds}: teach shape_mutations.py")


def _copy(g: Graph) -> Graph:
    out = Graph()
    out += g
    return out


def _break(index: ShapeIndex, g: Graph, shape: Node, path: Node | None, focus: Node, param: URIRef, arg: Node) -> Graph | None:
    """``g`` with ``focus`` breaking ``shape``'s constraint ``param arg``; None when this focus
    cannot show it (it has no value to break, say)."""
    s = index.shapes
    m = _copy(g)
    values = _values(g, focus, path, s) if path is not None else []
    first = values[0] if values else None
    if param == SH.minCount:
        if int(arg) < 1 or not values:
            return None
        for t in values:
            m.remove(t)
        return m
    if param == SH.maxCount:
        need = int(arg) + 1 - len(values)
        if isinstance(path, BNode):
            return None
        # a value like those the property has elsewhere, so that only the count is wrong
        model = first[2] if first is not None else next(iter(sorted(g.objects(None, path), key=str)), None)
        for k in range(need):
            if isinstance(model, Literal):
                m.add((focus, path, _another(model, k + 1)))
            else:
                m.add((focus, path, URIRef(f"{TEST}extra-{k}")))
        return m
    if isinstance(path, BNode):
        return None  # value constraints are broken on values of a plain path
    if param == SH.datatype:
        _set_value(m, focus, path, _wrong_datatype({arg}), first)
        return m
    if param == SH.languageIn:
        _set_value(m, focus, path, Literal(str(first[2]) if first else "x", lang="en"), first)
        return m
    if param == SH["class"]:
        _set_value(m, focus, path, _untyped(), first)
        return m
    if param == SH.nodeKind:
        _set_value(m, focus, path, Literal("not a node") if arg in (SH.IRI, SH.BlankNode, SH.BlankNodeOrIRI) else URIRef(f"{TEST}iri"), first)
        return m
    if param == SH.pattern:
        datatype = first[2].datatype if first and isinstance(first[2], Literal) else None
        _set_value(m, focus, path, Literal("!!不合规则!!", datatype=datatype, normalize=False), first)
        return m
    if param == SH["in"]:
        _set_value(m, focus, path, URIRef(f"{TEST}not-in-the-list"), first)
        return m
    if param == SH.minInclusive:
        if first is None:
            return None
        _set_value(m, focus, path, Literal(str(int(arg) - 1), datatype=first[2].datatype, normalize=False), first)
        return m
    if param == SH.lessThan:
        other = next(iter(sorted(g.objects(focus, arg), key=str)), None)
        if first is None or other is None:
            return None
        _set_value(m, focus, path, other, first)  # equal is not less
        return m
    if param == SH["or"]:
        alternatives = index.items(arg)
        kinds = {p for alt in alternatives for p, _ in s.predicate_objects(alt)}
        if path is None:  # at node level: each alternative names a path that must have a value
            if kinds - {SH.path, SH.minCount, SH.qualifiedValueShape, SH.qualifiedMinCount, RDF.type}:
                raise NotImplementedError(f"node-level sh:or of {kinds}: teach shape_mutations.py")
            for alt in alternatives:
                qualified = s.value(alt, SH.qualifiedValueShape)
                for t in _values(g, focus, s.value(alt, SH.path), s):
                    # a qualified alternative fails once no value meets its shape (an English
                    # name is left beside the removed Chinese one)
                    if qualified is None or _meets(s, index, g, qualified, t[2]):
                        m.remove(t)
            return m
        if kinds == {SH.datatype}:
            _set_value(m, focus, path, _wrong_datatype({s.value(a, SH.datatype) for a in alternatives}), first)
            return m
        if kinds == {SH["class"]}:
            _set_value(m, focus, path, _untyped(), first)
            return m
        raise NotImplementedError(f"sh:or of {kinds}: teach shape_mutations.py")
    if param in (SH.qualifiedMinCount, SH.qualifiedMaxCount):
        qualified = s.value(shape, SH.qualifiedValueShape)
        conforming = [t for t in values if _meets(s, index, g, qualified, t[2])]
        if param == SH.qualifiedMinCount:
            if int(arg) < 1 or not conforming:
                return None
            for t in conforming:
                m.remove(t)
            return m
        cls = s.value(qualified, SH["class"])
        for k in range(int(arg) + 1 - len(conforming)):
            if cls is None:  # a literal shape: another value like the conforming one
                if not conforming:
                    return None
                m.add((focus, path, _another(conforming[0][2], k + 1)))
                continue
            extra = URIRef(f"{TEST}qualified-{k}")
            m.add((focus, path, extra))
            m.add((extra, RDF.type, cls))
        return m
    if param == SH.uniqueLang:
        tagged = [t for t in values if isinstance(t[2], Literal) and t[2].language]
        if not tagged:
            return None
        m.add((focus, path, Literal(str(tagged[0][2]) + "（另一个）", lang=tagged[0][2].language)))
        return m
    raise NotImplementedError(f"{_name(param)} in {_name(shape)}: teach shape_mutations.py how to break it")


def _constraints(shapes: Graph, shape: Node) -> list[tuple[URIRef, Node]]:
    return sorted(((p, o) for p, o in shapes.predicate_objects(shape) if p not in _NOT_CONSTRAINTS), key=str)


def breakable(shapes: Graph) -> list[tuple[Node, URIRef]]:
    """Every (shape, constraint or target kind) of ``shapes`` that :func:`mutations` must break."""
    index = ShapeIndex(shapes, [])
    out: set[tuple[Node, URIRef]] = set()
    for node_shape in index.node_shapes():
        if (None, SH.qualifiedValueShape, node_shape) in shapes:
            continue  # the shape of a qualified count: broken through that count
        out.update((node_shape, p) for p, _ in _constraints(shapes, node_shape))
        out.update((node_shape, p) for p in (SH.targetObjectsOf,) if (node_shape, p, None) in shapes)
        for prop in shapes.objects(node_shape, SH.property):
            out.update((prop, p) for p, _ in _constraints(shapes, prop))
    return sorted(out, key=str)


def mutations(shapes: Graph, hierarchy: list[tuple[URIRef, URIRef]], samples: list[Graph]) -> Iterator[Mutation]:
    """One broken graph per (shape, constraint) and target kind, from the smallest sample graph
    (given smallest first) where it can be shown."""
    index = ShapeIndex(shapes, hierarchy)
    done: set[tuple[Node, URIRef]] = set()
    for node_shape in index.node_shapes():
        jobs: list[tuple[Node, Node | None, URIRef, Node]] = [(node_shape, None, p, o) for p, o in _constraints(shapes, node_shape)]
        for prop in sorted(shapes.objects(node_shape, SH.property), key=str):
            path = shapes.value(prop, SH.path)
            jobs.extend((prop, path, p, o) for p, o in _constraints(shapes, prop))
        for shape, path, param, arg in jobs:
            if (shape, param) in done:
                continue
            for g in samples:
                found = next(
                    ((f, b) for f in index.focus_nodes(g, node_shape) if (b := _break(index, g, shape, path, f, param, arg)) is not None),
                    None,
                )
                if found is not None:
                    done.add((shape, param))
                    yield Mutation(shape, param, found[0], found[1])
                    break
        # sh:targetObjectsOf: a node that is only an object of the property (its own triples,
        # type included, gone) is still a focus node
        for p in sorted(shapes.objects(node_shape, SH.targetObjectsOf), key=str):
            for g in samples:
                obj = next((o for o in sorted(g.objects(None, p), key=str) if not isinstance(o, Literal)), None)
                if obj is not None:
                    m = _copy(g)
                    m.remove((obj, None, None))
                    yield Mutation(node_shape, SH.targetObjectsOf, obj, m)
                    break


def _datatypes(shapes: Graph, index: ShapeIndex, prop: Node) -> list[URIRef]:
    direct = list(shapes.objects(prop, SH.datatype))
    alternatives = [shapes.value(a, SH.datatype) for o in shapes.objects(prop, SH["or"]) for a in index.items(o)]
    return [d for d in direct + alternatives if d is not None]


def ill_typed_mutations(shapes: Graph, hierarchy: list[tuple[URIRef, URIRef]], samples: list[Graph]) -> Iterator[Mutation]:
    """For each property shape that asks for a datatype with values of its own (not a string),
    a graph where one value has that datatype but a lexical form that is none of its values."""
    index = ShapeIndex(shapes, hierarchy)
    for node_shape in index.node_shapes():
        for prop in sorted(shapes.objects(node_shape, SH.property), key=str):
            path = shapes.value(prop, SH.path)
            wanted = [d for d in _datatypes(shapes, index, prop) if d not in (XSD.string, RDF.langString)]
            if not wanted or isinstance(path, BNode):
                continue
            for g in samples:
                found = next(((f, t) for f in index.focus_nodes(g, node_shape) for t in _values(g, f, path, shapes)), None)
                if found is not None:
                    m = _copy(g)
                    _set_value(m, found[0], path, ill_typed(wanted[0]), found[1])
                    yield Mutation(prop, SH.datatype, found[0], m)
                    break
