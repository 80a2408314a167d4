"""One data-graph rule (issue 12): the VoID counts and the write gate follow
:mod:`vetkg.ontology.graphs` for the store's own base IRI, not the default one."""
from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox

from vetkg.ontology.graphs import store_graphs
from vetkg.server.linked_data.void import statistics
from vetkg.server.writes.checks import Checker
from vetkg.store.oxigraph import MemoryStore
from vetkg.store.union import DataUnion

BASE = "https://example.org/kg/"


def test_void_leaves_out_the_history_graph_of_the_stores_base_iri():
    store = MemoryStore()
    roles = store_graphs(BASE)
    thing = ox.NamedNode(BASE + "id/x")
    for graph in (roles.history, roles.entities, BASE + "graph/doc-1"):
        store.oxigraph.add(ox.Quad(thing, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
                                   ox.Literal(graph), ox.NamedNode(graph)))
    assert statistics(store, BASE)["graphs"] == 2


def test_the_write_gate_takes_data_graphs_from_the_rule():
    # The gate reads the data as the union of the graphs its checker's rule calls data.
    union = DataUnion(ox.Store().quads_for_pattern, Checker(BASE).graphs)
    roles = store_graphs(BASE)
    assert union.is_data(ox.DefaultGraph())
    assert union.is_data(ox.NamedNode(BASE + "graph/doc-1"))
    assert union.is_data(ox.NamedNode(store_graphs().shapes))  # another base's shapes are data here
    assert not any(union.is_data(ox.NamedNode(g)) for g in roles.system)


def test_graph_names_are_spelled_in_one_module_only():
    # ``{base}graph/…`` written out elsewhere is how the three rules of which graphs are data came about
    root = Path(__file__).resolve().parent.parent
    spelled = re.compile(r"""(\}|\+ ?)["']?graph/""")
    offenders = [
        f"{path.relative_to(root)}:{number}"
        for folder in ("ontology", "store", "ingest", "shapes", "server")
        for path in sorted((root / folder).rglob("*.py"))
        if path.name != "graphs.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if spelled.search(line) and not line.lstrip().startswith(("#", "``", "*", "-"))
        and '"""' not in line and "``" not in line
    ]
    assert offenders == []
