"""A ledger's figures with its findings, for the stats faces (CLI ``stats``, ``/api/v1/ledger/stats``, the summary page)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ...findings import Finding, error, has_errors
from ...intake.workbooks import IntakeLimits
from ...profile import Profile
from . import chart  # imports matplotlib only when a chart is drawn
from .figures import Figures, compute, rating_counts
from .ledger import Ledger, LedgerRow, LedgerUnreadable, load_ledger


@dataclass
class LedgerReport:
    figures: Figures | None
    findings: list[Finding]
    rows: list[LedgerRow] = field(default_factory=list)
    ledger: Ledger | None = None  # None when the ledger could not be read at all

    @property
    def ok(self) -> bool:
        return self.figures is not None and not has_errors(self.findings)

    def coverage(self) -> str:
        """Which rows the figures count, said next to them: how the sheet was read, how many
        rows were counted, and each row left out with the reason (its findings name the cell)."""
        if self.ledger is None:
            return ""
        ledger = self.ledger
        text = f"{ledger.layout}；" if ledger.layout else ""
        text += f"共{ledger.read}行数据"
        if not ledger.left_out:
            return text + "，全部计入统计。"
        reasons: dict[str, list[str]] = {}
        for row in ledger.left_out:
            reasons.setdefault(row.reason, []).append(row.where)
        parts = [f"{'、'.join(_shortened(where))}（{reason}）" for reason, where in reasons.items()]
        return (text + f"，统计计入{len(ledger.rows)}行，未计入{len(ledger.left_out)}行：{'；'.join(parts)}。"
                "请按下列问题修改后重新统计。")

    def chart(self) -> bytes:
        """The summary's chart of these figures (PNG); only for a report with figures."""
        assert self.figures is not None
        return chart.results_and_satisfaction(self.figures, rating_counts(self.rows))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "ok": self.ok,
            "figures": self.figures.to_dict() if self.figures is not None else None,
            "findings": [f.to_dict() for f in self.findings],
        }
        if self.ledger is not None:
            out["rows"] = {
                "read": self.ledger.read,
                "counted": len(self.ledger.rows),
                "left_out": [{"where": r.where, "reason": r.reason} for r in self.ledger.left_out],
                "layout": self.ledger.layout,
                "text": self.coverage(),
            }
        return out


def _shortened(places: list[str], shown: int = 10) -> list[str]:
    """Row places with the sheet named once: 工作表“台账”第5行、第9行 …, the tail counted."""
    out = [p if i == 0 else p[p.rfind("第"):] for i, p in enumerate(places[:shown])]
    if len(places) > shown:
        out.append(f"等{len(places)}行")
    return out


def class_findings(ledger: Ledger, profile: Profile) -> list[Finding]:
    """Rows whose result class is outside the configured scheme."""
    allowed = {c.letter for c in profile.classes}
    return [
        error(
            "ledger.class_unknown", f"ledger[{i}].result_class",
            f"ledger[{i}].result_class：第{row.item_number}号{row.source}的办理结果“{row.result_class}”"
            f"不属于本地配置的{profile.result_classes.scheme}分类方案",
        )
        for i, row in enumerate(ledger.rows)
        if row.result_class and row.result_class not in allowed
    ]


def ledger_report(
    source: list[Any] | tuple[str, bytes], profile: Profile, limits: IntakeLimits | None = None,
) -> LedgerReport:
    """The figures of a ledger given as records or as (filename, content), with its findings."""
    try:
        ledger = load_ledger(source, limits)
    except LedgerUnreadable as exc:
        return LedgerReport(None, exc.findings)
    findings = ledger.findings + class_findings(ledger, profile)
    return LedgerReport(compute(ledger.rows, profile), findings, ledger.rows, ledger)
