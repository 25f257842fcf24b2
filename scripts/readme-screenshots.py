"""Screenshots of the web pages for the README (headless Chromium via Playwright).

    .venv/bin/python scripts/readme-screenshots.py

Starts the app on a free loopback port with a one-worker LibreOffice pool, drives each page as a
clerk would, and writes docs/images/web-*.png.
"""

from __future__ import annotations

import socket
import sys
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from waitress import create_server

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from docgen.converter import ConverterPool, PoolSettings  # noqa: E402
from docgen.web import create_app  # noqa: E402

OUT = ROOT / "docs" / "images"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def main() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with ConverterPool(PoolSettings(workers=1)) as pool:
        server = create_server(create_app({"CONVERTER": pool}), host="127.0.0.1", port=port)
        threading.Thread(target=server.run, daemon=True).start()
        base = f"http://127.0.0.1:{port}"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page(viewport={"width": 1200, "height": 860}, locale="zh-CN")

            page.goto(base)
            page.screenshot(path=OUT / "web-home.png")

            # A clerk starts a letter on the empty form, adds a point with two commitments,
            # mistypes the telephone and presses 检查: each finding by its Chinese label.
            page.goto(f"{base}/kinds/reply-letter")
            page.select_option('[name="source"]', "建议")
            page.fill('[name="lead_author"]', "陈红")
            page.fill('[name="contact.phone"]', "110")
            page.click('button[value="add:points"]')
            page.fill('[name="points.0.topic"]', "关于简化加装电梯审批程序")
            page.click('button[value="add:points.0.measures"]')
            page.fill('[name="points.0.measures.0.content"]', "出台加装电梯联合审批办法")
            page.click("#check")
            page.locator("#summary .all-findings").wait_for()
            page.evaluate("window.scrollTo(0, 0)")
            page.wait_for_timeout(600)
            page.screenshot(path=OUT / "web-reply-letter-check.png")

            page.goto(f"{base}/api-docs")
            page.locator("#swagger-ui .opblock").first.wait_for(timeout=30_000)
            page.screenshot(path=OUT / "web-api-docs.png")

            page.goto(f"{base}/kinds/reply-letter?sample=a-suggestion-bus-shelter")
            page.click("#preview")
            page.locator("#preview-image").wait_for(timeout=60_000)
            page.wait_for_timeout(800)
            page.screenshot(path=OUT / "web-preview.png")

            page.goto(f"{base}/summary")
            page.fill("#unit", "江州市住房和城乡建设局")
            page.fill("#year", "2024")
            page.fill("#self_reference", "我局")
            page.set_input_files("#ledger", str(ROOT / "samples" / "annual-summary" / "台账-2024.xlsx"))
            page.click("#analyse")
            page.locator("#figures").scroll_into_view_if_needed()
            page.screenshot(path=OUT / "web-summary.png")

            # The commitments ledger read back on 1 September: what is overdue and not closed.
            page.goto(f"{base}/commitments")
            page.fill("#as_of", "2025-09-01")
            page.set_input_files("#ledger", str(ROOT / "samples" / "commitments" / "承诺事项台账-2025.xlsx"))
            page.click("#review-ledger")
            page.locator("#review").wait_for()
            page.screenshot(path=OUT / "web-commitments.png", full_page=True)

            page.goto(f"{base}/batch")
            page.set_input_files("#cases", str(ROOT / "samples" / "batch" / "reply-letters.json"))
            with page.expect_download():
                page.click("#start-batch")
            page.wait_for_timeout(500)
            page.screenshot(path=OUT / "web-batch.png")
            browser.close()
        server.close()
    print("wrote", ", ".join(sorted(p.name for p in OUT.glob("web-*.png"))))


if __name__ == "__main__":
    main()
