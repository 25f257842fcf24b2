"""A ledger's figures with its findings, for the stats faces (CLI ``stats``, ``/api/v1/ledger/stats``, the summary page)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ...findings import Finding, error, has_errors
from ...profile import Profile
from . import chart
from .figures import Figures, compute, rating_counts
from .ledger import Ledger, LedgerRow, LedgerUnreadable, load_ledger


@dataclass
class LedgerReport:
    figures: Figures | None
    findings: list[Finding]
    rows: list[LedgerRow] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.figures is not None and not has_errors(self.findings)

    def chart(self) -> bytes:
        """The summary's chart of these figures (PNG); only for a report with figures."""
        assert self.figures is not None
        return chart.results_and_satisfaction(self.figures, rating_counts(self.rows))

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "figures": self.figures.to_dict() if self.figures is not None else None,
            "findings": [f.to_dict() for f in self.findings],
        }


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


def ledger_report(source: list[Any] | tuple[str, bytes], profile: Profile) -> LedgerReport:
    """The figures of a ledger given as records or as (filename, content), with its findings."""
    try:
        ledger = load_ledger(source)
    except LedgerUnreadable as exc:
        return LedgerReport(None, exc.findings)
    findings = ledger.findings + class_findings(ledger, profile)
    return LedgerReport(compute(ledger.rows, profile), findings, ledger.rows)
