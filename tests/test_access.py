"""Only the right clients get in: API tokens, clerks' logins with CSRF, jobs that belong to their
owner, cross-origin refusal, the request log and /metrics."""

from __future__ import annotations

import json
import logging
import re
import stat
import time

import pytest
from click.testing import CliRunner
from conftest import SAMPLES, Secured, load_case, secured_app

from docgen.cli import main
from docgen.credentials import CredentialStore
from docgen.settings import load_settings
from docgen.web import create_app

LETTER = SAMPLES / "reply-letter" / "b-suggestion-elevators.json"
CASES = SAMPLES / "batch" / "reply-letters.json"


def letter() -> dict:
    return load_case(LETTER)


def assert_problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json(force=True)
    assert body["code"] == code and body["status"] == status
    return body


def wait_done(client, status_url: str, headers: dict) -> dict:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        state = client.get(status_url, headers=headers).get_json()
        if state["state"] in ("done", "failed"):
            return state
        time.sleep(0.05)
    raise AssertionError("the job did not finish")


# --- tokens ---------------------------------------------------------------------------------------


def test_with_no_credentials_the_api_is_open(app):
    client = app.test_client()
    assert client.get("/api/v1/kinds").status_code == 200
    assert client.post("/api/v1/documents/reply-letter", json=letter()).status_code == 200


def test_once_a_token_exists_every_api_route_needs_one(secured: Secured):
    client = secured.app.test_client()
    rules = [r for r in secured.app.url_map.iter_rules() if r.rule.startswith("/api/v1")]
    assert len(rules) >= 8
    for rule in rules:
        url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: "reply-letter" if m.group(1) == "kind" else "x", rule.rule)
        method = "POST" if "POST" in rule.methods else "GET"
        response = client.open(url, method=method, json={})
        body = assert_problem(response, 401, "unauthorized")
        assert response.headers["WWW-Authenticate"] == 'Bearer realm="docgen"', url
        assert "Authorization: Bearer" in body["detail"]


def test_a_valid_token_gets_in_and_a_wrong_or_revoked_one_does_not(secured: Secured):
    client = secured.app.test_client()
    assert client.get("/api/v1/kinds", headers=Secured.bearer(secured.token)).status_code == 200
    wrong = secured.token[:-1] + ("A" if secured.token[-1] != "A" else "B")
    for presented in (wrong, "nonsense", secured.token + "x"):
        response = client.get("/api/v1/kinds", headers=Secured.bearer(presented))
        assert_problem(response, 401, "unauthorized")
        assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    assert_problem(client.get("/api/v1/kinds", headers={"Authorization": f"Basic {secured.token}"}), 401, "unauthorized")
    secured.store.revoke_token("OA系统")
    assert_problem(client.get("/api/v1/kinds", headers=Secured.bearer(secured.token)), 401, "unauthorized")
    assert client.get("/api/v1/kinds", headers=Secured.bearer(secured.other_token)).status_code == 200


def test_healthz_and_the_api_description_stay_open(secured: Secured):
    client = secured.app.test_client()
    assert client.get("/healthz").status_code == 200
    assert client.get("/openapi.json").status_code == 200
    assert client.get("/api-docs").status_code == 200


def test_tokens_are_stored_hashed_in_a_private_file(credentials: CredentialStore):
    _, token = credentials.create_token("OA系统")
    secret = token.split("_", 2)[2]
    stored = credentials.path.read_bytes()
    assert secret.encode() not in stored and token.encode() not in stored
    assert stat.S_IMODE(credentials.path.stat().st_mode) == 0o600
    assert credentials.client_for_token(token).name == "OA系统"


def test_passwords_are_stored_with_a_kdf(credentials: CredentialStore):
    credentials.create_user("lisi", "a long enough password")
    stored = credentials.path.read_bytes()
    assert b"a long enough password" not in stored and b"scrypt:" in stored
    assert credentials.client_for_login("lisi", "a long enough password").name == "lisi"
    assert credentials.client_for_login("lisi", "a long enough passwore") is None
    assert credentials.client_for_login("nobody", "a long enough password") is None


def run_cli(*args: str, data_dir, input: str | None = None):
    return CliRunner().invoke(main, list(args), env={"DOCGEN_DATA_DIR": str(data_dir)}, input=input)


def test_cli_creates_lists_and_revokes_tokens(tmp_path):
    created = run_cli("tokens", "create", "--name", "OA系统", data_dir=tmp_path)
    assert created.exit_code == 0, created.output
    token = created.stdout.strip()
    assert re.fullmatch(r"dg_[0-9a-f]{12}_[\w-]{43}", token)
    assert "Authorization: Bearer" in created.stderr
    listed = run_cli("tokens", "list", data_dir=tmp_path)
    assert "OA系统" in listed.stdout and "有效" in listed.stdout and token.split("_", 2)[2] not in listed.stdout
    assert run_cli("tokens", "revoke", "OA系统", data_dir=tmp_path).exit_code == 0
    assert "已吊销" in run_cli("tokens", "list", data_dir=tmp_path).stdout
    missing = run_cli("tokens", "revoke", "OA系统", data_dir=tmp_path)
    assert missing.exit_code == 2 and "没有编号或名称为“OA系统”的有效令牌" in missing.stderr
    assert CredentialStore(tmp_path).client_for_token(token) is None


def test_cli_creates_and_deletes_accounts(tmp_path):
    created = run_cli("users", "create", "wangwu", "--password-stdin", data_dir=tmp_path, input="twelve chars!\n")
    assert created.exit_code == 0, created.output
    assert CredentialStore(tmp_path).client_for_login("wangwu", "twelve chars!") is not None
    short = run_cli("users", "create", "zhao", "--password-stdin", data_dir=tmp_path, input="short\n")
    assert short.exit_code == 2 and "密码至少 10 个字符" in short.stderr
    again = run_cli("users", "create", "wangwu", "--password-stdin", data_dir=tmp_path, input="twelve chars!\n")
    assert again.exit_code == 2 and "账号“wangwu”已存在" in again.stderr
    assert "wangwu" in run_cli("users", "list", data_dir=tmp_path).stdout
    assert run_cli("users", "delete", "wangwu", data_dir=tmp_path).exit_code == 0
    assert run_cli("users", "list", data_dir=tmp_path).stdout == ""


@pytest.mark.parametrize("processes", ["1", "2"])
def test_serve_refuses_a_public_address_without_credentials(tmp_path, processes):
    refused = run_cli("serve", "--host", "0.0.0.0", "--port", "1", "--processes", processes, data_dir=tmp_path)
    assert refused.exit_code == 2
    assert "拒绝在 0.0.0.0 上不设访问控制启动" in refused.stderr and "--insecure-open" in refused.stderr


# --- jobs belong to their owner ------------------------------------------------------------------


def submit_job(client, headers: dict) -> dict:
    body = {"kind": "reply-letter", "cases": json.loads(CASES.read_text("utf-8"))}
    response = client.post("/api/v1/batch/jobs", json=body, headers=headers)
    assert response.status_code == 202, response.get_data(as_text=True)
    return response.get_json()


def test_a_job_is_seen_only_by_the_token_that_submitted_it(secured: Secured):
    client = secured.app.test_client()
    owner, other = Secured.bearer(secured.token), Secured.bearer(secured.other_token)
    job = submit_job(client, owner)
    assert wait_done(client, job["status_url"], owner)["state"] == "done"
    assert client.get(job["result_url"], headers=owner).status_code == 200
    assert_problem(client.get(job["status_url"], headers=other), 404, "unknown_job")
    assert_problem(client.get(job["result_url"], headers=other), 404, "unknown_job")


def test_job_results_are_deleted_after_their_time(credentials):
    secured = secured_app(credentials, job_ttl=0.5)
    client = secured.app.test_client()
    owner = Secured.bearer(secured.token)
    job = submit_job(client, owner)
    wait_done(client, job["status_url"], owner)
    time.sleep(0.6)
    assert_problem(client.get(job["result_url"], headers=owner), 404, "unknown_job")


# --- clerks' pages: login, session cookie, CSRF ----------------------------------------------------


def csrf_of(html: str) -> str:
    return re.search(r'name="_csrf_token"[^>]*value="([^"]+)"', html).group(1)


def log_in(client, secured: Secured, password: str | None = None):
    token = csrf_of(client.get("/login").get_data(as_text=True))
    return client.post("/login?next=/batch", data={
        "_csrf_token": token, "username": secured.user, "password": password or secured.password,
    })


def test_pages_ask_for_a_login_and_a_wrong_password_is_refused(secured: Secured):
    client = secured.app.test_client()
    home = client.get("/kinds/reply-letter")
    assert home.status_code == 302 and home.headers["Location"].startswith("/login?next=/kinds/reply-letter")
    failed = log_in(client, secured, password="wrong password")
    assert failed.status_code == 401 and "账号或密码不正确" in failed.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_login_sets_an_httponly_samesite_cookie_and_opens_the_pages(secured: Secured):
    client = secured.app.test_client()
    done = log_in(client, secured)
    assert done.status_code == 302 and done.headers["Location"] == "/batch"
    cookie = done.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get("/")
    assert page.status_code == 200 and secured.user in page.get_data(as_text=True)


def test_login_without_the_csrf_token_is_refused(secured: Secured):
    client = secured.app.test_client()
    response = client.post("/login", data={"username": secured.user, "password": secured.password})
    assert response.status_code == 401 and "页面已过期" in response.get_data(as_text=True)


def test_login_never_redirects_to_another_site(secured: Secured):
    client = secured.app.test_client()
    token = csrf_of(client.get("/login").get_data(as_text=True))
    done = client.post("/login?next=//evil.example/x", data={
        "_csrf_token": token, "username": secured.user, "password": secured.password})
    assert done.headers["Location"] == "/"


def test_a_signed_in_clerk_posts_forms_only_with_the_csrf_token(secured: Secured):
    client = secured.app.test_client()
    log_in(client, secured)
    form = client.get("/kinds/reply-letter").get_data(as_text=True)
    token = csrf_of(form)
    assert_problem(client.post("/kinds/reply-letter", data={"_action": "check"}), 403, "csrf_failed")
    checked = client.post("/kinds/reply-letter", data={"_action": "check", "_csrf_token": token})
    assert checked.status_code == 200 and "schema.unknown_field" not in checked.get_data(as_text=True)
    assert_problem(client.post("/api/v1/batch/jobs", json={}), 403, "csrf_failed")
    job = client.post("/api/v1/batch/jobs", data={"kind": "reply-letter", "_csrf_token": token,
                                                  "cases": CASES.read_text("utf-8")},
                      content_type="multipart/form-data")
    assert job.status_code == 202


def test_deleting_an_account_ends_its_session(secured: Secured):
    client = secured.app.test_client()
    log_in(client, secured)
    secured.store.delete_user(secured.user)
    secured.store.create_user("other", "another long password")
    assert client.get("/").status_code == 302


def test_logout_ends_the_session(secured: Secured):
    client = secured.app.test_client()
    log_in(client, secured)
    token = csrf_of(client.get("/").get_data(as_text=True))
    assert client.post("/logout", data={"_csrf_token": token}).status_code == 302
    assert client.get("/").status_code == 302


# --- cross-origin ------------------------------------------------------------------------------------


def test_no_cross_origin_by_default_and_changes_from_other_origins_are_refused(app):
    client = app.test_client()
    foreign = {"Origin": "https://evil.example"}
    body = assert_problem(client.post("/api/v1/documents/reply-letter", json=letter(), headers=foreign),
                          403, "cross_origin_refused")
    assert "evil.example" in body["detail"]
    assert_problem(client.post("/kinds/reply-letter", data={"_action": "check"}, headers=foreign), 403,
                   "cross_origin_refused")
    read = client.get("/api/v1/kinds", headers=foreign)
    assert read.status_code == 200 and "Access-Control-Allow-Origin" not in read.headers
    same = client.post("/api/v1/documents/reply-letter/validate", json=letter(), headers={"Origin": "http://localhost"})
    assert same.status_code == 200


def test_allowed_origins_get_cors_headers_and_preflights(credentials):
    settings = load_settings(data_dir=credentials.path.parent, cors_origins=["https://oa.example.gov.cn"])
    client = create_app({"TESTING": True, "SETTINGS": settings}).test_client()
    origin = {"Origin": "https://oa.example.gov.cn"}
    preflight = client.options("/api/v1/documents/reply-letter", headers={
        **origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization, content-type"})
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == "https://oa.example.gov.cn"
    assert "Authorization" in preflight.headers["Access-Control-Allow-Headers"]
    rendered = client.post("/api/v1/documents/reply-letter", json=letter(), headers=origin)
    assert rendered.status_code == 200 and rendered.headers["Access-Control-Allow-Origin"] == "https://oa.example.gov.cn"
    assert "Content-Disposition" in rendered.headers["Access-Control-Expose-Headers"]
    assert_problem(client.post("/api/v1/documents/reply-letter", json=letter(), headers={"Origin": "https://other.example"}),
                   403, "cross_origin_refused")


# --- the request log --------------------------------------------------------------------------------


def test_one_log_line_per_request_with_the_client_name_and_no_case_contents(secured: Secured, caplog):
    client = secured.app.test_client()
    case = letter()
    with caplog.at_level(logging.INFO, logger="docgen.requests"):
        response = client.post("/api/v1/documents/reply-letter", json=case,
                               headers={**Secured.bearer(secured.token), "X-Request-Id": "oa-4711"})
    assert response.headers["X-Request-Id"] == "oa-4711"
    lines = [r.getMessage() for r in caplog.records if r.name == "docgen.requests"]
    assert len(lines) == 1
    entry = json.loads(lines[0])
    assert entry == {**entry, "event": "request", "method": "POST", "route": "/api/v1/documents/<kind>",
                     "status": 200, "client": "token:OA系统", "request_id": "oa-4711"}
    assert entry["duration_ms"] > 0
    for text in (case["lead_author"], case["item_title"], case["document_number"], secured.token):
        assert text not in lines[0]


def test_a_request_id_is_made_when_none_or_a_bad_one_is_given(app):
    client = app.test_client()
    made = client.get("/healthz").headers["X-Request-Id"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    replaced = client.get("/healthz", headers={"X-Request-Id": "bad id; " + "x" * 80}).headers["X-Request-Id"]
    assert re.fullmatch(r"[0-9a-f]{32}", replaced)


# --- /metrics -------------------------------------------------------------------------------------------


def test_metrics_count_requests_and_documents_by_kind_and_format(app):
    client = app.test_client()
    assert client.post("/api/v1/documents/reply-letter", json=letter()).status_code == 200
    text = client.get("/metrics").get_data(as_text=True)
    assert 'docgen_documents_rendered_total{format="docx",kind="reply-letter"} 1.0' in text
    assert ('docgen_http_requests_total{method="POST",route="/api/v1/documents/<kind>",status="200"} 1.0') in text
    assert 'docgen_http_request_duration_seconds_count{method="POST",route="/api/v1/documents/<kind>"} 1.0' in text
    assert 'docgen_pdf_workers{state="alive"}' in text and "docgen_requests_queued" in text


def test_metrics_count_a_batch_by_its_documents(app):
    client = app.test_client()
    body = {"kind": "reply-letter", "cases": json.loads(CASES.read_text("utf-8"))}
    response = client.post("/api/v1/batch", json=body)
    rendered = int(re.search(r"rendered=(\d+)", response.headers["X-Docgen-Batch"]).group(1))
    text = client.get("/metrics").get_data(as_text=True)
    assert f'docgen_documents_rendered_total{{format="docx",kind="reply-letter"}} {float(rendered)}' in text


def test_metrics_count_the_pools_conversions_retries_timeouts_and_recycles(pool):
    client = create_app({"TESTING": True, "CONVERTER": pool}).test_client()
    before = pool.status()["conversions"]
    assert client.post("/api/v1/documents/reply-letter?format=pdf", json=letter()).status_code == 200
    text = client.get("/metrics").get_data(as_text=True)
    converted = float(re.search(r"^docgen_pdf_conversions_total (\S+)$", text, re.M).group(1))
    assert converted == before + 1
    for name in ("retries", "timeouts", "recycles", "replaced"):
        assert re.search(rf"^docgen_pdf_{name}_total \d", text, re.M), name


def test_metrics_are_behind_auth_when_auth_is_on(secured: Secured):
    client = secured.app.test_client()
    assert_problem(client.get("/metrics"), 401, "unauthorized")
    assert client.get("/metrics", headers=Secured.bearer(secured.token)).status_code == 200


@pytest.mark.parametrize("origins", ["https://a.example, http://b.example:8080", '["https://a.example"]'])
def test_allowed_origins_from_the_environment(monkeypatch, origins):
    monkeypatch.setenv("DOCGEN_CORS_ORIGINS", origins)
    assert "https://a.example" in load_settings().cors_origins
