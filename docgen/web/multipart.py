"""A multipart body that yields no part (a wrong or missing boundary) is a 400, not an empty form."""

from __future__ import annotations

from flask import Flask, Response, request

from .problems import ApiProblem, problem_response


def init_app(app: Flask) -> None:
    @app.before_request
    def refuse_unreadable_multipart() -> Response | None:
        if request.mimetype != "multipart/form-data" or not request.content_length:
            return None
        if request.form or request.files:
            return None
        boundary = request.mimetype_params.get("boundary")
        reason = f"分隔符（boundary）“{boundary}”在请求体中找不到" if boundary else "Content-Type 缺少分隔符（boundary）"
        return problem_response(ApiProblem(400, "bad_request", "表单请求体无法解析", f"multipart 表单请求体无法解析：{reason}"))
