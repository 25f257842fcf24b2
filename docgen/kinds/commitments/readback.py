"""The ledger read back after staff have updated it: every commitment whose deadline has passed
and whose status is not 已办结 is flagged, naming the sheet and row; bad cells are reported the
same way, and no row is dropped silently."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ...findings import Finding, has_errors, warning
from ...formatting import format_date
from ...intake.cells import cell_choice, cell_date
from ...intake.tables import Column, Origin, TableSpec, Unreadable, convert_row, read_table
from .ledger import CLOSED, STATUSES


def _status(value: Any) -> str | None:
    return cell_choice(value, STATUSES)


REVIEW_TABLE = TableSpec(
    columns=(
        Column("item", "编号", ("建议提案编号", "件号"), required=True),
        Column("title", "标题", ("建议标题", "提案标题", "案由")),
        Column("author", "代表委员", ("领衔人", "领衔代表", "第一提案人")),
        Column("unit", "主办单位", ("承办单位",), required=True),
        Column("topic", "答复要点", ("所提问题",)),
        Column("measure", "承诺措施", ("承诺事项", "措施"), required=True),
        Column("deadline", "完成时限", ("承诺时限", "时限"), convert=cell_date),
        Column("days", "剩余天数"),
        Column("status", "状态", ("办理状态", "落实状态"), required=True, convert=_status),
        Column("note", "办结情况说明", ("说明", "备注")),
    ),
    template="承诺事项台账（docgen commitments 生成）",
    header_rows=10,
    ignored=("序号",),
)
ORIGIN = Origin("commitments", "commitments", "承诺事项台账文件")


class CommitmentsUnreadable(Unreadable):
    code = "invalid_commitments"
    title = "承诺事项台账无法读取"


@dataclass
class CommitmentsReview:
    """The ledger as read back on ``as_of``: counts by status, and the findings (overdue rows are warnings)."""

    as_of: dt.date
    total: int = 0
    by_status: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    findings: list[Finding] = field(default_factory=list)

    @property
    def overdue(self) -> list[Finding]:
        return [f for f in self.findings if f.code == "commitment.overdue"]

    @property
    def ok(self) -> bool:
        return not has_errors(self.findings)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok, "as_of": self.as_of.isoformat(), "total": self.total, "by_status": self.by_status,
            "overdue": len(self.overdue), "findings": [f.to_dict() for f in self.findings],
        }


def review_workbook(filename: str, content: bytes, as_of: dt.date) -> CommitmentsReview:
    """Read the ledger's first sheet; raises :class:`CommitmentsUnreadable` when it cannot be read at all."""
    try:
        rows = read_table(filename, content, REVIEW_TABLE, ORIGIN)
    except Unreadable as exc:
        raise CommitmentsUnreadable(exc.findings) from exc
    review = CommitmentsReview(as_of, total=len(rows))
    for index, raw in enumerate(rows):
        path = f"commitments[{index}]"
        values, problems = convert_row(raw, REVIEW_TABLE, path, ORIGIN.code)
        review.findings += problems
        if problems:
            continue
        review.by_status[values["status"]] += 1
        deadline = values.get("deadline")
        if deadline is not None and deadline < as_of and values["status"] != CLOSED:
            days = (as_of - deadline).days
            review.findings.append(warning(
                "commitment.overdue", path,
                f"{path}：{raw.where}{values['item']}（{values['unit']}）的承诺“{values['measure'][:40]}”"
                f"完成时限为{format_date(deadline)}，截至{format_date(as_of)}已逾期{days}天，状态为“{values['status']}”，尚未办结",
            ))
    return review
