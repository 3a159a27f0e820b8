"""Prometheus metrics: requests by route/method/status, their latency, and the index.

Under gunicorn every worker is a process, so counters use prometheus_client's
multiprocess mode: the gunicorn config points ``PROMETHEUS_MULTIPROC_DIR`` at a
fresh folder before the workers fork, each worker's values live in files there,
and ``/metrics`` (answered by any worker) sums all of them, including workers
that have since been recycled. Without that variable (tests, an app mounted in
another server) the metrics live in this process only.

Routes are labelled by their URI template (``/documents/{id}``), never by the raw
path, and methods outside HTTP's usual ones as ``OTHER``, so hostile requests
cannot blow up the number of series.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator
from typing import Any

import falcon
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from ..errors import SearchsvcError

_log = logging.getLogger(__name__)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"})
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    def __init__(self, index_info: Callable[[], dict[str, Any]]) -> None:
        self.multiprocess = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter("searchsvc_requests_total", "HTTP requests answered.",
                                ["route", "method", "status"], registry=self.registry)
        self.latency = Histogram("searchsvc_request_duration_seconds", "Time to answer a request.",
                                 ["route", "method", "status"], buckets=BUCKETS, registry=self.registry)
        self._index_registry = CollectorRegistry()
        self._index_registry.register(_IndexCollector(index_info))

    def observe(self, route: str, method: str, status: int, seconds: float) -> None:
        labels = (route, method, str(status))
        self.requests.labels(*labels).inc()
        self.latency.labels(*labels).observe(seconds)

    def render(self) -> bytes:
        if self.multiprocess:
            from prometheus_client import multiprocess

            counters = CollectorRegistry()
            multiprocess.MultiProcessCollector(counters)
        else:
            counters = self.registry
        return generate_latest(counters) + generate_latest(self._index_registry)


class _IndexCollector(Collector):
    """The live index, read at scrape time: documents, bytes on disk, segments."""

    def __init__(self, index_info: Callable[[], dict[str, Any]]) -> None:
        self.index_info = index_info

    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            info = self.index_info()
        except SearchsvcError:
            return  # no index yet, or one being replaced: no gauges this scrape
        except Exception:
            _log.exception("reading the live index for /metrics failed")
            return
        for name, key, doc in (("searchsvc_index_documents", "documents", "Documents in the live index."),
                               ("searchsvc_index_size_bytes", "size_bytes", "Bytes of the live generation."),
                               ("searchsvc_index_segments", "segments", "Segments in the live generation.")):
            g = GaugeMetricFamily(name, doc)
            g.add_metric([], float(info.get(key) or 0))
            yield g


class MetricsMiddleware:
    """Times every request and counts it by route template, method and status."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
        req.context.started = time.perf_counter()

    def process_response(self, req: falcon.Request, resp: falcon.Response, resource: Any,
                         req_succeeded: bool) -> None:
        started = getattr(req.context, "started", None)
        if started is None:
            return
        # The static route has no URI template: its files count as one route, not as "<unmatched>".
        route = req.uri_template or ("/static/{file}" if req.path.startswith("/static/") else "<unmatched>")
        status = int(str(resp.status).split()[0]) if resp.status else 200
        method = req.method if req.method in METHODS else "OTHER"  # "FOOBAR /search" is a request too
        self.metrics.observe(route, method, status, time.perf_counter() - started)
