"""A validation report as text, JSON or RDF, chosen by ``Accept`` or ``?format=``."""
from __future__ import annotations

import json
from typing import Any

from flask import Request, Response
from rdflib.term import Node

from vetkg.shapes.validate import ValidationResult

from ..sparql.errors import ProtocolError

RDF_TYPES = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
}
OFFERED = ["text/plain", "application/json", *RDF_TYPES]
FORMATS = {"text": "text/plain", "json": "application/json", "turtle": "text/turtle", "ttl": "text/turtle",
           "jsonld": "application/ld+json", "json-ld": "application/ld+json", "nt": "application/n-triples",
           "ntriples": "application/n-triples", "rdfxml": "application/rdf+xml", "xml": "application/rdf+xml"}


def chosen_type(request: Request) -> str:
    """The media type to answer with: ``?format=`` first, then ``Accept``; text by default, as
    the CLI prints it (a browser asking for HTML gets the text too)."""
    named = request.args.get("format")
    if named is not None:
        media = FORMATS.get(named.strip().lower())
        if media is None:
            raise ProtocolError(400, f"unknown format {named!r}: use one of {', '.join(sorted(FORMATS))}")
        return media
    accept = request.accept_mimetypes
    if not accept or accept.best == "*/*":
        return "text/plain"
    return accept.best_match(OFFERED) or "text/plain"


def _text(result: ValidationResult, lang: str | None) -> str:
    if lang is None:
        return result.text
    # the report gives each message as a "zh:" line and an "en:" line; keep one language
    drop = {"zh": "en:", "en": "zh:"}[lang]
    return "\n".join(line for line in result.text.splitlines() if not line.lstrip().startswith(drop)) + "\n"


def _term(node: Node | None) -> str | None:
    return None if node is None else str(node)


def _json(result: ValidationResult) -> str:
    body: dict[str, Any] = {
        "conforms": result.conforms,
        "violations": len(result.errors),
        "summary": result.text.strip().splitlines()[0] if result.text.strip() else "",
        "results": [
            {"severity": v.severity, "focus": _term(v.focus_node), "path": _term(v.path), "value": _term(v.value),
             "shape": _term(v.source_shape), "message_zh": v.message_zh, "message_en": v.message_en}
            for v in result.violations
        ],
    }
    return json.dumps(body, ensure_ascii=False, indent=2) + "\n"


def report_response(result: ValidationResult, request: Request) -> Response:
    """The answer for ``result``: 200 either way, the verdict in headers and body."""
    media = chosen_type(request)
    lang = request.args.get("lang")
    if lang is not None and lang not in ("zh", "en"):
        raise ProtocolError(400, f"lang must be zh or en, not {lang!r}")
    if media == "text/plain":
        resp = Response(_text(result, lang), mimetype="text/plain")
    elif media == "application/json":
        resp = Response(_json(result), mimetype="application/json")
    else:
        body = result.report.serialize(format=RDF_TYPES[media], encoding="utf-8")
        resp = Response(body, content_type=f"{media}; charset=utf-8")
    resp.headers["X-VetKG-Conforms"] = "true" if result.conforms else "false"
    resp.headers["X-VetKG-Violations"] = str(len(result.errors))
    resp.vary.add("Accept")
    return resp
