"""/api/v1: kinds, documents, validation; /openapi.json."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from .. import service
from ..formatting import DateTextError, parse_date
from ..intake.cells import yes_no
from ..intake.jsondata import decode_json, listed
from ..kinds.annual_summary.ledger import LedgerUnreadable
from ..kinds import DocumentKind, all_kinds, get_kind
from ..pdf import PDF_MEDIA_TYPE
from .disposition import content_disposition
from .openapi import openapi_document
from .problems import ApiProblem

bp = Blueprint("api", __name__)


def _case_from_request(kind: DocumentKind | None = None) -> Any:
    """The request body as JSON, or a problem saying exactly what is wrong with it.

    A multipart request carries the case as JSON in the form field ``case`` and files in
    other fields (e.g. ``ledger``), which the kind puts into the case.
    """
    if request.mimetype == "multipart/form-data" and kind is not None:
        data = parse_json(request.form.get("case", "{}").encode("utf-8"))
        if not isinstance(data, dict):
            raise ApiProblem(400, "malformed_json", "JSON 无法解析", "表单字段 case 应为 JSON 对象")
        for field, upload in request.files.items():
            data = kind.attach(data, field, upload.filename or field, upload.read())
        return data
    if not request.is_json:
        raise ApiProblem(
            415, "unsupported_media_type", "请求体格式不受支持",
            f"请求体应为 JSON（Content-Type: application/json），收到“{request.mimetype or '无'}”",
        )
    return parse_json(request.get_data(cache=True))


def parse_json(raw: bytes) -> Any:
    """The request body as JSON; a :class:`MalformedJson` (400 malformed_json) says what is wrong."""
    return decode_json(raw, "请求体")


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(openapi_document())


@bp.get("/api/v1/kinds")
def list_kinds() -> Response:
    return jsonify({"kinds": [{**k.describe(), "schema": k.json_schema()} for k in all_kinds()]})


@bp.get("/api/v1/kinds/<kind>")
def show_kind(kind: str) -> Response:
    found = get_kind(kind)
    return jsonify({**found.describe(), "schema": found.json_schema()})


@bp.post("/api/v1/documents/<kind>/validate")
def validate(kind: str) -> Response:
    found = get_kind(kind)
    result = service.check(kind, _case_from_request(found), current_app.config["PROFILE"])
    return jsonify(result.to_dict())


def _requested_format() -> service.Format:
    """``?format=docx|pdf``; without it, ``Accept: application/pdf`` asks for PDF."""
    requested = request.args.get("format")
    if requested is None:
        best = request.accept_mimetypes.best_match([service.DOCX_MEDIA_TYPE, PDF_MEDIA_TYPE])
        return "pdf" if best == PDF_MEDIA_TYPE and request.accept_mimetypes[PDF_MEDIA_TYPE] else "docx"
    if requested not in ("docx", "pdf"):
        raise ApiProblem(400, "unsupported_format", "不支持的输出格式", f"format 应为 docx 或 pdf，收到“{requested}”")
    return requested  # type: ignore[return-value]


def _flag(name: str) -> bool:
    return yes_no(request.args.get(name)) is True


@bp.post("/api/v1/documents/<kind>")
def render(kind: str) -> Response:
    found = get_kind(kind)
    fmt = _requested_format()
    document = service.render(
        kind,
        _case_from_request(found),
        current_app.config["PROFILE"],
        fmt=fmt,
        converter=current_app.config["CONVERTER"],
        draft=_flag("draft"),
    )
    response = Response(document.content, mimetype=document.media_type)
    response.headers["Content-Disposition"] = content_disposition(document.filename, f"{kind}.{fmt}")
    warnings = [f.code for f in document.findings]
    if warnings:
        response.headers["X-Docgen-Warnings"] = ",".join(warnings)
    return response


@bp.post("/api/v1/ledger/stats")
def ledger_stats() -> Response:
    """The figures of a ledger: a JSON list of rows (or {"rows": [...]}) or an uploaded file ``ledger``."""
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("ledger")
        if upload is None:
            raise ApiProblem(400, "missing_file", "缺少台账文件", "请在表单字段 ledger 中上传台账文件（.xlsx、.csv 或 .json）")
        source: Any = (upload.filename or "ledger", upload.read())
    else:
        source = listed(_case_from_request(), ("rows", "ledger"))
        if source is None:
            raise ApiProblem(400, "malformed_json", "JSON 无法解析", "请求体应为台账行的列表，或含 rows 列表的对象")
    report = service.ledger_report(source, current_app.config["PROFILE"], current_app.config["SETTINGS"].intake_limits())
    if report.figures is None:
        raise LedgerUnreadable(report.findings)
    return jsonify(report.to_dict())


@bp.post("/api/v1/assignment/notices")
def assignment_notices() -> Response:
    """Each unit's 交办单 from an assignment list (JSON, or multipart with the case in ``case`` and
    the items spreadsheet in ``items``), as a .zip named by unit."""
    fmt = _requested_format()
    result = service.assignment_notices(
        _case_from_request(get_kind("assignment-list")), current_app.config["PROFILE"],
        document_format=fmt, converter=current_app.config["CONVERTER"],
    )
    response = Response(result.content, mimetype=result.media_type)
    response.headers["Content-Disposition"] = content_disposition("交办单.zip", "assignment-notices.zip")
    response.headers["X-Docgen-Batch"] = result.summary
    return response


def _as_of() -> dt.date | None:
    """``?as_of=`` as offices type dates; absent means today."""
    text = request.args.get("as_of")
    if not text:
        return None
    try:
        return parse_date(text)
    except DateTextError as exc:
        raise ApiProblem(400, "bad_request", "请求有误", f"as_of：{exc}") from exc


@bp.post("/api/v1/commitments")
def commitments_ledger() -> Response:
    """承诺事项台账 (.xlsx) from reply letters: a JSON case or list (or {"cases": [...]}), or
    uploaded files in ``letters`` (.json, or the batch spreadsheet)."""
    if request.mimetype == "multipart/form-data":
        files = [(upload.filename or "letters.json", upload.read()) for upload in request.files.getlist("letters")]
        if not files:
            raise ApiProblem(400, "missing_file", "缺少答复函文件", "请在表单字段 letters 中上传答复函（.json、.xlsx 或 .csv）")
    elif request.is_json:
        files = [("请求体.json", request.get_data(cache=True))]
    else:
        raise ApiProblem(415, "unsupported_media_type", "请求体格式不受支持", "请求体应为答复函 JSON，或 multipart 上传 letters 文件")
    ledger = service.commitments_ledger(files, _as_of(), current_app.config["PROFILE"])
    response = Response(ledger.content, mimetype=ledger.media_type)
    response.headers["Content-Disposition"] = content_disposition(ledger.filename, "commitments.xlsx")
    return response


@bp.post("/api/v1/commitments/review")
def commitments_review() -> Response:
    """The commitments ledger read back (uploaded ``ledger``): counts by status, and each
    commitment overdue and not closed as a ``commitment.overdue`` finding."""
    upload = request.files.get("ledger")
    if upload is None:
        raise ApiProblem(400, "missing_file", "缺少台账文件", "请在表单字段 ledger 中上传承诺事项台账（.xlsx）")
    return jsonify(service.review_commitments(upload.filename or "ledger.xlsx", upload.read(), _as_of()).to_dict())
