"""Tables: a workbook (.xlsx, .xls, .ods), a .csv file or JSON records → rows of values named by column key.

A :class:`TableSpec` describes a table as data: its columns (key, header as in the template,
other header names, required or not, cell converter) and how headers are found. This module
opens the file (the one place where docgen opens a spreadsheet), finds the header row, maps
the headers to columns, and converts cells; every problem becomes a finding that names the
sheet, row, column, value and reason. No row is dropped silently: empty rows are skipped,
every other row is either converted or reported.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from ..errors import InputRejected
from ..findings import Finding, error
from .cells import CellError, cell_text, is_blank
from .workbooks import IntakeLimits, WorkbookRefused, check_sheet_size, check_workbook

Converter = Callable[[Any], Any]


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # the header in the template spreadsheet
    aliases: tuple[str, ...] = ()  # other headers clerks write
    required: bool = False
    note: str = ""  # how to fill it (the template's 填写说明)
    convert: Converter = cell_text


@dataclass(frozen=True)
class TableSpec:
    """What a table of one kind of record looks like.

    ``header_rows``: the header is the row among the top N naming the most columns (at least
    three), so that title rows (merged or not) may stand above it; row 1 when none does. ``strict_headers``: an unknown
    header (other than ``ignored`` ones) or a column given twice refuses the file; otherwise
    unknown columns are reported as a warning and the first of two same columns is used.
    ``template``: the template file messages point to. ``record``: how a row's converted
    values become the record the table stands for (a case), when the table is one of cases.

    A record may take several rows (a letter with several points): ``group_by`` is the column
    whose value identifies the record (a row leaving it empty continues the record above),
    ``part_columns`` the columns each row gives for itself, and ``group_record`` turns a
    :class:`Group` into the record and where each of its paths was read (for messages).
    """

    columns: tuple[Column, ...]
    template: str
    header_rows: int = 1
    strict_headers: bool = False
    ignored: tuple[str, ...] = ()
    record: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    group_by: str | None = None
    part_columns: tuple[str, ...] = ()
    group_record: Callable[[Group], tuple[dict[str, Any], dict[str, str]]] | None = None

    @cached_property
    def _headers(self) -> dict[str, str]:
        """Every name of every column, compared loosely → the column's key."""
        headers: dict[str, str] = {}
        for column in self.columns:
            for name in (column.key, column.label, *column.aliases):
                headers.setdefault(header_key(name), column.key)
        return headers

    @cached_property
    def required_keys(self) -> frozenset[str]:
        return frozenset(c.key for c in self.columns if c.required)

    @cached_property
    def _by_key(self) -> dict[str, Column]:
        return {c.key: c for c in self.columns}

    def column_of(self, header: Any) -> str | None:
        """The key of the column a header names, or None."""
        return self._headers.get(header_key(header))

    def column(self, key: str) -> Column:
        return self._by_key[key]

    def is_ignored(self, header: Any) -> bool:
        return header_key(header) in {header_key(h) for h in self.ignored}


@dataclass(frozen=True)
class Origin:
    """How findings name the input: its field (``ledger``, ``cases``) and code prefix (``ledger``, ``batch``)."""

    field: str
    code: str
    noun: str = "文件"  # 台账文件

    def problem(self, what: str, message: str, path: str | None = None) -> Finding:
        where = path or self.field
        return error(f"{self.code}.{what}", where, f"{where}：{message}")


class Unreadable(InputRejected):
    """The input as a whole cannot be used (not a spreadsheet, bad encoding, missing column, …)."""

    code = "unreadable"
    title = "文件无法读取"


@dataclass
class RawRow:
    """A row as read: raw cell values by column key, and where it came from (for messages)."""

    values: dict[str, Any]
    where: str  # 工作表“台账”第5行 / CSV 文件第5行 / 第3条记录
    headers: dict[str, str] = field(default_factory=dict)  # column key → header as written
    unknown: list[str] = field(default_factory=list)  # headers of columns no spec names

    def header(self, column: Column) -> str:
        return self.headers.get(column.key, column.label)


HEADER_REMEMBERED_LENGTH = 64


def header_key(text: Any) -> str:
    """A header compared loosely: no spaces, asterisks, brackets or colons; lower case.

    A table repeats its few headers on every row of JSON records, so the keys of short texts are
    remembered; a long one (any cell of an uploaded sheet is tried as a header) is not, so that
    the 4,096 remembered hold kilobytes, not what uploads put in cells.
    """
    text = str(text)
    return _remembered_header_key(text) if len(text) <= HEADER_REMEMBERED_LENGTH else _loose_key(text)


def _loose_key(text: str) -> str:
    return re.sub(r"[\s*＊（）()：:]+", "", text).lower()


_remembered_header_key = lru_cache(maxsize=4096)(_loose_key)


def decode_csv(content: bytes) -> str | None:
    """CSV text as Chinese Excel exports it: UTF-8 (with or without BOM) or GB18030; None if neither."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def column_letter(index: int) -> str:
    """0 → A, 26 → AA: the column as a spreadsheet names it."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --- opening files ------------------------------------------------------------------------------

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
TABLE_SUFFIXES = (*WORKBOOK_SUFFIXES, ".csv")
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary Excel format (.xls)
TOTAL_ROW = re.compile(r"^(合计|总计|共计|小计)")


class Table(list):
    """The data rows of a sheet (:class:`RawRow`), and how the sheet was laid out.

    ``place`` names the sheet (工作表“台账”), ``header_row`` is the sheet row of the header
    (1-based) and ``left_aside`` the rows that are neither header nor data, each as
    “第72行（合计行）”: title rows above the header and blank rows are not listed."""

    def __init__(self, rows: list[RawRow], place: str, header_row: int, left_aside: list[str]) -> None:
        super().__init__(rows)
        self.place = place
        self.header_row = header_row
        self.left_aside = left_aside

    def layout_text(self) -> str:
        """How the sheet was read, for the report: 工作表“台账”第3行为表头，第72行（合计行）不是数据行."""
        text = f"{self.place}第{self.header_row}行为表头"
        if self.left_aside:
            text += f"，{'、'.join(self.left_aside)}不是数据行"
        return text


def read_table(
    filename: str, content: bytes, spec: TableSpec, origin: Origin, limits: IntakeLimits | None = None,
) -> Table:
    """The non-empty rows of a workbook (.xlsx, .xls, .ods) or a .csv file, by extension, then by content.

    Raises :class:`Unreadable` for an empty file, a file that is not a spreadsheet, a workbook
    beyond ``limits`` (``{origin}.too_large``, see :mod:`.workbooks`), an encoding that is
    neither UTF-8 nor GB18030, headers the spec refuses or lacks, or a file without data rows."""
    suffix = Path(filename).suffix.lower()
    if not content.strip():
        raise Unreadable([origin.problem("empty", f"{origin.noun}“{filename}”是空的")])
    if suffix in WORKBOOK_SUFFIXES or (suffix != ".csv" and content.startswith((b"PK", OLE_MAGIC))):
        place, grid = _workbook_grid(filename, content, origin, limits)
    elif suffix == ".csv":
        place, grid = _csv_grid(filename, content, origin)
    else:
        raise Unreadable([origin.problem(
            "unsupported_file",
            f"不支持的{origin.noun}“{filename}”，请上传 Excel（.xlsx、.xls）、WPS/LibreOffice 表格（.ods）、"
            f".csv（UTF-8 或 GB18030）或 .json 文件",
        )])
    return _rows(place, grid, spec, origin)


def _workbook_grid(
    filename: str, content: bytes, origin: Origin, limits: IntakeLimits | None,
) -> tuple[str, list[list[Any]]]:
    """The first visible worksheet as rows of cell values from A1 (python-calamine).

    calamine reads every row the sheet holds, whatever its ``<dimension>`` declares (openpyxl's
    read-only mode stops where a stale dimension says the sheet ends). A zip-based workbook is
    checked under ``limits`` first (:func:`.workbooks.check_workbook`)."""
    from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    if content.startswith(b"PK"):
        try:
            check_workbook(filename, content, limits)
        except WorkbookRefused as exc:
            raise Unreadable([origin.problem("too_large" if exc.too_large else "not_a_spreadsheet", str(exc))]) from exc
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        try:
            sheets = [s for s in workbook.sheets_metadata if s.typ == SheetTypeEnum.WorkSheet]
            shown = next((s for s in sheets if s.visible == SheetVisibleEnum.Visible), sheets[0] if sheets else None)
            if shown is None:
                raise Unreadable([origin.problem("empty", f"{origin.noun}“{filename}”中没有工作表")])
            sheet = workbook.get_sheet_by_name(shown.name)
            if sheet.end is not None:
                check_sheet_size(filename, shown.name, sheet.end[0] + 1, sheet.end[1] + 1, limits)
            return f"工作表“{shown.name}”", sheet.to_python(skip_empty_area=False)
        finally:
            workbook.close()
    except WorkbookRefused as exc:
        raise Unreadable([origin.problem("too_large", str(exc))]) from exc
    except (CalamineError, OSError, ValueError, IndexError, TypeError) as exc:
        raise Unreadable([origin.problem(
            "not_a_spreadsheet",
            f"“{filename}”不是有效的 Excel 工作簿（.xlsx、.xls）或 .ods 表格，无法读取（{str(exc)[:80] or type(exc).__name__}）",
        )]) from exc


def _csv_grid(filename: str, content: bytes, origin: Origin) -> tuple[str, list[list[Any]]]:
    text = decode_csv(content)
    if text is None:
        raise Unreadable([origin.problem("encoding", f"“{filename}”既不是 UTF-8 也不是 GB18030 编码的 CSV 文件")])
    first = text.split("\n", 1)[0]
    dialect = "excel-tab" if "\t" in first and "," not in first else "excel"
    try:
        return "CSV 文件", list(csv.reader(io.StringIO(text, newline=""), dialect))
    except csv.Error as exc:
        raise Unreadable([origin.problem("not_a_spreadsheet", f"“{filename}”不是有效的 CSV 文件：{exc}")]) from exc


def _header_row(grid: list[list[Any]], spec: TableSpec) -> int | None:
    """The row among the top ``spec.header_rows`` naming the most columns (at least three), or None."""
    best, named = None, 2
    for n, row in enumerate(grid[: spec.header_rows]):
        count = len({spec.column_of(cell) for cell in row if not is_blank(cell)} - {None})
        if count > named:
            best, named = n, count
    return best


def _is_total(cells: list[Any]) -> bool:
    """A 合计/总计 row closing the table: its first filled cell says so."""
    first = next((c for c in cells if not is_blank(c)), None)
    return isinstance(first, str) and TOTAL_ROW.match(re.sub(r"\s+", "", first)) is not None


def _rows(place: str, grid: list[list[Any]], spec: TableSpec, origin: Origin) -> Table:
    found = _header_row(grid, spec)
    start = 0 if found is None else found
    header = grid[start] if grid else []
    keys: dict[int, str] = {}
    written: dict[str, str] = {}
    unknown: list[str] = []
    problems: list[Finding] = []
    for index, name in enumerate(header):
        if is_blank(name):
            continue
        key, label = spec.column_of(name), cell_text(name)
        if key is None:
            if spec.is_ignored(name):
                continue
            if not spec.strict_headers:
                unknown.append(label)
            else:
                problems.append(origin.problem(
                    "unknown_column",
                    f"{place}第{column_letter(index)}列的表头“{label}”不认识。"
                    f"可用的列：{'、'.join(c.label for c in spec.columns)}（或对应英文列名）；不需要的列请删除",
                ))
        elif key not in written:
            keys[index], written[key] = key, label
        elif spec.strict_headers:
            problems.append(origin.problem(
                "duplicate_column",
                f"{place}的“{written[key]}”和“{label}”是同一列（{spec.column(key).label}），请只保留一列",
            ))
    missing = [c.label for c in spec.columns if c.required and c.key not in written]
    if missing:
        where = (f"在前{spec.header_rows}行中找不到表头" if found is None and spec.header_rows > 1
                 else f"表头（第{start + 1}行）")
        problems.insert(0, origin.problem(
            "missing_column", f"{place}缺少必需的列：{'、'.join(missing)}（{where}，可参照{spec.template}）",
        ))
    if problems:
        raise Unreadable(problems)
    rows: list[RawRow] = []
    left_aside: list[str] = []
    for n, cells in enumerate(grid[start + 1:], start=start + 2):
        if all(is_blank(c) for c in cells):
            continue
        if _is_total(cells):
            left_aside.append(f"第{n}行（合计行）")
            continue
        rows.append(RawRow({key: cells[i] if i < len(cells) else None for i, key in keys.items()}, f"{place}第{n}行", written))
    if not rows:
        raise Unreadable([origin.problem("empty", f"{place}只有表头，没有任何数据行")])
    rows[0].unknown = unknown
    return Table(rows, place, start + 1, left_aside)


def rows_from_records(records: list[Any], spec: TableSpec, origin: Origin) -> list[RawRow]:
    """Rows given as JSON objects keyed by any header the spec knows (Chinese or English)."""
    if not records:
        raise Unreadable([origin.problem("empty", f"{origin.noun.removesuffix('文件')}没有任何数据行")])
    rows = []
    for number, record in enumerate(records):
        where = f"第{number + 1}条记录"
        if not isinstance(record, dict):
            raise Unreadable([origin.problem("bad_row", f"{where}应为对象", f"{origin.field}[{number}]")])
        row = RawRow({}, where)
        for name, value in record.items():
            key = spec.column_of(name)
            if key is None:
                row.unknown.append(str(name))
            else:
                row.values[key], row.headers[key] = value, str(name)
        rows.append(row)
    return rows


# --- converting cells ----------------------------------------------------------------------------


def convert_row(
    row: RawRow, spec: TableSpec, path: str, code: str, required: Collection[str] | None = None,
) -> tuple[dict[str, Any], list[Finding]]:
    """Every cell of ``row`` through its column's converter.

    Returns the values that are given (empty ones left out) and a finding per bad cell
    (``{code}.bad_value``) and per required cell left empty (``{code}.missing_value``), each
    at ``{path}.{key}`` and naming the row, column, value and reason. ``required``: the keys
    that must be given in this row, when not the spec's required columns (rows of a group)."""
    needed = spec.required_keys if required is None else required
    values: dict[str, Any] = {}
    bad: list[Finding] = []
    for key, raw in row.values.items():
        if raw is None or raw == "" or (isinstance(raw, str) and raw.isspace()):
            continue
        column = spec.column(key)
        try:
            value = column.convert(raw)
        except CellError as exc:
            where = f"{path}.{key}"
            bad.append(error(
                f"{code}.bad_value", where, f"{where}：{row.where}“{row.header(column)}”列的值“{cell_text(raw)[:40]}”{exc}",
            ))
            continue
        if value not in (None, "", []):
            values[key] = value
    if all(key in values for key in needed):
        return values, bad
    bad_paths = {f.path for f in bad}
    missing = [
        error(f"{code}.missing_value", f"{path}.{c.key}", f"{path}.{c.key}：{row.where}“{row.header(c)}”列不能为空")
        for c in spec.columns
        if c.key in needed and c.key not in values and f"{path}.{c.key}" not in bad_paths
    ]
    return values, bad + missing


def _group_key(raw: Any, column: Column) -> Any:
    """The record a row belongs to: its converted group cell (123 and 第123号 are one), "" when empty."""
    if is_blank(raw):
        return ""
    try:
        return column.convert(raw)
    except CellError:
        return cell_text(raw)


@dataclass
class Group:
    """The rows of one record in a table of several rows per record (:attr:`TableSpec.group_by`).

    ``values`` are the record's cells (from its first row, or a later row where the first left
    them empty), ``parts`` each row's part cells with where the row is, ``places`` where each
    record cell was read (``工作表“答复函”第3行“联系人”列``)."""

    rows: list[RawRow]
    values: dict[str, Any] = field(default_factory=dict)
    parts: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    places: dict[str, str] = field(default_factory=dict)


def group_rows(rows: list[RawRow], spec: TableSpec, path: str, code: str) -> tuple[list[Group], list[Finding]]:
    """Rows → records of several rows each, with a finding per bad cell and per contradiction.

    A row starts a new record unless its ``spec.group_by`` cell is empty or repeats the record
    above. The record's required cells are required on its first row; a part's required cells
    on every row that starts a part (fills any of them). A record cell repeated on a later row
    must say the same as before. Findings are at ``{path}[g].{key}``, ``g`` the record's index."""
    assert spec.group_by is not None
    groups: list[Group] = []
    keys: list[Any] = []
    for row in rows:
        key = _group_key(row.values.get(spec.group_by), spec.column(spec.group_by))
        if groups and (key == "" or key == keys[-1]):
            groups[-1].rows.append(row)
        else:
            groups.append(Group([row]))
            keys.append(key)
    record_required = {c.key for c in spec.columns if c.required and c.key not in spec.part_columns}
    part_required = {c.key for c in spec.columns if c.required and c.key in spec.part_columns}
    findings: list[Finding] = []
    for index, group in enumerate(groups):
        where = f"{path}[{index}]"
        for n, row in enumerate(group.rows):
            starts_part = n == 0 or any(not is_blank(row.values.get(k)) for k in part_required)
            required = (record_required if n == 0 else set()) | (part_required if starts_part else set())
            values, problems = convert_row(row, spec, where, code, required)
            findings += problems
            for key, value in values.items():
                if key in spec.part_columns:
                    continue
                place = f"{row.where}“{row.header(spec.column(key))}”列"
                if key not in group.values:
                    group.values[key], group.places[key] = value, place
                elif group.values[key] != value:
                    findings.append(error(
                        f"{code}.group_conflict", f"{where}.{key}",
                        f"{where}.{key}：{place}的值“{cell_text(row.values[key])[:40]}”与同一件的"
                        f"{group.places[key]}不同；同一件的各行，这一列只需在第一行填写",
                    ))
            group.parts.append((row.where, {k: v for k, v in values.items() if k in spec.part_columns}))
    return groups, findings
