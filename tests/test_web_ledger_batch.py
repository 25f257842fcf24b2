"""The summary and batch pages in Debian's Chromium: the summary's figures are `docgen stats`'s on
the page and in the documents through every round trip, each finding is listed once, the results
come into view; the batch page names bad rows by sheet row and column and offers a spreadsheet
only to the kinds that can take one."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pdfplumber
from click.testing import CliRunner
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from browser import browser, page, server  # noqa: F401 - fixtures
from conftest import SAMPLES, open_docx
from docgen.cli import main

LEDGER = SAMPLES / "annual-summary" / "台账-2024.xlsx"
TEMPLATE = SAMPLES / "batch" / "答复函批量模板.xlsx"
RATIOS = ("completion", "on_time", "face_to_face", "attitude", "result", "published")


def stats_of(path: Path) -> dict:
    result = CliRunner().invoke(main, ["stats", str(path), "--json"])
    return json.loads(result.output)


def upload_ledger(page: Page, server: str, path: Path) -> None:
    page.goto(f"{server}/summary")
    page.fill("#unit", "江州市住房和城乡建设局")
    page.fill("#year", "2024")
    page.fill("#self_reference", "我局")
    page.set_input_files("#ledger", str(path))
    page.click("#analyse")


def expect_figures(page: Page, figures: dict) -> None:
    expect(page.locator("#total")).to_have_text(f"{figures['total']}件")
    for name in RATIOS:
        expect(page.locator(f"#{name}")).to_have_text(figures[name]["text"])
    for letter, share in figures["class_share"].items():
        expect(page.locator(f"#class-{letter}")).to_have_text(share["text"])


def document_text(page: Page, button: str, tmp_path: Path) -> str:
    with page.expect_download(timeout=60_000) as info:
        page.click(button)
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    if path.suffix == ".pdf":
        with pdfplumber.open(path) as pdf:
            return "".join((p.extract_text() or "").replace(" ", "").replace("\n", "") for p in pdf.pages)
    document = open_docx(path.read_bytes())
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_summary_figures_are_docgen_stats_on_the_page_and_in_both_documents_through_every_round_trip(
        page, server, tmp_path):
    figures = stats_of(LEDGER)["figures"]
    assert figures["published"]["text"] == "91.7%"  # 44 of 48 publishable: 不予公开 replies are not counted
    upload_ledger(page, server, LEDGER)
    expect(page.locator("#ledger-result")).to_be_in_viewport()
    expect_figures(page, figures)
    expect(page.locator("#ledger-findings")).to_have_count(0)  # the sample has nothing to say

    page.click('button[value="add-section"]')  # a round trip through the page's saved rows
    expect_figures(page, figures)
    expect(page.locator("#ledger-findings")).to_have_count(0)
    sections = json.loads((SAMPLES / "annual-summary" / "sections" / "2024.json").read_text("utf-8"))
    for i, section in enumerate(sections):
        page.fill(f'[name="sections.{i}.text"]', section["text"])
    page.fill(f'[name="sections.{len(sections)}.title"]', "创新举措")
    page.fill(f'[name="sections.{len(sections)}.text"]', "建立办理情况“回头看”制度。")

    docx = document_text(page, "#make-docx", tmp_path)
    assert f"公开率{figures['published']['text']}" in docx and f"办结率{figures['completion']['text']}" in docx
    for name in RATIOS:
        assert figures[name]["text"] in docx
    pdf = document_text(page, "#make-pdf", tmp_path)
    assert f"公开率{figures['published']['text']}" in pdf and f"面商率{figures['face_to_face']['text']}" in pdf
    expect_figures(page, figures)  # the page is still there, unchanged, after both downloads


def test_each_empty_section_is_listed_once(page, server):
    upload_ledger(page, server, LEDGER)
    page.click("#make-docx")
    empty = page.locator(".finding", has_text="没有内容")
    expect(empty).to_have_count(len(page.locator('textarea[name$=".text"]').all()))
    for i in range(empty.count()):
        expect(page.locator(f'[data-path="sections.{i}.text"] .finding', has_text="没有内容")).to_have_count(1)
    expect(page.locator("#total")).to_have_text("68件")


def test_rows_left_out_are_said_next_to_the_figures(page, server, tmp_path):
    book = load_workbook(LEDGER)
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    sheet.cell(5, header.index("沟通方式") + 1).value = "托人转告"
    sheet.cell(9, header.index("交办日期") + 1).value = "2024/2/30"
    path = tmp_path / "台账.xlsx"
    book.save(path)
    upload_ledger(page, server, path)
    expect(page.locator("#coverage")).to_contain_text("共68行数据，统计计入66行，未计入2行：工作表“台账”第5行、第9行")
    expect(page.locator("#total")).to_have_text("66件")
    expect(page.locator("#ledger-findings")).to_contain_text("第5行“沟通方式”列的值“托人转告”")
    expect(page.locator("#ledger-result")).to_be_in_viewport()
    assert stats_of(path)["figures"]["total"] == 66


def test_batch_page_names_bad_rows_by_sheet_row_and_column(page, server, tmp_path):
    book = load_workbook(TEMPLATE)
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    sheet.cell(7, header.index("措施") + 1).value = "将业主委员会组建率纳入街道年度考核"  # no deadline in a B letter
    path = tmp_path / "答复函.xlsx"
    book.save(path)
    page.goto(f"{server}/batch")
    page.select_option("#kind", "reply-letter")
    page.set_input_files("#cases", str(path))
    with page.expect_download(timeout=120_000):
        page.click("#start-batch")
    report = page.locator("#batch-report")
    expect(report.locator(".finding.error")).to_have_count(1)
    expect(report.locator(".finding.error .where")).to_have_text("工作表“答复函”第7行“措施”列")
    expect(report).to_contain_text("承诺事项必须写明具体完成时限")
    expect(report).not_to_contain_text("points[")


def test_kinds_without_a_table_are_offered_data_files_only(page, server):
    page.goto(f"{server}/batch")
    assert page.get_attribute("#cases", "accept") == ".json,.xlsx,.xls,.ods,.csv"  # 答复函 first
    page.select_option("#kind", "co-handling-opinion")
    assert page.get_attribute("#cases", "accept") == ".json"
    expect(page.locator("#cases-hint")).to_contain_text("不能用表格批量生成")
    page.set_input_files("#cases", str(TEMPLATE))  # a clerk may still pick a spreadsheet
    page.click("#start-batch")
    status = page.locator("#batch-status")
    expect(status).to_contain_text("提交失败")
    message = page.locator("#batch-report").inner_text() + status.inner_text()
    assert "“会办意见”不能用表格批量生成" in message
    assert "co-handling-opinion" not in message and "JSON" not in message
