"""Errors as RFC 9457 problem details (application/problem+json), each with a stable ``code``."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, json
from werkzeug.exceptions import HTTPException

from ..errors import DocgenError
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


def problem_body(problem: ApiProblem) -> dict[str, Any]:
    """The problem document's members."""
    return {
        "type": f"urn:docgen:problem:{problem.code}",
        "title": problem.title,
        "status": problem.status,
        "code": problem.code,
        "detail": problem.detail,
        "findings": [f.to_dict() for f in problem.findings],
    }


def problem_response(problem: ApiProblem | dict[str, Any]) -> Response:
    body = problem if isinstance(problem, dict) else problem_body(problem)
    return Response(json.dumps(body, ensure_ascii=False), status=body["status"], mimetype=PROBLEM_MEDIA_TYPE)


def from_docgen_error(exc: DocgenError) -> ApiProblem:
    """The problem for an error, from the status, title and findings its class carries."""
    if exc.status >= 500:
        log.error("docgen error: %s", exc.message)
    return ApiProblem(exc.status, exc.code, exc.title, exc.message, list(exc.findings))


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
