"""What a client is told about a checked write: the SHACL report, a readable summary, the change.

A rejected change (422) and a dry run (200 when it would pass, 422 when not) answer by Accept:

* ``text/turtle`` (the default), ``application/ld+json``, ``application/n-triples``,
  ``application/rdf+xml`` (every graph format of :mod:`vetkg.store.formats`): the
  ``sh:ValidationReport`` graph as pyshacl made it;
* ``text/plain``: one block per violation, in Chinese and English, with the focus node's label,
  the path, the value and the sentence of the source document the node was read from;
* ``application/json``: the same summary as data, plus the change's size.

An ontology that HermiT finds inconsistent has no SHACL report: it is answered in text/plain
(or JSON when asked), naming the unsatisfiable classes. Every answer carries
``X-VetKG-Violations`` (the count) so a client can tell without parsing the body.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from flask import Request, Response
from rdflib import Graph, Literal, Namespace
from rdflib.namespace import DCTERMS, RDF, RDFS, SH, SKOS
from rdflib.term import BNode, Node

from vetkg.ontology.graphs import StoreGraphs
from vetkg.shapes.validate import violation_lines
from vetkg.store import formats
from vetkg.store.formats import Format, Holds
from vetkg.store.union import DataUnion, pending_union

from ..writes.checks import Verdict
from ..writes.transaction import Outcome

VET = Namespace("https://w3id.org/vetkg/ontology#")
OA = Namespace("http://www.w3.org/ns/oa#")

# The report's own representations, offered after the RDF formats of the registry.
TEXT = Format("text", "text/plain", "text", ("txt",))
JSON = Format("summary-json", "application/json", "JSON", ("json",))
_REPORT_PREFIXES = {"sh": str(SH), "rdf": str(RDF), "rdfs": str(RDFS), "xsd": "http://www.w3.org/2001/XMLSchema#",
                    "vet": str(VET)}


def _rdf_offers() -> list[Format]:
    # A report is one graph: the formats a page is offered in, not the dataset syntaxes.
    return [f for f in formats.formats(Holds.GRAPH) if not f.holds(Holds.DATASET)]


@dataclass
class Item:
    severity: str
    focus: str
    label: str | None
    path: str | None
    value: str | None
    message_zh: str
    message_en: str
    source: str | None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _first_literal(views: list[DataUnion], node: Node, *predicates: Node) -> str | None:
    for view in views:
        for pred in predicates:
            for _, _, value in view.triples(node, pred, None):
                if isinstance(value, Literal):
                    return " ".join(str(value).split())
    return None


def _source_sentence(views: list[DataUnion], node: Node) -> str | None:
    """The text the node was read from: its own vet:text, its span's quote, or the vet:text of
    the measure it was found in."""
    own = _first_literal(views, node, VET.text)
    if own:
        return own
    for view in views:
        for _, _, span in view.triples(node, VET.textSpan, None):
            for _, _, selector in view.triples(span, OA.hasSelector, None):
                exact = _first_literal(views, selector, OA.exact)
                if exact:
                    return exact
        for _, _, container in view.triples(node, VET.foundIn, None):
            text = _first_literal(views, container, VET.text)
            if text:
                return text
    return None


def _term(node: Node | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, BNode):
        return "(blank node)"
    return node.n3() if isinstance(node, Literal) else str(node)


def _path(report: Graph | None, path: Node | None) -> str | None:
    if path is None:
        return None
    if isinstance(path, BNode) and report is not None:
        inverse = report.value(path, SH.inversePath)
        if inverse is not None:
            return "^" + str(inverse)
        return "(complex path)"
    return str(path)


def summarise(outcome: Outcome[Any], graphs: StoreGraphs) -> list[Item]:
    verdict = outcome.verdict
    views: list[DataUnion] = []
    if outcome.state is not None:
        # After the change first (the node as it would be), then before (it may be what was deleted).
        views = [pending_union(outcome.state, graphs), pending_union(outcome.state, graphs, before=True)]
    items = []
    for v in verdict.violations:
        focus = v.focus_node
        items.append(
            Item(
                severity=v.severity,
                focus=_term(focus) or "",
                label=_first_literal(views, focus, RDFS.label, SKOS.prefLabel, DCTERMS.title),
                path=_path(verdict.report, v.path),
                value=_term(v.value),
                message_zh=v.message_zh,
                message_en=v.message_en,
                source=_source_sentence(views, focus),
            )
        )
    return items


def _text(outcome: Outcome[Any], items: list[Item], dry_run: bool) -> str:
    verdict = outcome.verdict
    change = outcome.change
    lines: list[str] = []
    if verdict.ok:
        lines.append(f"校验通过 / The change conforms ({change.summary()})" + ("; dry run: nothing was written." if dry_run else "."))
    elif not verdict.ontology_consistent or verdict.unsatisfiable:
        lines.append("本体检查未通过，未写入 / The ontology check failed; nothing was written.")
        lines.append(verdict.ontology_message)
        for iri in verdict.unsatisfiable:
            lines.append(f"  unsatisfiable class / 不可满足的类: {iri}")
        return "\n".join(lines) + "\n"
    elif verdict.shapes_problems:
        lines.append("形状图不可用，未写入 / The new shapes graph cannot be used; nothing was written.")
        lines.extend(f"  {problem}" for problem in verdict.shapes_problems)
        return "\n".join(lines) + "\n"
    else:
        errors = len(verdict.errors)
        lines.append(
            f"校验未通过，未写入：{errors} 处违反约束 / The change does not conform to the shapes; "
            f"nothing was written: {errors} violation(s)"
            + (" (all data revalidated)" if verdict.full_validation else "")
            + "."
        )
    for violation, item in zip(verdict.violations, items, strict=True):
        lines.append("")
        lines.extend(violation_lines(violation, verdict.report, label=item.label, source=item.source))
    return "\n".join(lines) + "\n"


def outcome_text(outcome: Outcome[Any], graphs: StoreGraphs, dry_run: bool) -> str:
    """The plain-text report of a write, as the CLI and the operating routes print it."""
    return _text(outcome, summarise(outcome, graphs), dry_run)


def _json(outcome: Outcome[Any], items: list[Item], dry_run: bool) -> str:
    verdict = outcome.verdict
    body: dict[str, Any] = {
        "conforms": verdict.ok,
        "committed": outcome.committed,
        "dry_run": dry_run,
        "change": {"added": len(outcome.change.added), "removed": len(outcome.change.removed),
                   "created_graphs": sorted(outcome.change.created_graphs),
                   "dropped_graphs": sorted(outcome.change.dropped_graphs)},
        "violations": [i.as_dict() for i in items],
    }
    if verdict.shapes_problems:
        body["shapes_problems"] = verdict.shapes_problems
    if not verdict.ontology_consistent or verdict.unsatisfiable or verdict.ontology_message:
        body["ontology"] = {
            "consistent": verdict.ontology_consistent,
            "unsatisfiable": verdict.unsatisfiable,
            "message": verdict.ontology_message,
        }
    return json.dumps(body, ensure_ascii=False, indent=2) + "\n"


def _rdf_report(verdict: Verdict) -> Graph:
    if verdict.report is not None:
        return verdict.report
    report = Graph()
    node = BNode()
    report.add((node, RDF.type, SH.ValidationReport))
    report.add((node, SH.conforms, Literal(verdict.shacl_conforms)))
    return report


def _ox_triples(graph: Graph) -> list[ox.Triple]:
    # pyshacl makes an rdflib graph; the registry's writers take pyoxigraph's triples.
    data = graph.serialize(format="nt", encoding="utf-8")
    return [q.triple for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]


def report_response(outcome: Outcome[Any], request: Request, dry_run: bool, graphs: StoreGraphs) -> Response:
    """The answer for a rejected change, or for a dry run."""
    verdict = outcome.verdict
    status = 200 if verdict.ok else 422
    # text/plain and application/json are the summary here: as canonical types of offers they
    # win over the N-Triples and JSON-LD they alias elsewhere.
    rdf = _rdf_offers()
    chosen = formats.negotiate(request.accept_mimetypes, [*rdf, TEXT, JSON]) or (rdf[0] if rdf else TEXT)
    ontology_failure = not verdict.ontology_consistent or bool(verdict.unsatisfiable) or bool(verdict.shapes_problems)
    if ontology_failure and chosen not in (TEXT, JSON):
        chosen = TEXT
    items = summarise(outcome, graphs)
    if chosen is TEXT:
        body = _text(outcome, items, dry_run).encode("utf-8")
    elif chosen is JSON:
        body = _json(outcome, items, dry_run).encode("utf-8")
    else:
        body = chosen.serialize(_ox_triples(_rdf_report(verdict)), _REPORT_PREFIXES)
    resp = Response(body, status=status, content_type=chosen.content_type)
    resp.headers["X-VetKG-Violations"] = str(len(verdict.errors))
    resp.headers["X-VetKG-Dry-Run"] = "true" if dry_run else "false"
    resp.vary.add("Accept")
    return resp


def change_headers(resp: Response, outcome: Outcome[Any]) -> Response:
    resp.headers["X-VetKG-Added"] = str(len(outcome.change.added))
    resp.headers["X-VetKG-Removed"] = str(len(outcome.change.removed))
    return resp
