"""The build worker writes N-Triples from the builder's plain triples, never through rdflib: they
must say exactly what the rdflib graph of the same document says, line for line."""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from ingest_helpers import BINHAI, DATA, SEED, document
from rdflib import Graph, Literal
from test_corpus import corpus

from vetkg.ingest.parallel import Checked, check_document
from vetkg.ingest.triples import Lit, nt_term
from vetkg.ontology import DEFAULT_BASE_IRI
from vetkg.ontology.namespace import VET
from vetkg.store.terms import term_to_rdflib


@pytest.fixture(scope="module")
def paths(tmp_path_factory) -> list[Path]:
    generated = corpus.write_corpus(8, tmp_path_factory.mktemp("corpus"), seed=11)
    return [SEED, BINHAI, *sorted((DATA / "layouts").glob("*.txt")), *generated]


def _lines(text: str) -> list[str]:
    return sorted(line for line in text.splitlines() if line.strip())


def test_plain_ntriples_are_rdflibs(paths: list[Path]) -> None:
    for path in paths:
        doc = document(path)
        graph = doc.graph()
        rdflib_nt = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
        plain = doc.ntriples()
        assert _lines(plain) == _lines(rdflib_nt), path.name
        assert len(_lines(plain)) == len(doc.triples) == len(graph), f"{path.name}: a triple said twice"
        assert set(Graph().parse(data=plain, format="nt")) == set(graph), path.name


def test_escapes_as_rdflib_does() -> None:
    for text in ['引号"与\\反斜杠', "换行\n回车\r制表\t", "“中文引号”"]:
        for lit, rdflib_lit in (
            (Lit(text), Literal(text)),
            (Lit(text, "zh"), Literal(text, lang="zh")),
        ):
            g = Graph()
            g.add((VET.Notice, VET.text, rdflib_lit))
            line = g.serialize(format="nt", encoding="utf-8").decode("utf-8").strip()
            assert line == f"<{VET.Notice}> <{VET.text}> {nt_term(lit)} ."


def test_worker_writes_the_document_and_its_entities(paths: list[Path], tmp_path: Path) -> None:
    for index, path in enumerate(paths[:4]):
        result = check_document((index, str(path), DEFAULT_BASE_IRI, str(tmp_path)))
        assert isinstance(result, Checked), path.name
        doc = document(path)
        graph = doc.graph()
        quads = list(ox.parse(path=result.document_file, format=ox.RdfFormat.N_QUADS))
        assert {q.graph_name.value for q in quads} == {result.graph_iri}
        mine = {(term_to_rdflib(q.subject), term_to_rdflib(q.predicate), term_to_rdflib(q.object)) for q in quads}
        shared = Graph().parse(result.entity_file, format="nt")
        assert all(str(s).startswith(f"{DEFAULT_BASE_IRI}id/") for s in shared.subjects())
        assert not any(str(s).startswith(f"{DEFAULT_BASE_IRI}id/") for s, _, _ in mine)
        assert mine | set(shared) == set(graph)
        assert result.triples == len(graph)
        assert result.digest == str(graph.value(doc.notice, VET.contentDigest))
        assert result.graph_iri == str(doc.graph_iri)
