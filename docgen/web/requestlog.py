"""One structured line per request on the ``docgen.requests`` logger: method, route, status,
duration, client name and request id. Never the body, the query or anything of a case: the
route is the rule (``/api/v1/documents/<kind>``), not the path typed.

The request id is the client's ``X-Request-Id`` when it is a short token, a new one otherwise,
and is echoed in the response's ``X-Request-Id``.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid

from flask import Flask, Response, g, request

from .auth import current_client

log = logging.getLogger("docgen.requests")
REQUEST_ID_HEADER = "X-Request-Id"
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
UNMATCHED_ROUTE = "<unmatched>"


def route() -> str:
    """The matched URL rule, or ``<unmatched>``: what a request log or metric may name."""
    return request.url_rule.rule if request.url_rule is not None else UNMATCHED_ROUTE


def elapsed() -> float:
    """Seconds since the request came in."""
    return time.perf_counter() - g.get("started", time.perf_counter())


def init_app(app: Flask) -> None:
    @app.before_request
    def start() -> None:
        g.started = time.perf_counter()
        given = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex

    @app.after_request
    def finish(response: Response) -> Response:
        request_id = g.get("request_id") or uuid.uuid4().hex
        response.headers[REQUEST_ID_HEADER] = request_id
        log.info(json.dumps({
            "event": "request",
            "method": request.method,
            "route": route(),
            "status": response.status_code,
            "duration_ms": round(elapsed() * 1000, 1),
            "client": current_client().label,
            "request_id": request_id,
        }, ensure_ascii=False))
        return response
