"""Shared fixtures: an app over an in-memory dataset, and a real ``vetkg serve`` process."""
from __future__ import annotations

import gc
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient

from vetkg.server.app import create_app
from vetkg.server.config import Settings
from vetkg.store.oxigraph import MemoryStore, OxigraphStore

BASE = "https://w3id.org/vetkg/"
VET = "https://w3id.org/vetkg/ontology#"
GRAPH_A = BASE + "graph/doc-a"
GRAPH_B = BASE + "graph/doc-b"
ONTOLOGY = "https://w3id.org/vetkg/ontology"

# Two documents and the ontology, in the named-graph layout of ontology/README.md. The issuing
# organisation is in both documents, so the union default graph holds its triples once.
FIXTURE_TRIG = f"""
@prefix vet: <{VET}> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@base <{BASE}> .

<graph/doc-a> {{
    <doc/a> a vet:Notice ;
        dcterms:title "关于印发2025年天津市职业教育工作要点的通知"@zh ;
        vet:documentNumber "津教职函〔2025〕1号" ;
        dcterms:issued "2025-04-18"^^xsd:date ;
        vet:issuedBy <id/org/天津市教育委员会> .
    <doc/a/area/1/measure/1> a vet:Measure ; vet:ordinal 1 ;
        vet:text "实施第二轮“双高计划”，遴选打造 7 所左右国家级高水平学校和专业群。"@zh ;
        vet:mentions <id/programme/双高计划> .
    <id/org/天津市教育委员会> rdfs:label "天津市教育委员会"@zh .
}}

<graph/doc-b> {{
    <doc/b> a vet:Notice ;
        dcterms:title "滨海新区2025年职业教育工作要点"@zh ;
        dcterms:issued "2025-03-01"^^xsd:date ;
        vet:issuedBy <id/org/天津市教育委员会> .
    <id/org/天津市教育委员会> rdfs:label "天津市教育委员会"@zh .
}}

<{ONTOLOGY}> {{
    vet:Notice a owl:Class ; rdfs:label "notice"@en, "通知"@zh .
    vet:Measure a owl:Class ; rdfs:label "measure"@en .
}}
"""


def fixture_quads() -> list[ox.Quad]:
    return list(ox.parse(FIXTURE_TRIG.encode("utf-8"), format=ox.RdfFormat.TRIG))


def load(store: OxigraphStore, quads: list[ox.Quad]) -> None:
    """Load ``quads`` through the store API, one named graph at a time."""
    graphs: dict[str, list[ox.Triple]] = {}
    for quad in quads:
        graphs.setdefault(quad.graph_name.value, []).append(quad.triple)
    store.replace_graphs(graphs)


def memory_store(quads: list[ox.Quad] | None = None) -> MemoryStore:
    store = MemoryStore()
    load(store, fixture_quads() if quads is None else quads)
    return store


@pytest.fixture
def make_app() -> Callable[..., Flask]:
    """Build an app over the fixture dataset (or ``quads``) with some settings changed."""

    def build(quads: list[ox.Quad] | None = None, **settings: object) -> Flask:
        return create_app(replace(Settings(store="memory"), **settings), memory_store(quads))

    return build


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    return make_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_health(url: str, proc: subprocess.Popen, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"vetkg serve exited with {proc.returncode}: {proc.stderr.read() if proc.stderr else ''}")
        try:
            if requests.get(url + "/health", timeout=5).status_code == 200:
                return
        # a cold first request (a fresh machine's first count of the store) may outlast one
        # poll: that is "not ready yet", like a refused connection
        except (requests.ConnectionError, requests.Timeout):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"vetkg serve did not answer {url}/health within {seconds} s")


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real ``vetkg serve`` on a free loopback port over an on-disk store; yields its base URL."""
    root = tmp_path_factory.mktemp("live")
    nquads = root / "fixture.nq"
    nquads.write_bytes(ox.serialize(fixture_quads(), format=ox.RdfFormat.N_QUADS))
    store = OxigraphStore(root / "store")
    load(store, list(ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS)))
    store.close()
    del store
    gc.collect()  # pyoxigraph releases the store's lock only when the object is dropped
    with serving(root / "store") as url:
        yield url


@contextmanager
def serving(store: Path, **env_settings: str) -> Iterator[str]:
    """Run ``vetkg serve`` over ``store`` on a free loopback port until the block ends; yields
    its base URL. ``env_settings`` become ``VETKG_<NAME>`` variables (update_tokens=…)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("VETKG_")}
    env.update({f"VETKG_{k.upper()}": v for k, v in env_settings.items()})
    command = [str(Path(sys.executable).with_name("vetkg")), "serve", "--store", str(store),
               "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(url, proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
