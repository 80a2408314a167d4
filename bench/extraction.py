"""Recall and precision of the ingest on the genre corpus, per kind, per document and overall.

Each document is built by the code `vetkg build` runs in its workers (ingest/parallel.py
``check_document``: read, parse, graph, shapes check), in this process; its graph is loaded
with the ontology into an in-memory Oxigraph store and read back with SPARQL in the ontology's
terms, then scored against its ground truth (``NN_slug.expected.toml``, see
tests/data/genre/README.md) by bench/genre_score.py.

    python bench/extraction.py [PATH…] [--min R] [--details] [--show KIND]

PATH: documents (``.txt``) or folders of them, by default tests/data/genre. A document without
a ground-truth file beside it is skipped and said so. A document the ingest refuses counts as
all missed and is listed. A kind the graph cannot express yet is shown as ``n/a``. Exit code 0,
or 1 with ``--min R`` when an overall recall or precision is below R (0.95 or 95); 2 with one
line on stderr when a path cannot be read.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

import genre_score as gs  # noqa: E402 - bench/ is not a package

CORPUS = ROOT / "tests" / "data" / "genre"
VET = "https://w3id.org/vetkg/ontology#"
PREFIXES = f"""PREFIX vet: <{VET}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX schema: <https://schema.org/>
"""
# the ontology class whose instances (and its subclasses') each named kind is
NAMED_CLASS = {
    "organisations": "Organization",
    "places": "Place",
    "programmes": "Programme",
    "industries": "Industry",
    "laws": "Law",
    "events": "Event",
}
# kinds whose class the ontology may not have yet: the names it could take
OPTIONAL_CLASS = {
    "boxes": ("Box",),
    "attachments": ("Attachment",),
    "departments": ("Department", "OrganisationalUnit", "OrganizationalUnit"),
}
SHORT = {
    "organisations": "org", "places": "place", "programmes": "prog", "industries": "ind", "laws": "law",
    "events": "event", "targets": "target", "header": "header", "work_areas": "area", "measures": "meas",
    "boxes": "box", "attachments": "attach", "departments": "dept",
}


@dataclass
class Outcome:
    path: Path
    expected: dict
    scores: dict[str, gs.Score | None]
    refused: str | None  # the ingest's message, when it refused the document
    cpu_seconds: float


# ------------------------------------------------------------------ the graph


def _rows(store, query: str) -> list[dict[str, str]]:
    solutions = store.query(PREFIXES + query, use_default_graph_as_union=True)
    names = [v.value for v in solutions.variables]
    return [{n: (s[n].value if s[n] is not None else None) for n in names} for s in solutions]


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1]


def _ontology_classes(store) -> set[str]:
    return {_local(r["c"]) for r in _rows(store, "SELECT ?c WHERE { ?c a owl:Class FILTER(STRSTARTS(STR(?c), STR(vet:))) }")}


# A place counts when the text names it: a unit mentions it, or the plan is for it (its title
# names it). The divisions an organisation or a place lies in (长沙民政职业技术学院 → 长沙市 →
# 湖南省) come from the gazetteer, not from the text, and the ground truth leaves them out.
NAMED_WHERE = {
    "places": "{ ?u vet:mentions ?e } UNION { ?plan a vet:WorkPlan ; vet:locatedIn ?e }",
}


def _named(store, cls: str, base: str, where: str = "") -> list[gs.FoundName]:
    rows = _rows(store, f"""SELECT ?e ?label ?other ?cls WHERE {{
        {where}
        ?e a ?cls ; rdfs:label ?label . ?cls rdfs:subClassOf* vet:{cls} .
        OPTIONAL {{ ?e skos:prefLabel|skos:altLabel ?other }}
        FILTER(STRSTARTS(STR(?e), "{base}id/")) }}""")
    by_entity: dict[str, tuple[set[str], set[str], set[str]]] = {}
    for r in rows:
        labels, others, classes = by_entity.setdefault(r["e"], (set(), set(), set()))
        labels.add(r["label"])
        if r["other"]:
            others.add(r["other"])
        classes.add(_local(r["cls"]))
    # one entity, one found thing, whichever of its labels names it
    found = []
    for labels, others, classes in by_entity.values():
        name = sorted(labels, key=lambda x: (-len(x), x))[0]
        found.append(gs.FoundName(name, frozenset(classes), frozenset((labels | others) - {name})))
    return found


def _titled_counts(store, cls: str) -> dict[str, int]:
    rows = _rows(store, f"""SELECT ?title (COUNT(?x) AS ?n) WHERE {{
        ?b a vet:{cls} . OPTIONAL {{ ?b dcterms:title ?t }} OPTIONAL {{ ?b rdfs:label ?l }}
        BIND(COALESCE(?t, ?l, "") AS ?title) OPTIONAL {{ ?x vet:partOf ?b }} }} GROUP BY ?title""")
    return {r["title"]: int(r["n"]) for r in rows}


def found_in_graph(store, base: str) -> gs.Found:
    """What the graph in ``store`` holds, in the terms of the ground truth."""
    classes = _ontology_classes(store)
    found = gs.Found()
    for kind, cls in NAMED_CLASS.items():
        found.names[kind] = _named(store, cls, base, NAMED_WHERE.get(kind, "")) if cls in classes else None
    found.targets = [
        gs.FoundTarget(float(r["v"]), r["u"] or "", r["c"] or "")
        for r in _rows(store, """SELECT ?v ?u ?c WHERE { ?t a vet:QuantifiedTarget ; schema:value ?v .
            OPTIONAL { ?t schema:unitText ?u } OPTIONAL { ?t vet:countedThing ?c } }""")
    ]
    head = _rows(store, """SELECT ?title ?number ?date ?plan ?own WHERE { ?n a vet:Notice .
        OPTIONAL { ?n dcterms:title ?title } OPTIONAL { ?n vet:documentNumber ?number }
        OPTIONAL { ?n dcterms:issued ?date } OPTIONAL { ?n vet:issues/dcterms:title ?plan }
        OPTIONAL { ?n vet:issues/vet:textSpan ?own } }""")
    h = head[0] if head else {}
    # the builder titles a notice with no notice title of its own after its plan, and a plan
    # with no title of its own (no span in the text) after its notice
    own_plan = h.get("own") is not None
    notice_title = h.get("title") if not (own_plan and h.get("title") == h.get("plan")) else ""
    found.header = {
        "notice_title": notice_title or "",
        "plan_title": (h.get("plan") if own_plan else "") or "",
        "number": h.get("number") or "",
        "date": h.get("date") or "",
        "issuers": [r["l"] for r in _rows(store, "SELECT DISTINCT ?l WHERE { ?n a vet:Notice ; vet:issuedBy/rdfs:label ?l }")],
        "addressees": [r["l"] for r in _rows(store, "SELECT DISTINCT ?l WHERE { ?n a vet:Notice ; vet:addressedTo/rdfs:label ?l }")],
        "cc": None,  # no property for 抄送 in the ontology yet
    }
    # a 专栏's items are its own (scored under boxes), not a work area's
    for r in _rows(store, """SELECT ?u ?title (COUNT(?m) AS ?n) WHERE { ?m a vet:Measure ; vet:partOf ?u .
            FILTER NOT EXISTS { ?u a vet:Box }
            OPTIONAL { ?u dcterms:title ?t } OPTIONAL { ?u rdfs:label ?l } BIND(COALESCE(?t, ?l, "") AS ?title) }
            GROUP BY ?u ?title"""):
        found.work_areas[r["title"]] = found.work_areas.get(r["title"], 0) + int(r["n"])
    for kind, names in OPTIONAL_CLASS.items():
        cls = next((c for c in names if c in classes), None)
        if cls is None:
            continue
        if kind == "boxes":
            found.boxes = _titled_counts(store, cls)
        elif kind == "attachments":
            found.attachments = list(_titled_counts(store, cls))
        else:
            found.departments = _named(store, cls, base)
    return found


# ------------------------------------------------------------------ the ingest


def _ontology_quads():
    import pyoxigraph as ox

    from vetkg.ontology import ONTOLOGY_FILE, ONTOLOGY_IRI

    graph = ox.NamedNode(ONTOLOGY_IRI)
    return [ox.Quad(t.subject, t.predicate, t.object, graph)
            for t in ox.parse(path=str(ONTOLOGY_FILE), format=ox.RdfFormat.TURTLE)]


def nothing_found(classes: set[str]) -> gs.Found:
    """What a refused document counts as: nothing found of every kind the graph can express."""
    found = gs.Found(names={k: ([] if c in classes else None) for k, c in NAMED_CLASS.items()})
    found.header = {"cc": None}
    for kind, names in OPTIONAL_CLASS.items():
        if any(c in classes for c in names):
            setattr(found, kind, {} if kind == "boxes" else [])
    return found


def ingest(path: Path, base: str, workdir: str, ontology: list) -> tuple[gs.Found | None, str | None, float]:
    """(what the graph holds or None, the refusal or None, CPU seconds of the build step)."""
    import pyoxigraph as ox

    from vetkg.ingest.parallel import Checked, check_document

    start = time.process_time()
    try:
        result = check_document((0, str(path), base, workdir))
    except Exception as exc:  # an ingest bug is a refusal too, and the run goes on
        return None, f"{path.name}: the ingest crashed ({type(exc).__name__}: {exc})", time.process_time() - start
    cpu = time.process_time() - start
    if not isinstance(result, Checked):
        return None, result.message, cpu
    store = ox.Store()
    store.extend(ontology)
    store.load(path=result.document_file, format=ox.RdfFormat.N_QUADS)
    store.load(path=result.entity_file, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(f"{base}graph/entities"))
    return found_in_graph(store, base), None, cpu


def documents(paths: list[Path]) -> tuple[list[tuple[Path, Path]], list[Path]]:
    """((document, ground truth) pairs, documents without ground truth)."""
    pairs, bare = [], []
    for p in paths:
        files = sorted(p.glob("*.txt")) if p.is_dir() else [p]
        for f in files:
            truth = gs.expected_for(f)
            if truth is None:
                bare.append(f)
            else:
                pairs.append((f, truth))
    return pairs, bare


def run(paths: list[Path], base: str) -> tuple[list[Outcome], list[Path], float]:
    """(outcomes, documents skipped for want of ground truth, CPU seconds of the warm-up)."""
    from vetkg.ingest.parallel import init_worker

    pairs, bare = documents(paths)
    warm = time.process_time()
    init_worker()  # what each build worker loads once: jieba's dictionary, the shapes
    warm = time.process_time() - warm
    ontology = _ontology_quads()
    import pyoxigraph as ox

    store = ox.Store()
    store.extend(ontology)
    refused_as = nothing_found(_ontology_classes(store))
    out = []
    with tempfile.TemporaryDirectory(prefix="vetkg-extraction-") as workdir:
        for path, truth in pairs:
            expected = gs.load_expected(truth)
            found, refused, cpu = ingest(path, base, workdir, ontology)
            out.append(Outcome(path, expected, gs.score_document(expected, found or refused_as), refused, cpu))
    return out, bare, warm


# ------------------------------------------------------------------ the tables


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{round(100 * x):d}"


def _cell(score: gs.Score | None, present: bool) -> str:
    if not present:
        return ""
    if score is None:
        return "n/a"
    return f"{_pct(score.recall)}/{_pct(score.precision)}"


def overall(outcomes: list[Outcome]) -> dict[str, gs.Score | None]:
    total: dict[str, gs.Score | None] = {}
    for o in outcomes:
        for kind, score in o.scores.items():
            if score is None:
                total.setdefault(kind, None)
                continue
            if total.get(kind) is None:
                total[kind] = gs.Score()
            total[kind] += score
    return total


def _context(text: str, name: str, width: int = 18) -> str:
    """Where ``name`` first stands in ``text`` (quotes dropped), with ``width`` characters around."""
    at = text.find(name)
    if at < 0:
        at = text.find(gs.normalise(name))
    if at < 0:
        return ""
    piece = text[max(0, at - width) : at + len(name) + width].replace("\n", " ")
    return f"   …{piece}…"


def _text_of(o: Outcome) -> str:
    encoding = o.expected.get("encoding", "utf-8")
    try:
        return o.path.read_bytes().decode(encoding)
    except (OSError, LookupError, UnicodeDecodeError):
        return ""


def report(outcomes: list[Outcome], bare: list[Path], warm: float, details: bool, show: frozenset[str] = frozenset()) -> str:
    kinds = [k for k in gs.KINDS if any(k in o.scores for o in outcomes)]
    width = max([len(o.path.stem) + (10 if o.refused else 0) for o in outcomes] + [8])
    lines = ["Recall/precision in % per document (n/a: the graph cannot express the kind; -: nothing to count)", ""]
    lines.append(f"{'document':<{width}}  " + "  ".join(f"{SHORT[k]:>7}" for k in kinds))
    for o in outcomes:
        name = o.path.stem + (" (refused)" if o.refused else "")
        lines.append(f"{name:<{width}}  " + "  ".join(f"{_cell(o.scores.get(k), k in o.scores):>7}" for k in kinds))
    lines += ["", "Overall (every document, refused ones included)", "",
              f"{'kind':<12} {'expected':>8} {'found':>6} {'recall':>7} {'precision':>9}"]
    total = overall(outcomes)
    for kind in kinds:
        score = total.get(kind)
        if score is None:
            lines.append(f"{kind:<12} {'n/a (not in graph)':>33}")
        else:
            lines.append(f"{kind:<12} {score.expected:>8} {score.found:>6} {_pct(score.recall):>6}% {_pct(score.precision):>8}%")
    refused = [o for o in outcomes if o.refused]
    lines += ["", f"Refused: {len(refused)} of {len(outcomes)}"]
    lines += [f"  {o.path.name}: {o.refused}" for o in refused]
    if bare:
        lines += ["", "No ground truth, not scored: " + ", ".join(p.name for p in bare)]
    cpu = sum(o.cpu_seconds for o in outcomes)
    chars = sum(len(o.path.read_bytes()) for o in outcomes)
    if cpu > 0:
        lines += ["", f"Ingest on one core: {len(outcomes) / cpu:.1f} documents/s "
                      f"({cpu / max(len(outcomes), 1) * 1000:.0f} ms CPU each, {chars / 1024 / cpu:.0f} KiB/s; "
                      f"warm-up {warm:.2f} s, not counted)"]
    if details or show:
        for o in outcomes:
            lines += ["", f"== {o.path.name}"]
            text = _text_of(o) if show else ""
            for kind, score in o.scores.items():
                if score is None or (show and kind not in show):
                    continue
                for m in score.missed:
                    lines.append(f"  {kind} missed: {m}" + (_context(text, m) if show else ""))
                for w in score.wrong:
                    lines.append(f"  {kind} wrong:  {w}" + (_context(text, w) if show else ""))
    return "\n".join(lines)


def below(outcomes: list[Outcome], minimum: float) -> list[str]:
    """The overall figures under ``minimum``, as "kind recall 0.42"."""
    out = []
    for kind, score in overall(outcomes).items():
        if score is None:
            continue
        for what, value in (("recall", score.recall), ("precision", score.precision)):
            if value is not None and value < minimum:
                out.append(f"{kind} {what} {value:.2f}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, help="documents or folders (default: tests/data/genre)")
    parser.add_argument("--min", type=float, dest="minimum", help="exit 1 when an overall figure is below this")
    parser.add_argument("--details", action="store_true", help="list what was missed and what was wrong")
    parser.add_argument("--show", action="append", default=[], choices=gs.KINDS, metavar="KIND",
                        help="list what was missed and wrong of this kind only, each with the text around it (repeatable)")
    parser.add_argument("--base", default=None, help="base IRI (default: the project's)")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    paths = args.paths or [CORPUS]
    for p in paths:
        if not p.exists():
            print(f"extraction: {p}: no such file or folder", file=sys.stderr)
            return 2
    from vetkg.ontology import DEFAULT_BASE_IRI

    try:
        outcomes, bare, warm = run(paths, args.base or DEFAULT_BASE_IRI)
    except (OSError, ValueError) as exc:  # an unreadable or malformed ground-truth file
        print(f"extraction: {exc}", file=sys.stderr)
        return 2
    if not outcomes:
        print("extraction: no document with a ground-truth file in " + ", ".join(map(str, paths)), file=sys.stderr)
        return 2
    print(report(outcomes, bare, warm, args.details, frozenset(args.show)))
    if args.minimum is not None:
        minimum = args.minimum / 100 if args.minimum > 1 else args.minimum
        failing = below(outcomes, minimum)
        if failing:
            print(f"\nBelow {minimum:.2f}: " + "; ".join(failing))
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
