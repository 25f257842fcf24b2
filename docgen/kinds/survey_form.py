"""征询意见表 — the satisfaction survey form that goes with a reply to the lead deputy or member.

Required parts: a one-page table prefilled with the item number and title,
the deputy or member, the handling unit(s), the result class and the reply date; for the
deputy to fill: how the unit contacted them, a rating of the handling attitude and of the
handling result (满意 / 基本满意 / 不满意, as check boxes), comments (required when 不满意),
signature and date; then where to return the form and by when.

The form must print on one A4 page. Its comments area takes whatever height the prefilled
rows leave free; :func:`page_budget` estimates the rows from the column widths below, which
``templates/tpl_survey_form.py`` builds the table from.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Annotated, Any, Protocol

from pydantic import ConfigDict, Field, StringConstraints

from ..engine import DocumentProperties
from ..findings import Finding, error
from ..formatting import format_date, half_width_length, join_list, title_lines
from ..profile import Profile
from .base import DocumentKind
from .common import (
    Date,
    ItemCase,
    Phone,
    SessionRef,
    Strict,
    Text,
    author_names,
    check_co_handling_units,
    check_item_title,
    check_person_names,
    check_phone,
    check_result_class,
)

# --- geometry of the printed form (shared with templates/tpl_survey_form.py) ---------------

TYPE_AREA_MM = (156.0, 225.0)  # GB/T 9704 type area, width × height
LABEL_MM = 30.0  # label columns: five characters at 14 pt
VALUE_MM = 48.0  # value columns; label + value + label + value = 156 mm
CELL_PADDING_MM = 2 * 108 / 1440 * 25.4  # TableNormal's left and right cell margins
TABLE_EM_MM = 14 / 72 * 25.4  # one 14 pt character
ROW_LINE_MM = 8.0  # TableText / TableTextCenter: exact 8 mm lines; the least height of a row
WRAP_LINE_MM = 6.5  # the line pitch of prefilled values, so that a wrapped value stays compact
TITLE_LINE_MM = 13.0  # DocTitle: exact 13 mm lines
SUBTITLE_MM = 12.0  # the session line under the title, with the space before the table
SIGNATURE_ROW_MM = 16.0  # room to sign
NOTE_LINE_MM = 7.0  # the notes under the table
ATTACHMENT_MARK_MM = 8.0  # “附件” over a form appended to a letter
SAFETY_MM = 8.0  # what LibreOffice and Word may add (borders, rounding, line breaking)
MIN_BLANK_LINES = 3  # the comments area never shrinks below this many blank lines

CONTACT_MODES = ("面商", "电话", "信函", "其他", "未联系")
RATINGS = ("满意", "基本满意", "不满意")
BOX = "☐"


def _em_capacity(width_mm: float) -> float:
    """Characters of 14 pt text a cell of ``width_mm`` holds on one line, less half a character
    for the line-breaking rules (a closing mark may not start a line)."""
    return (width_mm - CELL_PADDING_MM) / TABLE_EM_MM - 0.5


VALUE_EM = _em_capacity(VALUE_MM)
WIDE_EM = _em_capacity(LABEL_MM + 2 * VALUE_MM)  # a value spanning three columns
NOTE_EM = TYPE_AREA_MM[0] / TABLE_EM_MM - 2.5  # the notes' text, after the hanging “注：”

Postcode = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\d{6}$")]


class ReturnTo(Strict):
    """填好的征询意见表退回何处：单位、地址、联系人和电话。"""

    model_config = ConfigDict(title="退回地址")

    unit: Text | None = Field(None, title="退回单位", description="不填则为主办单位")
    address: Text | None = Field(None, title="通讯地址", examples=["江州市解放路18号"])
    postcode: Postcode | None = Field(None, title="邮政编码", examples=["310000"])
    contact: Text = Field(title="联系人")
    phone: Phone = Field(
        title="联系电话",
        description="手机或带区号的固定电话，可带分机（转8021），多个号码用“、”分隔",
        examples=["0571-87654321"],
    )


class SurveyFormCase(ItemCase):
    """征询意见表的案件数据。"""

    model_config = ConfigDict(title="征询意见表")

    co_authors: list[Text] = Field(default_factory=list, max_length=100, title="联名代表/委员")
    handling_unit: Text = Field(title="主办单位", examples=["江州市住房和城乡建设局"])
    co_handling_units: list[Text] = Field(default_factory=list, max_length=30, title="会办单位")
    result_class: Text = Field(title="办理结果分类", description="答复函标注的类别，各类的含义见下拉列表")
    assigned_on: Date = Field(title="交办日期")
    replied_on: Date = Field(title="答复日期")
    return_to: ReturnTo = Field(title="退回方式", description="填好的表退回哪里")
    return_by: Date | None = Field(
        None, title="退回期限", description="不填则为答复日期后若干天（按本地设置，默认15天）"
    )


class SurveyForm(DocumentKind[SurveyFormCase]):
    name = "survey-form"
    title = "征询意见表"
    description = "随答复函送领衔代表或第一提案人填写的办理情况征询意见表，一页表格"
    model = SurveyFormCase
    template = "survey-form.docx"
    order = 30

    # --- rules ---------------------------------------------------------------------

    def form_choices(self, profile: Profile) -> dict[str, list[tuple[str, str]]]:
        return {"result_class": [(c.letter, f"{c.letter}类：{c.meaning}") for c in profile.classes]}

    def check(self, case: SurveyFormCase, profile: Profile) -> list[Finding]:
        findings: list[Finding] = []
        findings += check_person_names(
            case.source,
            author_names(case.lead_author, case.co_authors),
        )
        findings += check_item_title(case.source, case.item_title)
        findings += check_result_class(case.result_class, profile)
        findings += check_co_handling_units(
            case.handling_unit, [(f"co_handling_units[{i}]", unit) for i, unit in enumerate(case.co_handling_units)]
        )
        findings += self._check_dates(case, profile)
        findings += check_phone(case.return_to.phone, "return_to.phone")
        findings += check_fits_one_page(case, profile)
        return findings

    def _check_dates(self, case: SurveyFormCase, profile: Profile) -> list[Finding]:
        findings = []
        if case.replied_on < case.assigned_on:
            findings.append(error(
                "reply_date.before_assignment", "replied_on",
                f"replied_on：答复日期{format_date(case.replied_on)}早于交办日期{format_date(case.assigned_on)}",
            ))
        if case.return_by is not None and case.return_by < case.replied_on:
            findings.append(error(
                "return_date.before_reply", "return_by",
                f"return_by：退回期限{format_date(case.return_by)}早于答复日期{format_date(case.replied_on)}，"
                "代表或委员收到答复后才能填写本表",
            ))
        return findings

    # --- context -------------------------------------------------------------------

    def context(self, case: SurveyFormCase, profile: Profile) -> dict[str, Any]:
        return {"survey": survey_context(case, profile)}

    def filename(self, case: SurveyFormCase) -> str:
        return f"{item_name(case)}办理情况征询意见表"

    def properties(self, case: SurveyFormCase) -> DocumentProperties:
        return DocumentProperties(
            title=f"{item_name(case)}办理情况征询意见表",
            author=case.handling_unit,
            subject=item_name(case),
            keywords=f"{case.source} 征询意见表 {case.result_class}类",
        )


# --- rules (module level: they read plain values) ---------------------------------------


def check_fits_one_page(case: SurveyFormCase, profile: Profile, *, attachment: bool = False) -> list[Finding]:
    """The prefilled rows must leave the comments area its minimum height on one page
    (under the 附件 mark when the form is a letter's ``attachment``)."""
    budget = page_budget(case, profile, attachment=attachment)
    if budget.blank_lines >= MIN_BLANK_LINES:
        return []
    # Name the field that takes the most room, so the message says what to shorten.
    culprits = {
        "item_title": budget.rows_mm["item_title"],
        "co_handling_units": budget.rows_mm.get("co_handling_units", 0),
        "co_authors": budget.rows_mm.get("co_authors", 0),
        "return_to": budget.note_lines * NOTE_LINE_MM,
    }
    path = max(culprits, key=lambda k: culprits[k])
    over = math.ceil((MIN_BLANK_LINES - budget.blank_lines) * ROW_LINE_MM)
    return [error(
        "form.too_long", path,
        f"{path}：内容过长，征询意见表排不进一页A4纸（约超出{over}毫米），请精简此项内容",
    )]


# --- content pieces --------------------------------------------------------------------


class ReplyLike(Protocol):
    """What :func:`survey_for_reply_letter` reads from a reply-letter case."""

    source: str
    session: SessionRef
    item_number: int
    item_title: str
    lead_author: str
    co_authors: list[str]
    handling_unit: str
    co_handlers: list[Any]  # each with .unit
    result_class: str
    assigned_on: dt.date
    replied_on: dt.date
    contact: Any  # with .name and .phone


def survey_for_reply_letter(case: ReplyLike, profile: Profile) -> dict[str, Any]:
    """The survey context for a reply letter's appended form."""
    return survey_context(survey_case_for_reply_letter(case), profile, attachment=True)


def survey_case_for_reply_letter(case: ReplyLike) -> SurveyFormCase:
    """The form appended to a reply letter: the same item, returned to the replying unit's contact person."""
    return SurveyFormCase(
        source=case.source,  # type: ignore[arg-type]
        session=case.session,
        item_number=case.item_number,
        item_title=case.item_title,
        lead_author=case.lead_author,
        co_authors=list(case.co_authors),
        handling_unit=case.handling_unit,
        co_handling_units=[co.unit for co in case.co_handlers],
        result_class=case.result_class,
        assigned_on=case.assigned_on,
        replied_on=case.replied_on,
        return_to=ReturnTo(contact=case.contact.name, phone=case.contact.phone),
    )


def item_name(case: SurveyFormCase) -> str:
    """市十五届人大三次会议第123号建议 / 市政协十二届三次会议第45号提案."""
    return f"{case.session.name(case.source)}第{case.item_number}号{case.source}"


def form_title(case: SurveyFormCase) -> str:
    """市人大代表建议办理情况征询意见表 / 市政协提案办理情况征询意见表 (by the session's level)."""
    level = case.session.level
    if case.source == "提案":
        return f"{level}政协提案办理情况征询意见表"
    return f"{level}人大代表建议办理情况征询意见表"


def return_deadline(case: SurveyFormCase, profile: Profile) -> dt.date:
    """The case's own return-by date, or the reply date plus the configured days."""
    if case.return_by is not None:
        return case.return_by
    return case.replied_on + dt.timedelta(days=profile.deadlines.survey_return_days)


def co_handling_units(case: SurveyFormCase) -> list[str]:
    """The co-handling units once each, without the lead unit."""
    return [u for u in dict.fromkeys(case.co_handling_units) if u != case.handling_unit]


def labels(source: str) -> dict[str, str]:
    """The row labels, worded for a 建议 or a 提案 (at most five characters each)."""
    if source == "提案":
        return {
            "item_title": "提案题目", "item_number": "提案编号", "lead_author": "第一提案人",
            "co_authors": "联名提案人", "person": "委员",
        }
    return {
        "item_title": "建议题目", "item_number": "建议编号", "lead_author": "领衔代表",
        "co_authors": "联名代表", "person": "代表",
    }


def return_note(case: SurveyFormCase, profile: Profile) -> str:
    """Where to and by when, as the first note under the table."""
    ret = case.return_to
    unit = ret.unit or case.handling_unit
    where = []
    if ret.address:
        where.append(f"地址：{ret.address}" + (f"，邮编：{ret.postcode}" if ret.postcode else ""))
    elif ret.postcode:
        where.append(f"邮编：{ret.postcode}")
    where.append(f"联系人：{ret.contact}，电话：{ret.phone}")
    deadline = format_date(return_deadline(case, profile))
    return f"请于{deadline}前将本表寄回或送交{unit}（{'；'.join(where)}）。"


REHANDLING_NOTE = "评价“不满意”的，承办单位一个月内重新办理并答复。"
COMMENTS_NOTE = "（评价为“不满意”的，须写明具体意见和理由）"


def text_width(text: str) -> float:
    """Width in em as printed: like :func:`half_width_length`, but Chinese quotation marks,
    which a zh-CN document sets full width, count as one."""
    return half_width_length(text) + 0.5 * sum(text.count(q) for q in "“”‘’")


def _lines(text: str, capacity: float) -> int:
    return max(1, math.ceil(text_width(text) / capacity))


def _row_mm(lines: int) -> float:
    """A table row: at least one 8 mm line; wrapped values run at the tighter 6.5 mm pitch."""
    return max(ROW_LINE_MM, lines * WRAP_LINE_MM)


@dataclass(frozen=True)
class Budget:
    """How the page's height is spent: each prefilled row (in mm), the notes, and the blank
    lines of the comments area that fit in what is left."""

    title_lines: int
    rows_mm: dict[str, float]
    note_lines: int
    blank_lines: int


def page_budget(case: SurveyFormCase, profile: Profile, *, attachment: bool = False) -> Budget:
    """Estimate the height every part takes and give the rest to the comments area; a letter's
    ``attachment`` also carries the 附件 mark."""
    text = _prefilled(case)
    rows = {
        "item_title": _row_mm(_lines(text["item_title"], WIDE_EM)),
        "item_number+lead_author": _row_mm(max(_lines(text["item_number"], VALUE_EM), _lines(text["lead_author"], VALUE_EM))),
        "handling_unit": _row_mm(_lines(text["handling_unit"], WIDE_EM)),
        "class+date": ROW_LINE_MM,
        "to_fill": ROW_LINE_MM,
        "contact_mode": ROW_LINE_MM,
        "attitude": ROW_LINE_MM,
        "result": ROW_LINE_MM,
        "comments_note": _lines(COMMENTS_NOTE, WIDE_EM) * ROW_LINE_MM,
        "signature": SIGNATURE_ROW_MM,
    }
    if text["co_authors"]:
        rows["co_authors"] = _row_mm(_lines(text["co_authors"], WIDE_EM))
    if text["co_handling_units"]:
        rows["co_handling_units"] = _row_mm(_lines(text["co_handling_units"], WIDE_EM))
    n_title = len(text["title_lines"])
    note_lines = _lines(return_note(case, profile), NOTE_EM) + _lines(REHANDLING_NOTE, NOTE_EM)
    used = (ATTACHMENT_MARK_MM if attachment else 0) + n_title * TITLE_LINE_MM + SUBTITLE_MM + sum(rows.values()) + note_lines * NOTE_LINE_MM + SAFETY_MM
    blank = math.floor((TYPE_AREA_MM[1] - used) / ROW_LINE_MM)
    return Budget(n_title, rows, note_lines, blank)


def _prefilled(case: SurveyFormCase) -> dict[str, Any]:
    """The values the handling unit's side of the form prints."""
    return {
        "title_lines": title_lines(form_title(case)),
        "session_line": f"（{case.session.name(case.source)}）",
        "item_title": f"《{case.item_title.strip('《》')}》",
        "item_number": f"第{case.item_number}号",
        "lead_author": case.lead_author,
        "co_authors": join_list(case.co_authors),
        "handling_unit": case.handling_unit,
        "co_handling_units": join_list(co_handling_units(case)),
        "result_class": f"{case.result_class}类",
        "replied_on": format_date(case.replied_on),
    }


def survey_context(case: SurveyFormCase, profile: Profile, *, attachment: bool = False) -> dict[str, Any]:
    """Everything the form's template reads (under ``survey``), for the form alone or appended
    to a letter as its ``attachment``."""
    words = labels(case.source)
    budget = page_budget(case, profile, attachment=attachment)
    return {
        **_prefilled(case),
        "labels": words,
        "to_fill": f"以下由{words['person']}填写（请在选定项的{BOX}内打“√”）",
        "comments_note": COMMENTS_NOTE,
        "blank_lines": list(range(max(MIN_BLANK_LINES, budget.blank_lines))),
        "signature_label": f"{words['person']}签名",
        "signing_date": "年\u3000\u3000月\u3000\u3000日",
        "return_note": return_note(case, profile),
        "rehandling_note": REHANDLING_NOTE,
    }


KIND = SurveyForm()
