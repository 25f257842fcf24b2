"""Browser fixtures for the web tests: the app served by waitress on a free loopback port, and
Debian's Chromium driven by Playwright (no browser download)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

from conftest import served
from docgen.web import create_app

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="module")
def server(pool):
    """The app served by waitress on a free loopback port, with the shared LibreOffice pool."""
    with served(create_app({"CONVERTER": pool})) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is not installed: run `make test`, which installs it")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser) -> Page:
    context = browser.new_context(accept_downloads=True, locale="zh-CN", viewport={"width": 1200, "height": 900})
    yield context.new_page()
    context.close()


@pytest.fixture
def page_without_js(browser) -> Page:
    context = browser.new_context(java_script_enabled=False, accept_downloads=True, locale="zh-CN")
    yield context.new_page()
    context.close()


def field(page: Page, name: str):
    return page.locator(f'[name="{name}"]')
