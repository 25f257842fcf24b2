"""Ledgers (台账) as offices keep them: title rows, merged titles, blank rows, a 合计 row, hidden
columns, a 序号 beside the 编号, the values clerks type, dates in every form, and .xlsx, .xls,
.ods and GB18030 .csv. The tests write these spreadsheets themselves and expect the figures of
the plain sample ledger."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile

import pytest
import xlwt
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import CoveredTableCell, Table, TableCell, TableColumn, TableRow
from odf.text import P
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from docgen.cli import main
from docgen.intake.cells import EXCEL_EPOCH, CellError, cell_date
from docgen.kinds.annual_summary.figures import compute
from docgen.kinds.annual_summary.ledger import LedgerUnreadable, load_ledger
from docgen.profile import load_profile
from test_annual_summary import XLSX, sheet_records

TITLE = "江州市住房和城乡建设局2024年建议提案办理台账"
HEADER_ROW = 4  # a merged title, a line of who filled it in, a blank row, then the header
HIDDEN = "会议"  # a column the clerk hid: still read
YES_NO = ("重点件", "情况复杂", "是否办结")
DATES = ("交办日期", "答复日期")
SOURCES = {"建议": ("人大建议", "代表建议", "人大代表建议"), "提案": ("政协提案", "委员提案", "政协委员提案")}
CONTACTS = {"面商": ("上门面商", "走访面商"), "电话": ("电话沟通",), "信函": ("书面沟通",), "座谈": ("座谈会",), "走访": ("上门走访",)}
YES, NO = ("√", "是", "已"), ("×", "否", "未")


def typed_date(value: dt.date, i: int, serials: bool) -> object:
    """A date as one of five clerks would have it: an Excel date, 2024/3/20, 2024.3.20, 2024年3月20日, a serial number."""
    form = i % 5
    if form == 1:
        return f"{value.year}/{value.month}/{value.day}"
    if form == 2:
        return f"{value.year}.{value.month}.{value.day}"
    if form == 3:
        return f"{value.year}年{value.month}月{value.day}日"
    if form == 4:
        serial = (value - EXCEL_EPOCH).days
        return float(serial) if serials else str(serial)
    return value


def as_typed(record: dict, i: int, serials: bool = True) -> dict:
    """A sample row with its values written as offices write them."""
    out = dict(record)
    out["来源"] = SOURCES[record["来源"]][i % 3]
    out["办理方式"] = "协办" if record["办理方式"] == "会办" and i % 2 else f" {record['办理方式']} "
    if record["沟通方式"]:
        out["沟通方式"] = CONTACTS[record["沟通方式"]][i % len(CONTACTS[record["沟通方式"]])]
    for name in YES_NO:
        out[name] = (YES if record[name] == "是" else NO)[i % 3]
    out["答复公开"] = {"是": "√", "否": "×"}.get(record["答复公开"], record["答复公开"])
    for name in ("办理态度评价", "办理结果评价"):
        if record[name]:
            out[name] = f"  {record[name]} "
    for name in DATES:
        if record[name]:
            out[name] = typed_date(record[name].date(), i, serials)
    return out


def office_rows(records: list[dict], serials: bool = True) -> list[list]:
    """The sheet as a grid: title rows above the header, 序号 before 编号, a blank row midway, a 合计 row."""
    header = ["序号", *records[0].keys()]
    rows: list[list] = [[TITLE], ["填报单位：办公室", *[None] * (len(header) - 2), "填报日期：2024年12月31日"], [], header]
    for i, record in enumerate(records):
        rows.append([i + 1, *as_typed(record, i, serials).values()])
        if i == 9:
            rows.append([])
    rows.append(["合计", None, None, f"{len(records)}件"])
    return rows


def write_xlsx(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "台账"
    for row in rows:
        sheet.append(row)
    header = rows[HEADER_ROW - 1]
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    if HIDDEN in header:
        sheet.column_dimensions[get_column_letter(header.index(HIDDEN) + 1)].hidden = True
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write_xls(rows: list[list]) -> bytes:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("台账")
    dated = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    width = len(rows[HEADER_ROW - 1])
    sheet.write_merge(0, 0, 0, width - 1, rows[0][0])
    for r, row in enumerate(rows[1:], start=1):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                sheet.write(r, c, value, dated)
            elif value is not None:
                sheet.write(r, c, value)
    sheet.col(rows[HEADER_ROW - 1].index(HIDDEN)).hidden = True
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write_ods(rows: list[list]) -> bytes:
    book = OpenDocumentSpreadsheet()
    table = Table(name="台账")
    width = len(rows[HEADER_ROW - 1])
    for c in range(width):
        table.addElement(TableColumn(visibility="collapse" if rows[HEADER_ROW - 1][c] == HIDDEN else "visible"))
    for r, row in enumerate(rows):
        line = TableRow()
        for c, value in enumerate(row):
            if r == 0 and c == 0:
                cell = TableCell(valuetype="string", numbercolumnsspanned=width)
            elif isinstance(value, dt.date):
                cell = TableCell(valuetype="date", datevalue=value.isoformat())
            elif isinstance(value, (int, float)):
                cell = TableCell(valuetype="float", value=value)
            else:
                cell = TableCell(valuetype="string") if value is not None else TableCell()
            if value is not None:
                cell.addElement(P(text=str(value)))
            line.addElement(cell)
        if r == 0:
            for _ in range(width - 1):
                line.addElement(CoveredTableCell())
        table.addElement(line)
    book.spreadsheet.addElement(table)
    out = io.BytesIO()
    book.write(out)
    return out.getvalue()


def write_csv(rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow(["" if v is None else v.isoformat() if isinstance(v, dt.date) else v for v in row])
    return out.getvalue().encode("gb18030")


WRITERS = {"xlsx": write_xlsx, "xls": write_xls, "ods": write_ods, "csv": write_csv}


@pytest.fixture(scope="module")
def records() -> list[dict]:
    return sheet_records()


@pytest.fixture(scope="module")
def sample_figures():
    ledger = load_ledger((XLSX.name, XLSX.read_bytes()))
    assert ledger.ok
    return compute(ledger.rows, load_profile())


@pytest.mark.parametrize("fmt", WRITERS)
def test_an_office_ledger_gives_the_sample_figures_in_every_format(fmt, records, sample_figures):
    content = WRITERS[fmt](office_rows(records, serials=fmt != "csv"))
    ledger = load_ledger((f"台账.{fmt}", content))
    assert ledger.findings == []
    assert compute(ledger.rows, load_profile()) == sample_figures
    assert [r.item_number for r in ledger.rows] == [r["编号"] for r in records]  # 序号 is never the item number
    place = "CSV 文件" if fmt == "csv" else "工作表“台账”"
    closing = HEADER_ROW + len(records) + 2  # after the data and the blank row
    assert ledger.layout == f"{place}第{HEADER_ROW}行为表头，第{closing}行（合计行）不是数据行"


def test_the_layout_and_what_was_counted_are_said_by_the_cli_and_the_api(records, client, tmp_path):
    content = write_xlsx(office_rows(records))
    path = tmp_path / "台账.xlsx"
    path.write_bytes(content)
    result = CliRunner().invoke(main, ["stats", str(path)])
    assert result.exit_code == 0, result.output
    assert f"统计范围\t工作表“台账”第4行为表头，第74行（合计行）不是数据行；共{len(records)}行数据，全部计入统计。" in result.output
    response = client.post("/api/v1/ledger/stats", data={"ledger": (io.BytesIO(content), "台账.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code == 200
    assert response.json["rows"] == {
        "read": len(records), "counted": len(records), "left_out": [],
        "layout": "工作表“台账”第4行为表头，第74行（合计行）不是数据行",
        "text": f"工作表“台账”第4行为表头，第74行（合计行）不是数据行；共{len(records)}行数据，全部计入统计。",
    }


def test_rows_left_out_are_counted_and_named_next_to_the_figures(records, client, tmp_path):
    rows = office_rows(records)
    header = rows[HEADER_ROW - 1]
    rows[HEADER_ROW][header.index("沟通方式")] = "托人转告"  # sheet row 5
    rows[HEADER_ROW + 2][header.index("交办日期")] = "2024/2/30"  # sheet row 7
    content = write_xlsx(rows)
    path = tmp_path / "台账.xlsx"
    path.write_bytes(content)

    result = CliRunner().invoke(main, ["stats", str(path)])
    assert result.exit_code == 1
    assert "工作表“台账”第5行“沟通方式”列的值“托人转告”应为面商、座谈、走访、电话、信函、其他、未联系之一" in result.output
    assert "第7行“交办日期”列的值“2024/2/30”不是有效日期：没有这一天，2024年2月只有29天" in result.output
    assert (f"共{len(records)}行数据，统计计入{len(records) - 2}行，未计入2行："
            "工作表“台账”第5行、第7行（有值无法识别或必填项为空）") in result.output
    assert re.search(rf"承办总数\t{len(records) - 2}件", result.output)

    data = client.post("/api/v1/ledger/stats", data={"ledger": (io.BytesIO(content), "台账.xlsx")},
                       content_type="multipart/form-data").json
    assert data["ok"] is False and data["figures"]["total"] == len(records) - 2
    assert data["rows"]["left_out"] == [
        {"where": "工作表“台账”第5行", "reason": "有值无法识别或必填项为空"},
        {"where": "工作表“台账”第7行", "reason": "有值无法识别或必填项为空"},
    ]
    assert {f["path"] for f in data["findings"]} == {"ledger[0].contact_mode", "ledger[2].assigned_on"}


def stale_dimension(content: bytes, ref: str) -> bytes:
    """The workbook with its first sheet's ``<dimension>`` rewritten, as some exporters leave it."""
    source, out = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "xl/worksheets/sheet1.xml":
                data, count = re.subn(rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(), data)
                assert count == 1
            target.writestr(name, data)
    return out.getvalue()


def test_a_stale_dimension_drops_no_row(records, sample_figures, client):
    content = stale_dimension(XLSX.read_bytes(), "A1:S50")
    assert len(records) == 68
    stale = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    assert len(list(stale.iter_rows(values_only=True))) == 50  # the old reader stopped here
    ledger = load_ledger(("台账.xlsx", content))
    assert ledger.findings == [] and len(ledger.rows) == 68
    assert compute(ledger.rows, load_profile()) == sample_figures
    data = client.post("/api/v1/ledger/stats", data={"ledger": (io.BytesIO(content), "台账.xlsx")},
                       content_type="multipart/form-data").json
    assert data["figures"]["total"] == 68 and data["rows"]["read"] == 68


def test_a_serial_number_beside_the_item_number_is_never_the_item_number():
    rows = [["序号", "编号", "来源", "标题", "办理方式", "交办日期"],
            [1, 305, "建议", "关于x的建议", "主办", "2024-03-01"],
            [2, 17, "提案", "关于y的提案", "主办", "2024-03-01"]]
    for number_header in ("编号", "建议号", "提案号"):
        rows[0][1] = number_header
        ledger = load_ledger(("台账.xlsx", write_xlsx([[TITLE], [], [], *rows])))
        assert [r.item_number for r in ledger.rows] == [305, 17]
        assert not [f for f in ledger.findings if f.code == "ledger.unknown_column"]


def test_without_a_header_in_the_first_rows_the_message_says_so():
    grid = [[TITLE], [], [], ["说明：本表由办公室填写"]] + [[]] * 9 + [
        ["来源", "编号", "标题", "办理方式", "交办日期"], ["建议", 1, "关于x", "主办", "2024-03-01"]]
    with pytest.raises(LedgerUnreadable) as caught:
        load_ledger(("台账.xlsx", write_xlsx(grid)))
    assert "在前10行中找不到表头" in caught.value.findings[0].message


_FULL_WIDTH = str.maketrans("0123456789/.-", "０１２３４５６７８９／．－")


@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2100, 12, 31)), st.integers(0, 7))
def test_every_typed_form_of_a_date_is_read_as_that_date(day, form):
    typed = [
        day, dt.datetime.combine(day, dt.time()), day.isoformat(), f"{day.year}/{day.month}/{day.day}",
        f"{day.year}.{day.month}.{day.day}", f"{day.year}年{day.month}月{day.day}日",
        f"{day.year}/{day.month}/{day.day}".translate(_FULL_WIDTH), float((day - EXCEL_EPOCH).days),
    ][form]
    assert cell_date(typed) == day


@given(st.integers(1950, 2100), st.integers(1, 12), st.integers(29, 31))
def test_a_day_that_does_not_exist_is_refused_saying_so(year, month, day):
    try:
        dt.date(year, month, day)
    except ValueError:
        with pytest.raises(CellError, match="没有这一天"):
            cell_date(f"{year}年{month}月{day}日")
    else:
        assert cell_date(f"{year}年{month}月{day}日") == dt.date(year, month, day)


def test_json_ledgers_and_spreadsheets_agree(records, sample_figures, api):
    typed = [{k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in as_typed(r, i, serials=False).items()}
             for i, r in enumerate(records)]
    data = api.post_json("/api/v1/ledger/stats", {"rows": typed}).json
    assert data["ok"] and data["figures"] == json.loads(json.dumps(sample_figures.to_dict(), ensure_ascii=False))
