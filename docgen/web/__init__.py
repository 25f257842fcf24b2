"""The HTTP face: ``create_app()`` builds the Flask app; blueprints are thin over :mod:`docgen.service`."""

from __future__ import annotations

from typing import Any

from flask import Flask

from ..profile import load_profile
from . import api, problems

MAX_REQUEST_BYTES = 16 * 1024 * 1024


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app. ``config`` may carry ``PROFILE`` (a :class:`~docgen.profile.Profile`);
    without it the profile comes from ``$DOCGEN_CONFIG`` or the embedded default."""
    app = Flask(__name__)
    app.config.update(MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES, JSON_AS_ASCII=False)
    if config:
        app.config.update(config)
    app.config.setdefault("PROFILE", None)
    if app.config["PROFILE"] is None:
        app.config["PROFILE"] = load_profile()
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    problems.register(app)
    app.register_blueprint(api.bp)
    return app
