"""The distributed mode (``job_backend = "celery"``): jobs run on Celery workers, with Redis as
the broker, instead of in the API process.

The job store stays the one of :mod:`.store`, on a path every node reaches (``data_dir``). A job
fans out into one task per document:

- ``docgen.plan``: check the cases, record the report, send one ``docgen.render`` per valid case
  not stored yet (or ``docgen.assemble`` when all are);
- ``docgen.render``: render one case (the worker's own LibreOffice pool for PDF) and store it;
  the task that finds every document stored sends ``docgen.assemble``;
- ``docgen.assemble``: join the documents into the .zip or merged PDF (converting the stored
  .docx of a merged PDF, on the worker's pool) and finish the job;
- ``docgen.announce``: the completion callback, if the job has one (also after a cancellation,
  which sends ``docgen.plan`` again).

Every task is acknowledged late and rejected when its worker is lost, so a worker killed
mid-document does not lose it: Redis hands it to another worker once ``job_lease`` seconds (the
visibility timeout) have passed. Each task is idempotent: a document rendered twice is stored
once, a job assembled twice is finished once.
"""

from __future__ import annotations

import logging
from celery import Celery
from kombu.exceptions import OperationalError

from .. import batch, service
from ..converter import ConverterPool
from ..errors import DocgenError
from ..profile import Profile
from ..settings import Settings
from . import callback
from .execute import Describe, assemble, plan_of, store_document
from .store import JobStore

log = logging.getLogger(__name__)


def make_celery(settings: Settings, profile: Profile, describe: Describe) -> Celery:
    """The Celery app of docgen's tasks; API nodes send tasks with it, ``docgen worker`` runs them.
    The LibreOffice pool is the worker process's own, started at its first PDF."""
    app = Celery("docgen", broker=settings.broker_url, set_as_current=False)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_ignore_result=True,
        worker_prefetch_multiplier=1,
        broker_transport_options={"visibility_timeout": settings.job_lease},
        broker_connection_retry_on_startup=True,
        task_publish_retry_policy={"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1},
        worker_hijack_root_logger=False,
    )
    store = JobStore(settings.data_dir)
    converter = ConverterPool(settings.pool_settings())
    app.docgen_converter = converter  # type: ignore[attr-defined]

    def fail(job_id: str, exc: Exception) -> None:
        if not isinstance(exc, DocgenError):
            log.exception("batch job %s failed", job_id)
        store.fail(job_id, describe(exc))
        announce.delay(job_id)

    @app.task(name="docgen.plan")
    def plan(job_id: str) -> None:
        job = store.get(job_id)
        if job is None:
            return
        if job.finished_state:  # sent again for a job cancelled meanwhile: its callback is due
            announce.delay(job_id)
            return
        try:
            checked = plan_of(store, job_id, profile)
        except Exception as exc:  # noqa: BLE001 — the job records every failure
            fail(job_id, exc)
            return
        store.start(job_id, len(checked.valid), checked.report)
        stored = store.stored_indices(job_id)
        todo = [index for index in checked.valid if index not in stored]
        for index in todo:
            render.delay(job_id, index)
        if not todo:
            assemble_job.delay(job_id)

    @app.task(name="docgen.render")
    def render(job_id: str, index: int) -> None:
        job = store.get(job_id)
        if job is None or job.finished_state or index in store.stored_indices(job_id):
            return
        case = store.request(job_id)["cases"][index]
        one = batch.BatchPlan(job.kind, [], {index: service.check(job.kind, case, profile)})
        fmt = one.document_format(job.output, job.document_format)  # type: ignore[arg-type]
        try:
            batch.render_documents(one, [index], fmt, converter=converter, draft=job.draft,
                                   on_document=lambda i, document: store_document(store, job_id, i, document))
        except Exception as exc:  # noqa: BLE001 — a document that cannot be rendered fails its batch
            fail(job_id, exc)
            return
        after = store.get(job_id)
        if after is not None and not after.finished_state and after.done >= after.total:
            assemble_job.delay(job_id)

    @app.task(name="docgen.assemble")
    def assemble_job(job_id: str) -> None:
        job = store.get(job_id)
        if job is None or job.finished_state:
            return
        try:
            assemble(store, job_id, plan_of(store, job_id, profile), converter)
        except Exception as exc:  # noqa: BLE001
            fail(job_id, exc)
            return
        announce.delay(job_id)

    @app.task(name="docgen.announce")
    def announce(job_id: str) -> None:
        """The callback of a finished job, if it has one; then the oldest finished jobs go."""
        job = store.get(job_id)
        if job is not None and job.callback_state == "pending" and job.callback_url and job.callback_secret:
            delivered = callback.deliver(job.callback_url, job.callback_secret, job.status(),
                                         attempts=settings.callback_attempts, timeout=settings.callback_timeout)
            store.callback_done(job_id, "delivered" if delivered else "failed")
        store.prune(settings.job_keep)

    return app


class QueueUnavailable(DocgenError):
    code = "queue_unavailable"
    status, title = 503, "任务队列不可用"

    def __init__(self, broker_url: str):
        super().__init__(f"无法连接分布式任务队列（设置 broker_url：{broker_url}），任务未提交，请稍后再试")


def submit(app: Celery, job_id: str) -> None:
    """Start a stored job on the workers; :class:`QueueUnavailable` when Redis cannot be reached."""
    try:
        app.send_task("docgen.plan", args=[job_id])
    except OperationalError as exc:
        raise QueueUnavailable(str(app.conf.broker_url)) from exc


def worker_arguments(settings: Settings) -> list[str]:
    """``celery worker`` arguments: one process whose threads (as many as its LibreOffice
    workers) take tasks one at a time each."""
    return ["worker", "--pool", "threads", "--concurrency", str(settings.pdf_workers), "--loglevel", "INFO",
            "--without-gossip", "--without-mingle"]

