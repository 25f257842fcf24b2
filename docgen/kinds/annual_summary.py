"""年度办理工作总结 — a unit's (or the government office's) annual handling summary.

docgen counts the ledger and writes 一、基本情况 (sentences, a table of the figures and a
chart); the staff write the narrative sections (主要做法, 办理成效, 存在的问题, 下一步打算 by
default; sections can be renamed, added or reordered).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any, Literal

from pydantic import ConfigDict, Field, PrivateAttr

from .. import charts
from ..engine import DocumentProperties, Picture
from ..errors import CaseRejected
from ..figures import Figures, compute
from ..findings import Finding, error, warning
from ..formatting import (
    chinese_number,
    format_date,
    half_width_length,
    ordinal_heading,
    title_lines,
)
from ..ledger import (
    Ledger,
    LedgerUnreadable,
    RawRow,
    normalise,
    raw_rows_from_records,
    read_ledger_file,
)
from ..profile import Profile
from .base import DocumentKind
from .common import Date, Strict, Text, paragraphs

ALL_CLASS_LETTERS = ("A", "B", "C", "D")
SectionKey = Literal["practices", "results", "problems", "plans"]
REQUIRED_SECTIONS: dict[str, str] = {
    "practices": "主要做法",
    "results": "办理成效",
    "problems": "存在的问题",
    "plans": "下一步打算",
}
SUBHEADING = re.compile(r"^（[一二三四五六七八九十]+）")


class Section(Strict):
    model_config = ConfigDict(title="正文部分")

    key: SectionKey | None = Field(
        None, title="必备部分", description="practices 主要做法 / results 办理成效 / problems 存在的问题 / plans 下一步打算；自加部分留空"
    )
    title: Text = Field(title="标题", description="可改名，如“办理程序”")
    text: str = Field("", max_length=50000, title="内容", description="换行分段；以“（一）”开头的行作为二级标题")


class UploadedLedger(list):
    """Rows read from an uploaded file, keeping sheet and row numbers for messages."""


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


class AnnualSummary(DocumentKind[AnnualSummaryCase]):
    name = "annual-summary"
    title = "年度办理工作总结"
    description = "根据全年台账自动统计办结率、满意率等数据，生成办理工作总结"
    model = AnnualSummaryCase
    template = "annual-summary.docx"
    order = 40

    # --- input -------------------------------------------------------------------------

    def parse(self, data: Any) -> AnnualSummaryCase:
        uploaded = data.get("ledger") if isinstance(data, dict) else None
        if isinstance(uploaded, UploadedLedger):
            data = {**data, "ledger": [{}]}  # validated below, with sheet and row numbers
        case: AnnualSummaryCase = super().parse(data)
        try:
            raw = list(uploaded) if isinstance(uploaded, UploadedLedger) else raw_rows_from_records(case.ledger)
        except LedgerUnreadable as exc:
            raise CaseRejected(exc.findings) from exc
        case._ledger = normalise(raw, ALL_CLASS_LETTERS)
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
        findings += self._check_sections(case)
        if not any(f.severity.value == "error" for f in findings):
            findings += list(_contradictions(case, compute(case._ledger.rows, profile)))
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

    def _check_sections(self, case: AnnualSummaryCase) -> list[Finding]:
        findings = []
        keys = {s.key for s in case.sections}
        for key, title in REQUIRED_SECTIONS.items():
            if key not in keys:
                findings.append(error(
                    "section.missing", "sections",
                    f"sections：缺少必备部分“{title}”（key 为 {key}），可改名但不能省略",
                ))
        for i, section in enumerate(case.sections):
            if not section.text.strip():
                findings.append(error("section.empty", f"sections[{i}].text", f"sections[{i}].text：“{section.title}”部分没有内容"))
        return findings

    # --- context -------------------------------------------------------------------------

    def context(self, case: AnnualSummaryCase, profile: Profile) -> dict[str, Any]:
        figures = compute(case._ledger.rows, profile)
        ratings = rating_counts(case._ledger.rows)
        issued = case.issued_on or dt.date.today()
        return {
            "title_lines": title_lines(document_title(case), 19),
            "intro": [heading(f"{ordinal_heading(1)}基本情况")] + [para(t) for t in basic_facts(case, figures, profile)],
            "table_caption": f"表1  {case.year}年度建议提案办理主要数据",
            "figures_table": figures_table(figures, profile),
            "chart": Picture(charts.results_and_satisfaction(figures, ratings), 150),
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


# --- content -------------------------------------------------------------------------------


def para(text: str) -> dict[str, Any]:
    return {"level": 0, "lead": "", "text": text}


def heading(text: str, level: int = 1) -> dict[str, Any]:
    return {"level": level, "lead": "", "text": text}


def document_title(case: AnnualSummaryCase) -> str:
    return case.title or f"{case.unit}{case.year}年度人大代表建议和政协委员提案办理工作总结"


def rating_counts(rows) -> dict[str, dict[str, int]]:
    main = [r for r in rows if r.role == "主办"]
    return {
        "办理态度": {k: sum(1 for r in main if r.attitude == k) for k in ("满意", "基本满意", "不满意")},
        "办理结果": {k: sum(1 for r in main if r.result_rating == k) for k in ("满意", "基本满意", "不满意")},
    }


def basic_facts(case: AnnualSummaryCase, f: Figures, profile: Profile) -> list[str]:
    """一、基本情况 as sentences a reader can follow, not a dump of numbers."""
    we = case.self_reference
    s, p = f.by_source["建议"], f.by_source["提案"]
    kinds = "、".join(x for x in (f"人大代表建议{s}件" if s else "", f"政协委员提案{p}件" if p else "") if x)
    first = f"{case.year}年，{we}共承办人大代表建议和政协委员提案{f.total}件，其中{kinds}。"
    first += f"按办理方式分，主办{f.main}件，会办{f.co}件"
    first += f"；列为重点件的{f.key_items}件。" if f.key_items else "。"
    facts = [first]

    if f.main:
        if f.replied == f.main:
            done = f"截至{case.year}年底，主办的{f.main}件已全部答复，办结率{f.completion.text}"
        else:
            done = (f"截至{case.year}年底，主办的{f.main}件已答复{f.replied}件，办结率{f.completion.text}，"
                    f"其余{f.main - f.replied}件正在办理")
        on_time = f.on_time.numerator
        done += (f"；均在规定期限内答复，按时办结率{f.on_time.text}。" if on_time == f.main
                 else f"；在规定期限内答复{on_time}件，按时办结率{f.on_time.text}。")
        facts.append(done)

    if f.classified:
        parts = [
            f"{c.letter}类（{c.meaning}）{f.by_class[c.letter]}件，占{f.class_share[c.letter].text}"
            for c in profile.classes if f.by_class[c.letter]
        ]
        facts.append(f"从办理结果看，已答复的主办件中，{'；'.join(parts)}。")

    if f.main:
        facts.append(f"办理过程中，与代表委员当面沟通（面商、座谈、走访）{f.face_to_face.numerator}件，面商率{f.face_to_face.text}。")

    if f.attitude.denominator or f.result.denominator:
        satisfaction = (
            f"共收回征询意见表{f.attitude.denominator}份，对办理态度表示满意或基本满意的{f.attitude.numerator}份，"
            f"满意率{f.attitude.text}；对办理结果表示满意或基本满意的{f.result.numerator}份，满意率{f.result.text}。"
        )
        if f.unsatisfied:
            satisfaction += f"对办理结果不满意的{f.unsatisfied}件，按规定重新办理并再次答复。"
        facts.append(satisfaction)
    elif f.replied:
        facts.append("征询意见表尚未收回。")

    if f.published.denominator:
        facts.append(f"可公开的{f.published.denominator}件答复中，已公开发布{f.published.numerator}件，公开率{f.published.text}。")

    if f.by_topic:
        top = "、".join(f"{topic}（{count}件）" for topic, count in f.by_topic[:3])
        facts.append(f"从内容看，建议和提案主要集中在{top}等方面。")
    return facts


def figures_table(f: Figures, profile: Profile) -> list[dict[str, str]]:
    rows = [
        {"label": "承办总数", "value": f"{f.total}件", "note": f"建议{f.by_source['建议']}件，提案{f.by_source['提案']}件"},
        {"label": "主办件", "value": f"{f.main}件", "note": f"建议{f.main_by_source['建议']}件，提案{f.main_by_source['提案']}件"},
        {"label": "会办件", "value": f"{f.co}件", "note": ""},
        {"label": "重点件", "value": f"{f.key_items}件", "note": ""},
    ]
    for c in profile.classes:
        rows.append({
            "label": f"{c.letter}类",
            "value": f"{f.by_class[c.letter]}件",
            "note": f"占已答复主办件的{f.class_share[c.letter].text}",
        })
    for label, ratio, unit in (
        ("办结率", f.completion, "件"),
        ("按时办结率", f.on_time, "件"),
        ("面商率", f.face_to_face, "件"),
        ("办理态度满意率", f.attitude, "份"),
        ("办理结果满意率", f.result, "份"),
        ("公开率", f.published, "件"),
    ):
        rows.append({"label": label, "value": ratio.text, "note": f"{ratio.numerator}{unit}／{ratio.denominator}{unit}"})
    return rows


def section_blocks(sections: list[Section]) -> Iterator[dict[str, Any]]:
    for number, section in enumerate(sections, start=2):
        yield heading(f"{chinese_number(number)}、{section.title}")
        for line in paragraphs(section.text):
            match = SUBHEADING.match(line)
            if match and len(line) <= 30:
                yield heading(line, 2)
            else:
                yield para(line)


# --- narrative figures that contradict the ledger -----------------------------------------

_NUMBER = r"(\d+(?:\.\d+)?)"
_STATED: tuple[tuple[str, str, str], ...] = (
    # (pattern, figure, label)
    (rf"共(?:承办|办理)[^。；，]{{0,20}}?{_NUMBER}件", "total", "承办总数"),
    (rf"主办{_NUMBER}件", "main", "主办件数"),
    (rf"会办{_NUMBER}件", "co", "会办件数"),
    (rf"(?<!按时)办结率(?:为|达到|达)?{_NUMBER}%", "completion", "办结率"),
    (rf"按时办结率(?:为|达到|达)?{_NUMBER}%", "on_time", "按时办结率"),
    (rf"面商率(?:为|达到|达)?{_NUMBER}%", "face_to_face", "面商率"),
    (rf"公开率(?:为|达到|达)?{_NUMBER}%", "published", "公开率"),
)


def _contradictions(case: AnnualSummaryCase, f: Figures) -> Iterator[Finding]:
    for i, section in enumerate(case.sections):
        for pattern, name, label in _STATED:
            for match in re.finditer(pattern, section.text):
                stated = match.group(1)
                actual = getattr(f, name)
                if hasattr(actual, "percent"):
                    if actual.percent is None or abs(float(stated) - float(actual.percent)) < 0.05:
                        continue
                    shown = actual.text
                elif float(stated) == actual:
                    continue
                else:
                    shown = f"{actual}件"
                yield warning(
                    "summary.figure_mismatch", f"sections[{i}].text",
                    f"sections[{i}].text：“{section.title}”中写的{label}“{match.group(0)}”与台账统计（{shown}）不一致",
                )


KIND = AnnualSummary()
