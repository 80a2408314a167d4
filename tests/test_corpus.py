"""The synthetic corpus (bench/corpus.py): deterministic, of the genre, and read correctly.

Thirty generated documents are built with the real ingest; for each, what the store says is
compared with the generator's ground truth: the work areas in order, their measures, the
institutions and the areas they act in, the quantified and ordinal targets.
"""
from __future__ import annotations

import importlib.util
import json
import re
import sys
from collections import Counter
from pathlib import Path

import pytest
from ingest_helpers import build_into, build_store, document, select

from vetkg.ingest.parallel import scan
from vetkg.ontology import DEFAULT_BASE_IRI
from vetkg.store import get_store

ROOT = Path(__file__).resolve().parent.parent
SEED = 20261129
COUNT = 30


def load_corpus_module():
    spec = importlib.util.spec_from_file_location("vetkg_bench_corpus", ROOT / "bench" / "corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


corpus = load_corpus_module()


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> list[Path]:
    return corpus.write_corpus(COUNT, tmp_path_factory.mktemp("corpus"), seed=SEED)


@pytest.fixture(scope="module")
def store(generated):
    # `vetkg build` writes nothing if one document fails the shapes: then every test of this
    # fixture errors, and test_document_builds_and_conforms names the document
    store = get_store("memory")
    build_into(store, *generated)
    rows = select(store, "SELECT ?g ?n ?d WHERE { GRAPH ?g { ?n a vet:Notice ; vet:contentDigest ?d } }")
    by_digest = {row["d"]: (row["g"], row["n"]) for row in rows}
    found = {inp.path.name: by_digest[inp.digest] for inp in scan(generated)}
    return store, {name: graph for name, (graph, _) in found.items()}, {name: notice for name, (_, notice) in found.items()}


def truth_of(path: Path) -> dict:
    return json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))


def test_same_seed_same_bytes(generated, tmp_path: Path):
    again = corpus.write_corpus(COUNT, tmp_path / "again", seed=SEED)
    for a, b in zip(generated, again, strict=False):
        assert a.read_bytes() == b.read_bytes(), a.name
        assert a.with_suffix(".json").read_bytes() == b.with_suffix(".json").read_bytes(), a.name


def test_another_seed_other_documents(generated, tmp_path: Path):
    other = corpus.write_corpus(3, tmp_path / "other", seed=SEED + 1)
    assert all(a.read_bytes() != b.read_bytes() for a, b in zip(generated, other, strict=False))


def test_a_prefix_of_a_larger_corpus_is_the_smaller_corpus(generated, tmp_path: Path):
    small = corpus.write_corpus(5, tmp_path / "small", seed=SEED)
    assert [p.read_bytes() for p in small] == [p.read_bytes() for p in generated[:5]]


def test_the_corpus_varies_what_the_genre_varies(generated):
    truths = [truth_of(p) for p in generated]
    assert {t["layout"] for t in truths} == {"numbered", "parts-items", "parts-numbered", "chapters", "flat-parts"}
    assert {t["encoding"] for t in truths} == {"utf-8", "gbk"}
    assert any(t["document_number"] is None for t in truths) and any(t["document_number"] for t in truths)
    texts = [p.read_bytes().decode(truth_of(p)["encoding"]) for p in generated]
    assert any(re.search("[０-９]", t) for t in texts)  # full-width digits
    assert any(re.search(r"\n— \d —\n", t) for t in texts)  # page breaks inside paragraphs
    assert any(re.search(r"^关于[^\n]*\n(?:\r\n|\n)?[^\n]*的通知", t, re.M) for t in texts)  # a title over two lines
    sizes = [p.stat().st_size for p in generated]
    assert min(sizes) >= 1500 and max(sizes) <= 9000


def _path(iri: str, notice: str) -> str:
    # a unit's IRI is the path of its ranks (ch2/s1/3, 2/p1): the numbers, outermost first
    return ".".join(re.findall(r"/(?:pt|ch|s|art|p|i|pi|c|h)?(\d+)(?=/|$)", iri[len(notice) :]))


def _areas(store, graph: str, notice: str) -> list[dict]:
    rows = select(
        store,
        f"""SELECT ?area ?title (COUNT(DISTINCT ?m) AS ?measures) WHERE {{ GRAPH <{graph}> {{
            ?area a vet:WorkArea . OPTIONAL {{ ?area dcterms:title ?title }}
            OPTIONAL {{ ?m a vet:Measure ; vet:partOf ?area }} }} }} GROUP BY ?area ?title""",
    )
    areas = [{"path": _path(r["area"], notice), "title": r.get("title"), "measures": int(r["measures"])} for r in rows]
    return sorted(areas, key=lambda a: [int(x) for x in a["path"].split(".")])


def _per_area(store, graph: str, notice: str, pattern: str, fields: list[str]) -> Counter:
    """What ``pattern`` finds in the measures of each work area; ``?t`` keeps one row per thing."""
    rows = select(
        store,
        f"""SELECT DISTINCT ?area ?t {' '.join('?' + f for f in fields)} WHERE {{
            GRAPH <{graph}> {{ ?m a vet:Measure ; vet:partOf ?area . ?area a vet:WorkArea . {pattern} }} }}""",
    )
    return Counter((_path(r["area"], notice), *(r[f] for f in fields)) for r in rows)


# ---------------------------------------------------------------- known gaps of the ingest
#
@pytest.mark.parametrize("index", range(COUNT))
def test_document_builds_and_conforms(generated, index):
    build_store(generated[index])


@pytest.mark.parametrize("index", range(COUNT))
def test_notice_facts(store, generated, index):
    db, graphs, _notices = store
    path = generated[index]
    truth = truth_of(path)
    rows = select(
        db,
        f"""SELECT ?title ?number ?date WHERE {{ GRAPH <{graphs[path.name]}> {{ ?n a vet:Notice ; dcterms:title ?title .
            OPTIONAL {{ ?n vet:documentNumber ?number }} OPTIONAL {{ ?n dcterms:issued ?date }} }} }}""",
    )
    assert rows == [{k: v for k, v in (("title", truth["title"]), ("number", truth["document_number"]), ("date", truth["date"])) if v}]
    issuers = select(db, f"SELECT ?x WHERE {{ GRAPH <{graphs[path.name]}> {{ ?n vet:issuedBy ?o }} ?o rdfs:label ?x }}")
    assert sorted(r["x"] for r in issuers) == sorted(truth["issuers"])


@pytest.mark.parametrize("index", range(COUNT))
def test_work_areas_and_measures(store, generated, index):
    db, graphs, notices = store
    path = generated[index]
    truth = truth_of(path)
    found = _areas(db, graphs[path.name], notices[path.name])
    expected = [{"path": a["path"], "title": a["title"], "measures": a["measures"]} for a in truth["areas"]]
    assert found == expected


@pytest.mark.parametrize("index", range(COUNT))
def test_institutions_and_their_areas(store, generated, index):
    db, graphs, notices = store
    path = generated[index]
    truth = truth_of(path)
    rows = select(
        db,
        f"""SELECT DISTINCT ?area ?name ?class WHERE {{
            GRAPH <{graphs[path.name]}> {{ ?m a vet:Measure ; vet:partOf ?area ; vet:involves ?org . ?area a vet:WorkArea }}
            ?org rdfs:label ?name . GRAPH ?described {{ ?org a ?class }}
            FILTER(?described != <{DEFAULT_BASE_IRI}graph/inferred>) }}""",
    )
    found: dict[str, dict] = {}
    for r in rows:
        entry = found.setdefault(r["name"], {"class": r["class"].rsplit("#", 1)[1], "areas": []})
        entry["areas"].append(_path(r["area"], notices[path.name]))
    expected = {}
    for name, entry in truth["institutions"].items():
        if areas := list(entry["areas"]):
            expected[name] = {"class": entry["class"], "areas": areas}
    found = {n: {"class": e["class"], "areas": sorted(e["areas"])} for n, e in found.items()}
    found = {n: e for n, e in found.items() if e["areas"]}
    key = lambda p: [int(x) for x in p.split(".")]  # noqa: E731
    for entry in (*found.values(), *expected.values()):
        entry["areas"].sort(key=key)
    assert found == expected


@pytest.mark.parametrize("index", range(COUNT))
def test_quantified_targets(store, generated, index):
    db, graphs, notices = store
    path = generated[index]
    truth = truth_of(path)
    found = _per_area(
        db, graphs[path.name], notices[path.name],
        "?t a vet:QuantifiedTarget ; vet:foundIn ?m ; schema:value ?value ; schema:unitText ?unit ; "
        "vet:approximate ?approximate ; vet:comparator ?comparator .",
        ["value", "unit", "approximate", "comparator"],
    )
    found = Counter(found)
    expected = Counter(
        (a["path"], str(t["value"]), t["unit"], str(t["approximate"]).lower(), t["comparator"])
        for a in truth["areas"] for t in a["targets"]
    )
    assert found == expected


@pytest.mark.parametrize("index", range(COUNT))
def test_ordinal_targets(store, generated, index):
    db, graphs, notices = store
    path = generated[index]
    truth = truth_of(path)
    found = _per_area(
        db, graphs[path.name], notices[path.name],
        "?t a vet:OrdinalTarget ; vet:foundIn ?m ; vet:ordinalNumber ?number ; vet:ordinalUnit ?unit .",
        ["number", "unit"],
    )
    found = Counter(found)
    expected = Counter(
        (a["path"], str(o["number"]), o["unit"]) for a in truth["areas"] for o in a["ordinals"]
    )
    assert found == expected


def test_minimal_part_heading_alone_on_its_line(tmp_path: Path):
    path = tmp_path / "plan.txt"
    path.write_text(
        "天津市2026年职业教育工作要点\n\n"
        "一、加强党对职业教育工作的全面领导\n\n"
        "推进党建工作与事业发展同部署。支持天津机电职业技术学院建设3个实训基地。\n\n"
        "二、深化产教融合\n\n"
        "新增校企合作企业20家。\n",
        encoding="utf-8",
    )
    from rdflib import RDF
    from rdflib.namespace import DCTERMS

    from vetkg.ontology.namespace import VET

    g = document(path).graph()
    titles = {str(g.value(a, DCTERMS.title)) for a in g.subjects(RDF.type, VET.WorkArea)}
    assert titles == {"加强党对职业教育工作的全面领导", "深化产教融合"}
    assert len(set(g.subjects(RDF.type, VET.Measure))) == 3
