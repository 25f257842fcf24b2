"""The year's ledger (台账): one row per item handled, read from .xlsx, .csv or JSON.

Staff write headers in Chinese (as in ``samples/annual-summary/台账模板.xlsx``); other systems
send English keys. Every cell is converted here, once; a bad cell becomes a finding that names
the sheet, row, column, value and reason, and no row is ever dropped silently.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .findings import Finding, error, warning

Role = Literal["主办", "会办"]
Rating = Literal["满意", "基本满意", "不满意"]
CONTACT_MODES = ("面商", "座谈", "走访", "电话", "信函", "其他", "未联系")
FACE_TO_FACE = ("面商", "座谈", "走访")


class LedgerRow(BaseModel):
    """One item in the ledger (normalised: English keys, typed values)."""

    model_config = ConfigDict(extra="forbid")

    source: Literal["建议", "提案"] = Field(title="来源")
    session: str = Field("", title="会议", description="如 市十五届人大三次会议")
    item_number: int = Field(ge=1, title="编号")
    title: str = Field(min_length=1, title="标题")
    lead_author: str = Field("", title="领衔人")
    role: Role = Field(title="办理方式")
    lead_unit: str = Field("", title="主办单位")
    co_units: list[str] = Field(default_factory=list, title="会办单位")
    key_item: bool = Field(False, title="重点件")
    topic: str = Field("", title="类别")
    assigned_on: dt.date = Field(title="交办日期")
    replied_on: dt.date | None = Field(None, title="答复日期")
    result_class: str | None = Field(None, title="办理结果")
    complex: bool = Field(False, title="情况复杂")
    contact_mode: str | None = Field(None, title="沟通方式")
    published: bool | None = Field(None, title="答复公开", description="是/否；不予公开的答复填“不予公开”")
    publishable: bool = Field(True, title="可公开")
    attitude: Rating | None = Field(None, title="办理态度评价", description="征询意见表未收回则留空")
    result_rating: Rating | None = Field(None, title="办理结果评价")
    closed: bool | None = Field(None, title="是否办结")


_ROW_DEFAULTS: dict[str, Any] = {
    name: (info.default_factory() if info.default_factory else info.default)
    for name, info in LedgerRow.model_fields.items()
    if not info.is_required()
}


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # the header in the template spreadsheet
    aliases: tuple[str, ...] = ()
    required: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("source", "来源", ("类型", "建议提案", "件别"), required=True),
    Column("session", "会议", ("届次", "届次会议")),
    Column("item_number", "编号", ("建议编号", "提案编号", "序号", "案号"), required=True),
    Column("title", "标题", ("建议标题", "提案标题", "案由", "题目"), required=True),
    Column("lead_author", "领衔人", ("领衔代表", "第一提案人", "提出人", "代表委员")),
    Column("role", "办理方式", ("主办会办", "主会办", "承办方式"), required=True),
    Column("lead_unit", "主办单位", ()),
    Column("co_units", "会办单位", ("协办单位",)),
    Column("key_item", "重点件", ("是否重点", "重点")),
    Column("topic", "类别", ("主题", "分类", "领域")),
    Column("assigned_on", "交办日期", ("交办时间",), required=True),
    Column("replied_on", "答复日期", ("答复时间", "办复日期")),
    Column("result_class", "办理结果", ("结果分类", "办理结果分类", "类别标识")),
    Column("complex", "情况复杂", ("复杂件",)),
    Column("contact_mode", "沟通方式", ("联系方式", "沟通形式", "面商情况")),
    Column("published", "答复公开", ("是否公开", "公开情况")),
    Column("attitude", "办理态度评价", ("态度评价", "办理态度")),
    Column("result_rating", "办理结果评价", ("结果评价", "结果满意度")),
    Column("closed", "是否办结", ("办结", "办结情况")),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}


def header_key(text: str) -> str:
    return re.sub(r"[\s*＊（）()：:]+", "", str(text)).lower()


_HEADERS: dict[str, str] = {}
for _c in COLUMNS:
    for _name in (_c.key, _c.label, *_c.aliases):
        _HEADERS[header_key(_name)] = _c.key


@dataclass
class RawRow:
    """A row as read, with where it came from (for messages)."""

    values: dict[str, Any]  # column key → raw cell value
    where: str  # 工作表“台账”第5行 / 第5行 / 第3条
    headers: dict[str, str] = field(default_factory=dict)  # column key → header as written


@dataclass
class Ledger:
    rows: list[LedgerRow]
    findings: list[Finding]

    @property
    def ok(self) -> bool:
        return not any(f.severity.value == "error" for f in self.findings)


class LedgerUnreadable(Exception):
    """The file as a whole cannot be read; ``findings`` say why."""

    def __init__(self, findings: list[Finding]):
        super().__init__(findings[0].message if findings else "台账无法读取")
        self.findings = findings


# --- reading files ----------------------------------------------------------------------


def read_ledger_file(filename: str, content: bytes) -> list[RawRow]:
    """Rows of a .xlsx, .csv or .json file (by extension, then by content)."""
    suffix = Path(filename).suffix.lower()
    if not content.strip():
        raise LedgerUnreadable([error("ledger.empty", "ledger", f"ledger：台账文件“{filename}”是空的")])
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(filename, content)
    if suffix == ".csv":
        return _read_csv(filename, content)
    if suffix == ".json":
        return _read_json(filename, content)
    if content.startswith(b"PK"):
        return _read_xlsx(filename, content)
    raise LedgerUnreadable([error(
        "ledger.unsupported_file", "ledger",
        f"ledger：不支持的台账文件“{filename}”，请上传 .xlsx、.csv（UTF-8 或 GB18030）或 .json 文件",
    )])


def _rows_from_table(header: list[Any], body: Iterable[tuple[int, list[Any]]], place: str, filename: str) -> list[RawRow]:
    keys: dict[int, str] = {}
    written: dict[str, str] = {}
    unknown: list[str] = []
    for index, name in enumerate(header):
        if name is None or str(name).strip() == "":
            continue
        key = _HEADERS.get(header_key(name))
        if key is None:
            unknown.append(str(name).strip())
        elif key not in written:
            keys[index] = key
            written[key] = str(name).strip()
    missing = [c.label for c in COLUMNS if c.required and c.key not in written]
    if missing:
        raise LedgerUnreadable([error(
            "ledger.missing_column", "ledger",
            f"ledger：{place}缺少必需的列：{'、'.join(missing)}（表头应在第1行，可参照台账模板）",
        )])
    rows = []
    for number, cells in body:
        if all(c is None or str(c).strip() == "" for c in cells):
            continue
        values = {key: cells[i] if i < len(cells) else None for i, key in keys.items()}
        rows.append(RawRow(values, f"{place}第{number}行", written))
    if not rows:
        raise LedgerUnreadable([error("ledger.empty", "ledger", f"ledger：{place}只有表头，没有任何数据行")])
    if unknown:
        rows[0].values.setdefault("__unknown__", unknown)
    return rows


def _read_xlsx(filename: str, content: bytes) -> list[RawRow]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise LedgerUnreadable([error(
            "ledger.not_a_spreadsheet", "ledger",
            f"ledger：“{filename}”不是有效的 Excel 工作簿（.xlsx），无法读取：{type(exc).__name__}",
        )]) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = list(next(rows, []) or [])
        body = ((n, list(r)) for n, r in enumerate(rows, start=2))
        return _rows_from_table(header, body, f"工作表“{sheet.title}”", filename)
    finally:
        workbook.close()


def decode_csv(content: bytes) -> str | None:
    """CSV text as Chinese Excel exports it: UTF-8 (with or without BOM) or GB18030; None if neither."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _read_csv(filename: str, content: bytes) -> list[RawRow]:
    text = decode_csv(content)
    if text is None:
        raise LedgerUnreadable([error(
            "ledger.encoding", "ledger", f"ledger：“{filename}”既不是 UTF-8 也不是 GB18030 编码的 CSV 文件",
        )])
    reader = csv.reader(io.StringIO(text))
    header = next(reader, [])
    return _rows_from_table(header, ((n, row) for n, row in enumerate(reader, start=2)), "CSV 文件", filename)


def _read_json(filename: str, content: bytes) -> list[RawRow]:
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise LedgerUnreadable([error("ledger.bad_json", "ledger", f"ledger：“{filename}”不是有效的 JSON：{exc}")]) from exc
    if isinstance(data, dict):
        data = data.get("rows", data.get("ledger"))
    if not isinstance(data, list):
        raise LedgerUnreadable([error(
            "ledger.bad_json", "ledger", f"ledger：“{filename}”应为行的列表，或含 rows 列表的对象",
        )])
    return raw_rows_from_records(data)


def raw_rows_from_records(records: list[Any]) -> list[RawRow]:
    """Rows given as JSON objects with Chinese or English keys (inline in a request)."""
    if not records:
        raise LedgerUnreadable([error("ledger.empty", "ledger", "ledger：台账没有任何数据行")])
    rows = []
    for number, record in enumerate(records):
        where = f"第{number + 1}条记录"
        if not isinstance(record, dict):
            raise LedgerUnreadable([error("ledger.bad_row", f"ledger[{number}]", f"ledger[{number}]：{where}应为对象")])
        values: dict[str, Any] = {}
        written: dict[str, str] = {}
        unknown = []
        for name, value in record.items():
            key = _HEADERS.get(header_key(name))
            if key is None:
                unknown.append(str(name))
            else:
                values[key], written[key] = value, str(name)
        if unknown:
            values["__unknown__"] = unknown
        rows.append(RawRow(values, where, written))
    return rows


# --- converting cells ---------------------------------------------------------------------

_TRUE = {"是", "y", "yes", "true", "1", "√", "✓", "有", "已办结", "办结", "公开", "已公开"}
_FALSE = {"否", "n", "no", "false", "0", "×", "无", "未办结", "未公开", ""}
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
)


class CellError(ValueError):
    pass


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def cell_date(value: Any) -> dt.date | None:
    if value is None or cell_text(value) == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = cell_text(value).split(" ")[0].split("T")[0]
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return dt.date(*(int(g) for g in match.groups()))
            except ValueError:
                break
    raise CellError("不是有效日期，应写成 2024-03-20 或 2024年3月20日")


def cell_bool(value: Any) -> bool | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    text = cell_text(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return None if text == "" else False
    raise CellError("应填“是”或“否”")


def cell_choice(value: Any, allowed: tuple[str, ...]) -> str | None:
    text = cell_text(value)
    if text == "":
        return None
    if text not in allowed:
        raise CellError(f"应为{'、'.join(allowed)}之一")
    return text


def cell_integer(value: Any) -> int:
    text = cell_text(value)
    match = re.fullmatch(r"第?(\d+)号?", text)
    if not match or int(match.group(1)) < 1:
        raise CellError("应为正整数编号，如 123 或 第123号")
    return int(match.group(1))


def cell_units(value: Any) -> list[str]:
    return [u.strip() for u in re.split(r"[、，,；;\n]+", cell_text(value)) if u.strip()]


def _convert(key: str, value: Any, classes: tuple[str, ...]) -> Any:
    if key in ("assigned_on", "replied_on"):
        return cell_date(value)
    if key in ("key_item", "complex", "closed"):
        return cell_bool(value)
    if key == "published":
        return None if cell_text(value) == "不予公开" else cell_bool(value)
    if key == "item_number":
        return cell_integer(value)
    if key == "source":
        text = cell_text(value).replace("人大代表", "").replace("政协委员", "").replace("代表", "").replace("委员", "")
        text = {"议": "建议", "案": "提案"}.get(text, text)
        return cell_choice(text, ("建议", "提案"))
    if key == "role":
        return cell_choice(cell_text(value).replace("单位", ""), ("主办", "会办"))
    if key == "result_class":
        text = cell_text(value).upper().removesuffix("类")
        return cell_choice(text, classes) if text else None
    if key in ("attitude", "result_rating"):
        return cell_choice(value, ("满意", "基本满意", "不满意"))
    if key == "contact_mode":
        return cell_choice(value, CONTACT_MODES)
    if key == "co_units":
        return cell_units(value)
    return cell_text(value)


def normalise(raw_rows: list[RawRow], classes: tuple[str, ...]) -> Ledger:
    """Convert every cell; report each bad cell and each duplicate item."""
    rows: list[LedgerRow] = []
    positions: list[int] = []  # each kept row's index in raw_rows, for messages
    findings: list[Finding] = []
    for index, raw in enumerate(raw_rows):
        path = f"ledger[{index}]"
        unknown = raw.values.get("__unknown__")
        if unknown:
            findings.append(warning(
                "ledger.unknown_column", path, f"{path}：{raw.where}有不认识的列“{'、'.join(unknown)}”，已忽略该列",
            ))
        converted: dict[str, Any] = {}
        row_ok = True
        for key, value in raw.values.items():
            if key == "__unknown__":
                continue
            header = raw.headers.get(key, COLUMN_BY_KEY[key].label)
            try:
                converted[key] = _convert(key, value, classes)
            except CellError as exc:
                row_ok = False
                shown = cell_text(value)
                findings.append(error(
                    "ledger.bad_value", f"{path}.{key}",
                    f"{path}.{key}：{raw.where}“{header}”列的值“{shown[:40]}”{exc}",
                ))
        if not row_ok:
            continue
        if converted.get("published") is None and cell_text(raw.values.get("published")) == "不予公开":
            converted["publishable"] = False
        for column in COLUMNS:
            if column.required and converted.get(column.key) in (None, ""):
                row_ok = False
                findings.append(error(
                    "ledger.missing_value", f"{path}.{column.key}",
                    f"{path}.{column.key}：{raw.where}“{raw.headers.get(column.key, column.label)}”列不能为空",
                ))
        if not row_ok:
            continue
        clean = {k: v for k, v in converted.items() if v is not None and v != ""}
        if clean.get("replied_on") and clean["replied_on"] < clean["assigned_on"]:
            findings.append(error(
                "ledger.reply_before_assignment", f"{path}.replied_on",
                f"{path}.replied_on：{raw.where}答复日期早于交办日期",
            ))
            continue
        if clean["role"] == "主办" and clean.get("replied_on") and not clean.get("result_class"):
            findings.append(warning(
                "ledger.class_missing", f"{path}.result_class",
                f"{path}.result_class：{raw.where}已答复的主办件未填办理结果分类，不计入分类统计",
            ))
        # Every value was converted and checked above; constructing skips validating it twice.
        rows.append(LedgerRow.model_construct(**{**_ROW_DEFAULTS, **clean}))
        positions.append(index)
    findings += _duplicates(rows, positions, raw_rows)
    return Ledger(rows, findings)


def _duplicates(rows: list[LedgerRow], positions: list[int], raw_rows: list[RawRow]) -> Iterator[Finding]:
    seen: dict[tuple, int] = {}
    for row, index in zip(rows, positions):
        key = (row.source, row.session, row.item_number, row.role, row.lead_unit)
        if key in seen:
            yield warning(
                "ledger.duplicate", f"ledger[{index}]",
                f"ledger[{index}]：{raw_rows[index].where}的第{row.item_number}号{row.source}（{row.role}）"
                f"与{raw_rows[seen[key]].where}重复，请核对（统计时两条都计入）",
            )
        else:
            seen[key] = index


def load_ledger(rows_or_file: list[Any] | tuple[str, bytes], classes: tuple[str, ...]) -> Ledger:
    """A ledger from inline records or from (filename, content); raises LedgerUnreadable."""
    if isinstance(rows_or_file, tuple):
        raw = read_ledger_file(*rows_or_file)
    else:
        raw = raw_rows_from_records(rows_or_file)
    return normalise(raw, classes)
