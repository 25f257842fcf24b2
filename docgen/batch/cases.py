"""A batch's cases from an uploaded file: JSON for any kind, a spreadsheet for a kind with a table.

The intake stage reads the file; the kind's table (:attr:`DocumentKind.table`) says which
columns there are and how a row becomes a case.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..intake.jsondata import MalformedJson, decode_json, listed
from ..findings import Finding
from ..intake.tables import (
    TABLE_SUFFIXES,
    Origin,
    RawRow,
    TableSpec,
    Unreadable,
    convert_row,
    group_rows,
    read_table as read_rows,
)
from ..intake.workbooks import IntakeLimits
from ..kinds import all_kinds, get_kind
from ..kinds.base import DocumentKind
from .errors import MAX_CASES, BatchBadValues, BatchTooLarge, BatchUnreadable

ORIGIN = Origin("cases", "batch")


@dataclass
class LoadedCases:
    cases: list[Any]
    origins: list[str | None] = field(default_factory=list)  # where each case came from (row), if known


@dataclass
class TableRow:
    case: dict[str, Any]
    where: RowsOrigin  # 工作表“答复函”第3行 / 第3至5行 / CSV 文件第3行


def load_cases(kind: str, filename: str, content: bytes, limits: IntakeLimits | None = None) -> LoadedCases:
    """Cases from an uploaded file: .json (a list, or ``{"cases": [...]}``) for any kind; for a
    kind with a table also .xlsx / .xls / .ods / .csv (see :func:`read_table`). Raises
    :class:`BatchUnreadable`, :class:`BatchBadValues` or :class:`BatchTooLarge`."""
    get_kind(kind)
    suffix = Path(filename).suffix.lower()
    if suffix == ".json" or (suffix not in TABLE_SUFFIXES and content.lstrip()[:1] in (b"[", b"{")):
        return LoadedCases(cases_from_json(filename, content))
    rows = read_table(kind, filename, content, limits)
    return LoadedCases([r.case for r in rows], [r.where for r in rows])


def cases_from_json(filename: str, content: bytes) -> list[Any]:
    """The cases of a JSON file: a list, or an object whose ``cases`` is one."""
    try:
        cases = listed(decode_json(content, f"“{filename}”"), ("cases",))
    except MalformedJson as exc:
        raise BatchUnreadable([exc.finding("batch.bad_json", ORIGIN.field)]) from exc
    if cases is None:
        raise BatchUnreadable([ORIGIN.problem("bad_json", f"“{filename}”应为案件的列表，或含 cases 列表的对象")])
    if len(cases) > MAX_CASES:
        raise BatchTooLarge(len(cases))
    return cases


def tabular_kinds() -> list[DocumentKind]:
    """The kinds whose cases a spreadsheet can carry (one or more rows per case)."""
    return [k for k in all_kinds() if k.table is not None and (k.table.record or k.table.group_record)]


def read_table(kind: str, filename: str, content: bytes, limits: IntakeLimits | None = None) -> list[TableRow]:
    """The rows of a cases spreadsheet (.xlsx, .xls, .ods, or .csv in UTF-8 or GB18030) as cases
    of ``kind``, with where each came from.

    Raises :class:`BatchUnreadable` (the kind has no table, not a spreadsheet, bad encoding,
    missing or unknown column, no rows), :class:`BatchBadValues` (cells that cannot be
    converted, required cells left empty, a letter's rows that disagree: each finding names
    sheet, row, column, value and reason) or :class:`BatchTooLarge`. A workbook is opened
    under ``limits`` (safe defaults when None).
    """
    found = get_kind(kind)
    table = found.table
    if found not in tabular_kinds():
        others = "、".join(k.title for k in tabular_kinds())
        raise BatchUnreadable([ORIGIN.problem(
            "kind_not_tabular",
            f"“{found.title}”不能用表格批量生成，请上传本系统导出的案件数据文件（.json）；可用表格批量生成的文书：{others}",
        )])
    assert table is not None
    try:
        raw_rows = read_rows(filename, content, table, ORIGIN, limits)
    except Unreadable as exc:
        raise BatchUnreadable(exc.findings) from exc
    if table.group_record is not None:
        return _grouped(raw_rows, table)
    if len(raw_rows) > MAX_CASES:
        raise BatchTooLarge(len(raw_rows))
    rows: list[TableRow] = []
    bad = []
    for index, raw in enumerate(raw_rows):
        values, findings = convert_row(raw, table, f"{ORIGIN.field}[{index}]", ORIGIN.code)
        bad += findings
        rows.append(TableRow({} if findings or table.record is None else table.record(values), RowsOrigin(raw.where)))
    if bad:
        raise BatchBadValues(bad)
    return rows


def _grouped(raw_rows: list[RawRow], table: TableSpec) -> list[TableRow]:
    groups, bad = group_rows(raw_rows, table, ORIGIN.field, ORIGIN.code)
    if len(groups) > MAX_CASES:
        raise BatchTooLarge(len(groups))
    if bad:
        raise BatchBadValues(bad)
    rows = []
    for group in groups:
        case, places = table.group_record(group)  # type: ignore[misc]
        first, last = group.rows[0].where, group.rows[-1].where
        span = first if len(group.rows) == 1 else f"{first}至{last[last.rfind('第'):]}"
        rows.append(TableRow(case, RowsOrigin(span, places)))
    return rows


class RowsOrigin(str):
    """Where a case came from (工作表“答复函”第3至5行), and where each of its paths was read
    (``points[1].measures[0]`` → 工作表“答复函”第5行“措施”列), so that a finding about the
    case can name the sheet row and column."""

    places: dict[str, str]

    def __new__(cls, where: str, places: dict[str, str] | None = None) -> RowsOrigin:
        origin = super().__new__(cls, where)
        origin.places = places or {}
        return origin

    def place_of(self, path: str) -> str | None:
        """The cell (or row) a case path was read from: its own, or its nearest enclosing path's."""
        while path:
            if path in self.places:
                return self.places[path]
            path = path[: max(path.rfind("."), path.rfind("["), 0)]
        return None


def located(finding: Finding, origin: str | None) -> dict[str, str]:
    """A finding as a report entry holds it, with ``where`` (sheet, row, column) when the case came from a table."""
    out = finding.to_dict()
    place = origin.place_of(finding.path) if isinstance(origin, RowsOrigin) else None
    if place:
        out["where"] = place
    return out
