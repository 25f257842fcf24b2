"""One row per commitment: the item, who raised it, the lead unit, the point it answers, the
measure, its deadline, the days left (negative: overdue) as of a date, and its status."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ...errors import InputRejected
from ..common import SUFFIX, item_label

if TYPE_CHECKING:
    from ..reply_letter import ReplyLetterCase

NOT_DUE, DUE_TO_VERIFY, CLOSED = "未到期", "已到期待核实", "已办结"
STATUSES = (NOT_DUE, DUE_TO_VERIFY, CLOSED)


@dataclass(frozen=True)
class Commitment:
    item: str  # 第12号建议
    title: str
    author: str  # 张海燕代表
    unit: str
    topic: str  # the point the measure answers
    measure: str
    deadline: dt.date | None
    replied_on: dt.date

    def days_left(self, as_of: dt.date) -> int | None:
        """Days until the deadline as of ``as_of``; negative when overdue; None without a deadline."""
        return None if self.deadline is None else (self.deadline - as_of).days


def status_as_of(deadline: dt.date | None, as_of: dt.date) -> str:
    """The status a new ledger row starts with: 已到期待核实 once the deadline has passed, else 未到期.
    已办结 is the staff's to set."""
    return DUE_TO_VERIFY if deadline is not None and deadline < as_of else NOT_DUE


def commitments_of(letters: list[ReplyLetterCase]) -> list[Commitment]:
    """Every measure of every point of every letter, in the letters' order."""
    rows = []
    for letter in letters:
        for point in letter.points:
            for measure in point.measures:
                rows.append(Commitment(
                    item=item_label(letter.source, letter.item_number),
                    title=letter.item_title.strip("《》"),
                    author=f"{letter.lead_author}{SUFFIX[letter.source]}",
                    unit=letter.handling_unit,
                    topic=point.topic,
                    measure=measure.content,
                    deadline=measure.deadline,
                    replied_on=letter.replied_on,
                ))
    return rows


class LettersInvalid(InputRejected):
    """Some reply letters have errors: a ledger that left their commitments out would be incomplete."""

    code = "invalid_letters"
    title = "答复函未通过检查，未生成承诺事项台账"
