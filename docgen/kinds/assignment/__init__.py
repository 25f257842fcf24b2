"""交办清单 — the assignment list handed out at the 交办会 at the start of the year.

From the year's items (number, source, title, lead author, lead unit, co-handling units, key
item and its supervising leader, assignment date) the kind makes the meeting's table of all
items by lead unit, each with its reply due date (3 months, 6 for complex items: the profile's
periods) and co-handling opinion due date, with the totals. Each unit's own 交办单 is the
``assignment-notice`` kind, made from the same list by :func:`notice_cases`.

Rules (each finding names the sheet, row and column the item came from): an item without a
lead unit, a unit listed as both lead and co-handler, a number given twice, a key item without
its supervising leader.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import ConfigDict, Field, PrivateAttr

from ...engine import DocumentProperties
from ...findings import Finding
from ...formatting import format_date, title_lines
from ...profile import Profile
from ..annual_summary.figures import Ratio
from ..base import DocumentKind
from ..common import Date, Strict, Text
from .items import AssignmentItem, Place, check_items, co_handling_due, places_of, read_items_file, reply_due

MAX_ITEMS = 5000  # a year's items at one level; the largest cities assign some two thousand

Level = Field(
    title="层级", description="人大、政协所在的行政层级或地名，如“市”“西湖区”", examples=["市", "区", "县"],
    pattern=r"^[\u4e00-\u9fff]{1,12}$",
)


class AssignmentListCase(Strict):
    """交办清单的数据。"""

    model_config = ConfigDict(title="交办清单")

    office: Text = Field(title="交办单位", description="组织交办、印发交办单的机关", examples=["江州市人民政府办公室"])
    level: str = Level
    year: int = Field(ge=2000, le=2100, title="年度")
    meeting_on: Date = Field(title="交办会日期", description="各件未填交办日期的，以此为交办日期")
    items: list[AssignmentItem] = Field(min_length=1, max_length=MAX_ITEMS, title="交办件", description="每件一行，可上传表格")

    _places: list[Place] = PrivateAttr(default_factory=list)


class AssignmentList(DocumentKind[AssignmentListCase]):
    name = "assignment-list"
    title = "交办清单"
    description = "年初交办会用的建议提案交办清单：按主办单位列出各件及答复、会办期限，并附合计"
    model = AssignmentListCase
    template = "assignment-list.docx"
    order = 60

    def parse(self, data: Any) -> AssignmentListCase:
        case: AssignmentListCase = super().parse(data)
        case._places = places_of(data, len(case.items))
        return case

    def attach(self, data: dict[str, Any], field: str, filename: str, content: bytes) -> dict[str, Any]:
        if field != "items":
            return super().attach(data, field, filename, content)
        return {**data, "items": read_items_file(filename, content)}

    def check(self, case: AssignmentListCase, profile: Profile) -> list[Finding]:
        return check_items(case.items, case._places)

    def context(self, case: AssignmentListCase, profile: Profile) -> dict[str, Any]:
        return {
            "title_lines": title_lines(document_title(case)),
            "intro": intro(case, profile),
            "groups": groups(case, profile),
            "totals": totals_line(case),
        }

    def filename(self, case: AssignmentListCase) -> str:
        return document_title(case)

    def properties(self, case: AssignmentListCase) -> DocumentProperties:
        return DocumentProperties(
            title=document_title(case), author=case.office, subject=f"{case.year}年建议提案交办", keywords="交办清单 建议 提案"
        )


# --- content pieces --------------------------------------------------------------------------


def sources_phrase(level: str, items: list[AssignmentItem]) -> str:
    """市人大代表建议和政协委员提案, or only the one source the items have."""
    present = {item.source for item in items}
    parts = [p for s, p in (("建议", f"{level}人大代表建议"), ("提案", f"{level}政协委员提案")) if s in present]
    return "和".join(parts).replace(f"和{level}政协", "和政协")


def document_title(case: AssignmentListCase) -> str:
    return f"{case.year}年{sources_phrase(case.level, case.items)}交办清单"


def lead_units(items: list[AssignmentItem]) -> list[str]:
    """The lead units in the order they first appear."""
    return list(dict.fromkeys(item.lead_unit for item in items if item.lead_unit))


def several_units(items: list[AssignmentItem]) -> Ratio:
    """The share of items that need several units (a lead unit and at least one co-handler)."""
    return Ratio(sum(1 for item in items if item.co_units), len(items))


def intro(case: AssignmentListCase, profile: Profile) -> str:
    items = case.items
    count = {s: sum(1 for i in items if i.source == s) for s in ("建议", "提案")}
    kinds = "、".join(x for x in (f"人大代表建议{count['建议']}件" if count["建议"] else "",
                                  f"政协委员提案{count['提案']}件" if count["提案"] else "") if x)
    shared = several_units(items)
    keys = sum(1 for i in items if i.key_item)
    d = profile.deadlines
    return (
        f"{format_date(case.meeting_on)}交办{case.level}{kinds}，共{len(items)}件，由{len(lead_units(items))}个单位主办；"
        f"其中需多个单位共同办理的{shared.numerator}件，占{shared.text}；列为重点件的{keys}件。"
        f"主办单位应在交办之日起{d.reply_months}个月内答复（情况复杂的{d.complex_reply_months}个月），"
        f"会办单位应在{d.co_handling_months}个月内向主办单位提出会办意见。"
    )


def item_row(item: AssignmentItem, meeting_on: dt.date, profile: Profile) -> dict[str, str]:
    """An item as a table row, with its due dates (counted from ``meeting_on`` when it has no
    assignment date); a date in the meeting's year is written without the year (5月20日)."""
    def due(date: dt.date) -> str:
        return format_date(date).removeprefix(f"{meeting_on.year}年")

    return {
        "source": item.source,
        "number": f"第{item.item_number}号",
        "title": item.title.strip("《》"),
        "author": item.lead_author,
        "lead_unit": item.lead_unit or "",
        "co_units": "、".join(item.co_units),
        "leader": (item.leader or "是") if item.key_item else "",
        "reply_due": due(reply_due(item, meeting_on, profile)),
        "co_due": due(co_handling_due(item, meeting_on, profile)) if item.co_units else "",
    }


def groups(case: AssignmentListCase, profile: Profile) -> list[dict[str, Any]]:
    out = []
    for unit in lead_units(case.items):
        mine = sorted((i for i in case.items if i.lead_unit == unit), key=lambda i: (i.source != "建议", i.item_number))
        keys = sum(1 for i in mine if i.key_item)
        heading = f"主办单位：{unit}（{len(mine)}件" + (f"，其中重点件{keys}件）" if keys else "）")
        out.append({"heading": heading, "rows": [item_row(i, case.meeting_on, profile) for i in mine]})
    return out


def totals_line(case: AssignmentListCase) -> str:
    items = case.items
    count = {s: sum(1 for i in items if i.source == s) for s in ("建议", "提案")}
    co = len({u for i in items for u in i.co_units})
    return (
        f"合计：{len(items)}件（建议{count['建议']}件，提案{count['提案']}件）；主办单位{len(lead_units(items))}个，"
        f"会办单位{co}个；需多个单位办理的{several_units(items).numerator}件；重点件{sum(1 for i in items if i.key_item)}件"
    )


def notice_cases(case: AssignmentListCase) -> list[dict[str, Any]]:
    """One ``assignment-notice`` case per unit named in the list (as lead or co-handler), in the
    order the units first appear; each holds the items the unit leads or co-handles."""
    units = list(dict.fromkeys(u for i in case.items for u in (i.lead_unit, *i.co_units) if u))
    out = []
    for unit in units:
        mine = [i for i in case.items if unit == i.lead_unit or unit in i.co_units]
        out.append({
            "office": case.office, "level": case.level, "year": case.year,
            "meeting_on": case.meeting_on.isoformat(), "unit": unit,
            "items": [i.model_dump(mode="json", exclude_defaults=True) for i in mine],
        })
    return out


KIND = AssignmentList()
