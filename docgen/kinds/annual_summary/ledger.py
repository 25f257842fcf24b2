"""The year's ledger (台账): one row per item handled, read from .xlsx, .csv or JSON.

Staff write headers in Chinese (as in ``samples/annual-summary/台账模板.xlsx``); other systems
send English keys. The columns and their converters are data (:data:`LEDGER_TABLE`); the
intake stage reads and converts the cells, and a bad cell becomes a finding that names the
sheet, row, column, value and reason. No row is ever dropped silently.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ...errors import CaseRejected
from ...findings import Finding, error, has_errors, warning
from ...intake.cells import cell_bool, cell_choice, cell_date, cell_integer, cell_source, cell_text, cell_units
from ...intake.jsondata import MalformedJson, decode_json, listed
from ...intake.workbooks import IntakeLimits
from ...intake.tables import Column, Origin, RawRow, Table, TableSpec, Unreadable, convert_row, read_table, rows_from_records

Role = Literal["主办", "会办"]
Rating = Literal["满意", "基本满意", "不满意"]
RATINGS = ("满意", "基本满意", "不满意")
CONTACT_MODES = ("面商", "座谈", "走访", "电话", "信函", "其他", "未联系")
FACE_TO_FACE = ("面商", "座谈", "走访")
ALL_CLASS_LETTERS = ("A", "B", "C", "D")  # the ledger takes any scheme's letters; the check names the configured one
NOT_PUBLISHABLE = "不予公开"


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


ROLE_WORDS = {"牵头": "主办", "牵头办理": "主办", "主办件": "主办", "协办": "会办", "配合": "会办", "会办件": "会办", "协办件": "会办"}
# How offices write the contact mode → the mode counted (面商, 座谈 and 走访 are face to face).
CONTACT_WORDS = {
    **{w: "面商" for w in ("上门面商", "走访面商", "当面沟通", "当面交流", "见面沟通", "登门面商", "约见面商", "面商沟通", "当面")},
    **{w: "座谈" for w in ("座谈会", "座谈交流", "召开座谈会", "集中座谈")},
    **{w: "走访" for w in ("上门走访", "实地走访", "登门走访")},
    **{w: "电话" for w in ("电话沟通", "电话联系", "电话交流", "电联")},
    **{w: "信函" for w in ("书面沟通", "书面", "函告", "书面答复", "信件", "邮寄")},
    **{w: "其他" for w in ("微信沟通", "微信", "短信", "邮件", "电子邮件", "网络")},
    **{w: "未联系" for w in ("未沟通", "无", "未面商")},
}


def _role(value: Any) -> str | None:
    return cell_choice(cell_text(value).replace("单位", ""), ("主办", "会办"), ROLE_WORDS)


def _result_class(value: Any) -> str | None:
    text = cell_text(value).upper().removesuffix("类")
    return cell_choice(text, ALL_CLASS_LETTERS) if text else None


def _published(value: Any) -> bool | None:
    return None if cell_text(value) == NOT_PUBLISHABLE else cell_bool(value)


def _rating(value: Any) -> str | None:
    return cell_choice(value, RATINGS)


def _contact_mode(value: Any) -> str | None:
    return cell_choice(value, CONTACT_MODES, CONTACT_WORDS)


LEDGER_TABLE = TableSpec(
    columns=(
        Column("source", "来源", ("类型", "建议提案", "件别"), required=True, convert=cell_source),
        Column("session", "会议", ("届次", "届次会议")),
        Column("item_number", "编号", ("建议编号", "提案编号", "建议号", "提案号", "案号", "建议提案编号"),
               required=True, convert=cell_integer),
        Column("title", "标题", ("建议标题", "提案标题", "案由", "题目"), required=True),
        Column("lead_author", "领衔人", ("领衔代表", "第一提案人", "提出人", "代表委员")),
        Column("role", "办理方式", ("主办会办", "主会办", "承办方式"), required=True, convert=_role),
        Column("lead_unit", "主办单位"),
        Column("co_units", "会办单位", ("协办单位",), convert=cell_units),
        Column("key_item", "重点件", ("是否重点", "重点"), convert=cell_bool),
        Column("topic", "类别", ("主题", "分类", "领域")),
        Column("assigned_on", "交办日期", ("交办时间",), required=True, convert=cell_date),
        Column("replied_on", "答复日期", ("答复时间", "办复日期"), convert=cell_date),
        Column("result_class", "办理结果", ("结果分类", "办理结果分类", "类别标识"), convert=_result_class),
        Column("complex", "情况复杂", ("复杂件",), convert=cell_bool),
        Column("contact_mode", "沟通方式", ("联系方式", "沟通形式", "面商情况"), convert=_contact_mode),
        Column("published", "答复公开", ("是否公开", "公开情况"), convert=_published),
        Column("attitude", "办理态度评价", ("态度评价", "办理态度"), convert=_rating),
        Column("result_rating", "办理结果评价", ("结果评价", "结果满意度"), convert=_rating),
        Column("closed", "是否办结", ("办结", "办结情况"), convert=cell_bool),
        Column("publishable", "可公开", ("是否可公开",), convert=cell_bool),
    ),
    template="台账模板",
    header_rows=10,
    ignored=("序号", "备注", "说明"),  # a running 序号 beside 编号 is never the item number
)
ORIGIN = Origin("ledger", "ledger", "台账文件")


class LedgerUnreadable(Unreadable):
    """The ledger as a whole cannot be read; ``findings`` say why."""

    code = "invalid_ledger"
    title = "台账无法读取"


@dataclass(frozen=True)
class LeftOut:
    """A row read but not counted, and why (its findings say which cell)."""

    where: str  # 工作表“台账”第5行
    reason: str  # 有值无法识别或必填项为空


@dataclass
class Ledger:
    rows: list[LedgerRow]
    findings: list[Finding]
    left_out: list[LeftOut] = field(default_factory=list)
    layout: str = ""  # how the sheet was read (header row, 合计 rows); empty for JSON records

    @property
    def ok(self) -> bool:
        return not has_errors(self.findings)

    @property
    def read(self) -> int:
        return len(self.rows) + len(self.left_out)


# --- reading ------------------------------------------------------------------------------------


def read_ledger_file(filename: str, content: bytes, limits: IntakeLimits | None = None) -> list[RawRow]:
    """Rows of a .xlsx, .xls, .ods, .csv or .json file (by extension, then by content); a
    workbook is opened under ``limits`` (safe defaults when None)."""
    try:
        if Path(filename).suffix.lower() == ".json" and content.strip():
            return _json_rows(filename, content)
        return read_table(filename, content, LEDGER_TABLE, ORIGIN, limits)
    except Unreadable as exc:
        raise LedgerUnreadable(exc.findings) from exc


def _json_rows(filename: str, content: bytes) -> list[RawRow]:
    try:
        records = listed(decode_json(content, f"“{filename}”"), ("rows", "ledger"))
    except MalformedJson as exc:
        raise Unreadable([exc.finding("ledger.bad_json", "ledger")]) from exc
    if records is None:
        raise Unreadable([ORIGIN.problem("bad_json", f"“{filename}”应为行的列表，或含 rows 列表的对象")])
    return rows_from_records(records, LEDGER_TABLE, ORIGIN)


def raw_rows_from_records(records: list[Any]) -> list[RawRow]:
    """Rows given as JSON objects with Chinese or English keys (inline in a request)."""
    try:
        return rows_from_records(records, LEDGER_TABLE, ORIGIN)
    except Unreadable as exc:
        raise LedgerUnreadable(exc.findings) from exc


# --- converting ---------------------------------------------------------------------------------


def normalise(raw_rows: list[RawRow]) -> Ledger:
    """Convert every cell; report each bad cell, each row that cannot count, and each duplicate item."""
    rows: list[LedgerRow] = []
    positions: list[int] = []  # each kept row's index in raw_rows, for messages
    findings: list[Finding] = []
    left_out: list[LeftOut] = []
    for index, raw in enumerate(raw_rows):
        path = f"ledger[{index}]"
        if raw.unknown:
            findings.append(warning(
                "ledger.unknown_column", path, f"{path}：{raw.where}有不认识的列“{'、'.join(raw.unknown)}”，已忽略该列",
            ))
        values, problems = convert_row(raw, LEDGER_TABLE, path, "ledger")
        findings += problems
        if problems:
            left_out.append(LeftOut(raw.where, "有值无法识别或必填项为空"))
            continue
        if cell_text(raw.values.get("published")) == NOT_PUBLISHABLE:
            values["publishable"] = False
        if values.get("replied_on") and values["replied_on"] < values["assigned_on"]:
            findings.append(error(
                "ledger.reply_before_assignment", f"{path}.replied_on",
                f"{path}.replied_on：{raw.where}答复日期早于交办日期",
            ))
            left_out.append(LeftOut(raw.where, "答复日期早于交办日期"))
            continue
        if values["role"] == "主办" and values.get("replied_on") and not values.get("result_class"):
            findings.append(warning(
                "ledger.class_missing", f"{path}.result_class",
                f"{path}.result_class：{raw.where}已答复的主办件未填办理结果分类，不计入分类统计",
            ))
        # Every value was converted and checked above; constructing skips validating it twice.
        rows.append(LedgerRow.model_construct(**{**_ROW_DEFAULTS, **values}))
        positions.append(index)
    findings += _duplicates(rows, positions, raw_rows)
    return Ledger(rows, findings, left_out, raw_rows.layout_text() if isinstance(raw_rows, Table) else "")


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


def load_ledger(rows_or_file: list[Any] | tuple[str, bytes], limits: IntakeLimits | None = None) -> Ledger:
    """A ledger from inline records or from (filename, content); raises :class:`LedgerUnreadable`."""
    if isinstance(rows_or_file, tuple):
        return normalise(read_ledger_file(*rows_or_file, limits))
    return normalise(raw_rows_from_records(rows_or_file))


class UploadedLedger(list):
    """Rows read from an uploaded file, keeping sheet and row numbers for messages."""


def set_upload_aside(data: Any) -> tuple[Any, UploadedLedger | None]:
    """``data`` for a case model whose ``ledger`` may be an uploaded file's rows, and those rows.

    The model then sees a placeholder row; :func:`case_ledger` reads the upload itself, so its
    findings name sheets and rows rather than list positions."""
    uploaded = data.get("ledger") if isinstance(data, dict) else None
    if isinstance(uploaded, UploadedLedger):
        return {**data, "ledger": [{}]}, uploaded
    return data, None


def case_ledger(uploaded: UploadedLedger | None, records: list[Any]) -> Ledger:
    """The ledger of a parsed case: the uploaded rows if there were any, else the case's records;
    rows that cannot be read reject the case."""
    try:
        raw = list(uploaded) if uploaded is not None else raw_rows_from_records(records)
    except LedgerUnreadable as exc:
        raise CaseRejected(exc.findings) from exc
    return normalise(raw)
