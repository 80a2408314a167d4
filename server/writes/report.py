"""What a client is told about a checked write: the SHACL report, a readable summary, the change.

A rejected change (422) and a dry run (200 when it would pass, 422 when not) answer by Accept:

* ``text/turtle`` (the default), ``application/ld+json``, ``application/n-triples``,
  ``application/rdf+xml``: the ``sh:ValidationReport`` graph as pyshacl made it;
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

from .checks import DataUnion, Verdict
from .transaction import Outcome

VET = Namespace("https://w3id.org/vetkg/ontology#")
OA = Namespace("http://www.w3.org/ns/oa#")

RDF_TYPES = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
}
OFFERED = ["text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml", "text/plain", "application/json"]


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


def summarise(outcome: Outcome[Any], system: set[ox.NamedNode]) -> list[Item]:
    verdict = outcome.verdict
    views: list[DataUnion] = []
    if outcome.state is not None:
        # After the change first (the node as it would be), then before (it may be what was deleted).
        views = [DataUnion(outcome.state, system), DataUnion(outcome.state, system, before=True)]
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
    for n, item in enumerate(items, 1):
        lines.append("")
        head = f"[{n}] {item.severity}: <{item.focus}>"
        if item.label:
            head += f" «{item.label}»"
        lines.append(head)
        if item.path:
            lines.append(f"    path / 属性: <{item.path}>")
        if item.value:
            lines.append(f"    value / 值: {item.value}")
        lines.append(f"    zh: {item.message_zh}")
        lines.append(f"    en: {item.message_en}")
        if item.source:
            lines.append(f"    source / 原文: {item.source}")
    return "\n".join(lines) + "\n"


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


def report_response(outcome: Outcome[Any], request: Request, dry_run: bool, system: set[ox.NamedNode]) -> Response:
    """The answer for a rejected change, or for a dry run."""
    verdict = outcome.verdict
    status = 200 if verdict.ok else 422
    accept = request.accept_mimetypes
    chosen = accept.best_match(OFFERED, default="text/turtle") if accept else "text/turtle"
    ontology_failure = not verdict.ontology_consistent or bool(verdict.unsatisfiable) or bool(verdict.shapes_problems)
    if ontology_failure and chosen in RDF_TYPES:
        chosen = "text/plain"
    items = summarise(outcome, system)
    if chosen == "text/plain":
        resp = Response(_text(outcome, items, dry_run), status=status, mimetype="text/plain")
    elif chosen == "application/json":
        resp = Response(_json(outcome, items, dry_run), status=status, mimetype="application/json")
    else:
        body = _rdf_report(verdict).serialize(format=RDF_TYPES[chosen], encoding="utf-8")
        resp = Response(body, status=status, content_type=f"{chosen}; charset=utf-8")
    resp.headers["X-VetKG-Violations"] = str(len(verdict.errors))
    resp.headers["X-VetKG-Dry-Run"] = "true" if dry_run else "false"
    resp.vary.add("Accept")
    return resp


def change_headers(resp: Response, outcome: Outcome[Any]) -> Response:
    resp.headers["X-VetKG-Added"] = str(len(outcome.change.added))
    resp.headers["X-VetKG-Removed"] = str(len(outcome.change.removed))
    return resp
