"""A batch's cases from an uploaded file: JSON for any kind, a spreadsheet for a kind with a table.

The intake stage reads the file; the kind's table (:attr:`DocumentKind.table`) says which
columns there are and how a row becomes a case.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..intake.jsondata import MalformedJson, decode_json, listed
from ..intake.tables import TABLE_SUFFIXES, Origin, Unreadable, convert_row, read_table as read_rows
from ..kinds import all_kinds, get_kind
from .errors import MAX_CASES, BatchBadValues, BatchTooLarge, BatchUnreadable

ORIGIN = Origin("cases", "batch")


@dataclass
class LoadedCases:
    cases: list[Any]
    origins: list[str | None] = field(default_factory=list)  # where each case came from (row), if known


@dataclass
class TableRow:
    case: dict[str, Any]
    where: str  # 工作表“答复函”第3行 / CSV 文件第3行


def load_cases(kind: str, filename: str, content: bytes) -> LoadedCases:
    """Cases from an uploaded file: .json (a list, or ``{"cases": [...]}``) for any kind; for a
    kind with a table also .xlsx / .csv (see :func:`read_table`). Raises
    :class:`BatchUnreadable`, :class:`BatchBadValues` or :class:`BatchTooLarge`."""
    get_kind(kind)
    suffix = Path(filename).suffix.lower()
    if suffix == ".json" or (suffix not in TABLE_SUFFIXES and content.lstrip()[:1] in (b"[", b"{")):
        return LoadedCases(cases_from_json(filename, content))
    rows = read_table(kind, filename, content)
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


def read_table(kind: str, filename: str, content: bytes) -> list[TableRow]:
    """The rows of a cases spreadsheet (.xlsx, or .csv in UTF-8 or GB18030) as cases of ``kind``,
    with where each came from.

    Raises :class:`BatchUnreadable` (the kind has no table, not a spreadsheet, bad encoding,
    missing or unknown column, no rows), :class:`BatchBadValues` (cells that cannot be
    converted, required cells left empty: each finding names sheet, row, column, value and
    reason) or :class:`BatchTooLarge`.
    """
    found = get_kind(kind)
    table = found.table
    if table is None or table.record is None:
        tabular = "、".join(f"{k.title}（{k.name}）" for k in all_kinds() if k.table is not None)
        raise BatchUnreadable([ORIGIN.problem(
            "kind_not_tabular",
            f"“{found.title}”（{kind}）的批量案件只接受 JSON（.json 文件或请求中的 cases 列表）；"
            f"表格（.xlsx/.csv）目前只支持{tabular}",
        )])
    try:
        raw_rows = read_rows(filename, content, table, ORIGIN)
    except Unreadable as exc:
        raise BatchUnreadable(exc.findings) from exc
    if len(raw_rows) > MAX_CASES:
        raise BatchTooLarge(len(raw_rows))
    rows: list[TableRow] = []
    bad = []
    for index, raw in enumerate(raw_rows):
        values, findings = convert_row(raw, table, f"{ORIGIN.field}[{index}]", ORIGIN.code)
        bad += findings
        rows.append(TableRow({} if findings else table.record(values), raw.where))
    if bad:
        raise BatchBadValues(bad)
    return rows
