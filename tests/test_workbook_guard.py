"""Spreadsheet bombs and suspicious workbooks are refused by the intake, through the ledger API and
the batch upload, quickly and without memory: 422 with a finding naming the file, never a 500."""

from __future__ import annotations

import io
import re
import time
import tracemalloc
import zipfile

import pytest
import xlwt
from openpyxl import Workbook

from docgen.intake.workbooks import IntakeLimits, SheetLimits, WorkbookRefused, check_workbook
from docgen.kinds.annual_summary.ledger import LedgerUnreadable, load_ledger
from docgen.settings import load_settings
from docgen.web import create_app
from test_batch import TEMPLATE

HEADER = ["来源", "编号", "标题", "办理方式", "交办日期"]
ROW = b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>\xe5\xbb\xba\xe8\xae\xae</t></is></c><c r="B%d"><v>%d</v></c></row>'


def small_ledger() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "台账"
    sheet.append(HEADER)
    sheet.append(["建议", 1, "关于x的建议", "主办", "2024-03-01"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_sheet(content: bytes, change) -> bytes:
    """The workbook with its first sheet's XML passed through ``change`` (bytes, or an iterator of chunks)."""
    source, out = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            data = source.read(name)
            if name != "xl/worksheets/sheet1.xml":
                target.writestr(name, data)
                continue
            changed = change(data)
            if isinstance(changed, bytes):
                target.writestr(name, changed)
            else:
                with target.open(name, "w", force_zip64=True) as member:
                    for chunk in changed:
                        member.write(chunk)
    return out.getvalue()


def many_rows(count: int):
    def change(data: bytes):
        head, tail = data.split(b"</sheetData>")
        yield head
        batch = 5000
        for start in range(3, count + 3, batch):
            yield b"".join(ROW % (n, n, n, n) for n in range(start, min(start + batch, count + 3)))
        yield b"</sheetData>" + tail
    return change


@pytest.fixture(scope="module")
def inflating_bomb() -> bytes:
    """As in the issue: under 2 MB, its sheet inflating to about 340 MB of rows."""
    def change(data: bytes):
        head, tail = data.split(b"</sheetData>")
        yield head
        chunk = (ROW % (3, 3, 3, 3)) * (1024 * 1024 // len(ROW % (3, 3, 3, 3)))
        for _ in range(340):
            yield chunk
        yield b"</sheetData>" + tail
    content = with_sheet(small_ledger(), change)
    assert len(content) < 2 * 1024 * 1024
    return content


def declared_bomb() -> bytes:
    """As in the issue: about 10 KB declaring A1:XFD1048576, with 10,000 empty rows."""
    def change(data: bytes) -> bytes:
        data = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', data)
        return data.replace(b"</sheetData>", b"".join(b'<row r="%d"/>' % n for n in range(3, 10_003)) + b"</sheetData>")
    return with_sheet(small_ledger(), change)


def far_cell() -> bytes:
    """One cell typed at XFD10003 in an otherwise small sheet (the dense grid would be 164 million cells)."""
    return with_sheet(small_ledger(), lambda data: data.replace(
        b"</sheetData>", b'<row r="10003"><c r="XFD10003" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'))


def entity_bearing() -> bytes:
    return with_sheet(small_ledger(), lambda data: data.replace(
        b"<worksheet", b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><worksheet', 1))


def malformed() -> bytes:
    return with_sheet(small_ledger(), lambda data: data[: len(data) // 2])


def measured(call):
    tracemalloc.start()
    began = time.perf_counter()
    try:
        result = call()
        elapsed = time.perf_counter() - began
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, elapsed, peak


def post_ledger(client, content: bytes):
    return client.post("/api/v1/ledger/stats", data={"ledger": (io.BytesIO(content), "台账.xlsx")},
                       content_type="multipart/form-data")


def post_cases(client, content: bytes):
    return client.post("/api/v1/batch", data={"kind": "reply-letter", "cases": (io.BytesIO(content), "答复函.xlsx")},
                       content_type="multipart/form-data")


BOMBS = [
    pytest.param("inflating", "too_large", "超过上限", id="inflates-to-340MB"),
    pytest.param("declared", "too_large", "声明的范围达1048576行×16384列", id="declares-A1-XFD1048576"),
    pytest.param("far", "too_large", "有数据的区域达10003行×16384列", id="one-cell-at-XFD"),
]


@pytest.mark.parametrize("which, code, words", BOMBS)
def test_bombs_are_refused_by_the_ledger_api_and_the_batch_upload_within_a_second(client, inflating_bomb, which, code, words):
    content = {"inflating": inflating_bomb, "declared": declared_bomb(), "far": far_cell()}[which]
    for post, prefix, problem in ((post_ledger, "ledger", "invalid_ledger"), (post_cases, "batch", "batch_unreadable")):
        response, elapsed, peak = measured(lambda: post(client, content))
        assert response.status_code == 422, response.get_data(as_text=True)[:300]
        body = response.json
        assert body["code"] == problem
        (finding,) = body["findings"]
        assert finding["code"] == f"{prefix}.{code}"
        assert words in finding["message"] and ("“台账.xlsx”" in finding["message"] or "“答复函.xlsx”" in finding["message"])
        assert elapsed < 1.0 and peak < 50 * 1024 * 1024, (elapsed, peak)


@pytest.mark.parametrize("content, words", [
    pytest.param(entity_bearing(), "含有 DTD 或实体声明", id="entities"),
    pytest.param(malformed(), "无法", id="malformed"),
    pytest.param(b"PK\x03\x04 not a zip at all", "无法", id="not-a-zip"),
])
def test_malformed_or_entity_bearing_workbooks_are_422_naming_the_file(client, content, words):
    for post, prefix in ((post_ledger, "ledger"), (post_cases, "batch")):
        response = post(client, content)
        assert response.status_code == 422
        (finding,) = response.json["findings"]
        assert finding["code"] == f"{prefix}.not_a_spreadsheet"
        assert words in finding["message"] and ".xlsx”" in finding["message"]


def test_rows_beyond_the_limit_are_refused_while_streaming():
    content = with_sheet(small_ledger(), many_rows(2_000))
    limits = IntakeLimits(sheet=SheetLimits(max_rows=1_000))
    with pytest.raises(WorkbookRefused, match="超过上限（1000行"):
        check_workbook("台账.xlsx", content, limits)
    with pytest.raises(LedgerUnreadable):
        load_ledger(("台账.xlsx", content), limits)
    assert len(load_ledger(("台账.xlsx", content)).findings) > 0  # within the default limits it is read (and checked)


def test_ordinary_workbooks_pass_the_guard():
    for content in (small_ledger(), TEMPLATE.read_bytes()):
        check_workbook("x.xlsx", content)


def test_the_sheet_limits_come_from_the_settings():
    app = create_app({"TESTING": True, "SETTINGS": load_settings(None, sheet_max_rows=1_000)})
    content = with_sheet(small_ledger(), many_rows(2_000))
    response = post_ledger(app.test_client(), content)
    assert response.status_code == 422 and response.json["findings"][0]["code"] == "ledger.too_large"
    assert "超过上限（1000行" in response.json["findings"][0]["message"]
    assert load_settings(None).intake_limits() == IntakeLimits()  # the defaults are the library's


def test_an_xls_sheet_beyond_the_limits_is_refused_before_it_becomes_rows():
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("台账")
    for c, name in enumerate(HEADER):
        sheet.write(0, c, name)
    sheet.write(1999, 0, "建议")  # the 2,000th row
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(LedgerUnreadable) as caught:
        load_ledger(("台账.xls", out.getvalue()), IntakeLimits(sheet=SheetLimits(max_rows=1_000)))
    assert caught.value.findings[0].code == "ledger.too_large"
    assert "“台账.xls”的工作表（台账）有数据的区域达2000行×5列" in caught.value.findings[0].message
