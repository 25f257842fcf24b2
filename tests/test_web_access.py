"""A clerk signs in, in a real browser, and the pages' scripts post their forms with the CSRF
token: checking without reloading and a batch job with progress work behind the login."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from browser import browser, field, page  # noqa: F401 - fixtures
from conftest import SAMPLES, Secured, secured_app, served
from docgen.credentials import CredentialStore


@pytest.fixture(scope="module")
def secured_server(pool, tmp_path_factory):
    secured = secured_app(CredentialStore(tmp_path_factory.mktemp("data")))
    secured.app.config["CONVERTER"] = pool
    with served(secured.app) as base:
        yield base, secured


def sign_in(page, base: str, secured: Secured, then: str) -> None:
    page.goto(f"{base}{then}")
    expect(page).to_have_title("登录 · 建议提案办理文书")
    field(page, "username").fill(secured.user)
    field(page, "password").fill(secured.password)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(f"{base}{then}")


def test_a_clerk_signs_in_and_checks_a_form_without_reloading(page, secured_server):
    base, secured = secured_server
    sign_in(page, base, secured, "/kinds/reply-letter")
    expect(page.locator("#logout-form")).to_contain_text(secured.user)
    field(page, "item_title").fill("关于加快推进既有住宅加装电梯工作的建议")
    page.click("#check")
    expect(page.locator("#summary")).to_contain_text("处错误")  # answered by check.json, CSRF token included


def test_a_signed_in_clerk_runs_a_batch_job_with_progress(page, secured_server):
    base, secured = secured_server
    sign_in(page, base, secured, "/batch")
    page.select_option("#kind", "reply-letter")
    page.set_input_files("#cases", str(SAMPLES / "batch" / "reply-letters.json"))
    with page.expect_download(timeout=120_000):
        page.click("#start-batch")
    expect(page.locator("#batch-status")).to_contain_text("完成")


def test_a_wrong_password_keeps_the_clerk_on_the_login_page(page, secured_server):
    base, secured = secured_server
    page.goto(f"{base}/login")
    field(page, "username").fill(secured.user)
    field(page, "password").fill("not the password")
    page.click("#login-form button[type=submit]")
    expect(page.locator(".login-failed")).to_contain_text("账号或密码不正确")
