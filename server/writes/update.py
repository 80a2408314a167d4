"""SPARQL 1.1 Update evaluated into a :class:`PendingState`, operation by operation.

rdflib parses the update and evaluates each WHERE clause (over :mod:`.dataset`); the operations
are carried out here rather than by rdflib's ``evalUpdate`` because that one fetches USING graphs
from the web, applies DELETE/INSERT per solution instead of all deletions first, lacks CREATE and
does not restrict USING NAMED.

The default graph, for an update:

* WHERE clauses and DELETE WHERE patterns without GRAPH match what queries match: the union of
  all graphs (unless ``union_default_graph`` is off, or USING / using-graph-uri / WITH name
  another default graph).
* A triple deleted without GRAPH (DELETE DATA, DELETE WHERE, a DELETE template) is deleted from
  the union, that is from every graph that holds it, so a query no longer finds it afterwards.
* A triple inserted without GRAPH goes into the store's own default graph (as Fuseki does with a
  union default graph); queries see it through the union. Data belongs in a named graph: use
  ``GRAPH <{base}graph/entities>`` for shared entity descriptions, ``GRAPH <{base}graph/{doc}>``
  for a document's facts.
* CLEAR/DROP DEFAULT and ADD/MOVE/COPY DEFAULT mean the store's own default graph, never the union.
* WITH <g> makes <g> the graph of template triples without GRAPH, for deletion and insertion.
* CLEAR/DROP ALL and NAMED mean the data graphs (:mod:`vetkg.ontology.graphs`): the ontology,
  shapes and history graphs are changed only when named, by a token allowed to
  (:mod:`.protect`), so clearing "everything" never empties the history into a history record.
"""
from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from pyparsing import ParseException
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.plugins.sparql.algebra import (
    simplifyFilters,
    translatePath,
    translatePName,
    translatePrologue,
    translateUpdate1,
    traverse,
)
from rdflib.plugins.sparql.evaluate import evalPart
from rdflib.plugins.sparql.parser import parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue, Expr
from rdflib.plugins.sparql.sparql import QueryContext, SPARQLError, Update
from rdflib.term import BNode, Node, URIRef, Variable

from vetkg.store.terms import to_ox

from ..sparql.data_update import DataOperation, DataUpdate, read_data_update
from ..sparql.guard import PARSER_LOCK
from .dataset import UNION, view_dataset
from .state import PendingState


class UpdateFailed(Exception):
    """An operation cannot be carried out (a missing graph, a bad template …): nothing is written."""


@dataclass
class UpdateOptions:
    base_iri: str | None = None
    union_default_graph: bool = True
    using_graphs: list[str] | None = None  # using-graph-uri: None when not given
    using_named_graphs: list[str] | None = None
    # Graphs CLEAR/DROP ALL and NAMED leave alone (the ontology, shapes and history graphs).
    system_graphs: frozenset[str] = frozenset()


def parse_update(text: str, base_iri: str | None, tree: Any = None) -> Any:
    """rdflib's algebra for ``text``, from its parse ``tree`` when the caller has one (the
    endpoint's guard parsed it already: pyparsing takes seconds per megabyte, so an update is
    parsed once); UpdateFailed on a syntax error (normally caught earlier). An update of only
    INSERT DATA and DELETE DATA is read by Oxigraph instead (:mod:`..sparql.data_update`), into
    a DataUpdate, whenever that reader is sure to read it as rdflib does."""
    if tree is None:
        tree = read_data_update(text)
    if isinstance(tree, DataUpdate):
        return tree
    try:
        with PARSER_LOCK:
            return _translate(tree if tree is not None else parseUpdate(text), base_iri)
    except ParseException as exc:
        raise UpdateFailed(f"syntax error at line {exc.lineno}, column {exc.col}: {exc.msg}") from None
    except Exception as exc:
        raise UpdateFailed(f"cannot read the update: {exc}") from None


_DATA_BLOCKS = ("InsertData", "DeleteData")


def _translate(tree: CompValue, base_iri: str | None) -> Update:
    """rdflib's ``translateUpdate``, except that the triples of INSERT DATA and DELETE DATA keep
    their order: rdflib sorts them as it sorts the patterns of a WHERE clause (to evaluate the
    most bound first), in time quadratic in their number (16 of the 20 s of a 100 kB INSERT
    DATA), and data to insert or delete has no order that matters. Like rdflib's, it changes
    ``tree`` in place."""
    operations: list[CompValue] = []
    prologue = None
    for declarations, op in zip(tree.prologue or [], tree.request or [], strict=False):
        prologue = translatePrologue(declarations, base_iri, None, prologue)
        op = traverse(op, visitPost=functools.partial(translatePName, prologue=prologue))
        op = traverse(op, visitPre=_simplify_filters)
        op = traverse(op, visitPost=translatePath)
        if op.name in _DATA_BLOCKS:
            op["triples"], op["quads"] = _data_block(op.quads)
            op.prologue = prologue
        else:
            op = translateUpdate1(op, prologue)
        operations.append(op)
    return Update(prologue, operations)  # type: ignore[arg-type]  # None only with no operations


def _simplify_filters(node: Any) -> Any:
    # rdflib's private _simplifyFilters, from its public parts: translateUpdate runs it through
    # the private _traverse, which the public traverse wraps (catching a StopTraversal nothing raises)
    if isinstance(node, Expr):
        return simplifyFilters(node)
    return None


def _data_block(quads: CompValue) -> tuple[list[tuple[Node, Node, Node]], dict[Node, list[tuple[Node, Node, Node]]]]:
    """The triples without GRAPH and the triples of each GRAPH of a data block, in their order."""

    def triples(blocks: list[list[Node]]) -> list[tuple[Node, Node, Node]]:
        terms = [term for block in blocks for term in block]
        if len(terms) % 3:
            raise UpdateFailed("a data block holds an incomplete triple")
        return [(terms[i], terms[i + 1], terms[i + 2]) for i in range(0, len(terms), 3)]

    graphs: dict[Node, list[tuple[Node, Node, Node]]] = defaultdict(list)
    for block in quads.quadsNotTriples or []:
        if block.triples:
            graphs[block.term] += triples(block.triples)
    return (triples(quads.triples) if quads.triples else []), graphs


def apply_update(state: PendingState, text: str, options: UpdateOptions, tree: Any = None) -> None:
    """Carry out every operation of ``text`` on ``state`` in order; raises UpdateFailed.
    ``tree`` is rdflib's parse tree of ``text`` when the caller has parsed it (:func:`parse_update`)."""
    update = parse_update(text, options.base_iri, tree)
    if isinstance(update, DataUpdate):
        for data in update.operations:
            _data_operation(state, data, options)
        return
    # An update holding only a prologue or comments has no operations: a no-op, not an error.
    operations = list(getattr(update, "algebra", None) or [])
    _check_data_blocks(operations)
    for op in operations:
        try:
            _operation(state, op, options)
        except UpdateFailed:
            if not op.silent:
                raise


def _check_data_blocks(operations: list[CompValue]) -> None:
    """The rules of SPARQL 1.1 Update (3.1.1, 3.1.2, and the grammar's note on blank node labels)
    that rdflib's parser lets through: raises UpdateFailed naming the rule."""
    labels_seen: dict[str, int] = {}
    for number, op in enumerate(operations, 1):
        if op.name not in ("InsertData", "DeleteData"):
            continue
        verb = "INSERT DATA" if op.name == "InsertData" else "DELETE DATA"
        labels: set[str] = set()
        for s, p, o, g in _data_quads_raw(op):
            for term in (s, p, o, g):
                if isinstance(term, Variable):
                    raise UpdateFailed(f"{verb} may not hold variables (SPARQL 1.1 Update 3.1.1/3.1.2): ?{term}")
                if isinstance(term, BNode):
                    if op.name == "DeleteData":
                        raise UpdateFailed("DELETE DATA may not hold blank nodes (SPARQL 1.1 Update 3.1.2): "
                                           "use DELETE WHERE to match them")
                    labels.add(str(term))
        for label in sorted(labels):
            if label in labels_seen:
                raise UpdateFailed(
                    f"blank node label _:{label} is used in operations {labels_seen[label]} and {number} of one "
                    "request; a label may appear in one INSERT DATA only (SPARQL 1.1 Query, 19.6 note 9)"
                )
            labels_seen[label] = number


def _data_operation(state: PendingState, op: DataOperation, options: UpdateOptions) -> None:
    """An INSERT DATA or DELETE DATA read by Oxigraph: what :func:`_operation` does with rdflib's."""
    if not op.delete:
        # a blank node of INSERT DATA is a new node, as in the rdflib path (_bind)
        fresh: dict[ox.BlankNode, ox.BlankNode] = {}

        def new(term: Any) -> Any:
            if isinstance(term, ox.BlankNode):
                return fresh.setdefault(term, ox.BlankNode())
            return term

        state.add_all(
            ox.Quad(new(q.subject), q.predicate, new(q.object), q.graph_name)
            if isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode) else q
            for q in op.quads
        )
        return
    state.prefetch(q for q in op.quads if isinstance(q.graph_name, ox.NamedNode))
    for q in op.quads:
        graph = URIRef(q.graph_name.value) if isinstance(q.graph_name, ox.NamedNode) else None
        _delete(state, (q.subject, q.predicate, q.object), graph, options)


def _operation(state: PendingState, op: CompValue, options: UpdateOptions) -> None:
    name = op.name
    if name == "InsertData":
        state.add_all(_data_quads(op, {}))
    elif name == "DeleteData":
        # Quads named with their graph are looked up one by one below: ask for them all at once.
        named = (_make_quad((s, p, o), g, {}, {}) for s, p, o, g in _data_quads_raw(op) if g is not None)
        state.prefetch(q for q in named if q is not None)
        for s, p, o, g in _data_quads_raw(op):
            _delete(state, (s, p, o), g, options)
    elif name == "DeleteWhere":
        _delete_where(state, op, options)
    elif name == "Modify":
        _modify(state, op, options)
    elif name in ("Clear", "Drop"):
        _clear(state, op.graphiri, drop=name == "Drop", keep=options.system_graphs)
    elif name == "Create":
        graph = ox.NamedNode(str(op.graphiri))
        if state.graph_exists(graph):
            raise UpdateFailed(f"CREATE GRAPH: graph <{graph.value}> already exists")
        state.create(graph)
    elif name in ("Add", "Move", "Copy"):
        _transfer(state, name, *op.graph)
    elif name == "Load":
        raise UpdateFailed("LOAD is not supported: the endpoint fetches nothing from other servers")
    else:
        raise UpdateFailed(f"unsupported update operation {name}")


# -- data and templates ---------------------------------------------------------------------------


def _data_quads_raw(op: CompValue) -> Iterator[tuple[Node, Node, Node, Node | None]]:
    for s, p, o in op.triples or []:
        yield s, p, o, None
    for graph, triples in (op.quads or {}).items():
        for s, p, o in triples:
            yield s, p, o, graph


def _data_quads(op: CompValue, fresh: dict[Node, ox.BlankNode]) -> Iterator[ox.Quad]:
    for s, p, o, g in _data_quads_raw(op):
        quad = _make_quad((s, p, o), g, {}, fresh)
        if quad is None:
            raise UpdateFailed(f"INSERT DATA: {s.n3()} {p.n3()} {o.n3()} is not a valid RDF triple")
        yield quad


def _bind(term: Node, solution: Any, fresh: dict[Node, ox.BlankNode]) -> Any:
    if isinstance(term, Variable):
        return solution.get(term)
    if isinstance(term, BNode):
        # A blank node in an INSERT template is a new node for each solution (SPARQL 1.1 Update 3.1.3).
        if term not in fresh:
            fresh[term] = ox.BlankNode()
        return fresh[term]
    return term


def _make_quad(
    triple: tuple[Node, Node, Node], graph: Node | None, solution: Any, fresh: dict[Node, ox.BlankNode]
) -> ox.Quad | None:
    """The quad a template triple gives for a solution, or None when a variable is unbound or the
    result is no RDF (a literal subject …): such triples are skipped, as the standard says."""
    terms = [_bind(t, solution, fresh) for t in triple]
    if any(t is None for t in terms):
        return None
    try:
        s, p, o = (t if isinstance(t, (ox.NamedNode, ox.BlankNode)) else to_ox(t) for t in terms)
    except ValueError:
        return None
    if isinstance(s, ox.Literal) or not isinstance(p, ox.NamedNode):
        return None
    g: Any = ox.DefaultGraph()
    if graph is not None:
        bound = _bind(graph, solution, fresh) if isinstance(graph, Variable) else graph
        if not isinstance(bound, URIRef):
            return None
        g = ox.NamedNode(str(bound))
    return ox.Quad(s, p, o, g)


def _delete(state: PendingState, triple: tuple[Any, Any, Any], graph: Node | None, options: UpdateOptions) -> None:
    try:
        s, p, o = (t if isinstance(t, (ox.NamedNode, ox.BlankNode, ox.Literal)) else to_ox(t) for t in triple)
    except ValueError:
        return
    if not isinstance(s, (ox.NamedNode, ox.BlankNode)) or not isinstance(p, ox.NamedNode):
        # only DELETE DATA gets here with one: a template's quads are made valid (_make_quad)
        raise UpdateFailed(f"DELETE DATA: {s} {p} {o} is not a valid RDF triple")
    if graph is not None:
        targets: list[Any] = [ox.NamedNode(str(graph))]
    elif options.union_default_graph:
        targets = [None]  # every graph that holds it: the triple leaves the union
    else:
        targets = [ox.DefaultGraph()]
    for target in targets:
        for quad in list(state.quads(s, p, o, target)):
            state.remove(quad)


# -- DELETE WHERE and DELETE/INSERT ---------------------------------------------------------------


def _solutions(state: PendingState, where: CompValue, prologue: Any, default: Any, named: list[str] | None) -> list[Any]:
    dataset = view_dataset(state, default, named)
    ctx = QueryContext(dataset, initBindings={})
    ctx.prologue = prologue
    ctx = ctx.pushGraph(dataset.graph(DATASET_DEFAULT_GRAPH_ID))
    try:
        return list(evalPart(ctx, where))
    except SPARQLError as exc:
        raise UpdateFailed(f"the WHERE clause cannot be evaluated: {exc}") from None


def _default_dataset(options: UpdateOptions) -> str | None:
    return UNION if options.union_default_graph else None


def _delete_where(state: PendingState, op: CompValue, options: UpdateOptions) -> None:
    parts: list[CompValue] = []
    if op.triples:
        parts.append(CompValue("BGP", triples=list(op.triples)))
    for graph, triples in (op.quads or {}).items():
        parts.append(CompValue("Graph", term=graph, p=CompValue("BGP", triples=list(triples))))
    if not parts:
        return
    where = parts[0]
    for part in parts[1:]:
        where = CompValue("Join", p1=where, p2=part)
    solutions = _solutions(state, where, op.prologue, _default_dataset(options), None)
    _apply_templates(state, op, solutions, delete=op, insert=None, with_graph=None, options=options)


def _modify(state: PendingState, op: CompValue, options: UpdateOptions) -> None:
    with_graph = op.withClause
    using = list(op.using or [])
    if using:
        default: Any = [str(u.default) for u in using if u.default is not None]
        named: list[str] | None = [str(u.named) for u in using if u.named is not None]
    elif options.using_graphs is not None or options.using_named_graphs is not None:
        default = list(options.using_graphs or [])
        named = list(options.using_named_graphs or [])
    elif with_graph is not None:
        default, named = [str(with_graph)], None
    else:
        default, named = _default_dataset(options), None
    solutions = _solutions(state, op.where, op.prologue, default, named)
    _apply_templates(state, op, solutions, delete=op.delete, insert=op.insert, with_graph=with_graph, options=options)


def _templates(block: CompValue | None) -> list[tuple[tuple[Node, Node, Node], Node | None]]:
    if not block:
        return []
    found: list[tuple[tuple[Node, Node, Node], Node | None]] = [((s, p, o), None) for s, p, o in block.triples or []]
    for graph, triples in (block.quads or {}).items():
        found.extend(((s, p, o), graph) for s, p, o in triples)
    return found


def _apply_templates(
    state: PendingState,
    op: CompValue,
    solutions: list[Any],
    *,
    delete: CompValue | None,
    insert: CompValue | None,
    with_graph: Node | None,
    options: UpdateOptions,
) -> None:
    # All deletions of all solutions, then all insertions (SPARQL 1.1 Update 3.1.3).
    deletions = _templates(delete)
    for triple, _graph in deletions:
        if any(isinstance(t, BNode) for t in triple):
            raise UpdateFailed("blank nodes are not allowed in a DELETE template")
    removed: list[tuple[tuple[Any, Any, Any], Node | None]] = []
    for solution in solutions:
        for triple, graph in deletions:
            quad = _make_quad(triple, graph if graph is not None else with_graph, solution, {})
            if quad is not None:
                named = quad.graph_name if graph is not None or with_graph is not None else None
                # an explicit graph of a template is an IRI: _make_quad makes it a NamedNode
                removed.append(((quad.subject, quad.predicate, quad.object), URIRef(named.value) if isinstance(named, ox.NamedNode) else None))
    for triple, graph in removed:
        _delete(state, triple, graph, options)
    insertions = _templates(insert)
    added: list[ox.Quad] = []
    for solution in solutions:
        fresh: dict[Node, ox.BlankNode] = {}
        for triple, graph in insertions:
            quad = _make_quad(triple, graph if graph is not None else with_graph, solution, fresh)
            if quad is not None:
                added.append(quad)
    state.add_all(added)


# -- graph management -----------------------------------------------------------------------------


def _graph_ref(ref: Any) -> Any:
    """'DEFAULT' → the store's default graph; an IRI → that named graph."""
    return ox.DefaultGraph() if ref == "DEFAULT" else ox.NamedNode(str(ref))


def _clear(state: PendingState, target: Any, drop: bool, keep: frozenset[str] = frozenset()) -> None:
    if target in ("NAMED", "ALL"):
        for graph in state.named_graphs():
            if graph.value in keep:
                continue
            state.drop(graph) if drop else state.clear(graph)
        if target == "ALL":
            state.clear(ox.DefaultGraph())
        return
    graph = _graph_ref(target)
    if isinstance(graph, ox.DefaultGraph):
        state.clear(graph)
        return
    if not state.graph_exists(graph):
        verb = "DROP" if drop else "CLEAR"
        raise UpdateFailed(f"{verb} GRAPH: graph <{graph.value}> does not exist (add SILENT to ignore this)")
    state.drop(graph) if drop else state.clear(graph)


def _transfer(state: PendingState, name: str, source_ref: Any, target_ref: Any) -> None:
    source, target = _graph_ref(source_ref), _graph_ref(target_ref)
    if isinstance(source, ox.NamedNode) and not state.graph_exists(source):
        raise UpdateFailed(f"{name.upper()}: source graph <{source.value}> does not exist (add SILENT to ignore this)")
    if source == target:
        return
    triples = [q.triple for q in state.quads(g=source)]
    if name in ("Move", "Copy"):
        state.clear(target)
    if isinstance(target, ox.NamedNode):
        state.create(target)
    state.add_all(ox.Quad(t.subject, t.predicate, t.object, target) for t in triples)
    if name == "Move":
        state.drop(source) if isinstance(source, ox.NamedNode) else state.clear(source)

