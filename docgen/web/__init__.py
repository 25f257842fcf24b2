"""The HTTP face: ``create_app()`` builds the Flask app; blueprints are thin over :mod:`docgen.service`."""

from __future__ import annotations

from typing import Any

import os

from flask import Flask

from ..converter import ConverterPool, PoolSettings
from ..profile import load_profile
from . import api, api_docs, batch, pages, problems, yearly

MAX_REQUEST_BYTES = 16 * 1024 * 1024


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app. ``config`` may carry:

    - ``PROFILE``: a :class:`~docgen.profile.Profile`; default from ``$DOCGEN_CONFIG`` or embedded;
    - ``CONVERTER``: an object with ``convert(docx) -> pdf``; default a
      :class:`~docgen.converter.ConverterPool` of ``PDF_WORKERS`` workers, started on first use
      (``docgen serve`` starts it with the service).
    """
    app = Flask(__name__)
    app.config.update(
        MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
        PDF_WORKERS=int(os.environ.get("DOCGEN_PDF_WORKERS", os.cpu_count() or 2)),
        PDF_TIMEOUT=float(os.environ.get("DOCGEN_PDF_TIMEOUT", 30)),
    )
    if config:
        app.config.update(config)
    app.config.setdefault("PROFILE", None)
    if app.config["PROFILE"] is None:
        app.config["PROFILE"] = load_profile()
    if app.config.get("CONVERTER") is None:
        app.config["CONVERTER"] = ConverterPool(
            PoolSettings(workers=app.config["PDF_WORKERS"], timeout=app.config["PDF_TIMEOUT"])
        )
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    problems.register(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(batch.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(api_docs.bp)
    app.register_blueprint(yearly.bp)
    return app
