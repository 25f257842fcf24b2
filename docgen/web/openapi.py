"""The OpenAPI 3.1 description of the HTTP API: every route, every status it can answer, the
response bodies and headers, the security scheme, and an example per kind.

The case schemas come from the kinds' pydantic models; the rest is written here, next to the
routes' behaviour, and ``tests/test_contract.py`` holds it to the live app with schemathesis and
with a client generated from it.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from pydantic.json_schema import models_json_schema

from .. import __name__ as package_name
from ..batch.errors import MAX_CASES
from ..jobs import callback
from ..kinds import DocumentKind, all_kinds
from ..pdf import PDF_MEDIA_TYPE
from ..service import DOCX_MEDIA_TYPE
from .problems import PROBLEM_MEDIA_TYPE

REF = "#/components/schemas/{model}"
ZIP_MEDIA_TYPE = "application/zip"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BINARY = {"schema": {"type": "string", "format": "binary"}}


def ref(model: str) -> dict[str, str]:
    return {"$ref": REF.format(model=model)}


TAGS = [
    {"name": "kinds", "description": "文书类型及其案件数据的 JSON Schema / Document kinds and their case schemas"},
    {"name": "documents", "description": "检查案件数据、生成文书（.docx 或 PDF）/ Check a case, render its document"},
    {"name": "ledger", "description": "台账统计（办结率、满意率等）/ Figures of a year's ledger"},
    {"name": "batch", "description": "批量生成，同步或以任务方式 / Many cases at once, directly or as a job"},
    {"name": "service", "description": "健康检查、监控指标、本说明 / Health, metrics, this description"},
]

# --- schemas ---------------------------------------------------------------------------------------

FINDING = {
    "type": "object",
    "required": ["code", "severity", "path", "message"],
    "properties": {
        "code": {"type": "string", "description": "稳定的机器可读代码 / stable code", "examples": ["commitment.deadline_missing"]},
        "severity": {"type": "string", "enum": ["error", "warning"], "description": "error 阻止生成，warning 不阻止"},
        "path": {"type": "string", "description": "出问题的字段路径 / field path", "examples": ["points[0].measures[1].deadline"]},
        "message": {"type": "string", "description": "中文说明，以字段路径开头 / Chinese message"},
    },
}

PROBLEM = {
    "type": "object",
    "description": "RFC 9457 问题详情 / problem details; `code` is stable and machine-readable.",
    "required": ["type", "title", "status", "code", "detail", "findings"],
    "properties": {
        "type": {"type": "string", "examples": ["urn:docgen:problem:invalid_case"]},
        "title": {"type": "string", "examples": ["案件数据未通过检查"]},
        "status": {"type": "integer"},
        "code": {
            "type": "string",
            "description": "invalid_case, invalid_ledger, batch_invalid, malformed_json, bad_request, unsupported_format, "
            "upload_refused, missing_file, unauthorized, csrf_failed, cross_origin_refused, unknown_kind, unknown_job, "
            "not_found, method_not_allowed, job_not_ready, job_failed, payload_too_large, batch_too_large, "
            "unsupported_media_type, busy, batch_busy, pdf_unavailable, pdf_failed, pdf_timeout …",
        },
        "detail": {"type": "string"},
        "findings": {"type": "array", "items": ref("Finding")},
        "report": {"type": "array", "items": ref("BatchReportEntry"), "description": "batch_invalid：每件案件的检查结果"},
    },
}

RATIO = {
    "type": "object",
    "required": ["numerator", "denominator", "percent", "text"],
    "properties": {
        "numerator": {"type": "integer"},
        "denominator": {"type": "integer"},
        "percent": {"type": ["number", "null"], "description": "分母为 0 时为 null"},
        "text": {"type": "string", "examples": ["96.2%", "—"]},
    },
}

COUNTS = {"type": "object", "additionalProperties": {"type": "integer"}}

FIGURES = {
    "type": "object",
    "description": "台账统计数据（定义见 README 的“Annual summaries and the ledger”）/ the ledger's figures",
    "properties": {
        "total": {"type": "integer", "description": "承办总数"},
        "main": {"type": "integer", "description": "主办件数"},
        "co": {"type": "integer", "description": "会办件数"},
        "key_items": {"type": "integer", "description": "重点件数"},
        "replied": {"type": "integer"},
        "classified": {"type": "integer"},
        "by_source": COUNTS,
        "main_by_source": COUNTS,
        "by_class": COUNTS,
        "class_share": {"type": "object", "additionalProperties": ref("Ratio")},
        "by_topic": {"type": "array", "items": {"type": "object", "properties": {
            "topic": {"type": "string"}, "count": {"type": "integer"}}}},
        **{name: ref("Ratio") for name in ("completion", "on_time", "face_to_face", "attitude", "result", "published")},
    },
}

REPORT_ENTRY = {
    "type": "object",
    "required": ["index", "ok", "findings"],
    "properties": {
        "index": {"type": "integer", "description": "案件在输入中的序号（从 0 起）"},
        "item": {"type": ["string", "null"], "description": "案件编号，如 第56号建议"},
        "ok": {"type": "boolean", "description": "是否已生成"},
        "filename": {"type": ["string", "null"]},
        "pages": {"type": ["array", "null"], "items": {"type": "integer"}, "minItems": 2, "maxItems": 2,
                  "description": "合并 PDF 中该件的起止页 / first and last page in a merged PDF"},
        "findings": {"type": "array", "items": ref("Finding")},
    },
}

JOB_STATUS = {
    "type": "object",
    "required": ["id", "kind", "output", "state", "done", "total"],
    "properties": {
        "id": {"type": "string"},
        "kind": {"type": "string"},
        "output": {"type": "string", "enum": ["zip", "pdf"]},
        "state": {"type": "string", "enum": ["queued", "running", "done", "failed", "cancelled"]},
        "done": {"type": "integer", "description": "已处理件数 / cases done"},
        "total": {"type": "integer"},
        "counts": {"type": "object", "properties": {
            "total": {"type": "integer"}, "rendered": {"type": "integer"}, "invalid": {"type": "integer"}}},
        "filename": {"type": "string"},
        "report": {"type": "array", "items": ref("BatchReportEntry")},
        "error": ref("Problem"),
    },
}

JOB_CREATED = {
    "type": "object",
    "required": ["id", "status_url", "result_url"],
    "properties": {"id": {"type": "string"}, "status_url": {"type": "string"}, "result_url": {"type": "string"},
                   "callback_secret": {"type": "string", "description":
                                       "给了 callback_url 时返回一次：回调的 X-Docgen-Signature 为 sha256=HMAC(此密钥, 请求体) / "
                                       "the callback's signing secret, given once"}},
}

HEALTH = {
    "type": "object",
    "required": ["status", "kinds", "pdf", "requests"],
    "properties": {
        "status": {"type": "string", "enum": ["ok", "degraded"]},
        "kinds": {"type": "array", "items": {"type": "string"}},
        "process": {"type": "integer", "description": "答复的服务进程号；池与队列是该进程的 / the web process that answered, "
                                                      "whose pool and queue these are"},
        "pdf": {"type": "object", "description": "PDF 转换进程池的状态 / the LibreOffice pool",
                "properties": {"state": {"type": "string", "enum": ["ok", "degraded", "stopping"]},
                               "workers": {"type": "integer"}, "alive": {"type": "integer"}, "idle": {"type": "integer"},
                               "waiting": {"type": "integer", "description":
                                           "等待转换进程的文书数 / conversions waiting for a worker"},
                               "replaced": {"type": "integer"}, "conversions": {"type": "integer"},
                               "retries": {"type": "integer"}, "timeouts": {"type": "integer"},
                               "recycles": {"type": "integer"},
                               "warm_ups": {"type": "integer", "description":
                                            "转换进程接活前的预热次数 / workers warmed up before their first document"}}},
        "requests": {"type": "object", "properties": {
            "active": {"type": "integer"}, "waiting": {"type": "integer"},
            "concurrency": {"type": "integer"}, "queue": {"type": "integer"}}},
    },
}

KIND_INFO = {
    "type": "object",
    "required": ["name", "title", "description", "schema"],
    "properties": {
        "name": {"type": "string", "examples": ["reply-letter"]},
        "title": {"type": "string", "examples": ["答复函"]},
        "description": {"type": "string"},
        "schema": {"type": "object", "description": "该类型案件数据的 JSON Schema / the case's JSON Schema"},
    },
}

BATCH_JSON = {
    "type": "object",
    "required": ["kind", "cases"],
    "additionalProperties": False,
    "properties": {
        "kind": ref("KindName"),
        "cases": {"type": "array", "minItems": 1, "maxItems": MAX_CASES, "description":
                  f"案件列表（至多 {MAX_CASES} 件）；不合规的案件不生成，在报告中列出 / the cases; invalid ones are reported",
                  "items": {"description": "一件案件，结构同该类型的案件数据"}},
        "output": {"type": "string", "enum": ["zip", "pdf"], "default": "zip",
                   "description": "zip：每件一个文件并附 报告.json；pdf：合并为一个 PDF"},
        "document_format": {"type": "string", "enum": ["docx", "pdf"], "default": "docx", "description": "压缩包内文书的格式"},
        "strict": {"type": "boolean", "default": False, "description": "任何一件有错误即整批不生成（422 batch_invalid）"},
        "draft": {"type": "boolean", "default": False, "description": "PDF 每页加“草稿”水印"},
    },
}

BATCH_FORM = {
    "type": "object",
    "required": ["kind", "cases"],
    "properties": {
        "kind": ref("KindName"),
        "cases": {"type": "string", "format": "binary",
                  "description": "案件文件：.json（任何类型），答复函也可用 .xlsx / .xls / .ods / .csv（每行一件）"},
        "output": {"type": "string", "enum": ["zip", "pdf"]},
        "document_format": {"type": "string", "enum": ["docx", "pdf"]},
        "strict": {"type": "string", "enum": ["true", "false"]},
        "draft": {"type": "string", "enum": ["true", "false"]},
    },
}

CALLBACK_URL = {"type": "string", "pattern": callback.URL_PATTERN, "maxLength": callback.URL_MAX_LENGTH, "description":
                "任务结束（完成、失败或取消）时向该网址 POST 任务状态，带 X-Docgen-Signature 签名，失败按 1、2、4…秒重试 / "
                "called with the job's status when it ends, signed"}
BATCH_JOB_JSON = {**BATCH_JSON, "properties": {**BATCH_JSON["properties"], "callback_url": CALLBACK_URL}}
BATCH_JOB_FORM = {**BATCH_FORM, "properties": {**BATCH_FORM["properties"], "callback_url": CALLBACK_URL}}

LEDGER_JSON = {
    "description": "台账行的列表，或 {\"rows\": [...]}；每行的键为台账模板的中文表头或英文键",
    "oneOf": [
        {"type": "array", "items": ref("LedgerRow")},
        {"type": "object", "required": ["rows"], "properties": {"rows": {"type": "array", "items": ref("LedgerRow")}}},
    ],
}

# --- headers and shared responses --------------------------------------------------------------------

HEADERS = {
    "X-Request-Id": {"description": "请求编号：调用方给出的 X-Request-Id（1–64 个字母、数字或 ._:-），否则新编 / request id",
                     "schema": {"type": "string"}},
    "Content-Disposition": {"description": "附件及其中文文件名（RFC 6266 filename*）/ attachment with the Chinese file name",
                            "schema": {"type": "string"}},
    "X-Docgen-Warnings": {"description": "逗号分隔的警告代码 / comma-separated warning codes", "schema": {"type": "string"}},
    "X-Docgen-Batch": {"description": "件数，如 rendered=4; invalid=1 / counts", "schema": {"type": "string"}},
    "X-Docgen-Report": {"description": "合并 PDF 时：有问题案件的检查结果（百分号编码的 JSON）/ findings of a merged PDF",
                        "schema": {"type": "string"}},
    "Retry-After": {"description": "建议多少秒后重试 / seconds to wait", "schema": {"type": "string"}},
    "Location": {"description": "任务进度的地址 / the job's status URL", "schema": {"type": "string"}},
    "WWW-Authenticate": {"description": "Bearer realm=\"docgen\"", "schema": {"type": "string"}},
}


def headers(*names: str) -> dict[str, Any]:
    return {name: {"$ref": f"#/components/headers/{name}"} for name in ("X-Request-Id", *names)}


def problem(description: str, *extra_headers: str) -> dict[str, Any]:
    return {"description": description, "headers": headers(*extra_headers),
            "content": {PROBLEM_MEDIA_TYPE: {"schema": ref("Problem")}}}


RESPONSES = {
    "BadRequest": problem("请求有误：JSON 无法解析、字段不对、表单无法解析 / bad request "
                          "(malformed_json, bad_request, unsupported_format, missing_file, upload_refused)"),
    "Unauthorized": problem("需要接口令牌或登录 / a token or a login is needed (unauthorized)", "WWW-Authenticate"),
    "Forbidden": problem("拒绝：来自其他来源的跨域修改请求，或登录会话缺少 CSRF 校验码 / "
                         "refused: cross_origin_refused, csrf_failed"),
    "NotFound": problem("找不到 / not found (unknown_kind, unknown_job, not_found)"),
    "PayloadTooLarge": problem("请求体过大 / body too large (payload_too_large)"),
    "UnsupportedMediaType": problem("请求体格式不受支持 / unsupported media type (unsupported_media_type)"),
    "Busy": problem("服务繁忙：请求队列已满或等待超时；按 Retry-After 重试 / busy, retry later (busy)", "Retry-After"),
}


def shared(*names: str) -> dict[str, Any]:
    codes = {"BadRequest": "400", "Unauthorized": "401", "Forbidden": "403", "NotFound": "404",
             "PayloadTooLarge": "413", "UnsupportedMediaType": "415", "Busy": "503"}
    return {codes[name]: RESPONSES[name] for name in names}


GUARDED = ("Unauthorized",)
WORKING = ("Unauthorized", "Forbidden", "BadRequest", "PayloadTooLarge", "Busy")  # every POST

# --- operations ------------------------------------------------------------------------------------------


def _operation(operation_id: str, tag: str, summary: str, description: str, responses: dict[str, Any],
               **more: Any) -> dict[str, Any]:
    return {"operationId": operation_id, "tags": [tag], "summary": summary, "description": description,
            "responses": responses, **more}


def _json_body(schema: dict[str, Any], example: Any = None, **extra: Any) -> dict[str, Any]:
    content: dict[str, Any] = {"schema": schema}
    if example is not None:
        content["example"] = example
    return {"required": True, "content": {"application/json": content, **extra}}


def _kind_paths(kind: DocumentKind, schema_ref: str, example: Any) -> dict[str, Any]:
    name, title = kind.name, kind.title
    slug = name.replace("-", "_")
    body = _json_body({"$ref": schema_ref}, example)
    if kind.name == "annual-summary":
        body["content"]["multipart/form-data"] = {
            "schema": {"type": "object", "required": ["case", "ledger"], "properties": {
                "case": {"$ref": schema_ref, "description": "案件数据（JSON）；ledger 由上传的文件给出"},
                "ledger": {"type": "string", "format": "binary", "description": "台账文件：.xlsx、.xls、.ods、.csv 或 .json"}}},
            "encoding": {"case": {"contentType": "application/json"}},
        }
    render_responses = {
        "200": {
            "description": f"{title}文书 / the document. Content-Disposition 带中文文件名，X-Docgen-Warnings 列出警告代码",
            "headers": headers("Content-Disposition", "X-Docgen-Warnings"),
            "content": {DOCX_MEDIA_TYPE: BINARY, PDF_MEDIA_TYPE: BINARY},
        },
        "422": problem("案件数据未通过检查，findings 列出每处问题 / the case has errors (invalid_case, invalid_ledger)"),
        "502": problem("LibreOffice 无法转换该文档 / conversion failed (pdf_failed)"),
        "503": problem("服务繁忙（busy，带 Retry-After），或 PDF 转换不可用（pdf_unavailable）/ busy, or no PDF converter",
                       "Retry-After"),
        "504": problem("PDF 转换超时 / conversion timed out (pdf_timeout)"),
        **shared("UnsupportedMediaType"),
    }
    for status, response in shared(*WORKING).items():
        render_responses.setdefault(status, response)
    validate_responses = {
        "200": {"description": "检查结果；ok 为 false 时 findings 中有 error / the findings",
                "headers": headers(), "content": {"application/json": {"schema": ref("ValidationReport")}}},
        "422": problem("上传的文件无法读取 / an uploaded file cannot be read"),
        **shared(*WORKING, "UnsupportedMediaType"),
    }
    any_case = {"type": "object", "description": f"{title}案件数据，结构见 {schema_ref.rsplit('/', 1)[1]}；"
                "不合规之处在 findings 中列出 / any object: what does not fit is reported"}
    return {
        f"/api/v1/documents/{name}": {"post": _operation(
            f"render_{slug}", "documents", f"生成{title} / Render a {name}",
            f"检查{title}案件数据并生成文书。默认 .docx；`?format=pdf` 或 `Accept: application/pdf` 得到 PDF，"
            f"`draft=true` 加“草稿”水印。有错误时不生成，返回 422。\n\nChecks the case and renders the {name} "
            "as .docx, or PDF with `?format=pdf` (or `Accept: application/pdf`); 422 lists the errors.",
            render_responses,
            parameters=[
                {"name": "format", "in": "query", "required": False,
                 "schema": {"type": "string", "enum": ["docx", "pdf"]},
                 "description": "输出格式 / output format; without it, Accept: application/pdf asks for PDF"},
                {"name": "draft", "in": "query", "required": False, "schema": {"type": "boolean"},
                 "description": "PDF 每页加“草稿”水印 / a draft watermark on every PDF page"},
            ],
            requestBody=body,
        )},
        f"/api/v1/documents/{name}/validate": {"post": _operation(
            f"validate_{slug}", "documents", f"检查{title}案件数据 / Check a {name} case",
            "只检查，不生成：返回每处问题（字段路径、中文说明、稳定代码）。请求体须为 JSON 对象。\n\n"
            "Checks without rendering; the body must be a JSON object, and every finding is listed.",
            validate_responses,
            requestBody=_json_body(any_case, example),
        )},
    }


def _paths(kinds: list[DocumentKind], refs: dict[Any, Any], examples: dict[str, Any]) -> dict[str, Any]:
    job_id = {"name": "job_id", "in": "path", "required": True, "description": "任务编号 / job id",
              "schema": {"type": "string", "pattern": "^[0-9a-f]{32}$"}}
    batch_body = _json_body(ref("BatchRequest"), {"kind": "reply-letter", "cases": [examples.get("reply-letter", {})]},
                            **{"multipart/form-data": {"schema": ref("BatchUpload")}})
    job_body = _json_body(ref("BatchJobRequest"), {"kind": "reply-letter", "cases": [examples.get("reply-letter", {})]},
                          **{"multipart/form-data": {"schema": ref("BatchJobUpload")}})
    batch_file = {
        "200": {"description": "压缩包（每件一个文书，按编号命名，附 报告.json）或合并的 PDF；X-Docgen-Batch 给出件数，"
                "合并 PDF 时 X-Docgen-Report 列出有问题的案件 / the .zip or the merged PDF",
                "headers": headers("Content-Disposition", "X-Docgen-Batch", "X-Docgen-Report"),
                "content": {ZIP_MEDIA_TYPE: BINARY, PDF_MEDIA_TYPE: BINARY}},
    }
    paths: dict[str, Any] = {
        "/healthz": {"get": _operation(
            "healthz", "service", "健康检查 / Health",
            "不需要令牌，任何负载下立即回答 / open, answers at once under any load.",
            {"200": {"description": "服务正常 / ok", "headers": headers(),
                     "content": {"application/json": {"schema": ref("Health")}}},
             "503": {"description": "PDF 转换不可用：没有能启动的 LibreOffice 进程（degraded）", "headers": headers(),
                     "content": {"application/json": {"schema": ref("Health")}}}},
            security=[])},
        "/metrics": {"get": _operation(
            "metrics", "service", "监控指标 / Prometheus metrics",
            "Prometheus 文本格式：请求数与耗时（按路由、状态）、按类型和格式的文书数、转换进程与排队情况。\n\n"
            "Requests by route and status, durations, documents by kind and format, the PDF pool, the queue.",
            {"200": {"description": "Prometheus text format", "headers": headers(),
                     "content": {"text/plain": {"schema": {"type": "string"}}}},
             **shared(*GUARDED)})},
        "/openapi.json": {"get": _operation(
            "openapi", "service", "本接口说明 / This description", "OpenAPI 3.1；不需要令牌 / open.",
            {"200": {"description": "OpenAPI 3.1", "headers": headers(),
                     "content": {"application/json": {"schema": {"type": "object"}}}}},
            security=[])},
        "/api/v1/kinds": {"get": _operation(
            "list_kinds", "kinds", "文书类型 / Document kinds",
            "全部文书类型及其案件数据的 JSON Schema（中文标题）/ every kind with its case schema.",
            {"200": {"description": "全部文书类型", "headers": headers(),
                     "content": {"application/json": {"schema": {"type": "object", "required": ["kinds"], "properties": {
                         "kinds": {"type": "array", "items": ref("KindInfo")}}}}}},
             **shared(*GUARDED)})},
        "/api/v1/kinds/{kind}": {"get": _operation(
            "show_kind", "kinds", "一种文书类型 / One kind", "该类型及其 JSON Schema / the kind with its case schema.",
            {"200": {"description": "文书类型", "headers": headers(),
                     "content": {"application/json": {"schema": ref("KindInfo")}}},
             **shared(*GUARDED, "NotFound")},
            parameters=[{"name": "kind", "in": "path", "required": True, "schema": ref("KindName")}])},
        "/api/v1/ledger/stats": {"post": _operation(
            "ledger_stats", "ledger", "统计台账 / Ledger figures",
            "台账（JSON 行列表，或上传的 ledger 文件：.xlsx、.xls、.ods、.csv、.json）→ 办结率、按时办结率、面商率、满意率、公开率等。\n\n"
            "A ledger as JSON rows or an uploaded file → its figures and findings.",
            {"200": {"description": "统计结果 / figures and findings", "headers": headers(),
                     "content": {"application/json": {"schema": ref("LedgerReport")}}},
             "422": problem("台账无法读取，findings 指出工作表、行、列 / the ledger cannot be read (invalid_ledger)"),
             **shared(*WORKING, "UnsupportedMediaType")},
            requestBody=_json_body(ref("LedgerRows"), **{"multipart/form-data": {"schema": {
                "type": "object", "required": ["ledger"],
                "properties": {"ledger": {"type": "string", "format": "binary", "description": "台账文件"}}}}}))},
        "/api/v1/batch": {"post": _operation(
            "render_batch", "batch", "批量生成 / Render a batch",
            "多件案件 → 一个压缩包（每件一个文书，附 报告.json）或一个合并的 PDF。不合规的案件不生成，并在报告中列出；"
            f"`strict` 时整批不生成（422）。至多 {MAX_CASES} 件（413）。\n\n"
            "Many cases → one .zip (with 报告.json) or one merged PDF; invalid cases are reported, never dropped.",
            {**batch_file,
             "422": problem("严格模式下有案件未通过检查（batch_invalid，report 列出每件），或上传文件无法读取 / "
                            "strict batch with errors, or an unreadable upload"),
             "502": problem("LibreOffice 无法转换 / conversion failed"),
             "504": problem("PDF 转换超时 / conversion timed out"),
             **shared(*WORKING, "UnsupportedMediaType", "NotFound")},
            requestBody=batch_body)},
        "/api/v1/batch/jobs": {"post": _operation(
            "submit_batch_job", "batch", "提交批量任务 / Submit a batch job",
            "与 /api/v1/batch 相同的输入，立即返回 202 和任务地址；任务属于提交它的令牌或账号，结果保留 job_ttl 秒。\n\n"
            "The same input as /api/v1/batch, answered at once with the job's URLs; a job belongs to its submitter.",
            {"202": {"description": "已受理 / accepted", "headers": headers("Location"),
                     "content": {"application/json": {"schema": ref("JobCreated")}}},
             "422": problem("上传文件无法读取 / an unreadable upload"),
             **shared(*WORKING, "UnsupportedMediaType", "NotFound"),
             "503": problem("服务繁忙（busy）或批量任务过多（batch_busy）；按 Retry-After 重试 / busy", "Retry-After")},
            requestBody=job_body)},
        "/api/v1/batch/jobs/{job_id}": {"get": _operation(
            "batch_job_status", "batch", "任务进度 / Job status",
            "状态与进度（done/total），完成后附报告。别人的任务与不存在的任务一样是 404。\n\n"
            "State and progress; another client's job is 404, as is an expired one.",
            {"200": {"description": "任务状态", "headers": headers(),
                     "content": {"application/json": {"schema": ref("JobStatus")}}},
             **shared(*GUARDED, "NotFound")},
            parameters=[job_id]),
            "delete": _operation(
            "cancel_batch_job", "batch", "取消或删除任务 / Cancel or remove a job",
            "未结束的任务被取消（200，返回其状态，state 为 cancelled，已生成的文书不再保留）；已结束的任务连同结果文件删除（204）。\n\n"
            "An unfinished job is cancelled (200, its status); a finished one is removed with its file (204).",
            {"200": {"description": "已取消 / cancelled", "headers": headers(),
                     "content": {"application/json": {"schema": ref("JobStatus")}}},
             "204": {"description": "已删除 / removed", "headers": headers()},
             **shared(*GUARDED, "Forbidden", "NotFound")},
            parameters=[job_id])},
        "/api/v1/batch/jobs/{job_id}/result": {"get": _operation(
            "batch_job_result", "batch", "任务结果 / Job result", "任务完成后下载文件 / the file, once done.",
            {**batch_file,
             "409": problem("任务尚未完成（job_not_ready）、已失败（job_failed）或已取消（job_cancelled）/ not done yet, failed or cancelled"),
             **shared(*GUARDED, "NotFound")},
            parameters=[job_id])},
    }
    kind_refs = {kind.name: refs[(kind.model, "validation")]["$ref"] for kind in kinds}
    for kind in kinds:
        paths.update(_kind_paths(kind, kind_refs[kind.name], examples.get(kind.name)))
    paths.update(_yearly_paths(kind_refs))
    return paths


def _yearly_paths(refs: dict[str, str]) -> dict[str, Any]:
    """The year's lists: each unit's 交办单 from the assignment list; the commitments ledger and its read-back."""
    as_of = {"name": "as_of", "in": "query", "required": False, "schema": {"type": "string", "format": "date"},
             "description": "按哪一天计算剩余天数、判断逾期（默认当天；也接受 2024年3月20日 等写法）/ the day overdue is counted from"}
    fmt = {"name": "format", "in": "query", "required": False, "schema": {"type": "string", "enum": ["docx", "pdf"]},
           "description": "交办单的格式 / format of the notices"}
    return {
        "/api/v1/assignment/notices": {"post": _operation(
            "assignment_notices", "batch", "各单位交办单 / Assignment notices",
            "由交办清单按承办单位生成交办单，打包为压缩包（附 报告.json）。\n\n"
            "Each unit's notice from the assignment list, as one .zip.",
            {"200": {"description": "压缩包，每个单位一份交办单 / one notice per unit",
                     "headers": headers("Content-Disposition", "X-Docgen-Batch"), "content": {ZIP_MEDIA_TYPE: BINARY}},
             "422": problem("交办清单未通过检查 / the list has errors (invalid_case)"),
             "502": problem("LibreOffice 无法转换 / conversion failed"),
             "504": problem("PDF 转换超时 / conversion timed out"),
             **shared(*WORKING, "UnsupportedMediaType")},
            parameters=[fmt],
            requestBody=_json_body({"$ref": refs["assignment-list"]}, **{"multipart/form-data": {
                "schema": {"type": "object", "required": ["case"], "properties": {
                    "case": {"$ref": refs["assignment-list"]},
                    "items": {"type": "string", "format": "binary", "description": "交办件表格（.xlsx/.xls/.ods/.csv）"}}},
                "encoding": {"case": {"contentType": "application/json"}}}}))},
        "/api/v1/commitments": {"post": _operation(
            "commitments_ledger", "batch", "承诺事项台账 / Commitments ledger",
            "答复函中的每项承诺一行（.xlsx，含汇总和各单位工作表）。JSON：一件答复函、答复函列表或 {\"cases\": […]}；"
            "或 multipart 上传 letters 文件（可多个）。\n\nOne row per commitment of the reply letters, as .xlsx.",
            {"200": {"description": "台账 .xlsx / the ledger", "headers": headers("Content-Disposition"),
                     "content": {XLSX_MEDIA_TYPE: BINARY}},
             "422": problem("有答复函未通过检查，或文件无法读取 / a letter has errors, or a file cannot be read"),
             **shared(*WORKING, "UnsupportedMediaType")},
            parameters=[as_of],
            requestBody=_json_body({"description": "答复函案件，或其列表，或 {cases: […]}",
                                    "oneOf": [{"$ref": refs["reply-letter"]},
                                              {"type": "array", "items": {"$ref": refs["reply-letter"]}},
                                              {"type": "object", "required": ["cases"], "properties": {
                                                  "cases": {"type": "array", "items": {"$ref": refs["reply-letter"]}}}}]},
                                   **{"multipart/form-data": {"schema": {"type": "object", "required": ["letters"], "properties": {
                                       "letters": {"type": "array", "minItems": 1, "items": {"type": "string", "format": "binary"}}}}}}))},
        "/api/v1/commitments/review": {"post": _operation(
            "commitments_review", "batch", "读回承诺事项台账 / Review the commitments ledger",
            "按状态计数，并列出逾期未办结的承诺（commitment.overdue）。\n\nCounts by status and the overdue commitments.",
            {"200": {"description": "{ok, as_of, total, by_status, overdue, findings}", "headers": headers(),
                     "content": {"application/json": {"schema": {"type": "object", "required": ["ok", "findings"], "properties": {
                         "ok": {"type": "boolean"}, "findings": {"type": "array", "items": ref("Finding")}}}}}},
             "422": problem("台账无法读取 / the ledger cannot be read"),
             **shared(*WORKING, "UnsupportedMediaType")},
            parameters=[as_of],
            requestBody={"required": True, "content": {"multipart/form-data": {"schema": {
                "type": "object", "required": ["ledger"],
                "properties": {"ledger": {"type": "string", "format": "binary", "description": "承诺事项台账 .xlsx"}}}}}})},
    }


def _examples(kinds: list[DocumentKind]) -> dict[str, Any]:
    """The first sample of each kind (the summary's with its ledger rows inline)."""
    from .pages import SAMPLES, samples_of

    found = {}
    for kind in kinds:
        names = samples_of(kind.name)
        if names:
            found[kind.name] = json.loads((SAMPLES / kind.name / f"{names[0]}.json").read_text("utf-8"))
    return found


@cache
def openapi_document() -> dict[str, Any]:
    kinds = all_kinds()
    refs, defs = models_json_schema([(k.model, "validation") for k in kinds], ref_template=REF)
    schemas: dict[str, Any] = dict(defs.get("$defs", {}))
    schemas.update({
        "Finding": FINDING, "Problem": PROBLEM, "Ratio": RATIO, "LedgerFigures": FIGURES,
        "BatchReportEntry": REPORT_ENTRY, "JobStatus": JOB_STATUS, "JobCreated": JOB_CREATED, "Health": HEALTH,
        "KindInfo": KIND_INFO, "BatchRequest": BATCH_JSON, "BatchUpload": BATCH_FORM,
        "BatchJobRequest": BATCH_JOB_JSON, "BatchJobUpload": BATCH_JOB_FORM, "LedgerRows": LEDGER_JSON,
        "LedgerRow": {"type": "object", "description": "台账的一行：表头（中文或英文键）→ 单元格的值 / one ledger row"},
        "KindName": {"type": "string", "enum": [k.name for k in kinds], "description": "文书类型 / document kind"},
        "ValidationReport": {"type": "object", "required": ["ok", "findings"], "properties": {
            "ok": {"type": "boolean"}, "findings": {"type": "array", "items": ref("Finding")}}},
        "LedgerReport": {"type": "object", "required": ["ok", "figures", "findings"], "properties": {
            "ok": {"type": "boolean"}, "figures": ref("LedgerFigures"), "findings": {"type": "array", "items": ref("Finding")},
            "rows": {"type": "object", "description": "读取了哪些行、未计入哪些行及原因 / which rows were read and left out", "properties": {
                "read": {"type": "integer"}, "counted": {"type": "integer"},
                "left_out": {"type": "array", "items": {"type": "object", "properties": {
                    "where": {"type": "string"}, "reason": {"type": "string"}}}},
                "layout": {"type": "string"}, "text": {"type": "string"}}}}},
    })
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "docgen",
            "version": _version(),
            "description": "人大代表建议、政协委员提案办理文书生成服务（GB/T 9704-2012 格式）。\n\n"
            "Documents for handling deputies' suggestions and CPPCC proposals.\n\n"
            "**身份验证 / Authentication**：服务端存在任一接口令牌或账号时，/api/v1 与 /metrics 须带 "
            "`Authorization: Bearer <令牌>`（令牌由 `docgen tokens create --name …` 签发），或经 /login 登录的会话"
            "（修改类请求另带 CSRF 校验码）；否则 401。未设任何凭据的本机服务不要求身份验证。"
            "来自其他来源的跨域修改请求一律 403。每个回答都带 X-Request-Id。\n\n"
            "Once any token or account exists, /api/v1 and /metrics need a bearer token or a login session; "
            "a service on loopback with no credentials is open. Every answer carries X-Request-Id.",
        },
        "tags": TAGS,
        "security": [{"bearerToken": []}, {"loginSession": []}],
        "paths": _paths(kinds, refs, _examples(kinds)),
        "components": {
            "schemas": schemas,
            "headers": HEADERS,
            "securitySchemes": {
                "bearerToken": {"type": "http", "scheme": "bearer",
                                "description": "接口令牌：docgen tokens create --name <调用方名称> / an API token"},
                "loginSession": {"type": "apiKey", "in": "cookie", "name": "docgen_session",
                                 "description": "经办人员登录 /login 后的会话 Cookie（网页使用）/ a clerk's login session"},
            },
        },
    }


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package_name)
    except PackageNotFoundError:
        return "0"
