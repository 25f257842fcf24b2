"""年度办理工作总结 — a unit's (or the government office's) annual handling summary.

docgen counts the ledger and writes 一、基本情况 (sentences, a table of the figures and a
chart); the staff write the narrative sections (主要做法, 办理成效, 存在的问题, 下一步打算 by
default; sections can be renamed, added or reordered).

The package holds all of the kind's knowledge: the ledger's columns and rows (:mod:`.ledger`),
the figures (:mod:`.figures`), the chart (:mod:`.chart`), the text (:mod:`.narrative`) and the
ledger's report for the stats faces (:mod:`.report`).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

from pydantic import ConfigDict, Field, PrivateAttr

from ...engine import DocumentProperties, Picture
from ...errors import CaseRejected
from ...findings import Finding, error, has_errors, warning
from ...formatting import format_date, half_width_length, ordinal_heading, title_lines
from ...profile import Profile
from ..base import DocumentKind
from ..common import Date, Strict, Text
from . import chart  # imports matplotlib only when a chart is drawn
from .figures import Figures, compute, rating_counts
from .ledger import Ledger, LedgerUnreadable, RawRow, UploadedLedger, case_ledger, read_ledger_file, set_upload_aside
from .narrative import basic_facts, contradictions, document_title, figures_table, heading, para, section_blocks
from .report import class_findings

SectionKey = Literal["practices", "results", "problems", "plans"]
# Numbering and punctuation around a section title, ignored when recognising it: 二、 （二） 2. “” ……
_TITLE_NOISE = re.compile(r"^[（(]?[一二三四五六七八九十\d]+[）)、.．]|[\s\W_]")


class Section(Strict):
    model_config = ConfigDict(title="正文部分")

    key: SectionKey | None = Field(
        None,
        title="对应部分",
        description="practices 主要做法 / results 办理成效 / problems 存在的问题 / plans 下一步打算；"
        "标题已能看出的或自加部分可留空",
    )
    title: Text = Field(title="标题", description="可改名，如“办理程序”")
    text: str = Field("", max_length=50000, title="内容", description="换行分段；以“（一）”开头的行作为二级标题")


class AnnualSummaryCase(Strict):
    """年度办理工作总结的数据。"""

    model_config = ConfigDict(title="年度办理工作总结")

    unit: Text = Field(title="单位", examples=["江州市住房和城乡建设局"])
    year: int = Field(ge=2000, le=2100, title="年度")
    self_reference: Text = Field("我单位", title="自称", description="如“我局”")
    title: Text | None = Field(None, title="标题", description="不填则为“单位+年度+人大代表建议和政协委员提案办理工作总结”")
    issued_on: Date | None = Field(None, title="成文日期", description="不填则为当天")
    ledger: list[dict[str, Any]] = Field(
        min_length=1, max_length=20000, title="台账", description="每件一行；列名可用中文（来源、编号、标题、办理方式、交办日期……）或英文"
    )
    sections: list[Section] = Field(default_factory=list, max_length=20, title="正文各部分")

    _ledger: Ledger = PrivateAttr()
    _figures: tuple[Profile, Figures] | None = PrivateAttr(None)

    def figures(self, profile: Profile) -> Figures:
        """The ledger's figures under ``profile``, computed once (the check and the context share them)."""
        if self._figures is None or self._figures[0] is not profile:
            self._figures = (profile, compute(self._ledger.rows, profile))
        return self._figures[1]


class AnnualSummary(DocumentKind[AnnualSummaryCase]):
    name = "annual-summary"
    title = "年度办理工作总结"
    description = "根据全年台账自动统计办结率、满意率等数据，生成办理工作总结"
    model = AnnualSummaryCase
    template = "annual-summary.docx"
    order = 40

    # --- input -------------------------------------------------------------------------

    def parse(self, data: Any) -> AnnualSummaryCase:
        data, uploaded = set_upload_aside(data)
        case: AnnualSummaryCase = super().parse(data)
        case._ledger = case_ledger(uploaded, case.ledger)
        return case

    def attach(self, data: dict[str, Any], field: str, filename: str, content: bytes) -> dict[str, Any]:
        if field != "ledger":
            return super().attach(data, field, filename, content)
        try:
            rows: list[RawRow] = read_ledger_file(filename, content)
        except LedgerUnreadable as exc:
            raise CaseRejected(exc.findings) from exc
        return {**data, "ledger": UploadedLedger(rows)}

    # --- rules ---------------------------------------------------------------------------

    def check(self, case: AnnualSummaryCase, profile: Profile) -> list[Finding]:
        findings = list(case._ledger.findings)
        findings += class_findings(case._ledger, profile)
        findings += self._check_year(case)
        findings += self._check_sections(case, profile)
        if not has_errors(findings):
            findings += list(contradictions(case, case.figures(profile)))
        return findings

    def _check_year(self, case: AnnualSummaryCase) -> list[Finding]:
        other = sorted({r.assigned_on.year for r in case._ledger.rows if r.assigned_on.year != case.year})
        if not other:
            return []
        count = sum(1 for r in case._ledger.rows if r.assigned_on.year != case.year)
        return [warning(
            "ledger.other_year", "ledger",
            f"ledger：有{count}件的交办日期不在{case.year}年（{'、'.join(map(str, other))}年），请核对年度",
        )]

    def _check_sections(self, case: AnnualSummaryCase, profile: Profile) -> list[Finding]:
        """The profile's required parts are present (an error), its recommended ones too (a warning); none is empty.

        A part is present when a section carries its key, or when a section's title names it or one of
        its synonyms (办理程序 counts as 主要做法): offices rename and combine parts freely.
        """
        parts = profile.summary.sections
        present = {key for section in case.sections for key in parts_named(section, profile)}
        findings = []
        for key, part in parts:
            if key in present or part.requirement == "optional":
                continue
            others = [s for s in part.synonyms if s != part.title][:4]
            known = "、".join(f"“{s}”" for s in others)
            if part.requirement == "required":
                findings.append(error(
                    "section.missing", "sections",
                    f"sections：缺少必备部分“{part.title}”（key 为 {key}），可改名但不能省略；"
                    f"标题写作{known}等也可识别",
                ))
            else:
                findings.append(warning(
                    "section.recommended_missing", "sections",
                    f"sections：没有“{part.title}”部分（key 为 {key}），一般应当写明；标题写作{known}等也可识别",
                ))
        for i, section in enumerate(case.sections):
            if not section.text.strip():
                findings.append(error("section.empty", f"sections[{i}].text", f"sections[{i}].text：“{section.title}”部分没有内容"))
        return findings

    # --- context -------------------------------------------------------------------------

    def context(self, case: AnnualSummaryCase, profile: Profile) -> dict[str, Any]:
        figures = case.figures(profile)
        issued = case.issued_on or dt.date.today()
        return {
            "title_lines": title_lines(document_title(case), 19),
            "intro": [heading(f"{ordinal_heading(1)}基本情况")] + [para(t) for t in basic_facts(case, figures, profile)],
            "table_caption": f"表1  {case.year}年度建议提案办理主要数据",
            "figures_table": figures_table(figures, profile),
            "chart": Picture(chart.results_and_satisfaction(figures, rating_counts(case._ledger.rows)), chart.PRINTED_WIDTH_MM),
            "chart_caption": f"图1  办理结果分类与征询意见表评价（共收回{figures.attitude.denominator}份）",
            "body": list(section_blocks(case.sections)),
            "closing": "",
            "signature_fits": half_width_length(case.unit) <= 15,
            "signing_unit": case.unit,
            "signing_date": format_date(issued, profile.format.date_style),
        }

    def filename(self, case: AnnualSummaryCase) -> str:
        return document_title(case)

    def properties(self, case: AnnualSummaryCase) -> DocumentProperties:
        return DocumentProperties(
            title=document_title(case), author=case.unit, subject=f"{case.year}年度建议提案办理工作总结", keywords="年度总结 建议 提案"
        )


def parts_named(section: Section, profile: Profile) -> set[str]:
    """The profile's parts a section stands for: its key, and every part its title names by a synonym."""
    title = _TITLE_NOISE.sub("", section.title)
    named = {key for key, part in profile.summary.sections if any(s in title for s in (part.title, *part.synonyms))}
    return named | {section.key} if section.key else named


KIND = AnnualSummary()
