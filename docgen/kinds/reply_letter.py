"""答复函 — the lead handling unit's reply to a deputy (建议) or a CPPCC member (提案).

Required parts: class mark, title by source, addressee with 代表/委员, an
opening citing the item, one answer per point raised (B: each measure with its time limit;
C: the reason), what each co-handling unit said, a closing courtesy line, signing unit and
date, contact person and telephone, copies.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field, StrictBool

from ..engine import DocumentProperties
from ..findings import Finding, error, warning
from ..formatting import (
    add_months,
    format_date,
    half_width_length,
    join_list,
    ordinal_heading,
    title_lines,
)
from ..profile import Profile
from .base import DocumentKind
from .common import (
    SIGNATURE_MAX_EM,
    Contact,
    Date,
    ItemCase,
    LongText,
    Measure,
    Strict,
    Text,
    author_names,
    authors_label,
    check_co_handling_units,
    check_document_number,
    check_item_title,
    check_measures,
    check_person_names,
    check_phone,
    check_result_class,
    contact_notes,
    paragraphs,
    sentence,
)
from .reply_letter_table import TABLE
from .survey_form import (
    form_title,
    check_fits_one_page,
    survey_case_for_reply_letter,
    survey_for_reply_letter,
)


class CoHandler(Strict):
    model_config = ConfigDict(title="会办单位及意见")

    unit: Text = Field(title="会办单位", examples=["江州市财政局"])
    opinion: str = Field("", max_length=20000, title="会办意见", description="该单位的会办意见要点")


class Point(Strict):
    model_config = ConfigDict(title="答复要点")

    topic: Text = Field(title="所提问题", description="代表/委员提出的一个方面，如“关于简化加装电梯审批程序”")
    answer: LongText = Field(title="答复内容", description="针对该问题的答复，可分段（换行分段）")
    measures: list[Measure] = Field(default_factory=list, max_length=20, title="承诺措施", description="下一步措施，B类每项须有完成时限")


class ReplyLetterCase(ItemCase):
    """答复函的案件数据。"""

    model_config = ConfigDict(title="答复函")

    co_authors: list[Text] = Field(default_factory=list, max_length=100, title="联名代表/委员")
    handling_unit: Text = Field(title="主办单位", examples=["江州市住房和城乡建设局"])
    self_reference: Text = Field("我单位", title="自称", description="正文中的自称，如“我局”“我委”")
    document_number: Text | None = Field(None, title="发文字号", examples=["杭建复〔2024〕12号"])
    co_handlers: list[CoHandler] = Field(default_factory=list, max_length=30, title="会办单位")
    result_class: Text = Field(title="办理结果分类", description="各类的含义见下拉列表；类别按本地设置，分三类或四类")
    points: list[Point] = Field(min_length=1, max_length=50, title="逐条答复")
    reason: LongText | None = Field(None, title="原因说明", description="C类（分四类时为D类）必填：暂不能解决或留作参考的原因")
    closing: Text | None = Field(None, title="结束语", description="不填则使用默认致谢语")
    contact: Contact = Field(title="联系方式")
    assigned_on: Date = Field(title="交办日期")
    replied_on: Date = Field(title="答复日期")
    complex: StrictBool = Field(False, title="情况复杂", description="复杂事项的办理期限为6个月（可配置）")
    disclosure: Literal["主动公开", "依申请公开", "不予公开"] = Field("主动公开", title="公开属性")
    signer: Text | None = Field(None, title="签发人", description="审核签发本文的单位负责人姓名；填写后在发文字号同一行右侧印“签发人：姓名”，不填则不印", examples=["张伟"])
    handler_is_government: StrictBool = Field(True, title="主办单位为政府部门", description="是则抄送政府办公室")
    copies: list[Text] | None = Field(None, max_length=20, title="抄送", description="不填则按来源和会办单位自动生成")
    letterhead: StrictBool | None = Field(None, title="打印红头", description="是：首页印红色单位名称和红色分隔线；否：留出同样的空白，用于已印好红头的公函纸；不填则按本地设置")
    with_survey_form: StrictBool = Field(False, title="附征询意见表", description="在答复函后另起一页附上按本件预填的征询意见表")


class ReplyLetter(DocumentKind[ReplyLetterCase]):
    name = "reply-letter"
    title = "答复函"
    description = "主办单位答复人大代表建议或政协委员提案的函，含办理结果分类标识"
    model = ReplyLetterCase
    template = "reply-letter.docx"
    order = 10
    table = TABLE

    # --- rules ---------------------------------------------------------------------

    def form_choices(self, profile: Profile) -> dict[str, list[tuple[str, str]]]:
        return {"result_class": [(c.letter, f"{c.letter}类：{c.meaning}") for c in profile.classes]}

    def check(self, case: ReplyLetterCase, profile: Profile) -> list[Finding]:
        findings: list[Finding] = []
        findings += check_person_names(
            case.source,
            author_names(case.lead_author, case.co_authors),
        )
        findings += check_item_title(case.source, case.item_title)
        findings += self._check_class(case, profile)
        findings += self._check_co_handlers(case)
        findings += self._check_dates(case, profile)
        findings += check_document_number(case.document_number)
        findings += check_phone(case.contact.phone)
        if case.with_survey_form:
            findings += check_fits_one_page(survey_case_for_reply_letter(case), profile, attachment=True)
        return findings

    def _check_class(self, case: ReplyLetterCase, profile: Profile) -> list[Finding]:
        result_class = profile.result_class(case.result_class)
        if result_class is None:
            return check_result_class(case.result_class, profile)
        findings: list[Finding] = []
        all_measures = [m for p in case.points for m in p.measures]
        if result_class.requires_commitments and not all_measures:
            findings.append(error(
                "commitment.missing", "points",
                f"points：{result_class.letter}类（{result_class.meaning}）必须写明下一步措施及每项措施的完成时限",
            ))
        for i, point in enumerate(case.points):
            findings += check_measures(
                point.measures, f"points[{i}].measures", case.replied_on, dated=result_class.requires_commitments
            )
        if result_class.requires_reason and not case.reason:
            findings.append(error(
                "reason.missing", "reason",
                f"reason：{result_class.letter}类（{result_class.meaning}）必须如实说明原因",
            ))
        return findings

    def _check_co_handlers(self, case: ReplyLetterCase) -> list[Finding]:
        findings = [
            error(
                "co_handler.opinion_missing", f"co_handlers[{i}].opinion",
                f"co_handlers[{i}].opinion：答复中须说明会办单位“{co.unit}”的会办意见",
            )
            for i, co in enumerate(case.co_handlers)
            if not co.opinion.strip()
        ]
        return findings + check_co_handling_units(
            case.handling_unit, [(f"co_handlers[{i}].unit", co.unit) for i, co in enumerate(case.co_handlers)]
        )

    def _check_dates(self, case: ReplyLetterCase, profile: Profile) -> list[Finding]:
        if case.replied_on < case.assigned_on:
            return [error(
                "reply_date.before_assignment", "replied_on",
                f"replied_on：答复日期{format_date(case.replied_on)}早于交办日期{format_date(case.assigned_on)}",
            )]
        months = profile.reply_period_months(case.complex)
        deadline = add_months(case.assigned_on, months)
        if case.replied_on > deadline:
            days = (case.replied_on - deadline).days
            return [warning(
                "reply_date.late", "replied_on",
                f"replied_on：超过办理期限{days}天（交办后{months}个月内应答复，期限为{format_date(deadline)}）",
            )]
        return []

    # --- context -------------------------------------------------------------------

    def context(self, case: ReplyLetterCase, profile: Profile) -> dict[str, Any]:
        title = document_title(case)
        letterhead = profile.format.letterhead if case.letterhead is None else case.letterhead
        notes = []
        if profile.format.disclosure_line:
            notes.append(f"（此件{case.disclosure}）")
        notes += contact_notes(case.contact)
        return {
            "class_mark": case.result_class,
            "letterhead": letterhead,
            "issuer": case.handling_unit,
            "document_number": case.document_number or "",
            "signer": case.signer or "",
            "title_lines": title_lines(title),
            "addressee": addressee(case),
            "body": body_blocks(case),
            "closing": closing_line(case),
            "signature_fits": half_width_length(case.handling_unit) <= SIGNATURE_MAX_EM,
            "signing_unit": case.handling_unit,
            "signing_date": format_date(case.replied_on, profile.format.date_style),
            "notes": notes,
            "copies": "，".join(copy_recipients(case, profile)),
            "survey": survey_for_reply_letter(case, profile) if case.with_survey_form else None,
            "attachment": form_title(survey_case_for_reply_letter(case)) if case.with_survey_form else "",
        }

    def filename(self, case: ReplyLetterCase) -> str:
        return document_title(case)

    def properties(self, case: ReplyLetterCase) -> DocumentProperties:
        return DocumentProperties(
            title=document_title(case),
            author=case.handling_unit,
            subject=f"{case.session.name(case.source)}第{case.item_number}号{case.source}",
            keywords=f"{case.source} 答复函 {case.result_class}类",
        )


# --- content pieces (module level so other kinds and tests can use them) -----------------


def document_title(case: ReplyLetterCase) -> str:
    return f"关于{case.session.name(case.source)}第{case.item_number}号{case.source}的答复"


def addressee(case: ReplyLetterCase) -> str:
    return f"{authors_label(case.source, case.lead_author, case.co_authors)}："


def _you(case: ReplyLetterCase) -> str:
    return "你们" if case.co_authors else "您"


def body_blocks(case: ReplyLetterCase) -> list[dict[str, Any]]:
    """The letter's body as blocks: opening, one section per point, co-handlers, reason."""
    blocks: list[dict[str, Any]] = []

    def para(text: str) -> None:
        blocks.append({"level": 0, "lead": "", "text": text})

    def heading(text: str) -> None:
        blocks.append({"level": 1, "lead": "", "text": text})

    we, you = case.self_reference, _you(case)
    title = case.item_title.strip("《》")
    handled = (
        f"{we}会同{join_list([c.unit for c in case.co_handlers])}认真研究办理"
        if case.co_handlers
        else f"{we}高度重视，认真研究办理"
    )
    para(f"{you}在{case.session.name(case.source)}期间提出的《{title}》（第{case.item_number}号）收悉。{handled}，现答复如下：")

    section = 0
    for point in case.points:
        section += 1
        heading(f"{ordinal_heading(section)}{point.topic.rstrip('。')}")
        for text in paragraphs(point.answer):
            para(text)
        if point.measures:
            blocks.append({"level": 0, "lead": "", "text": f"下一步，{we}将重点做好以下工作：", "keep": True})
            for j, measure in enumerate(point.measures, start=1):
                content = sentence(measure.content)
                if measure.deadline is not None:
                    content = f"{content[:-1]}，{format_date(measure.deadline)}前完成。"
                para(f"{j}. {content}")

    if case.co_handlers:
        section += 1
        heading(f"{ordinal_heading(section)}会办单位意见")
        for co in case.co_handlers:
            para(f"{co.unit}：{sentence(co.opinion)}")

    if case.reason:
        section += 1
        heading(f"{ordinal_heading(section)}有关情况说明")
        for text in paragraphs(case.reason):
            para(text)
    return blocks


def closing_line(case: ReplyLetterCase) -> str:
    return case.closing or f"衷心感谢{_you(case)}对{case.self_reference}工作的关心和支持，欢迎继续提出宝贵意见和建议。"


def copy_recipients(case: ReplyLetterCase, profile: Profile) -> list[str]:
    """抄送: the congress/CPPCC office for the source, the government office, the co-handlers."""
    if case.copies is not None:
        return list(case.copies)
    level = case.session.level
    body = profile.copies.suggestion_body if case.source == "建议" else profile.copies.proposal_body
    recipients = [body.format(level=level)]
    if case.handler_is_government:
        recipients.append(profile.copies.government_office.format(level=level))
    recipients += [c.unit for c in case.co_handlers]
    return recipients


KIND = ReplyLetter()
