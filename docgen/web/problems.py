"""Errors as RFC 9457 problem details (application/problem+json), each with a stable ``code``."""

from __future__ import annotations

import logging

from flask import Flask, Response, json
from werkzeug.exceptions import HTTPException

from ..batch import BatchBadValues, BatchEmpty, BatchInputError, BatchInvalid, BatchTooLarge
from ..converter import ConversionFailed, ConversionTimeout, ConverterUnavailable
from ..errors import CaseRejected, DocgenError, InvalidCase, UnknownKind, UploadRefused
from ..findings import Finding

PROBLEM_MEDIA_TYPE = "application/problem+json"
log = logging.getLogger(__name__)

_HTTP_CODES = {
    400: ("bad_request", "请求有误"),
    404: ("not_found", "找不到请求的资源"),
    405: ("method_not_allowed", "不支持该请求方法"),
    413: ("payload_too_large", "请求体过大"),
    415: ("unsupported_media_type", "请求体格式不受支持"),
}


class ApiProblem(Exception):
    """Raised by views to answer with a problem document."""

    def __init__(self, status: int, code: str, title: str, detail: str, findings: list[Finding] | None = None):
        super().__init__(detail)
        self.status, self.code, self.title, self.detail = status, code, title, detail
        self.findings = findings or []


def problem_response(problem: ApiProblem) -> Response:
    body = {
        "type": f"urn:docgen:problem:{problem.code}",
        "title": problem.title,
        "status": problem.status,
        "code": problem.code,
        "detail": problem.detail,
        "findings": [f.to_dict() for f in problem.findings],
    }
    return Response(json.dumps(body, ensure_ascii=False), status=problem.status, mimetype=PROBLEM_MEDIA_TYPE)


def from_docgen_error(exc: DocgenError) -> ApiProblem:
    if isinstance(exc, (InvalidCase, CaseRejected)):
        return ApiProblem(422, exc.code, "案件数据未通过检查", exc.message, exc.findings)
    if isinstance(exc, BatchInvalid):
        return ApiProblem(422, exc.code, "批量案件未通过检查", exc.message, exc.findings)
    if isinstance(exc, BatchTooLarge):
        return ApiProblem(413, exc.code, "批量件数过多", exc.message)
    if isinstance(exc, BatchEmpty):
        return ApiProblem(422, exc.code, "没有案件", exc.message)
    if isinstance(exc, BatchInputError):
        title = "批量案件表格有误" if isinstance(exc, BatchBadValues) else "批量案件文件无法读取"
        return ApiProblem(422, exc.code, title, exc.message, exc.findings)
    if isinstance(exc, UploadRefused):
        return ApiProblem(400, exc.code, "不接受上传文件", exc.message)
    if isinstance(exc, UnknownKind):
        return ApiProblem(404, exc.code, "不支持的文书类型", exc.message)
    if isinstance(exc, ConverterUnavailable):
        return ApiProblem(503, exc.code, "PDF 转换不可用", exc.message)
    if isinstance(exc, ConversionTimeout):
        return ApiProblem(504, exc.code, "PDF 转换超时", exc.message)
    if isinstance(exc, ConversionFailed):
        return ApiProblem(502, exc.code, "PDF 转换失败", exc.message)
    log.error("docgen error: %s", exc.message)
    return ApiProblem(500, exc.code, "服务配置有误", exc.message)


def register(app: Flask) -> None:
    app.register_error_handler(ApiProblem, problem_response)
    app.register_error_handler(DocgenError, lambda exc: problem_response(from_docgen_error(exc)))

    @app.errorhandler(HTTPException)
    def http_problem(exc: HTTPException) -> Response:
        status = exc.code or 500
        code, title = _HTTP_CODES.get(status, ("http_error", "请求无法处理"))
        response = problem_response(ApiProblem(status, code, title, title))
        for name, value in exc.get_headers():
            if name.lower() == "allow":
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Response:
        log.exception("unexpected error")
        return problem_response(ApiProblem(500, "internal_error", "服务内部错误", "服务内部错误，请联系管理员"))
