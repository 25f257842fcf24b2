"""The commitments ledger as the .xlsx staff keep (openpyxl): the sheet of all commitments first
(the one read back), then the summary by unit, then a sheet per unit to hand to each unit.

Every sheet has a title row saying the date the days are counted to, a frozen header row with a
filter, and a status column whose drop-down offers only the three statuses.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ...formatting import format_date
from .ledger import CLOSED, DUE_TO_VERIFY, NOT_DUE, STATUSES, Commitment, status_as_of

ALL_SHEET, SUMMARY_SHEET = "承诺事项", "汇总"
# (header, width) of the commitment sheets; the headers are those the read-back knows.
COLUMNS = (
    ("序号", 6), ("编号", 13), ("标题", 36), ("代表委员", 12), ("主办单位", 24), ("答复要点", 26),
    ("承诺措施", 44), ("完成时限", 13), ("剩余天数", 10), ("状态", 14), ("办结情况说明", 30),
)
STATUS_COLUMN = get_column_letter(1 + [h for h, _ in COLUMNS].index("状态"))
DAYS_COLUMN = get_column_letter(1 + [h for h, _ in COLUMNS].index("剩余天数"))
SUMMARY_COLUMNS = (("主办单位", 28), ("承诺事项", 10), (NOT_DUE, 10), (DUE_TO_VERIFY, 14), (CLOSED, 10), ("逾期未办结", 12))
VALIDATED_ROWS = 2000  # the drop-down reaches well past the rows written, for rows staff add

HEAD_FONT = Font(bold=True)
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
OVERDUE_FONT = Font(color="C00000", bold=True)


def sheet_name(unit: str, used: set[str]) -> str:
    """A unit's name as a sheet title: without the characters Excel forbids, at most 31 long, unique."""
    base = re.sub(r"[\[\]:*?/\\]", "", unit)[:31] or "单位"
    name, n = base, 2
    while name in used:
        suffix = f"（{n}）"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name)
    return name


def write_workbook(commitments: list[Commitment], as_of: dt.date, year: int | None = None) -> bytes:
    book = Workbook()
    label = f"{year}年" if year else ""
    title = f"{label}答复承诺事项台账（剩余天数截至{format_date(as_of)}，负数为逾期天数）"
    _commitment_sheet(book.active, ALL_SHEET, title, commitments, as_of)
    units = list(dict.fromkeys(c.unit for c in commitments))
    _summary_sheet(book.create_sheet(SUMMARY_SHEET), f"{label}答复承诺事项汇总（截至{format_date(as_of)}）", units, commitments, as_of)
    used = {ALL_SHEET, SUMMARY_SHEET}
    for unit in units:
        mine = [c for c in commitments if c.unit == unit]
        _commitment_sheet(book.create_sheet(sheet_name(unit, used)), None, f"{unit}{title}", mine, as_of)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _title(ws: Worksheet, text: str, width: int) -> None:
    ws.append([text])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 28


def _header(ws: Worksheet, columns: Iterable[tuple[str, int]]) -> None:
    columns = list(columns)
    ws.append([h for h, _ in columns])
    for index, (_, width) in enumerate(columns, start=1):
        cell = ws.cell(row=2, column=index)
        cell.font, cell.fill, cell.border = HEAD_FONT, HEAD_FILL, BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A3"


def _commitment_sheet(ws: Worksheet, name: str | None, title: str, rows: list[Commitment], as_of: dt.date) -> None:
    if name:
        ws.title = name
    _title(ws, title, len(COLUMNS))
    _header(ws, COLUMNS)
    for n, c in enumerate(rows, start=1):
        ws.append([n, c.item, c.title, c.author, c.unit, c.topic, c.measure, c.deadline, c.days_left(as_of),
                   status_as_of(c.deadline, as_of), None])
        for cell in ws[ws.max_row]:
            cell.border, cell.alignment = BOX, WRAP
        ws.cell(row=ws.max_row, column=8).number_format = "yyyy-mm-dd"
    last = max(ws.max_row, 3)
    ws.auto_filter.ref = f"A2:{get_column_letter(len(COLUMNS))}{last}"
    status = DataValidation(
        type="list", formula1=f'"{",".join(STATUSES)}"', allow_blank=False, showErrorMessage=True,
        errorTitle="状态", error=f"状态只能是：{'、'.join(STATUSES)}",
        promptTitle="状态", prompt="核实办结后改为“已办结”，并在“办结情况说明”中写明", showInputMessage=True,
    )
    status.add(f"{STATUS_COLUMN}3:{STATUS_COLUMN}{VALIDATED_ROWS}")
    ws.add_data_validation(status)
    ws.conditional_formatting.add(
        f"{DAYS_COLUMN}3:{DAYS_COLUMN}{VALIDATED_ROWS}", CellIsRule(operator="lessThan", formula=["0"], font=OVERDUE_FONT)
    )


def _summary_sheet(ws: Worksheet, title: str, units: list[str], rows: list[Commitment], as_of: dt.date) -> None:
    _title(ws, title, len(SUMMARY_COLUMNS))
    _header(ws, SUMMARY_COLUMNS)
    totals = [0] * 5
    for unit in [*units, None]:
        if unit is None:
            counts = totals
        else:
            mine = [status_as_of(c.deadline, as_of) for c in rows if c.unit == unit]
            overdue = sum(1 for s in mine if s == DUE_TO_VERIFY)
            counts = [len(mine), mine.count(NOT_DUE), mine.count(DUE_TO_VERIFY), mine.count(CLOSED), overdue]
            totals = [a + b for a, b in zip(totals, counts)]
        ws.append([unit or "合计", *counts])
        for cell in ws[ws.max_row]:
            cell.border = BOX
            if unit is None:
                cell.font = HEAD_FONT
