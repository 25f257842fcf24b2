"""The HTTP face: ``create_app()`` builds the Flask app; blueprints are thin over :mod:`docgen.service`."""

from __future__ import annotations

from typing import Any

from flask import Flask

from ..converter import ConverterPool
from ..profile import load_profile
from ..settings import Settings, load_settings
from . import admission, api, api_docs, batch, health, multipart, pages, problems, yearly


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app. ``config`` may carry:

    - ``SETTINGS``: a :class:`~docgen.settings.Settings`; default from the settings file, the
      environment and the defaults, read as ``docgen serve`` reads them;
    - ``PROFILE``: a :class:`~docgen.profile.Profile`; default from ``$DOCGEN_CONFIG`` or embedded;
    - ``CONVERTER``: an object with ``convert(docx) -> pdf``; default a
      :class:`~docgen.converter.ConverterPool` from the settings, started on first use
      (``docgen serve`` starts it with the service);
    - ``PDF_WORKERS``: the pool's size, overriding the settings (for tests).
    """
    app = Flask(__name__)
    config = dict(config or {})
    settings: Settings = config.pop("SETTINGS", None) or load_settings()
    if config.get("PDF_WORKERS"):
        settings = settings.model_copy(update={"pdf_workers": config["PDF_WORKERS"]})
    app.config.update(MAX_CONTENT_LENGTH=settings.max_request_bytes, SETTINGS=settings)
    app.config.update(config)
    if app.config.get("PROFILE") is None:
        app.config["PROFILE"] = load_profile()
    if app.config.get("CONVERTER") is None:
        app.config["CONVERTER"] = ConverterPool(settings.pool_settings())
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    problems.register(app)
    admission.init_app(app, settings)
    multipart.init_app(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(batch.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(api_docs.bp)
    app.register_blueprint(yearly.bp)
    return app
