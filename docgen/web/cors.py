"""Cross-origin requests: none allowed by default; the settings' ``cors_origins`` may name some.

A browser sends ``Origin`` with every cross-origin request, and with every POST. A request that
changes something (any method but GET, HEAD, OPTIONS) from an origin that is neither this site
nor an allowed one is refused with 403 before it does anything. Allowed origins get the CORS
headers, their preflights included; the others get none, so their scripts cannot read answers.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, request

from ..settings import Settings
from .problems import ApiProblem, problem_response

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
ALLOWED_HEADERS = "Authorization, Content-Type, Accept, X-Request-Id"
EXPOSED_HEADERS = "Content-Disposition, X-Docgen-Warnings, X-Docgen-Batch, X-Docgen-Report, X-Request-Id, Retry-After, Location"
ALLOWED_METHODS = "GET, POST, OPTIONS"


def _same_origin(origin: str) -> bool:
    """The page's own site: the host and port, whatever the scheme (a TLS proxy in front)."""
    return urlsplit(origin).netloc == request.host.lower()


def init_app(app: Flask, settings: Settings) -> None:
    allowed = frozenset(settings.cors_origins)

    @app.before_request
    def refuse_foreign() -> Response | None:
        origin = request.headers.get("Origin", "").lower()
        if not origin or _same_origin(origin) or origin in allowed:
            if request.method == "OPTIONS" and origin in allowed:
                return Response(status=204)
            return None
        if request.method in SAFE_METHODS:
            return None
        return problem_response(ApiProblem(
            403, "cross_origin_refused", "拒绝跨域请求",
            f"来源“{origin[:100]}”不在允许跨域访问的来源之列（设置 cors_origins）",
        ))

    @app.after_request
    def allow(response: Response) -> Response:
        origin = request.headers.get("Origin", "").lower()
        if origin and origin in allowed:
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
            if request.method == "OPTIONS":
                response.headers["Access-Control-Allow-Methods"] = ALLOWED_METHODS
                response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
                response.headers["Access-Control-Max-Age"] = "600"
        response.vary.add("Origin")
        return response
