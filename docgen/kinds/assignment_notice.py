"""交办单 — one unit's assignment notice: the letter from the office that organises the 交办 to a
unit, listing the items it leads and those it co-handles, with their due dates and what the
handling requires.

It is made from the assignment list (:func:`docgen.kinds.assignment.notice_cases` gives one case
per unit, which a batch renders into a .zip named by unit) or typed for one unit. It goes out in
the letter format under the office's red letterhead, without a class mark.
"""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field, PrivateAttr

from ..engine import DocumentProperties
from ..findings import Finding, error
from ..formatting import format_date, half_width_length, ordinal_heading, title_lines
from ..profile import Profile
from .assignment import MAX_ITEMS, Level, item_row, sources_phrase
from .assignment.items import AssignmentItem, Place, check_items, places_of
from .base import DocumentKind
from .common import SIGNATURE_MAX_EM, Contact, Date, Strict, Text, check_document_number, check_phone, contact_notes


class AssignmentNoticeCase(Strict):
    """交办单的数据。"""

    model_config = ConfigDict(title="交办单")

    office: Text = Field(title="交办单位", description="发出交办单的机关，即红头和署名", examples=["江州市人民政府办公室"])
    level: str = Level
    year: int = Field(ge=2000, le=2100, title="年度")
    meeting_on: Date = Field(title="交办会日期", description="各件未填交办日期的，以此为交办日期，也是交办单的日期")
    unit: Text = Field(title="承办单位", description="交办单的主送单位", examples=["江州市住房和城乡建设局"])
    items: list[AssignmentItem] = Field(min_length=1, max_length=MAX_ITEMS, title="交办件", description="该单位主办或会办的各件")
    document_number: Text | None = Field(None, title="发文字号", examples=["江政办交〔2025〕3号"])
    contact: Contact | None = Field(None, title="联系方式", description="交办单位的联系人，可不填")

    _places: list[Place] = PrivateAttr(default_factory=list)

    def led(self) -> list[AssignmentItem]:
        return [i for i in self.items if i.lead_unit == self.unit]

    def co_handled(self) -> list[AssignmentItem]:
        return [i for i in self.items if i.lead_unit != self.unit and self.unit in i.co_units]


class AssignmentNotice(DocumentKind[AssignmentNoticeCase]):
    name = "assignment-notice"
    title = "交办单"
    description = "交办单位发给一个承办单位的交办单：列出其主办、会办的各件和办理期限"
    model = AssignmentNoticeCase
    template = "assignment-notice.docx"
    order = 61

    def parse(self, data: Any) -> AssignmentNoticeCase:
        case: AssignmentNoticeCase = super().parse(data)
        case._places = places_of(data, len(case.items))
        return case

    def check(self, case: AssignmentNoticeCase, profile: Profile) -> list[Finding]:
        findings = check_items(case.items, case._places)
        for i, item in enumerate(case.items):
            if item.lead_unit != case.unit and case.unit not in item.co_units:
                findings.append(error(
                    "notice.unit_not_involved", f"items[{i}]",
                    f"items[{i}]：{item.label}的主办、会办单位中都没有“{case.unit}”，不应列入该单位的交办单",
                ))
        findings += check_document_number(case.document_number)
        if case.contact is not None:
            findings += check_phone(case.contact.phone)
        return findings

    def context(self, case: AssignmentNoticeCase, profile: Profile) -> dict[str, Any]:
        return {
            "class_mark": "",
            "letterhead": profile.format.letterhead,
            "issuer": case.office,
            "document_number": case.document_number or "",
            "signer": "",
            "title_lines": title_lines(document_title(case)),
            "addressee": f"{case.unit}：",
            "intro": opening(case),
            "sections": sections(case, profile),
            "closing": "",
            "signature_fits": half_width_length(case.office) <= SIGNATURE_MAX_EM,
            "signing_unit": case.office,
            "signing_date": format_date(case.meeting_on, profile.format.date_style),
            "notes": contact_notes(case.contact) if case.contact else [],
        }

    def filename(self, case: AssignmentNoticeCase) -> str:
        return f"{case.unit}交办单"

    def properties(self, case: AssignmentNoticeCase) -> DocumentProperties:
        return DocumentProperties(
            title=document_title(case), author=case.office, subject=f"{case.unit}{case.year}年交办单", keywords="交办单 建议 提案"
        )


def document_title(case: AssignmentNoticeCase) -> str:
    return f"关于交办{case.year}年{sources_phrase(case.level, case.items)}的通知"


def opening(case: AssignmentNoticeCase) -> str:
    led, co = len(case.led()), len(case.co_handled())
    parts = "、".join(x for x in (f"主办{led}件" if led else "", f"会办{co}件" if co else "") if x)
    return (
        f"{format_date(case.meeting_on)}，{case.level}召开{case.year}年{sources_phrase(case.level, case.items)}交办会。"
        f"现将交由你单位办理的{len(case.items)}件（{parts}）交办如下，请认真研究办理。"
    )


def sections(case: AssignmentNoticeCase, profile: Profile) -> list[dict[str, Any]]:
    """主办件 and 会办件 each with its table, then the handling requirements; numbered as present."""
    d = profile.deadlines
    parts: list[dict[str, Any]] = []
    led, co = case.led(), case.co_handled()
    if led:
        parts.append({"title": f"主办件（{len(led)}件）", "table": "lead",
                      "rows": [item_row(i, case.meeting_on, profile) for i in led], "paragraphs": []})
    if co:
        parts.append({"title": f"会办件（{len(co)}件）", "table": "co",
                      "rows": [item_row(i, case.meeting_on, profile) for i in co], "paragraphs": []})
    rules = []
    if led:
        rules.append(
            f"主办件应在交办之日起{d.reply_months}个月内（情况复杂的{d.complex_reply_months}个月内）书面答复领衔代表（委员），"
            "答复前应主动与代表委员沟通，答复时附征询意见表；表中答复期限即为最后期限。"
        )
    if co:
        rules.append(f"会办件应在交办之日起{d.co_handling_months}个月内向主办单位书面提出会办意见，由主办单位在答复中一并说明。")
    if any(i.key_item for i in led):
        rules.append("重点件由督办领导牵头督办，主办单位应及时报告办理进展，办结后报送办理情况。")
    rules.append("如认为所交办件不属于本单位职责，请在收到交办单后及时向交办单位说明理由并退回，不得自行转办。")
    parts.append({"title": "办理要求", "table": "", "rows": [], "paragraphs": rules})
    for number, part in enumerate(parts, start=1):
        part["heading"] = f"{ordinal_heading(number)}{part['title']}"
    return parts


KIND = AssignmentNotice()
