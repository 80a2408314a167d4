"""All of vetkg's settings, in one place.

Defaults below; a TOML file named by ``VETKG_CONFIG`` overrides them; ``VETKG_<NAME>`` environment
variables override both; command-line options override everything. The Flask app takes the
result as its config mapping (upper-case keys).
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from vetkg.ontology import DEFAULT_BASE_IRI


@dataclass
class Settings:
    base_iri: str = DEFAULT_BASE_IRI
    store: str = "oxigraph"
    store_path: str = ".vetkg/store"
    store_url: str = ""  # remote SPARQL query endpoint, for store = "sparql"
    store_update_url: str = ""
    # Credentials for that server: the token alone is sent as Bearer; with store_user too, as
    # Basic auth (a vetkg server takes either, the user being the token's name).
    store_token: str = ""
    store_user: str = ""
    seeds_dir: str = "seeds"
    union_default_graph: bool = True
    query_timeout: float = 30.0
    max_rows: int = 10000
    # vetkg serve holds a copy of an on-disk Oxigraph store in memory, where queries run several
    # times faster, when it has at most this many quads (about 470 MB a million); 0: never.
    memory_copy_max_quads: int = 5_000_000
    # Query processes kept between queries (0: fork one per query; -1: one), each running up to
    # query_threads queries at once (-1: as many as waitress has request threads, so that no
    # request waits for one; admission keeps to one probe per core and heavy_query_slots long
    # ones; pyoxigraph lets go of the GIL). Threads rather than processes: Oxigraph counts
    # references on the nodes it reads, so a process reading the copy in memory dirties its
    # pages and ends up holding a private copy of what it read. A query that finds every slot
    # busy for half a second gets a process of its own.
    query_workers: int = -1
    query_threads: int = -1
    # Plain queries answered in front of Flask's dispatch (server/sparql_endpoint/direct.py),
    # the same answers 0.1 ms sooner; False sends every request through Flask.
    direct_queries: bool = True
    # The allocator vetkg serve runs on (server/allocator.py): "auto" (mimalloc or jemalloc when
    # installed, else glibc's: at 1M quads mimalloc brought the aggregations from 1.3x Oxigraph's
    # server to 1.0x, and the server with its worker from 1.13 to 1.06 GB), "system" (glibc's
    # malloc), "mimalloc", "jemalloc", or the path of a shared library.
    allocator: str = "auto"
    allow_service: bool = False  # SERVICE and remote FROM / LOAD
    # FROM / default-graph-uri / named-graph-uri naming a graph the store lacks: refused (400)
    # unless True, when such a graph is simply empty. Nothing is ever fetched either way.
    allow_unknown_graphs: bool = False
    # Limits on one query (server/sparql): its text in bytes (413 past it), how deep its
    # brackets nest (400; Oxigraph's parser overflows its stack at a few thousand levels), and
    # how much memory its worker may take on top of its size when the query starts (503 past
    # it, and the worker is replaced; 0: no limit).
    max_query_bytes: int = 2 * 1024 * 1024
    max_query_nesting: int = 256
    query_memory_mb: int = 1024
    allow_remote_context: bool = False  # remote JSON-LD contexts
    # Who may write (name -> token; VETKG_UPDATE_TOKENS="alice:s3cret,bob:other"): data graphs only.
    # A client sends a token as Bearer, or as Basic auth with its name as user. A token may be
    # given hashed, "sha256:<hex>" or a Werkzeug hash (server/write_endpoints/token_hashes.py).
    update_tokens: dict[str, str] = field(default_factory=dict)
    # Tokens with the admin role (VETKG_ADMIN_TOKENS="root:t0ken"): they may also change the
    # ontology and the shapes graphs. Nobody changes the history through a write.
    admin_tokens: dict[str, str] = field(default_factory=dict)
    # The token `vetkg` sends to a running server that holds the store (VETKG_CLIENT_TOKEN); "":
    # the first admin token above, else the first update token (when the CLI shares the
    # server's settings).
    client_token: str = ""
    # Seconds a document posted to /documents may spend in the write gate (a whole plan is
    # checked by pyshacl there: about 10 s for one of 4,000 triples on one core), past which it
    # is stopped with 503 and nothing is written.
    document_timeout: float = 120.0
    # Where POST /backup writes (server/operate/routes.py); "": {store_path}.backups.
    backup_dir: str = ""
    # Tokens with the read-only role (VETKG_READ_TOKENS="carol:t0ken"): they may check a change
    # with ?dry-run=true, and commit none.
    read_tokens: dict[str, str] = field(default_factory=dict)
    # A write's body (SPARQL Update or Graph Store Protocol) past this many bytes is refused with
    # 413 before it is read.
    max_update_bytes: int = 10_000_000
    # Seconds a write may spend computing and checking its change (parsing, WHERE clauses,
    # validation) before it is stopped with 503 and nothing is written.
    update_timeout: float = 30.0
    # Megabytes the server process may grow by while one write is computed and checked (its
    # WHERE clauses are joined in memory): past it the write is stopped with 503. 0: no bound.
    max_update_memory_mb: int = 1024
    # The full-text index of /search and vetkg:search (server/workbench): "" puts it beside the
    # store (.vetkg/store.search.sqlite), or in a temporary file for a store in memory.
    search_index: str = ""
    search_max_query_chars: int = 100
    search_max_results: int = 100
    # A store of more quads than this is brought in step with the index in a background thread
    # at start (server/workbench/keeper.py), so the server answers while it is segmented.
    search_sync_max_quads: int = 200_000
    host: str = "127.0.0.1"
    port: int = 8000
    # waitress's request threads (-1: heavy_query_slots + heavy_query_queue + 46, at least 64).
    # Most of them wait on a query worker's pipe; the long queries among them are limited by
    # heavy_query_slots + heavy_query_queue, which must leave threads for everything else
    # (checked when serving starts); what is left bounds the probes waiting for a core. With
    # + 10, 32 clients of the 14 queries at 1M got 10,658 answers of 503 (a probe queue of 6),
    # with + 30 11,751 (26), where Oxigraph's server answered them all: most of 32 clients wait
    # for a probe at once. A waiting thread costs next to nothing.
    threads: int = -1
    connection_limit: int = 1000  # open connections; past it new ones wait in the kernel's backlog
    idle_timeout: float = 30.0  # seconds a connection may stay silent before it is closed
    request_read_timeout: float = 30.0  # seconds to send one request whole (slow-loris clients)
    # Admission of long queries (server/sparql_endpoint/admission.py): a query still running after
    # heavy_query_after seconds is heavy; at most heavy_query_slots of them run at once (-1: one
    # per core), heavy_query_queue more wait for a slot, and past that a heavy query gets 503
    # with Retry-After, so that cheap requests always find a thread and a worker. The queue
    # holds only waiting requests (a thread each, no worker): with 4, eight clients sending
    # aggregations over 1M quads got 503s that Oxigraph's server answered within a second.
    heavy_query_after: float = 0.25
    heavy_query_slots: int = -1
    heavy_query_queue: int = 16
    # Megabytes of query results kept in the server process (server/sparql/result_cache.py), least
    # recently used evicted first, emptied by every committed write; 0: no cache. Off for a
    # remote store (store = "sparql"), whose data may change without a write through here.
    result_cache_mb: float = 64.0

    def as_flask_config(self) -> dict[str, Any]:
        return {f"VETKG_{k.upper()}": v for k, v in asdict(self).items()}

    def override(self, **values: Any) -> Settings:
        """Set every value that is not None (command-line options left out are None)."""
        for key, value in values.items():
            if value is not None:
                setattr(self, key, value)
        if not self.base_iri.endswith(("/", "#")):
            self.base_iri += "/"
        return self

    def heavy_slots(self) -> int:
        """Long queries run at once (server/sparql_endpoint/admission.py): the setting, or one per core."""
        return self.heavy_query_slots if self.heavy_query_slots > 0 else (os.cpu_count() or 1)

    def request_threads(self) -> int:
        """waitress's threads: the setting, or enough that long queries never hold them all."""
        return self.threads if self.threads > 0 else max(64, self.heavy_slots() + max(0, self.heavy_query_queue) + 46)

    def query_thread_count(self) -> int:
        """Threads of each query worker: the setting, or one per request thread."""
        return self.query_threads if self.query_threads > 0 else self.request_threads()

    def store_options(self) -> dict[str, Any]:
        if self.store == "sparql":
            return {"url": self.store_url, "update_url": self.store_update_url or self.store_url,
                    "token": self.store_token, "user": self.store_user}
        return {"path": self.store_path}


def _coerce(raw: str, current: Any) -> Any:
    if isinstance(current, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(current, int):
        return int(raw)
    if isinstance(current, float):
        return float(raw)
    if isinstance(current, dict):
        # VETKG_UPDATE_TOKENS="alice:secret1,bob:secret2"
        return dict(item.split(":", 1) for item in raw.split(",") if ":" in item)
    return raw


def load_settings(config_file: str | Path | None = None, **overrides: Any) -> Settings:
    """Settings from defaults, the TOML file, the environment and ``overrides``, in that order."""
    settings = Settings()
    names = {f.name for f in fields(Settings)}
    path = config_file or os.environ.get("VETKG_CONFIG")
    if path:
        with open(path, "rb") as fh:
            for key, value in tomllib.load(fh).items():
                if key not in names:
                    raise ValueError(f"{path}: unknown setting {key!r}")
                setattr(settings, key, value)
    for name in names:
        raw = os.environ.get(f"VETKG_{name.upper()}")
        if raw is not None:
            setattr(settings, name, _coerce(raw, getattr(settings, name)))
    return settings.override(**overrides)
