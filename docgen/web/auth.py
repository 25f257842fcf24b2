"""Who may use the service, asked once per request.

With no token and no account in the credential store, the service is open, as on a clerk's own
machine (``docgen serve`` refuses a non-loopback address then, unless ``--insecure-open``).
Once any token or account exists:

- ``/api/v1/…`` and ``/metrics`` take ``Authorization: Bearer <token>`` (machine clients) or a
  clerk's login session; otherwise 401 problem+json with ``WWW-Authenticate``;
- the pages take a login session (``/login``; otherwise a redirect there);
- a request that changes something on a login session carries the session's CSRF token
  (Flask-WTF): the pages' forms have it as the hidden field ``_csrf_token``, and their scripts
  post those forms; a bearer token needs none, since no browser sends it by itself;
- ``/healthz``, ``/login``, the static files, ``/openapi.json`` and ``/api-docs`` stay open.

The caller is kept as ``g.client`` (a :class:`~docgen.credentials.Client`) for the job store,
the request log and the metrics.
"""

from __future__ import annotations

import os
import secrets
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, redirect, render_template, request, session, url_for
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError, CSRFProtect
from wtforms import PasswordField, StringField
from wtforms.validators import InputRequired

from ..credentials import ANONYMOUS, Client, CredentialStore, user_client
from ..settings import Settings
from .problems import ApiProblem, problem_response

EXTENSION = "docgen.credentials"
SECRET_KEY_FILE = "session.key"
CSRF_FIELD = "_csrf_token"  # the pages' form parsers skip fields that start with "_"
OPEN_ENDPOINTS = {"health.healthz", "auth.login", "static", "api.openapi", "api_docs.page", "api_docs.swagger_file"}
GUARDED_PREFIXES = ("/api/", "/metrics")

bp = Blueprint("auth", __name__)
csrf = CSRFProtect()


def credentials_of(app: Flask) -> CredentialStore:
    return app.extensions[EXTENSION]


def current_client() -> Client:
    return g.get("client", ANONYMOUS)


def init_app(app: Flask, settings: Settings) -> None:
    store = CredentialStore(settings.data_dir)
    app.extensions[EXTENSION] = store
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secret_key(settings.data_dir, store)
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        SESSION_COOKIE_NAME="docgen_session",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.session_hours),
        WTF_CSRF_CHECK_DEFAULT=False,  # checked below, for requests that ride on a login session
        WTF_CSRF_FIELD_NAME=CSRF_FIELD,
        WTF_CSRF_TIME_LIMIT=None,  # as long as the session: a clerk may keep a form open for hours
    )
    csrf.init_app(app)
    app.register_blueprint(bp)

    @app.before_request
    def authenticate() -> Response | None:
        g.client = ANONYMOUS
        if request.endpoint in OPEN_ENDPOINTS or not store.configured():
            return None
        guarded = request.path.startswith(GUARDED_PREFIXES)
        authorization = request.headers.get("Authorization", "")
        if authorization:
            scheme, _, presented = authorization.partition(" ")
            client = store.client_for_token(presented.strip()) if scheme.lower() == "bearer" else None
            if client is None:
                return _unauthorized("invalid_token", "令牌无效或已吊销")
            g.client = client
            return None
        client = _session_client(store, settings)
        if client is None:
            if guarded or request.method not in ("GET", "HEAD"):
                return _unauthorized(None, "请在请求头 Authorization: Bearer <令牌> 中提供接口令牌，或先登录")
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        g.client = client
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            csrf.protect()
        return None

    @app.errorhandler(CSRFError)
    def csrf_failed(_: CSRFError) -> Response:
        return problem_response(ApiProblem(
            403, "csrf_failed", "表单已失效", "表单校验码（CSRF）缺失或无效，请刷新页面后重新提交",
        ))

    @app.context_processor
    def signed_in() -> dict[str, Any]:
        client = current_client()
        return {"signed_in_user": client.name if client.kind == "user" else None}


def secret_key(data_dir: Path, store: CredentialStore) -> str:
    """The key that signs login sessions: kept in ``data_dir`` (0600) once accounts exist, so that
    logins survive a restart; a new key for each start while the service is open."""
    path = Path(data_dir) / SECRET_KEY_FILE
    if path.exists():
        return path.read_text("ascii").strip()
    key = secrets.token_urlsafe(48)
    if store.configured():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with open(path, "x", encoding="ascii", opener=lambda name, flags: os.open(name, flags, 0o600)) as out:
            out.write(key)
    return key


def _session_client(store: CredentialStore, settings: Settings) -> Client | None:
    name, since = session.get("user"), session.get("since", 0)
    if not isinstance(name, str) or time.time() - float(since) > settings.session_hours * 3600:
        return None
    return user_client(name) if store.user_exists(name) else None


def _unauthorized(error: str | None, detail: str) -> Response:
    response = problem_response(ApiProblem(401, "unauthorized", "需要身份验证", detail))
    challenge = 'Bearer realm="docgen"'
    if error:
        challenge += f', error="{error}"'
    response.headers["WWW-Authenticate"] = challenge
    return response


# --- the login page -------------------------------------------------------------------------------


class LoginForm(FlaskForm):
    class Meta:
        csrf_field_name = CSRF_FIELD

    username = StringField("账号", validators=[InputRequired("请填写账号")])
    password = PasswordField("密码", validators=[InputRequired("请填写密码")])


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never another host (``//evil``, ``https://…``)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("pages.home")


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    store = credentials_of(current_app)
    form = LoginForm()
    failed = None
    if form.validate_on_submit():
        client = store.client_for_login(form.username.data or "", form.password.data or "")
        if client is not None:
            session.clear()
            session.permanent = True
            session.update(user=client.name, since=time.time())
            return redirect(_safe_next(request.args.get("next")))
        failed = "账号或密码不正确"
    elif request.method == "POST":
        expired = CSRF_FIELD in form.errors
        failed = "页面已过期，请重新登录" if expired else "；".join(m for errors in form.errors.values() for m in errors)
    status = 401 if failed else 200
    return render_template("login.html", form=form, failed=failed, configured=store.configured()), status


@bp.post("/logout")
def logout() -> Response:
    session.clear()
    return redirect(url_for("auth.login"))
