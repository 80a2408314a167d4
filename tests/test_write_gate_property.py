"""A property of the write gate: a write it accepts never leaves the store failing the full
validation `vetkg validate` runs (``validate_store``).

Random requests of one to three updates each (INSERT DATA / DELETE DATA of plausible triples,
typed and ill-typed literals, deleting labels and types with DELETE WHERE) go to the seed's
store, in its document graph, the entities graph, a new graph or the store's default graph. Each
accepted one (204) is followed by a full validation; each refused one (400/422) must leave the
store exactly as it was; nothing may answer anything else. Derandomised and few examples: it
runs in well under a minute.
"""
from __future__ import annotations

import io
from dataclasses import replace

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ingest_helpers import SEED, built_nquads

from vetkg.server.app import create_app
from vetkg.server.config import Settings
from vetkg.server.export import export_dataset
from vetkg.shapes.validate import validate_store
from vetkg.store.oxigraph import MemoryStore

BASE = "https://w3id.org/vetkg/"
VET = "https://w3id.org/vetkg/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"
TOKEN = {"Authorization": "Bearer prop-token"}
PREDICATES = [
    RDF_TYPE, "http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2004/02/skos/core#prefLabel",
    VET + "text", VET + "ordinal", VET + "partOf", VET + "mentions", VET + "approximate", VET + "year",
    VET + "comparator", VET + "setsTarget", "https://schema.org/value", "http://www.w3.org/ns/oa#start",
    "http://purl.org/dc/terms/issued", "http://www.w3.org/ns/prov#wasDerivedFrom",
]
CLASSES = [VET + c for c in ("Measure", "WorkArea", "QuantifiedTarget", "OrdinalTarget", "Organisation", "Notice",
                             "WorkPlan", "Programme", "Industry", "Centre", "Mention", "GeneralRequirements")]


class Seed:
    def __init__(self) -> None:
        self.nquads = built_nquads(SEED)
        store = self.store()
        data = [q for q in store.oxigraph if isinstance(q.graph_name, ox.NamedNode)
                and q.graph_name.value.startswith(BASE + "graph/") and not q.graph_name.value.endswith(("/shapes", "/history"))]
        typed = [q.subject for q in data if q.predicate.value == RDF_TYPE and isinstance(q.subject, ox.NamedNode)]
        # a few nodes of each class, and the triples about them that a client might delete
        by_class: dict[str, list[ox.NamedNode]] = {}
        for q in data:
            if q.predicate.value == RDF_TYPE and isinstance(q.subject, ox.NamedNode):
                by_class.setdefault(q.object.value, []).append(q.subject)
        self.subjects = sorted({s for nodes in by_class.values() for s in nodes[:3]}, key=str) or typed[:20]
        chosen = set(self.subjects)
        self.existing = sorted((q for q in data if q.subject in chosen and not isinstance(q.object, ox.BlankNode)), key=str)
        self.graphs = sorted({q.graph_name.value for q in data})

    def store(self) -> MemoryStore:
        store = MemoryStore()
        store.oxigraph.load(self.nquads, format=ox.RdfFormat.N_QUADS)
        return store


@pytest.fixture(scope="module")
def seed() -> Seed:
    return Seed()


def literals() -> st.SearchStrategy[str]:
    number = st.integers(min_value=-3, max_value=2030)
    return st.one_of(
        number.map(lambda n: f'"{n}"^^<{XSD}integer>'),
        number.map(lambda n: f'"{n}"'),
        st.sampled_from(["x", "二", "1.5", ""]).map(lambda v: f'"{v}"^^<{XSD}integer>'),  # ill-typed
        st.booleans().map(lambda b: f'"{str(b).lower()}"^^<{XSD}boolean>'),
        st.sampled_from(["2025-01-01", "2025-13-40"]).map(lambda v: f'"{v}"^^<{XSD}date>'),
        st.sampled_from(["措施", "测试文本", "A measure"]).flatmap(
            lambda t: st.sampled_from([f'"{t}"@zh', f'"{t}"@en', f'"{t}"'])),
    )


def triple_text(q: ox.Quad) -> str:
    return f"{q.subject} {q.predicate} {q.object} ."


def operations(seed: Seed) -> st.SearchStrategy[str]:
    subject = st.one_of(st.sampled_from(seed.subjects).map(str),
                        st.integers(0, 3).map(lambda n: f"<{BASE}doc/random/{n}>"))
    obj = st.one_of(literals(), st.sampled_from(CLASSES).map(lambda c: f"<{c}>"),
                    st.sampled_from(seed.subjects).map(str))
    graph = st.sampled_from([*seed.graphs[:3], BASE + "graph/random", None])

    def wrap(block: str, g: str | None) -> str:
        return block if g is None else f"GRAPH <{g}> {{ {block} }}"

    insert = st.builds(lambda s, p, o, g: f"INSERT DATA {{ {wrap(f'{s} <{p}> {o} .', g)} }}",
                       subject, st.sampled_from(PREDICATES), obj, graph)
    delete = st.sampled_from(seed.existing).map(
        lambda q: f"DELETE DATA {{ GRAPH {q.graph_name} {{ {triple_text(q)} }} }}")
    delete_where = st.builds(lambda s, p: f"DELETE WHERE {{ GRAPH ?g {{ {s} <{p}> ?o }} }}",
                             st.sampled_from(seed.subjects).map(str),
                             st.sampled_from([RDF_TYPE, "http://www.w3.org/2000/01/rdf-schema#label",
                                              "http://www.w3.org/2004/02/skos/core#prefLabel", VET + "text"]))
    return st.one_of(insert, delete, delete_where)


def snapshot(store: MemoryStore) -> bytes:
    buffer = io.BytesIO()
    export_dataset(store, buffer, "nquads", include_history=True)
    return buffer.getvalue()


@settings(max_examples=12, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_an_accepted_write_leaves_the_store_valid(seed: Seed, data: st.DataObject) -> None:
    store = seed.store()
    client = create_app(replace(Settings(store="memory"), update_tokens={"prop": "prop-token"}), store).test_client()
    requests = data.draw(st.lists(st.lists(operations(seed), min_size=1, max_size=3), min_size=1, max_size=3))
    for ops in requests:
        text = " ;\n".join(ops)
        before = snapshot(store)
        resp = client.post("/sparql", data=text.encode(), headers={"Content-Type": "application/sparql-update", **TOKEN})
        assert resp.status_code in (204, 400, 422), (text, resp.status_code, resp.text)
        if resp.status_code == 204:
            result = validate_store(store)
            assert result.conforms, (text, result.text[:2000])
        else:
            assert snapshot(store) == before, text
