"""/api/v1/batch: many cases → one .zip or one merged PDF, synchronously or as a job with progress.

Input, the same for both (see :func:`_batch_request`):

- JSON ``{"kind", "cases": [...], "output": "zip"|"pdf", "document_format": "docx"|"pdf",
  "strict": false, "draft": false}``;
- or multipart/form-data with the fields kind, output, document_format, strict, draft and the
  file field ``cases`` (.xlsx / .csv for the reply letter, .json for any kind).

``POST /api/v1/batch`` answers with the file. ``POST /api/v1/batch/jobs`` answers 202 with the
job's URLs (and ``callback_secret`` when a ``callback_url`` was given); ``GET …/jobs/<id>``
reports state and progress, ``GET …/jobs/<id>/result`` gives the file, ``DELETE …/jobs/<id>``
cancels an unfinished job or removes a finished one. Jobs live in the store of
:mod:`docgen.jobs` (records and files under the ``data_dir`` setting), kept with its runner in
``app.extensions["docgen.batch"]``.
A job belongs to the client that submitted it (its token or account): to anyone else it does
not exist (404). A finished job is kept for ``job_ttl`` seconds, then removed with its file.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, request, url_for

from .. import batch
from ..errors import DocgenError
from ..findings import Finding, Severity
from ..kinds import get_kind
from ..pdf import PDF_MEDIA_TYPE
from ..intake.cells import is_blank, yes_no
from ..jobs import Job, JobRunner, JobSpec, JobStore, RunnerSettings, callback, job_request, run_job
from ..settings import Settings
from .api import content_disposition, parse_json
from .auth import current_client
from .metrics import metrics_of
from .problems import ApiProblem, from_docgen_error, problem_body, problem_response

bp = Blueprint("batch", __name__)
EXTENSION = "docgen.batch"
REPORT_HEADER_LIMIT = 6000  # characters of the percent-encoded X-Docgen-Report header

_FIELDS = {"kind", "cases", "output", "document_format", "strict", "draft"}
_JOB_FIELDS = _FIELDS | {"callback_url"}


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
    callback_url: str | None = None

    def run(self, app: Flask, progress: batch.Progress | None = None) -> batch.BatchResult:
        result = batch.run_batch(
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
        metrics_of(app).rendered(self.kind, "pdf" if self.output == "pdf" else self.document_format, result.rendered)
        return result


def _bad_request(detail: str) -> ApiProblem:
    return ApiProblem(400, "bad_request", "请求有误", detail)


def _choice(fields: dict[str, Any], name: str, allowed: tuple[str, ...], default: str, form: bool) -> str:
    """One of ``allowed``; absent (or an empty form field) is ``default``."""
    if name not in fields or (form and fields[name] == ""):
        return default
    value = fields[name]
    if value not in allowed:
        raise ApiProblem(
            400, "unsupported_format", "不支持的输出格式", f"{name} 应为 {' 或 '.join(allowed)}，收到“{value}”",
        )
    return value


def _boolean(fields: dict[str, Any], name: str, form: bool) -> bool:
    """A JSON body's flag is a JSON boolean; a form field's is text (true/false, 是/否 …);
    absent is false."""
    if name not in fields or (form and is_blank(fields[name])):
        return False
    value = fields[name]
    answer = yes_no(value) if isinstance(value, str if form else bool) else None
    if answer is None:
        raise _bad_request(f"{name} 应为 true 或 false，收到“{value}”")
    return answer


def _batch_request(job: bool = False) -> BatchRequest:
    """The batch from the request: JSON, or multipart with the cases as an uploaded file. A
    ``job`` may also name a completion callback URL."""
    allowed = _JOB_FIELDS if job else _FIELDS
    origins: list[str | None] | None = None
    from_form = request.mimetype == "multipart/form-data"
    if from_form:
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
        unknown = sorted(set(body) - allowed)
        if unknown:
            raise _bad_request(f"不认识的字段：{'、'.join(map(str, unknown))}；可用字段：{'、'.join(sorted(allowed))}")
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
    if not cases:  # refused at once, not as a job that fails
        raise batch.BatchEmpty()
    return BatchRequest(
        kind=kind,
        cases=cases,
        output=_choice(fields, "output", ("zip", "pdf"), "zip", from_form),  # type: ignore[arg-type]
        document_format=_choice(fields, "document_format", ("docx", "pdf"), "docx", from_form),
        strict=_boolean(fields, "strict", from_form),
        draft=_boolean(fields, "draft", from_form),
        origins=origins,
        callback_url=_callback_url(fields, from_form) if job else None,
    )


def _callback_url(fields: dict[str, Any], form: bool) -> str | None:
    """The job's completion callback: absent (or an empty form field) is none; anything else
    must be an http(s) URL, as the schema says (a JSON ``null`` or ``""`` is refused)."""
    if "callback_url" not in fields or (form and fields["callback_url"] == ""):
        return None
    url = fields["callback_url"]
    problem = callback.url_problem(url)
    if problem:
        raise _bad_request(f"完成回调地址（callback_url）{problem}")
    return url.strip()


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
class BatchJobs:
    """The app's jobs: the store on disk (shared with every process using the same ``data_dir``),
    and what runs them: the ``runner`` threads of this process (``job_backend = "local"``), or
    Celery workers (``"celery"``), to which ``launch`` sends a new job."""

    store: JobStore
    launch: Callable[[str], None]
    runner: JobRunner | None
    queue_limit: int


def jobs_of(app: Flask) -> BatchJobs:
    return app.extensions[EXTENSION]


@bp.record_once
def _install(state: Any) -> None:
    app = state.app
    settings: Settings = app.config["SETTINGS"]
    store = JobStore(settings.data_dir)
    if settings.job_backend == "celery":
        from ..jobs import distributed

        workers = distributed.make_celery(settings, app.config["PROFILE"], error_body)
        app.extensions.setdefault(EXTENSION, BatchJobs(
            store, lambda job_id: distributed.submit(workers, job_id), None, settings.job_queue_limit))
        return

    def work(job_id: str, carry_on: Callable[[], bool]) -> None:
        run_job(store, job_id, profile=app.config["PROFILE"], converter=app.config["CONVERTER"],
                describe=error_body, carry_on=carry_on)

    runner = JobRunner(store, work, RunnerSettings(
        threads=settings.job_threads, lease=settings.job_lease, keep=settings.job_keep,
        callback_attempts=settings.callback_attempts, callback_timeout=settings.callback_timeout,
    ))
    app.extensions.setdefault(EXTENSION, BatchJobs(store, lambda _: runner.wake(), runner, settings.job_queue_limit))
    if store.unfinished():  # jobs a stopped or killed process left: resume them
        runner.start()


def _job_or_404(job_id: str) -> Job:
    """The job, if it is still kept and the current client submitted it: the one place ownership
    is checked (another client's job does not exist for it). A finished job past ``job_ttl`` is
    removed with its file."""
    store = jobs_of(current_app).store
    job = store.get(job_id)
    if job is not None and job.finished_state and job.finished is not None \
            and job.finished + current_app.config["SETTINGS"].job_ttl < time.time():
        store.remove(job.id)
        job = None
    if job is None or job.owner != current_client().key:
        raise ApiProblem(404, "unknown_job", "找不到批量任务", f"没有编号为“{job_id[:64]}”的批量任务（任务结果只保留有限时间）")
    return job


@bp.post("/api/v1/batch/jobs")
def submit_job() -> tuple[Response, int, dict[str, str]]:
    wanted = _batch_request(job=True)
    jobs = jobs_of(current_app)
    if jobs.store.count_unfinished() >= jobs.queue_limit:
        raise ApiProblem(
            503, "batch_busy", "批量任务过多",
            f"正在排队或运行的批量任务已达 {jobs.queue_limit} 个，请稍后再提交",
        )
    secret = callback.new_secret() if wanted.callback_url else None
    job = jobs.store.create(
        JobSpec(wanted.kind, wanted.output, wanted.document_format, wanted.strict, wanted.draft, len(wanted.cases),
                owner=current_client().key, callback_url=wanted.callback_url, callback_secret=secret),
        job_request(wanted.cases, wanted.origins),
    )
    try:
        jobs.launch(job.id)
    except DocgenError:  # nothing will run it: the job was never accepted
        jobs.store.remove(job.id)
        raise
    status_url = url_for("batch.job_status", job_id=job.id)
    body = {"id": job.id, "status_url": status_url, "result_url": url_for("batch.job_result", job_id=job.id)}
    if secret:
        body["callback_secret"] = secret
    return jsonify(body), 202, {"Location": status_url}


@bp.get("/api/v1/batch/jobs/<job_id>")
def job_status(job_id: str) -> Response:
    return jsonify(_job_or_404(job_id).status())


@bp.delete("/api/v1/batch/jobs/<job_id>")
def cancel_job(job_id: str) -> Response | tuple[str, int]:
    """An unfinished job is cancelled (200, its status); a finished one is removed with its file (204)."""
    job = _job_or_404(job_id)
    store = jobs_of(current_app).store
    if store.cancel(job.id):
        jobs_of(current_app).launch(job.id)  # whoever runs the job learns it ended: its callback is due
        return jsonify(_job_or_404(job.id).status())
    store.remove(job.id)
    return "", 204


@bp.get("/api/v1/batch/jobs/<job_id>/result")
def job_result(job_id: str) -> Response:
    job = _job_or_404(job_id)
    if job.state == "failed":
        error = job.error or {}
        raise ApiProblem(
            409, "job_failed", "批量任务失败",
            f"批量任务未生成文件：{error.get('detail', '')}（{error.get('code', '')}）", _findings(error),
        )
    if job.state == "cancelled":
        raise ApiProblem(409, "job_cancelled", "批量任务已取消", "批量任务已取消，没有生成文件")
    if job.state != "done" or job.report is None or job.filename is None or job.media_type is None:
        raise ApiProblem(409, "job_not_ready", "批量任务尚未完成", f"批量任务{'排队中' if job.state == 'queued' else '进行中'}（{job.done}/{job.total}），请稍后再取")
    result = batch.BatchResult(
        content=jobs_of(current_app).store.result(job.id), media_type=job.media_type, filename=job.filename,
        report=job.report, total=len(job.report), rendered=job.done, invalid=len(job.report) - job.done,
    )
    return file_response(result, job.kind)


def _findings(error: dict[str, Any]) -> list[Finding]:
    return [Finding(f["code"], Severity(f["severity"]), f["path"], f["message"]) for f in error.get("findings", [])]
