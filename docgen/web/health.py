"""/healthz: answers at once under any load (it takes no lock and waits on nothing). With several
web processes, the pool and the queue are those of the process that answered."""

from __future__ import annotations

import os

from flask import Blueprint, Response, current_app, jsonify

from ..kinds import all_kinds
from .admission import EXTENSION

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    """200 ``ok``; 503 ``degraded`` when PDF conversion cannot work (no worker could start)."""
    converter = current_app.config["CONVERTER"]
    pdf = converter.status() if hasattr(converter, "status") else {"state": "ok"}
    degraded = pdf.get("state") == "degraded"
    body = {
        "status": "degraded" if degraded else "ok",
        "kinds": [k.name for k in all_kinds()],
        "process": os.getpid(),
        "pdf": pdf,
        "requests": current_app.extensions[EXTENSION].status(),
    }
    return jsonify(body), 503 if degraded else 200
