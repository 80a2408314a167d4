"""Time one large ``INSERT DATA`` through ``/sparql`` (the whole write path), by size.

Sends, for each size, one update of that many bytes (triples about a new work area each, in one
document graph) to an app over an empty in-memory store with a bearer token, and prints the
wall time of the request, of rdflib's parse of the same text and of the fast reader's
(server/sparql/data_update.py, which the endpoint uses for such a text instead of rdflib), the
part of the time that does not grow with the store. A parse per request is the floor: issue 12
asks for one, not two.

    python bench/update_size.py [--sizes 0.25,1,2] [--dry-run]
"""
from __future__ import annotations

import argparse
import time
from dataclasses import replace

from rdflib.plugins.sparql.parser import parseUpdate

from vetkg.server.app import create_app
from vetkg.server.config import Settings
from vetkg.server.sparql.data_update import read_data_update
from vetkg.store.oxigraph import MemoryStore

BASE = "https://w3id.org/vetkg/"
TOKEN = "bench-token"


def insert_data(size_bytes: int) -> tuple[str, int]:
    """An INSERT DATA of about ``size_bytes`` bytes, and its number of triples."""
    graph = f"<{BASE}graph/bench-update>"
    head = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\nINSERT DATA { GRAPH " + graph + " {\n"
    lines: list[str] = []
    size = len(head)
    n = 0
    while size < size_bytes:
        line = f'<{BASE}doc/bench-update/note/{n}> rdfs:comment "第{n}条说明：推进职业教育产教融合" .\n'
        lines.append(line)
        size += len(line.encode("utf-8"))
        n += 1
    return head + "".join(lines) + "} }\n", n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="0.25,1,2", help="megabytes, comma-separated")
    parser.add_argument("--dry-run", action="store_true", help="check without committing (?dry-run=true)")
    args = parser.parse_args()

    settings = replace(Settings(store="memory"), update_tokens={"bench": TOKEN}, update_timeout=600.0,
                       max_update_bytes=64 * 1024 * 1024)
    for megabytes in (float(s) for s in args.sizes.split(",")):
        text, triples = insert_data(int(megabytes * 1024 * 1024))
        started = time.perf_counter()
        parseUpdate(text)
        parse = time.perf_counter() - started
        started = time.perf_counter()
        fast = read_data_update(text)
        fast_read = time.perf_counter() - started
        client = create_app(settings, MemoryStore()).test_client()
        started = time.perf_counter()
        response = client.post("/sparql" + ("?dry-run=true" if args.dry_run else ""), data=text.encode("utf-8"),
                               headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/sparql-update"})
        request = time.perf_counter() - started
        print(f"{megabytes:g} MB, {triples} triples: request {request:.2f} s (HTTP {response.status_code}), "
              f"one rdflib parse {parse:.2f} s, fast read {fast_read:.2f} s"
              + ("" if fast is not None else " (declined: rdflib reads it)"))
        if response.status_code >= 300 and response.status_code != 422:
            raise SystemExit(f"the update failed: {response.get_data(as_text=True)[:300]}")


if __name__ == "__main__":
    main()
