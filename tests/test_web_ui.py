"""The clerks' web pages, driven in a real browser: Debian's Chromium through Playwright."""

from __future__ import annotations

import json
import zipfile

from playwright.sync_api import expect

from browser import browser, field, page, page_without_js, server  # noqa: F401 - fixtures
from conftest import SAMPLES, open_docx

LETTER = "b-suggestion-elevators"
LEDGER = SAMPLES / "annual-summary" / "台账-2024.xlsx"


def test_home_page_lists_every_kind_with_its_description(page, server):
    page.goto(server)
    expect(page).to_have_title("文书类型 · 建议提案办理文书")
    for title in ("答复函", "会办意见", "征询意见表", "年度办理工作总结", "审议意见", "批量生成"):
        expect(page.locator(".card-title", has_text=title)).to_be_visible()
    expect(page.locator(".card").first).to_contain_text("办理结果分类")


def test_reply_letter_error_is_shown_by_its_field_fixed_and_downloaded(page, server, tmp_path):
    page.goto(f"{server}/kinds/reply-letter")
    page.select_option("#sample", LETTER)
    page.click("#load-sample")
    expect(field(page, "item_title")).to_have_value("关于加快推进既有住宅加装电梯工作的建议")

    deadline = field(page, "points.1.measures.0.deadline")
    deadline.fill("")
    field(page, "closing").fill("谢谢您的关心。")  # typed text must survive the check
    page.click("#check")
    slot = page.locator('[data-path="points.1.measures.0.deadline"]')
    expect(slot.locator(".finding.error")).to_contain_text("commitment.deadline_missing")
    expect(slot).to_have_class("field has-error")
    expect(page.locator("#summary")).to_contain_text("有 1 处错误")
    expect(field(page, "closing")).to_have_value("谢谢您的关心。")

    deadline.fill("2024-12-31")
    page.click("#check")
    expect(page.locator("#summary")).to_contain_text("检查通过")
    expect(slot.locator(".finding")).to_have_count(0)

    with page.expect_download() as info:
        page.click("#make-docx")
    download = info.value
    assert download.suggested_filename == "关于市十五届人大三次会议第123号建议的答复.docx"
    path = tmp_path / "letter.docx"
    download.save_as(path)
    text = "\n".join(p.text for p in open_docx(path.read_bytes()).paragraphs)
    assert "谢谢您的关心。" in text and "2024年12月31日前完成" in text


def test_warnings_and_errors_look_different(page, server):
    page.goto(f"{server}/kinds/reply-letter?sample={LETTER}")
    field(page, "replied_on").fill("2024-07-30")  # late: a warning
    field(page, "contact.phone").fill("110")  # not a real number: an error
    page.click("#check")
    expect(page.locator('[data-path="replied_on"] .finding.warning')).to_contain_text("超过办理期限")
    expect(page.locator('[data-path="contact.phone"] .finding.error')).to_contain_text("联系电话格式不正确")


def test_lists_can_be_added_to_and_removed_from(page, server, tmp_path):
    page.goto(f"{server}/kinds/reply-letter?sample={LETTER}")
    co_handlers = page.locator('fieldset[data-name="co_handlers"] > ol > li.item')
    expect(co_handlers).to_have_count(2)
    page.click('button[value="add:co_handlers"]')
    expect(co_handlers).to_have_count(3)
    field(page, "co_handlers.2.unit").fill("江州市城市管理局")
    field(page, "co_handlers.2.opinion").fill("将同步做好加装电梯施工期间的占道审批")
    co_handlers.nth(0).locator("button.remove").click()
    expect(co_handlers).to_have_count(2)
    with page.expect_download() as info:
        page.click("#make-docx")
    path = tmp_path / "x.docx"
    info.value.save_as(path)
    text = "\n".join(p.text for p in open_docx(path.read_bytes()).paragraphs)
    assert "江州市城市管理局：将同步做好加装电梯施工期间的占道审批。" in text
    assert "江州市财政局：" not in text


def test_without_javascript_the_check_is_a_plain_submit(page_without_js, server):
    page = page_without_js
    page.goto(f"{server}/kinds/reply-letter?sample={LETTER}")
    field(page, "result_class").select_option("C")
    page.click("#check")
    expect(page.locator('[data-path="reason"] .finding.error')).to_contain_text("reason.missing")
    expect(field(page, "item_title")).to_have_value("关于加快推进既有住宅加装电梯工作的建议")
    page.click('button[value="add:co_handlers"]')
    expect(page.locator('fieldset[data-name="co_handlers"] > ol > li.item')).to_have_count(3)


def test_invalid_case_download_shows_the_form_again_with_findings(page_without_js, server):
    page = page_without_js
    page.goto(f"{server}/kinds/reply-letter?sample={LETTER}")
    field(page, "contact.phone").fill("12")
    page.click("#make-docx")
    expect(page.locator('[data-path="contact.phone"] .finding.error')).to_be_visible()


def test_preview_shows_page_one_as_a_picture(page, server):
    page.goto(f"{server}/kinds/reply-letter?sample=a-suggestion-bus-shelter")
    page.click("#preview")
    image = page.locator("#preview-image")
    expect(image).to_be_visible(timeout=60_000)
    assert page.evaluate("document.querySelector('#preview-image').naturalWidth") > 400


def test_pdf_download_from_the_form(page, server, tmp_path):
    page.goto(f"{server}/kinds/review-opinion")
    page.click("#load-sample")
    with page.expect_download(timeout=60_000) as info:
        page.click("#make-pdf")
    assert info.value.suggested_filename.endswith("审议意见.pdf")
    path = tmp_path / "x.pdf"
    info.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")


def test_annual_summary_upload_shows_figures_and_chart_then_downloads(page, server, tmp_path):
    page.goto(f"{server}/summary")
    page.fill("#unit", "江州市住房和城乡建设局")
    page.fill("#year", "2024")
    page.fill("#self_reference", "我局")
    page.set_input_files("#ledger", str(LEDGER))
    page.click("#analyse")
    expect(page.locator("#completion")).to_have_text("96.2%")
    assert page.evaluate("document.querySelector('#chart').naturalWidth") > 500
    sections = json.loads((SAMPLES / "annual-summary" / "sections" / "2024.json").read_text("utf-8"))
    for i, section in enumerate(sections):
        page.fill(f'[name="sections.{i}.text"]', section["text"])
    with page.expect_download() as info:
        page.click("#make-docx")
    assert info.value.suggested_filename.endswith("办理工作总结.docx")
    path = tmp_path / "summary.docx"
    info.value.save_as(path)
    text = "\n".join(p.text for p in open_docx(path.read_bytes()).paragraphs)
    assert "共承办人大代表建议和政协委员提案68件" in text and "（一）压实办理责任" in text


def test_annual_summary_refuses_empty_sections_and_keeps_the_ledger(page, server):
    page.goto(f"{server}/summary")
    page.fill("#unit", "江州市住房和城乡建设局")
    page.fill("#year", "2024")
    page.set_input_files("#ledger", str(LEDGER))
    page.click("#analyse")
    page.click("#make-docx")
    expect(page.locator('[data-path="sections.0.text"] .finding.error')).to_contain_text("没有内容")
    expect(page.locator("#completion")).to_have_text("96.2%")  # the uploaded ledger is kept


def test_bad_ledger_is_reported_on_the_page(page, server, tmp_path):
    bad = tmp_path / "台账.xlsx"
    bad.write_bytes(b"not a workbook")
    page.goto(f"{server}/summary")
    page.set_input_files("#ledger", str(bad))
    page.click("#analyse")
    expect(page.locator("#ledger-findings")).to_contain_text("不是有效的 Excel 工作簿")


def test_batch_page_shows_progress_and_downloads_the_zip(page, server, tmp_path):
    page.goto(f"{server}/batch")
    page.select_option("#kind", "reply-letter")
    page.set_input_files("#cases", str(SAMPLES / "batch" / "reply-letters.json"))
    with page.expect_download(timeout=120_000) as info:
        page.click("#start-batch")
    expect(page.locator("#batch-status progress")).to_be_visible()
    expect(page.locator("#batch-status")).to_contain_text("完成")
    path = tmp_path / "batch.zip"
    info.value.save_as(path)
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        assert any(n.endswith(".docx") for n in names)
        report = json.loads(archive.read("报告.json"))["cases"]
    assert any(not entry["ok"] for entry in report)
    expect(page.locator("#batch-report .finding.error")).not_to_have_count(0)  # the invalid case, on the page too
