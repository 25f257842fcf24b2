"""会办意见 — a co-handling unit's written opinion to the lead unit on one 建议 or 提案.

Required parts: title ``关于……第N号建议的会办意见`` (or 提案), addressed to
the lead unit (never to the deputy or member, whom only the lead unit answers), what the
co-handler has done and what it proposes for its own part, each commitment with its time
limit, signing unit and date, contact person and telephone. It goes out in the letter format
under the co-handler's own letterhead, without a result-class mark: only the reply is classed.
Due within one month of assignment (``deadlines.co_handling_months``).
"""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field, StrictBool

from ..engine import DocumentProperties
from ..findings import Finding, error, warning
from ..formatting import (
    add_months,
    format_date,
    half_width_length,
    ordinal_heading,
    title_lines,
)
from ..profile import Profile
from .base import DocumentKind
from .common import (
    SIGNATURE_MAX_EM,
    SUFFIX,
    Contact,
    Date,
    ItemCase,
    LongText,
    Measure,
    Strict,
    Text,
    author_names,
    authors_label,
    check_document_number,
    check_item_title,
    check_measures,
    check_person_names,
    check_phone,
    contact_notes,
    paragraphs,
    sentence,
)


class OpinionPoint(Strict):
    model_config = ConfigDict(title="会办意见要点")

    topic: Text = Field(title="会办事项", description="本单位职责范围内的一个方面，如“关于加装电梯财政补助”")
    opinion: LongText = Field(title="意见内容", description="本单位对该事项的意见和已做工作，可分段（换行分段）")
    measures: list[Measure] = Field(default_factory=list, max_length=20, title="承诺措施", description="本单位承诺的措施，每项须有完成时限")


class CoHandlingOpinionCase(ItemCase):
    """会办意见的案件数据。"""

    model_config = ConfigDict(title="会办意见")

    co_authors: list[Text] = Field(
        default_factory=list, max_length=100, title="联名代表/委员", description="填写后正文称“张三等代表”；只写姓名"
    )
    lead_unit: Text = Field(title="主办单位", description="会办意见的主送单位", examples=["江州市住房和城乡建设局"])
    co_handling_unit: Text = Field(title="会办单位", description="出具会办意见的本单位，即发文和署名单位", examples=["江州市财政局"])
    self_reference: Text = Field("我单位", title="自称", description="正文中的自称，如“我局”“我委”")
    document_number: Text | None = Field(None, title="发文字号", examples=["江财函〔2024〕46号"])
    signer: Text | None = Field(None, title="签发人", description="审核签发本文的单位负责人姓名；填写后在发文字号同一行右侧印“签发人：姓名”，不填则不印", examples=["张伟"])
    work_done: LongText = Field(title="工作开展情况", description="本单位已做的工作，可分段（换行分段）")
    points: list[OpinionPoint] = Field(min_length=1, max_length=50, title="会办意见", description="逐项写明本单位的意见和承诺")
    contact: Contact = Field(title="联系方式")
    assigned_on: Date = Field(title="交办日期")
    issued_on: Date = Field(title="成文日期", description="会办意见的日期")
    letterhead: StrictBool | None = Field(None, title="打印红头", description="是：首页印红色单位名称和红色分隔线；否：留出同样的空白，用于已印好红头的公函纸；不填则按本地设置")
    copies: list[Text] | None = Field(None, max_length=20, title="抄送", description="不填则不抄送")


class CoHandlingOpinion(DocumentKind[CoHandlingOpinionCase]):
    name = "co-handling-opinion"
    title = "会办意见"
    description = "会办单位就人大代表建议或政协委员提案向主办单位提出的书面会办意见"
    model = CoHandlingOpinionCase
    template = "co-handling-opinion.docx"
    order = 20

    # --- rules ---------------------------------------------------------------------

    def check(self, case: CoHandlingOpinionCase, profile: Profile) -> list[Finding]:
        findings: list[Finding] = []
        findings += check_person_names(case.source, author_names(case.lead_author, case.co_authors))
        findings += check_item_title(case.source, case.item_title)
        findings += self._check_addressee(case)
        for i, point in enumerate(case.points):
            findings += check_measures(point.measures, f"points[{i}].measures", case.issued_on, dated=True)
        findings += self._check_dates(case, profile)
        findings += check_document_number(case.document_number)
        findings += check_phone(case.contact.phone)
        return findings

    def _check_addressee(self, case: CoHandlingOpinionCase) -> list[Finding]:
        """The opinion goes to the lead unit; only the lead unit answers the deputy or member."""
        unit = case.lead_unit
        if unit in (case.lead_author, *case.co_authors) or unit.endswith(("代表", "委员")):
            return [error(
                "addressee.is_author", "lead_unit",
                f"lead_unit：会办意见应主送主办单位，不能直接送{SUFFIX[case.source]}（收到“{unit}”），"
                "由主办单位统一答复",
            )]
        if unit == case.co_handling_unit:
            return [error(
                "addressee.is_co_handler", "lead_unit",
                f"lead_unit：主送单位“{unit}”与会办单位相同，会办意见应主送主办单位",
            )]
        return []

    def _check_dates(self, case: CoHandlingOpinionCase, profile: Profile) -> list[Finding]:
        if case.issued_on < case.assigned_on:
            return [error(
                "opinion_date.before_assignment", "issued_on",
                f"issued_on：会办意见日期{format_date(case.issued_on)}早于交办日期{format_date(case.assigned_on)}",
            )]
        months = profile.deadlines.co_handling_months
        deadline = add_months(case.assigned_on, months)
        if case.issued_on > deadline:
            days = (case.issued_on - deadline).days
            return [warning(
                "opinion_date.late", "issued_on",
                f"issued_on：超过会办期限{days}天（交办后{months}个月内应向主办单位提出会办意见，"
                f"期限为{format_date(deadline)}）",
            )]
        return []

    # --- context -------------------------------------------------------------------

    def context(self, case: CoHandlingOpinionCase, profile: Profile) -> dict[str, Any]:
        letterhead = profile.format.letterhead if case.letterhead is None else case.letterhead
        return {
            "class_mark": "",
            "letterhead": letterhead,
            "issuer": case.co_handling_unit,
            "document_number": case.document_number or "",
            "signer": case.signer or "",
            "title_lines": title_lines(document_title(case)),
            "addressee": f"{case.lead_unit}：",
            "body": body_blocks(case),
            "closing": closing_line(case),
            "signature_fits": half_width_length(case.co_handling_unit) <= SIGNATURE_MAX_EM,
            "signing_unit": case.co_handling_unit,
            "signing_date": format_date(case.issued_on, profile.format.date_style),
            "notes": contact_notes(case.contact),
            "copies": "，".join(case.copies or []),
        }

    def filename(self, case: CoHandlingOpinionCase) -> str:
        return document_title(case)

    def properties(self, case: CoHandlingOpinionCase) -> DocumentProperties:
        return DocumentProperties(
            title=document_title(case),
            author=case.co_handling_unit,
            subject=f"{case.session.name(case.source)}第{case.item_number}号{case.source}",
            keywords=f"{case.source} 会办意见",
        )


# --- content pieces ------------------------------------------------------------------

# How a letter addresses the receiving unit in the body, by the end of its name.
_COURTESY = (("委员会", "贵委"), ("委", "贵委"), ("局", "贵局"), ("厅", "贵厅"), ("办公室", "贵办"), ("办", "贵办"), ("院", "贵院"))


def document_title(case: CoHandlingOpinionCase) -> str:
    return f"关于{case.session.name(case.source)}第{case.item_number}号{case.source}的会办意见"


def courtesy_name(unit: str) -> str:
    """贵局 / 贵委 / 贵办 … for the lead unit, by the end of its name; 贵单位 otherwise."""
    return next((polite for end, polite in _COURTESY if unit.endswith(end)), "贵单位")


def author(case: CoHandlingOpinionCase) -> str:
    """The authors with the title the source gives: 张海燕代表 / 郑玉梅委员, 张海燕等代表 with co-authors."""
    return authors_label(case.source, case.lead_author, case.co_authors)


def commitment_text(measure: Measure) -> str:
    """A commitment as one sentence, its deadline at the end: ``…，2024年6月30日前完成。``."""
    text = sentence(measure.content)
    if measure.deadline is None:
        return text
    return f"{text[:-1]}，{format_date(measure.deadline)}前完成。"


def body_blocks(case: CoHandlingOpinionCase) -> list[dict[str, Any]]:
    """Opening, what the co-handler has done, then one section per point with its commitments."""
    blocks: list[dict[str, Any]] = []

    def para(text: str) -> None:
        blocks.append({"level": 0, "lead": "", "text": text})

    def heading(text: str) -> None:
        blocks.append({"level": 1, "lead": "", "text": text})

    we, lead = case.self_reference, courtesy_name(case.lead_unit)
    title = case.item_title.strip("《》")
    para(
        f"{author(case)}在{case.session.name(case.source)}期间提出的《{title}》（第{case.item_number}号），"
        f"由{lead}主办、{we}会办。{we}结合职责进行了认真研究，现将会办意见函告如下："
    )
    heading(f"{ordinal_heading(1)}工作开展情况")
    for text in paragraphs(case.work_done):
        para(text)
    for section, point in enumerate(case.points, start=2):
        heading(f"{ordinal_heading(section)}{point.topic.rstrip('。')}")
        for text in paragraphs(point.opinion):
            para(text)
        if point.measures:
            blocks.append({"level": 0, "lead": "", "text": f"对此，{we}承诺：", "keep": True})
            for j, measure in enumerate(point.measures, start=1):
                para(f"{j}. {commitment_text(measure)}")
    return blocks


def closing_line(case: CoHandlingOpinionCase) -> str:
    return f"以上意见，请{courtesy_name(case.lead_unit)}在答复{author(case)}时一并说明。"


KIND = CoHandlingOpinion()
