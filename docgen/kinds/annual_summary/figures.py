"""The figures of a year's handling, each defined once.

Rates are about the items the unit handled as lead unit (主办), because those are the items it
answers, contacts the deputy about and receives survey forms for; totals count every row.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from babel.numbers import format_decimal

from ...formatting import LOCALE, add_months
from ...profile import Profile
from .ledger import FACE_TO_FACE, RATINGS, LedgerRow

NO_VALUE = "—"


@dataclass(frozen=True)
class Ratio:
    """numerator ÷ denominator, shown as a percentage with one decimal unless the ratio is exactly whole."""

    numerator: int
    denominator: int

    @property
    def percent(self) -> Decimal | None:
        if self.denominator == 0:
            return None
        exact = Decimal(self.numerator) * 100 / Decimal(self.denominator)
        return exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def text(self) -> str:
        """``42.9%``, ``19.0%`` (rounded to a whole but not exactly one), ``100%`` and ``50%`` (exact); ``—`` for 0 ÷ 0."""
        value = self.percent
        if value is None:
            return NO_VALUE
        pattern = "0" if self.numerator * 100 % self.denominator == 0 else "0.0"
        return f"{format_decimal(value, format=pattern, locale=LOCALE)}%"

    def to_dict(self) -> dict[str, Any]:
        value = self.percent
        return {
            "numerator": self.numerator,
            "denominator": self.denominator,
            "percent": float(value) if value is not None else None,
            "text": self.text,
        }


@dataclass(frozen=True)
class Figures:
    total: int
    by_source: dict[str, int]
    main: int  # 主办
    co: int  # 会办
    key_items: int
    main_by_source: dict[str, int]
    classified: int  # main items with a result class
    by_class: dict[str, int]
    class_share: dict[str, Ratio]  # ÷ classified
    replied: int
    completion: Ratio  # 办结率: replied ÷ assigned (main)
    on_time: Ratio  # 按时办结率: replied within the deadline ÷ assigned (main)
    face_to_face: Ratio  # 面商率: met face to face ÷ main items
    attitude: Ratio  # 满意率 (attitude): (满意 + 基本满意) ÷ returned forms
    result: Ratio  # 满意率 (result)
    unsatisfied: int  # forms rating the result 不满意
    published: Ratio  # 公开率: published ÷ publishable replies
    by_topic: list[tuple[str, int]]

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, value in self.__dict__.items():
            if isinstance(value, Ratio):
                out[name] = value.to_dict()
            elif name == "class_share":
                out[name] = {k: v.to_dict() for k, v in value.items()}
            elif name == "by_topic":
                out[name] = [{"topic": t, "count": n} for t, n in value]
            else:
                out[name] = value
        return out


def reply_due(row: LedgerRow, profile: Profile) -> dt.date:
    return add_months(row.assigned_on, profile.reply_period_months(row.complex))


def compute(rows: list[LedgerRow], profile: Profile) -> Figures:
    main = [r for r in rows if r.role == "主办"]
    replied = [r for r in main if r.replied_on is not None]
    classified = [r for r in replied if r.result_class]
    letters = [c.letter for c in profile.classes]
    by_class = Counter(r.result_class for r in classified)
    attitude_forms = [r.attitude for r in main if r.attitude]
    result_forms = [r.result_rating for r in main if r.result_rating]
    publishable = [r for r in replied if r.publishable]
    topics = Counter(r.topic or "其他" for r in rows)
    return Figures(
        total=len(rows),
        by_source={s: sum(1 for r in rows if r.source == s) for s in ("建议", "提案")},
        main=len(main),
        co=len(rows) - len(main),
        key_items=sum(1 for r in rows if r.key_item),
        main_by_source={s: sum(1 for r in main if r.source == s) for s in ("建议", "提案")},
        classified=len(classified),
        by_class={letter: by_class.get(letter, 0) for letter in letters},
        class_share={letter: Ratio(by_class.get(letter, 0), len(classified)) for letter in letters},
        replied=len(replied),
        completion=Ratio(len(replied), len(main)),
        on_time=Ratio(sum(1 for r in replied if r.replied_on <= reply_due(r, profile)), len(main)),
        face_to_face=Ratio(sum(1 for r in main if r.contact_mode in FACE_TO_FACE), len(main)),
        attitude=Ratio(sum(1 for a in attitude_forms if a != "不满意"), len(attitude_forms)),
        result=Ratio(sum(1 for a in result_forms if a != "不满意"), len(result_forms)),
        unsatisfied=sum(1 for a in result_forms if a == "不满意"),
        published=Ratio(sum(1 for r in publishable if r.published), len(publishable)),
        by_topic=sorted(topics.items(), key=lambda item: (-item[1], item[0])),
    )


def rating_counts(rows: list[LedgerRow]) -> dict[str, dict[str, int]]:
    """The survey forms' ratings of the main items: 办理态度/办理结果 → {满意, 基本满意, 不满意} counts."""
    main = [r for r in rows if r.role == "主办"]
    return {
        "办理态度": {k: sum(1 for r in main if r.attitude == k) for k in RATINGS},
        "办理结果": {k: sum(1 for r in main if r.result_rating == k) for k in RATINGS},
    }
