"""The result cache (:mod:`..sparql.result_cache`) in front of admission: a hit takes no worker.

The cache sits in the server process and is looked up before a query is admitted, so a repeated
query waits for no lane and crosses no pipe. Its counters are in ``/metrics``.
"""
from __future__ import annotations

from collections.abc import Iterator

from flask import Flask, current_app, request
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from ..http import OBSERVE_KEY, dataset_version
from ..sparql.result_cache import ResultCache, cache_key, cacheable
from ..sparql.results import QueryJob, QueryOutcome
from .admission import run_query
from .replay import REPLAYABLE, ReplayCache

EXTENSION_KEY = "vetkg.sparql.result_cache"


def answer(job: QueryJob, timeout: float) -> QueryOutcome:
    """The outcome of ``job``: from the cache when the same query was answered on the same data."""
    cache: ResultCache[QueryOutcome] | None = current_app.extensions.get(EXTENSION_KEY)
    if cache is None or not cache.enabled:
        return run_query(job, timeout)
    if not cacheable(job.text):
        cache.note_uncacheable()
        return run_query(job, timeout)
    version = dataset_version()
    generation = version.generation
    key = cache_key(job)
    outcome = cache.get(key, generation)
    if outcome is None:
        outcome = run_query(job, timeout)
        if version.generation != generation:  # a write committed while it ran
            return outcome
        cache.put(key, generation, outcome)
    # The whole response may be replayed to the same request, in front of Flask (.replay).
    request.environ[REPLAYABLE] = generation
    return outcome


class _Metrics:
    def __init__(self, cache: ResultCache) -> None:
        self.cache = cache

    def collect(self) -> Iterator[Metric]:
        stats = self.cache.stats
        for name, value, doc in (
            ("hits", stats.hits, "Queries answered from the result cache"),
            ("misses", stats.misses, "Cacheable queries the result cache did not hold"),
            ("uncacheable", stats.uncacheable, "Queries never cached (RAND, NOW, UUID, BNODE, SERVICE …)"),
            ("evictions", stats.evictions, "Results evicted from the cache to keep it within its bound"),
            ("invalidations", stats.invalidations, "Times a committed write emptied the cache"),
        ):
            counter = CounterMetricFamily(f"vetkg_result_cache_{name}", doc)
            counter.add_metric([], value)
            yield counter
        size = GaugeMetricFamily("vetkg_result_cache_bytes", "Bytes the result cache holds")
        size.add_metric([], self.cache.size)
        yield size
        entries = GaugeMetricFamily("vetkg_result_cache_entries", "Results the cache holds")
        entries.add_metric([], len(self.cache))
        yield entries
        bound = GaugeMetricFamily("vetkg_result_cache_max_bytes", "The cache's bound in bytes (0: off)")
        bound.add_metric([], self.cache.max_bytes)
        yield bound


def init_result_cache(app: Flask) -> None:
    """Put the result cache in front of admission (after :func:`.admission.init_admission`)."""
    settings = app.extensions["vetkg.settings"]
    remote = settings.store == "sparql" or app.extensions["vetkg.store"].enforces_deadlines
    bound = 0 if remote else int(settings.result_cache_mb * 1024 * 1024)
    cache: ResultCache[QueryOutcome] = ResultCache(bound)
    app.extensions[EXTENSION_KEY] = cache
    registry = app.extensions.get("vetkg.metrics")  # set by init_http
    if registry is not None:
        registry.register(_Metrics(cache))
    observe = app.extensions.get(OBSERVE_KEY)
    version = dataset_version(app)
    # The replays copy the bodies the result cache holds, so they get a quarter of its bound.
    app.wsgi_app = ReplayCache(  # type: ignore[method-assign]
        app.wsgi_app, "/sparql", bound // 4, lambda: version.generation,
        count=lambda method, status, seconds: observe and observe("/sparql", method, status, seconds),
        hit=cache.note_hit,
    )
