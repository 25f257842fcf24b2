"""接口说明: a readable page over /openapi.json, drawn by Swagger UI 5 (which reads OpenAPI 3.1)
from the files the flask-swagger-ui package ships, served by the app itself: no CDN, nothing
fetched at run time. Only the files are used; the page around them is ours, in Chinese."""

from __future__ import annotations

from pathlib import Path

import flask_swagger_ui
from flask import Blueprint, Response, render_template, send_from_directory

bp = Blueprint("api_docs", __name__)

SWAGGER_DIST = Path(flask_swagger_ui.__file__).parent / "dist"
SWAGGER_FILES = ("swagger-ui.css", "swagger-ui-bundle.js")


@bp.get("/api-docs")
def page() -> str:
    return render_template("api_docs.html")


@bp.get("/api-docs/swagger/<name>")
def swagger_file(name: str) -> Response:
    if name not in SWAGGER_FILES:
        return Response(status=404)
    return send_from_directory(SWAGGER_DIST, name, max_age=86400)
