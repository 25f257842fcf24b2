"""The year's pages in the browser (headless Chromium): the assignment list from the items sheet,
the speech draft from the two sheets, the commitments ledger made and read back; each page in
Chinese outside the small-print codes; the assignment list typed item by item on its form."""

from __future__ import annotations

import zipfile
from pathlib import Path

from playwright.sync_api import Page, expect

from browser import browser, field, page, server  # noqa: F401 - fixtures
from conftest import SAMPLES, open_docx
from test_web_clerk import add, download_text, machine_words

ITEMS_SHEET = SAMPLES / "assignment-list" / "交办清单-2025.xlsx"
LEDGER_SHEET = SAMPLES / "annual-summary" / "台账-2024.xlsx"
LETTERS = SAMPLES / "commitments" / "答复函-2025.json"


def download(page: Page, button: str, tmp_path: Path) -> Path:
    with page.expect_download(timeout=90_000) as info:
        page.click(button)
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    return path


def fill_meeting(page: Page) -> None:
    page.fill("#office", "江州市人民政府办公室")
    page.fill("#level", "市")
    page.fill("#year", "2025")
    page.fill("#meeting_on", "2025-02-20")


def test_assignment_page_gives_the_list_and_the_notices_from_the_sheet(page, server, tmp_path):
    page.goto(f"{server}/assignment")
    fill_meeting(page)
    page.set_input_files("#items", str(ITEMS_SHEET))
    listing = download(page, "#list-docx", tmp_path)
    assert listing.name == "2025年市人大代表建议和政协委员提案交办清单.docx"
    assert len(open_docx(listing.read_bytes()).tables[0].rows) == 1 + 7 + 14 + 1  # header, units, items, totals
    page.goto(f"{server}/assignment")
    fill_meeting(page)
    page.set_input_files("#items", str(ITEMS_SHEET))
    notices = download(page, "#notices", tmp_path)
    assert len([n for n in zipfile.ZipFile(notices).namelist() if n.endswith("交办单.docx")]) == 8


def test_assignment_page_names_the_bad_row_and_keeps_the_meeting_facts(page, server, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "交办"
    book.active.append(["来源", "编号", "标题", "领衔人", "主办单位"])
    book.active.append(["建议", 1, "关于甲的建议", "王明", None])
    sheet = tmp_path / "交办.xlsx"
    book.save(sheet)
    page.goto(f"{server}/assignment")
    fill_meeting(page)
    page.set_input_files("#items", str(sheet))
    page.click("#list-docx")
    expect(page.locator("#assignment-findings")).to_contain_text("工作表“交办”第2行“主办单位”列为空")
    expect(page.locator("#office")).to_have_value("江州市人民政府办公室")


def test_the_assignment_list_typed_item_by_item_on_its_form(page, server, tmp_path):
    page.goto(f"{server}/kinds/assignment-list")
    field(page, "office").fill("江州市青山区人民政府办公室")
    field(page, "level").fill("区")
    field(page, "year").fill("2025")
    field(page, "meeting_on").fill("2025-03-06")
    add(page, "items")
    field(page, "items.0.source").select_option("建议")
    field(page, "items.0.item_number").fill("9")
    field(page, "items.0.title").fill("关于增设社区托育点的建议")
    field(page, "items.0.lead_author").fill("马超")
    field(page, "items.0.lead_unit").fill("青山区民政局")
    field(page, "items.0.key_item").check()
    page.click("#check")
    expect(page.locator('[data-path="items.0.leader"] .finding.error')).to_contain_text("须写明督办领导")
    field(page, "items.0.leader").fill("王强副区长")
    page.click("#check")
    expect(page.locator("#summary")).not_to_contain_text("处错误")
    text = download_text(page, tmp_path)
    assert "主办单位：青山区民政局（1件，其中重点件1件）" in text and "王强副区长" in text


def test_speech_page_makes_the_draft_from_the_two_sheets(page, server, tmp_path):
    page.goto(f"{server}/kinds/assignment-speech")  # the generic form leads to the speech's own page
    expect(page).to_have_url(f"{server}/speech")
    page.fill("#level", "市")
    page.fill("#year", "2025")
    page.fill("#speaker", "副市长 李明")
    page.fill("#delivered_on", "2025-02-20")
    page.fill("#review", "去年办复率达到100%。")
    page.set_input_files("#items", str(ITEMS_SHEET))
    page.set_input_files("#ledger", str(LEDGER_SHEET))
    speech = download(page, "#make-docx", tmp_path)
    text = "".join(p.text for p in open_docx(speech.read_bytes()).paragraphs)
    assert "办复率96.2%" in text and "三、提高思想认识，压实办理责任" in text


def test_commitments_page_makes_the_ledger_and_reads_it_back(page, server, tmp_path):
    page.goto(f"{server}/commitments")
    page.fill("#as_of", "2025-09-01")
    page.set_input_files("#letters", str(LETTERS))
    ledger = download(page, "#make-ledger", tmp_path)
    page.goto(f"{server}/commitments")
    page.fill("#as_of", "2025-09-01")
    page.set_input_files("#ledger", str(ledger))
    page.click("#review-ledger")
    expect(page.locator("#overdue-count")).to_have_text("4")
    expect(page.locator("#commitments-findings .finding")).to_have_count(4)


def test_the_years_pages_speak_chinese_outside_the_small_print_codes(page, server):
    seen = {}
    for url in ("/assignment", "/speech", "/commitments", "/kinds/assignment-list", "/kinds/assignment-notice"):
        page.goto(server + url)
        seen[url] = machine_words(page)
    page.goto(f"{server}/commitments")
    page.set_input_files("#ledger", str(SAMPLES / "commitments" / "承诺事项台账-2025.xlsx"))
    page.click("#review-ledger")
    expect(page.locator("#review")).to_be_visible()
    seen["/commitments 读回"] = machine_words(page)
    assert {url: sorted(words) for url, words in seen.items() if words} == {}
