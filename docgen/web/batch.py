"""/api/v1/batch: many cases → one .zip or one merged PDF, synchronously or as a job with progress.

Input, the same for both (see :func:`_batch_request`):

- JSON ``{"kind", "cases": [...], "output": "zip"|"pdf", "document_format": "docx"|"pdf",
  "strict": false, "draft": false}``;
- or multipart/form-data with the fields kind, output, document_format, strict, draft and the
  file field ``cases`` (.xlsx / .csv for the reply letter, .json for any kind).

``POST /api/v1/batch`` answers with the file. ``POST /api/v1/batch/jobs`` answers 202 with the
job's URLs; ``GET …/jobs/<id>`` reports state and progress, ``GET …/jobs/<id>/result`` gives
the file. Jobs run on a small pool of daemon threads kept in ``app.extensions["docgen.batch"]``;
results are kept in memory, and the oldest finished jobs are dropped past a count and a size.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, request, url_for

from .. import batch
from ..errors import DocgenError
from ..findings import Finding, Severity
from ..kinds import get_kind
from ..pdf import PDF_MEDIA_TYPE
from ..intake.cells import is_blank, yes_no
from .api import content_disposition, parse_json
from .problems import ApiProblem, from_docgen_error, problem_body, problem_response

log = logging.getLogger(__name__)

bp = Blueprint("batch", __name__)
EXTENSION = "docgen.batch"
REPORT_HEADER_LIMIT = 6000  # characters of the percent-encoded X-Docgen-Report header

_FIELDS = {"kind", "cases", "output", "document_format", "strict", "draft"}


# --- input ----------------------------------------------------------------------------------


@dataclass
class BatchRequest:
    kind: str
    cases: list[Any]
    output: batch.Output
    document_format: str
    strict: bool
    draft: bool
    origins: list[str | None] | None = None

    def run(self, app: Flask, progress: batch.Progress | None = None) -> batch.BatchResult:
        return batch.run_batch(
            self.kind,
            self.cases,
            output=self.output,
            document_format=self.document_format,  # type: ignore[arg-type]
            strict=self.strict,
            profile=app.config["PROFILE"],
            converter=app.config["CONVERTER"],
            draft=self.draft,
            origins=self.origins,
            progress=progress,
        )


def _bad_request(detail: str) -> ApiProblem:
    return ApiProblem(400, "bad_request", "请求有误", detail)


def _choice(value: Any, name: str, allowed: tuple[str, ...], default: str) -> str:
    if value is None or value == "":
        return default
    if value not in allowed:
        raise ApiProblem(
            400, "unsupported_format", "不支持的输出格式", f"{name} 应为 {' 或 '.join(allowed)}，收到“{value}”",
        )
    return value


def _boolean(value: Any, name: str) -> bool:
    if value is None or (isinstance(value, str) and is_blank(value)):
        return False
    answer = yes_no(value) if isinstance(value, (str, bool)) else None
    if answer is None:
        raise _bad_request(f"{name} 应为 true 或 false，收到“{value}”")
    return answer


def _batch_request() -> BatchRequest:
    """The batch from the request: JSON, or multipart with the cases as an uploaded file."""
    origins: list[str | None] | None = None
    if request.mimetype == "multipart/form-data":
        fields: dict[str, Any] = dict(request.form.items())
        kind = fields.get("kind")
        if not kind:
            raise _bad_request("缺少表单字段 kind（文书类型，如 reply-letter）")
        get_kind(kind)
        upload = request.files.get("cases")
        if upload is not None:
            loaded = batch.load_cases(kind, upload.filename or "cases", upload.read(),
                                      current_app.config["SETTINGS"].intake_limits())
            cases, origins = loaded.cases, loaded.origins or None
        elif "cases" in fields:
            cases = batch.cases_from_json("cases", fields["cases"].encode("utf-8"))
        else:
            raise ApiProblem(
                400, "missing_file", "缺少案件文件",
                "请在表单字段 cases 中上传案件文件（答复函可用 .xlsx 或 .csv，任何文书可用 .json）",
            )
    elif request.is_json:
        body = parse_json(request.get_data(cache=True))
        if not isinstance(body, dict):
            raise _bad_request("请求体应为 JSON 对象：{\"kind\": …, \"cases\": […], \"output\": \"zip\" 或 \"pdf\"}")
        unknown = sorted(set(body) - _FIELDS)
        if unknown:
            raise _bad_request(f"不认识的字段：{'、'.join(map(str, unknown))}；可用字段：{'、'.join(sorted(_FIELDS))}")
        fields = body
        kind = body.get("kind")
        if not isinstance(kind, str) or not kind:
            raise _bad_request("缺少字段 kind（文书类型，如 reply-letter）")
        get_kind(kind)
        cases = body.get("cases")
        if not isinstance(cases, list):
            raise _bad_request("字段 cases 应为案件的列表")
    else:
        raise ApiProblem(
            415, "unsupported_media_type", "请求体格式不受支持",
            f"请求体应为 JSON（application/json）或表单上传（multipart/form-data），收到“{request.mimetype or '无'}”",
        )
    if len(cases) > batch.MAX_CASES:
        raise batch.BatchTooLarge(len(cases))
    return BatchRequest(
        kind=kind,
        cases=cases,
        output=_choice(fields.get("output"), "output", ("zip", "pdf"), "zip"),  # type: ignore[arg-type]
        document_format=_choice(fields.get("document_format"), "document_format", ("docx", "pdf"), "docx"),
        strict=_boolean(fields.get("strict"), "strict"),
        draft=_boolean(fields.get("draft"), "draft"),
        origins=origins,
    )


# --- problems ---------------------------------------------------------------------------------


def error_body(exc: BaseException) -> dict[str, Any]:
    """A failed batch as a problem document; ``batch_invalid`` also carries the per-case ``report``."""
    if isinstance(exc, ApiProblem):
        return problem_body(exc)
    if isinstance(exc, DocgenError):
        body = problem_body(from_docgen_error(exc))
        if isinstance(exc, batch.BatchInvalid):
            body["report"] = exc.report
        return body
    return problem_body(ApiProblem(500, "internal_error", "服务内部错误", "服务内部错误，请联系管理员"))


@bp.errorhandler(batch.BatchInvalid)
def batch_invalid(exc: batch.BatchInvalid) -> Response:
    return problem_response(error_body(exc))


# --- the file -----------------------------------------------------------------------------------


def file_response(result: batch.BatchResult, kind: str) -> Response:
    response = Response(result.content, mimetype=result.media_type)
    extension = result.filename.rpartition(".")[2]
    response.headers["Content-Disposition"] = content_disposition(
        result.filename, f"{kind}-batch-{result.rendered}.{extension}"
    )
    response.headers["X-Docgen-Batch"] = result.summary
    if result.media_type == PDF_MEDIA_TYPE:
        response.headers["X-Docgen-Report"] = batch.report_header(result.report, REPORT_HEADER_LIMIT)
    return response


@bp.post("/api/v1/batch")
def render_batch() -> Response:
    wanted = _batch_request()
    return file_response(wanted.run(current_app._get_current_object()), wanted.kind)  # type: ignore[attr-defined]


# --- jobs ------------------------------------------------------------------------------------------


@dataclass
class Job:
    id: str
    kind: str
    output: str
    total: int
    state: str = "queued"  # queued | running | done | failed
    done: int = 0
    result: batch.BatchResult | None = None
    error: dict[str, Any] | None = None
    created: float = field(default_factory=time.time)
    finished: float | None = None

    @property
    def size(self) -> int:
        return len(self.result.content) if self.result is not None else 0


class BatchJobs:
    """Batch jobs of one app: a queue served by ``threads`` daemon threads (started on first
    use), at most ``keep`` jobs and ``keep_bytes`` of results kept (oldest finished dropped)."""

    def __init__(self, threads: int = 2, keep: int = 32, keep_bytes: int = 512 * 1024 * 1024):
        self.threads, self.keep, self.keep_bytes = max(1, threads), max(1, keep), keep_bytes
        self._lock = threading.Lock()
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._queue: queue.Queue[tuple[Job, Callable[[batch.Progress], batch.BatchResult]]] = queue.Queue()
        self._workers: list[threading.Thread] = []

    def submit(self, kind: str, output: str, total: int, work: Callable[[batch.Progress], batch.BatchResult]) -> Job:
        job = Job(uuid.uuid4().hex, kind, output, total)
        with self._lock:
            self._evict(room_for=1)
            if len(self._jobs) >= self.keep:
                raise ApiProblem(
                    503, "batch_busy", "批量任务过多",
                    f"正在排队或运行的批量任务已达 {self.keep} 个，请稍后再提交",
                )
            self._jobs[job.id] = job
            while len(self._workers) < self.threads:
                worker = threading.Thread(target=self._serve, name=f"docgen-batch-job-{len(self._workers) + 1}", daemon=True)
                worker.start()
                self._workers.append(worker)
        self._queue.put((job, work))
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def snapshot(self, job: Job) -> dict[str, Any]:
        with self._lock:
            out: dict[str, Any] = {
                "id": job.id, "kind": job.kind, "output": job.output,
                "state": job.state, "done": job.done, "total": job.total,
            }
            if job.result is not None:
                r = job.result
                out.update(report=r.report, counts={"total": r.total, "rendered": r.rendered, "invalid": r.invalid},
                           filename=r.filename)
            if job.error is not None:
                out["error"] = job.error
            return out

    def _evict(self, room_for: int = 0) -> None:
        """Drop the oldest finished jobs past the count (keeping room) and past the byte budget."""
        finished = [j for j in self._jobs.values() if j.state in ("done", "failed")]
        while finished and len(self._jobs) + room_for > self.keep:
            self._jobs.pop(finished.pop(0).id, None)
        while len(finished) > 1 and sum(j.size for j in self._jobs.values()) > self.keep_bytes:
            self._jobs.pop(finished.pop(0).id, None)

    def _serve(self) -> None:
        while True:
            job, work = self._queue.get()
            with self._lock:
                if job.id not in self._jobs:
                    continue
                job.state = "running"

            def progress(done: int, total: int, job: Job = job) -> None:
                with self._lock:
                    job.done, job.total = done, total

            try:
                result = work(progress)
            except BaseException as exc:  # noqa: BLE001 — the job records every failure
                if not isinstance(exc, DocgenError):
                    log.exception("batch job %s failed", job.id)
                body = error_body(exc)
                with self._lock:
                    job.state, job.error, job.finished = "failed", body, time.time()
            else:
                with self._lock:
                    job.result, job.state, job.finished = result, "done", time.time()
                    job.done = job.total = result.rendered
                    self._evict()


def jobs_of(app: Flask) -> BatchJobs:
    return app.extensions[EXTENSION]


@bp.record_once
def _install(state: Any) -> None:
    app = state.app
    app.extensions.setdefault(EXTENSION, BatchJobs(
        threads=int(app.config.get("BATCH_JOB_THREADS", 2)),
        keep=int(app.config.get("BATCH_KEPT_JOBS", 32)),
        keep_bytes=int(app.config.get("BATCH_KEPT_BYTES", 512 * 1024 * 1024)),
    ))


def _job_or_404(job_id: str) -> Job:
    job = jobs_of(current_app).get(job_id)
    if job is None:
        raise ApiProblem(404, "unknown_job", "找不到批量任务", f"没有编号为“{job_id[:64]}”的批量任务（任务结果只保留有限时间）")
    return job


@bp.post("/api/v1/batch/jobs")
def submit_job() -> tuple[Response, int, dict[str, str]]:
    wanted = _batch_request()
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    job = jobs_of(app).submit(wanted.kind, wanted.output, len(wanted.cases), lambda progress: wanted.run(app, progress))
    status_url = url_for("batch.job_status", job_id=job.id)
    body = {"id": job.id, "status_url": status_url, "result_url": url_for("batch.job_result", job_id=job.id)}
    return jsonify(body), 202, {"Location": status_url}


@bp.get("/api/v1/batch/jobs/<job_id>")
def job_status(job_id: str) -> Response:
    return jsonify(jobs_of(current_app).snapshot(_job_or_404(job_id)))


@bp.get("/api/v1/batch/jobs/<job_id>/result")
def job_result(job_id: str) -> Response:
    job = _job_or_404(job_id)
    if job.state == "failed":
        error = job.error or {}
        raise ApiProblem(
            409, "job_failed", "批量任务失败",
            f"批量任务未生成文件：{error.get('detail', '')}（{error.get('code', '')}）", _findings(error),
        )
    if job.state != "done" or job.result is None:
        raise ApiProblem(409, "job_not_ready", "批量任务尚未完成", f"批量任务{'排队中' if job.state == 'queued' else '进行中'}（{job.done}/{job.total}），请稍后再取")
    return file_response(job.result, job.kind)


def _findings(error: dict[str, Any]) -> list[Finding]:
    return [Finding(f["code"], Severity(f["severity"]), f["path"], f["message"]) for f in error.get("findings", [])]
