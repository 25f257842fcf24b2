"""/metrics in the Prometheus text format (prometheus-client), behind the same access rules as
the API. Each app has its own registry, so that several apps in one process (the tests) do not
share counts.

Requests are counted by method (the standard ones by name, any other as ``OTHER``), route (the
URL rule, never the path typed) and status, with their durations: labels that only take a few
values, as each new set of them is a series kept for the life of the process. Documents are
counted by kind and format. The PDF pool's and the request queue's state is copied from their
own status into gauges and counters when scraped.

A service of several web processes (``docgen serve`` with ``processes`` > 1) runs
prometheus-client's multiprocess mode: each process writes its values to files in the directory
named by ``PROMETHEUS_MULTIPROC_DIR``, and a scrape, whichever process answers it, adds them up.
Each process then also copies its pool's and queue's state every second (:meth:`Metrics.refresh_every`);
the gauges of a process that ended are dropped (``livesum``), its counts are kept.
"""

from __future__ import annotations

import os
import threading
import time

from flask import Blueprint, Flask, Response, current_app, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

from ..pdf import PDF_MEDIA_TYPE
from ..service import DOCX_MEDIA_TYPE
from .admission import EXTENSION as ADMISSION
from .requestlog import elapsed, route

EXTENSION = "docgen.metrics"
DOCUMENT_FORMATS = {DOCX_MEDIA_TYPE: "docx", PDF_MEDIA_TYPE: "pdf"}
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"})

bp = Blueprint("metrics", __name__)


POOL_COUNTS = {
    "conversions": "Documents converted to PDF",
    "retries": "Conversions retried on another worker",
    "timeouts": "Conversions past their time limit",
    "recycles": "Workers recycled after their document budget",
    "replaced": "Workers replaced after dying or hanging",
}


class Metrics:
    def __init__(self, app: Flask):
        self.app = app
        self.shared_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR")  # several processes: see above
        self.registry = CollectorRegistry()
        self.requests = Counter("docgen_http_requests", "HTTP requests answered", ["method", "route", "status"],
                                registry=self.registry)
        self.durations = Histogram("docgen_http_request_duration_seconds", "Time to answer a request",
                                   ["method", "route"], registry=self.registry,
                                   buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60))
        self.documents = Counter("docgen_documents_rendered", "Documents rendered", ["kind", "format"],
                                 registry=self.registry)
        self.workers = Gauge("docgen_pdf_workers", "LibreOffice workers by state", ["state"],
                             registry=self.registry, multiprocess_mode="livesum")
        self.active = Gauge("docgen_requests_active", "Working requests being served",
                            registry=self.registry, multiprocess_mode="livesum")
        self.queued = Gauge("docgen_requests_queued", "Working requests waiting for a slot",
                            registry=self.registry, multiprocess_mode="livesum")
        self._pool_counts: dict[str, Counter] = {}
        self._counted: dict[str, float] = {}  # the pool's counts as last copied
        self._copying = threading.Lock()

    def rendered(self, kind: str, fmt: str, count: int = 1) -> None:
        if count:
            self.documents.labels(kind=kind, format=fmt).inc(count)

    def refresh(self) -> None:
        """Copy the PDF pool's and the request queue's state into the metrics. The pool's counts
        are exported as ``docgen_pdf_<name>_total`` once its status reports them."""
        converter = self.app.config.get("CONVERTER")
        pool = converter.status() if hasattr(converter, "status") else {}
        admission = self.app.extensions.get(ADMISSION)
        with self._copying:
            for state in ("alive", "idle"):
                self.workers.labels(state=state).set(float(pool.get(state, 0) or 0))
            self.workers.labels(state="configured").set(float(pool.get("workers", 0) or 0))
            for name, help_text in POOL_COUNTS.items():
                if name not in pool:
                    continue
                if name not in self._pool_counts:
                    self._pool_counts[name] = Counter(f"docgen_pdf_{name}", help_text, registry=self.registry)
                total = float(pool[name])  # type: ignore[arg-type]
                self._pool_counts[name].inc(max(0.0, total - self._counted.get(name, 0.0)))
                self._counted[name] = total
            if admission is not None:
                status = admission.status()
                self.active.set(status["active"])
                self.queued.set(status["waiting"])

    def refresh_every(self, seconds: float) -> None:
        """Keep copying in a background thread, so that a scrape answered by another process of
        the service sees this one's state."""
        def copy() -> None:  # until the process ends
            while True:
                self.refresh()
                time.sleep(seconds)

        threading.Thread(target=copy, name="docgen-metrics", daemon=True).start()

    def exposition(self) -> bytes:
        self.refresh()
        if self.shared_dir is None:
            return generate_latest(self.registry)
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=self.shared_dir)
        return generate_latest(registry)


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
    return Response(metrics_of(current_app).exposition(), headers={"Content-Type": CONTENT_TYPE_LATEST})
