"""The year's items as the office keeps them for 交办: one row per 建议 or 提案, with its lead
unit, co-handling units, key-item leader and assignment date.

The rows come as JSON (the case's ``items``) or as a spreadsheet (.xlsx/.csv) read through the
intake stage with :data:`ITEMS_TABLE`. Every item remembers where it came from (sheet and row,
or its place in the list) so that each rule's finding names the sheet, row and column.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from pydantic import ConfigDict, Field

from ...errors import CaseRejected
from ...findings import Finding, error
from ...formatting import add_months
from ...intake.cells import cell_bool, cell_date, cell_integer, cell_source, cell_units
from ...intake.tables import Column, Origin, RawRow, TableSpec, Unreadable, convert_row, read_table
from ...profile import Profile
from ..common import Date, Source, Strict, Text, check_co_handling_units, item_label


class AssignmentItem(Strict):
    """交办的一件建议或提案。"""

    model_config = ConfigDict(title="交办件")

    source: Source = Field(title="来源", description="建议（人大代表）或提案（政协委员）")
    item_number: int = Field(ge=1, le=99999, title="编号", description="第N号", examples=[12])
    title: Text = Field(title="标题", examples=["关于加快推进既有住宅加装电梯工作的建议"])
    lead_author: Text = Field(title="领衔人", description="领衔代表或第一提案人，只写姓名", examples=["王明"])
    lead_unit: Text | None = Field(None, title="主办单位", description="每件须有一个主办单位")
    co_units: list[Text] = Field(default_factory=list, max_length=30, title="会办单位", description="可多个；不能与主办单位相同")
    key_item: bool = Field(False, title="重点件", description="列为重点督办的须写明督办领导")
    leader: Text | None = Field(None, title="督办领导", description="重点件的督办领导，如“李明副市长”")
    assigned_on: Date | None = Field(None, title="交办日期", description="不填则为交办会日期")
    complex: bool = Field(False, title="情况复杂", description="情况复杂的答复期限为6个月")

    @property
    def label(self) -> str:
        return item_label(self.source, self.item_number)


def _iso_date(value: Any) -> str | None:
    date = cell_date(value)
    return date.isoformat() if date else None


ITEMS_TABLE = TableSpec(
    columns=(
        Column("source", "来源", ("类型", "建议提案", "件别", "类别"), required=True, note="建议 或 提案", convert=cell_source),
        Column("item_number", "编号", ("建议编号", "提案编号", "案号", "件号"), required=True, note="第N号的 N", convert=cell_integer),
        Column("title", "标题", ("建议标题", "提案标题", "案由", "题目"), required=True),
        Column("lead_author", "领衔人", ("领衔代表", "第一提案人", "提出人", "代表委员", "提案人"), required=True),
        Column("lead_unit", "主办单位", ("承办单位", "主办", "主办部门")),
        Column("co_units", "会办单位", ("协办单位", "会办", "会办部门"), note="多个用顿号分隔", convert=cell_units),
        Column("key_item", "重点件", ("是否重点", "重点", "重点督办"), note="是/否", convert=cell_bool),
        Column("leader", "督办领导", ("领办领导", "牵头领导", "督办市领导", "领衔督办领导")),
        Column("assigned_on", "交办日期", ("交办时间",), note="不填则为交办会日期", convert=_iso_date),
        Column("complex", "情况复杂", ("复杂件", "是否复杂"), note="是/否", convert=cell_bool),
    ),
    template="交办清单模板.xlsx",
    header_rows=10,
    ignored=("序号", "备注", "说明"),
)
ORIGIN = Origin("items", "items", "交办清单文件")


@dataclass(frozen=True)
class Place:
    """Where an item came from: ``工作表“交办”第5行`` and the headers as written, for messages."""

    where: str
    headers: dict[str, str]
    in_sheet: bool = True

    def cell(self, key: str) -> str:
        """工作表“交办”第5行“主办单位”列, or 第5件的“主办单位” for an item given as JSON."""
        header = self.headers.get(key, ITEMS_TABLE.column(key).label)
        return f"{self.where}“{header}”列" if self.in_sheet else f"{self.where}的“{header}”"


class UploadedItems(list):
    """Items read from a spreadsheet; ``places`` says where each came from."""

    def __init__(self, items: list[dict[str, Any]], places: list[Place]):
        super().__init__(items)
        self.places = places


def read_items_file(filename: str, content: bytes) -> UploadedItems:
    """The items of a spreadsheet; raises :class:`CaseRejected` with a finding per bad cell."""
    try:
        rows: list[RawRow] = read_table(filename, content, ITEMS_TABLE, ORIGIN)
    except Unreadable as exc:
        raise CaseRejected(exc.findings) from exc
    items, places, bad = [], [], []
    for index, raw in enumerate(rows):
        values, problems = convert_row(raw, ITEMS_TABLE, f"items[{index}]", "items")
        bad += problems
        items.append(values)
        places.append(Place(raw.where, raw.headers))
    if bad:
        raise CaseRejected(bad)
    return UploadedItems(items, places)


def places_of(data: Any, count: int) -> list[Place]:
    """Where each of the ``count`` items of the case data ``data`` came from: the spreadsheet's
    rows, or its place in the list."""
    items = data.get("items") if isinstance(data, dict) else None
    if isinstance(items, UploadedItems) and len(items.places) == count:
        return items.places
    return [Place(f"第{i + 1}件", {}, in_sheet=False) for i in range(count)]


# --- rules -------------------------------------------------------------------------------------


def check_items(items: list[AssignmentItem], places: list[Place]) -> list[Finding]:
    """Each item has a lead unit that is not also a co-handler; no number is given twice; every
    key item names its supervising leader. Each finding names the sheet, row and column."""
    findings: list[Finding] = []
    seen: dict[tuple[str, int], int] = {}
    for i, (item, place) in enumerate(zip(items, places)):
        path = f"items[{i}]"
        if not item.lead_unit:
            findings.append(error(
                "item.lead_unit_missing", f"{path}.lead_unit",
                f"{path}.lead_unit：{place.cell('lead_unit')}为空，{item.label}必须有一个主办单位",
            ))
        else:
            units = [(f"{path}.co_units[{j}]", unit) for j, unit in enumerate(item.co_units)]
            for finding in check_co_handling_units(item.lead_unit, units):
                reason = finding.message.removeprefix(f"{finding.path}：")
                findings.append(replace(finding, message=f"{finding.path}：{place.cell('co_units')}：{item.label}的{reason}"))
        key = (item.source, item.item_number)
        if key in seen:
            first = places[seen[key]]
            findings.append(error(
                "item.duplicate_number", f"{path}.item_number",
                f"{path}.item_number：{place.cell('item_number')}的{item.label}与{first.where}重复，同一来源的编号不能重复",
            ))
        else:
            seen[key] = i
        if item.key_item and not item.leader:
            findings.append(error(
                "item.key_without_leader", f"{path}.leader",
                f"{path}.leader：{place.cell('leader')}为空，{item.label}列为重点件，须写明督办领导",
            ))
    return findings


# --- due dates -----------------------------------------------------------------------------------


def assigned(item: AssignmentItem, default: dt.date) -> dt.date:
    return item.assigned_on or default


def reply_due(item: AssignmentItem, default: dt.date, profile: Profile) -> dt.date:
    """The lead unit answers within 3 months of assignment, 6 for a complex item (the profile's periods)."""
    return add_months(assigned(item, default), profile.reply_period_months(item.complex))


def co_handling_due(item: AssignmentItem, default: dt.date, profile: Profile) -> dt.date:
    """Co-handling units send their opinion to the lead unit within the profile's period (1 month)."""
    return add_months(assigned(item, default), profile.deadlines.co_handling_months)
