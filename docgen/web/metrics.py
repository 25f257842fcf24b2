"""/metrics in the Prometheus text format (prometheus-client), behind the same access rules as
the API. Each app has its own registry, so that several apps in one process (the tests) do not
share counts.

Requests are counted by method (the standard ones by name, any other as ``OTHER``), route (the
URL rule, never the path typed) and status, with their durations: labels that only take a few
values, as each new set of them is a series kept for the life of the process; documents by kind and format; the PDF pool and the request queue are read at
scrape time from their own status.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Flask, Response, current_app, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from ..pdf import PDF_MEDIA_TYPE
from ..service import DOCX_MEDIA_TYPE
from .admission import EXTENSION as ADMISSION
from .requestlog import elapsed, route

EXTENSION = "docgen.metrics"
DOCUMENT_FORMATS = {DOCX_MEDIA_TYPE: "docx", PDF_MEDIA_TYPE: "pdf"}
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"})

bp = Blueprint("metrics", __name__)


class Metrics:
    def __init__(self, app: Flask):
        self.registry = CollectorRegistry()
        self.requests = Counter("docgen_http_requests", "HTTP requests answered", ["method", "route", "status"],
                                registry=self.registry)
        self.durations = Histogram("docgen_http_request_duration_seconds", "Time to answer a request",
                                   ["method", "route"], registry=self.registry,
                                   buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60))
        self.documents = Counter("docgen_documents_rendered", "Documents rendered", ["kind", "format"],
                                 registry=self.registry)
        self.registry.register(_ServiceCollector(app))

    def rendered(self, kind: str, fmt: str, count: int = 1) -> None:
        if count:
            self.documents.labels(kind=kind, format=fmt).inc(count)


class _ServiceCollector(Collector):
    """The PDF pool's and the request queue's state, read when scraped."""

    def __init__(self, app: Flask):
        self.app = app

    def collect(self) -> Iterator[Any]:
        converter = self.app.config.get("CONVERTER")
        pool = converter.status() if hasattr(converter, "status") else {}
        workers = GaugeMetricFamily("docgen_pdf_workers", "LibreOffice workers by state", labels=["state"])
        for state in ("alive", "idle"):
            workers.add_metric([state], float(pool.get(state, 0) or 0))
        workers.add_metric(["configured"], float(pool.get("workers", 0) or 0))
        yield workers
        for name, help_text in (("conversions", "Documents converted to PDF"),
                                ("retries", "Conversions retried on another worker"),
                                ("timeouts", "Conversions past their time limit"),
                                ("recycles", "Workers recycled after their document budget"),
                                ("replaced", "Workers replaced after dying or hanging")):
            if name in pool:
                yield CounterMetricFamily(f"docgen_pdf_{name}", help_text, value=float(pool[name]))
        admission = self.app.extensions.get(ADMISSION)
        if admission is not None:
            status = admission.status()
            yield GaugeMetricFamily("docgen_requests_active", "Working requests being served", value=status["active"])
            yield GaugeMetricFamily("docgen_requests_queued", "Working requests waiting for a slot", value=status["waiting"])


def metrics_of(app: Flask) -> Metrics:
    return app.extensions[EXTENSION]


def init_app(app: Flask, document_kinds: dict[str, str]) -> None:
    """``document_kinds`` names the kind of endpoints that render one without a ``kind`` argument."""
    metrics = app.extensions[EXTENSION] = Metrics(app)
    app.register_blueprint(bp)

    @app.after_request
    def observe(response: Response) -> Response:
        rule, method = route(), request.method if request.method in METHODS else "OTHER"
        metrics.requests.labels(method=method, route=rule, status=str(response.status_code)).inc()
        metrics.durations.labels(method=method, route=rule).observe(elapsed())
        fmt = DOCUMENT_FORMATS.get(response.mimetype)
        kind = (request.view_args or {}).get("kind") or document_kinds.get(request.endpoint or "")
        if fmt and kind and response.status_code == 200:
            metrics.rendered(kind, fmt)
        return response


@bp.get("/metrics")
def scrape() -> Response:
    return Response(generate_latest(metrics_of(current_app).registry), headers={"Content-Type": CONTENT_TYPE_LATEST})
