"""交办会讲话稿 — the draft of the speech given at the assignment meeting, for the office to edit.

Structure as those speeches have it: title, the speaker and the date under it, ``同志们：``, an
opening, ``一、`` last year's work with its results (办复率, 按时办结率, 面商率, 满意率 for attitude
and result, computed from last year's ledger by the annual summary's figure definitions), ``二、``
this year's items (from this year's assignment list: totals, 建议 vs 提案, units, the share that
needs several units, key items and their leaders), then the requirements (``三、`` onward, each
with （一）… subsections, from editable defaults) and the closing. A speech, not a red-head
document: 仿宋 body, 黑体/楷体 headings, page numbers on every page.

A figure written in the office's narrative of last year that contradicts the ledger is a warning
(``speech.figure_mismatch``), as in the summary.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

from pydantic import ConfigDict, Field, PrivateAttr

from ..engine import DocumentProperties
from ..errors import CaseRejected
from ..findings import Finding, has_errors, warning
from ..formatting import chinese_number, format_date, title_lines
from ..profile import Profile
from .annual_summary.figures import Figures, compute
from .annual_summary.ledger import Ledger, LedgerUnreadable, UploadedLedger, case_ledger, read_ledger_file, set_upload_aside
from .annual_summary.narrative import SUBHEADING, contradictions, heading, para
from .assignment import MAX_ITEMS, Level, lead_units, several_units, sources_phrase
from .assignment.items import AssignmentItem, Place, check_items, places_of, read_items_file
from .base import DocumentKind
from .common import Date, Strict, Text, item_label, paragraphs


class Requirement(Strict):
    model_config = ConfigDict(title="要求")

    title: Text = Field(title="标题", description="如“提高思想认识，压实办理责任”，不写“三、”等序号")
    text: str = Field("", max_length=20000, title="内容", description="换行分段；以“（一）”开头的行作为二级标题")


DEFAULT_REQUIREMENTS = (
    ("提高思想认识，压实办理责任", (
        "（一）落实领导责任。各承办单位主要负责同志要亲自部署、亲自过问，分管负责同志具体抓，明确承办处室和经办人员，"
        "把办理任务分解到岗、落实到人。\n"
        "（二）严守办理时限。主办单位要在规定期限内答复代表委员，不得拖延；会办单位要按时向主办单位提出书面会办意见，"
        "不能以会办代替主办，也不能以主办推给会办。")),
    ("注重沟通协商，提高办理质量", (
        "（一）坚持先沟通后答复。答复前要主动与代表委员面商沟通，听取意见，把协商贯穿办理全过程。\n"
        "（二）规范答复内容。对列入计划解决的，要写明计划、步骤、措施和完成时限，不能只写“列入计划”；"
        "对因条件限制暂不能解决的，要如实说明原因。")),
    ("强化督查督办，确保落实见效", (
        "（一）抓好重点件督办。重点件由督办领导牵头，主办单位要及时报告办理进展。\n"
        "（二）跟踪承诺事项落实。对答复中向代表委员作出的承诺建立台账，逐项跟踪，按期办结，办结情况及时反馈代表委员。")),
)


def default_requirements() -> list[Requirement]:
    return [Requirement(title=title, text=text) for title, text in DEFAULT_REQUIREMENTS]


class AssignmentSpeechCase(Strict):
    """交办会讲话稿的数据。"""

    model_config = ConfigDict(title="交办会讲话稿")

    level: str = Level
    year: int = Field(ge=2001, le=2100, title="年度", description="今年；去年的办理情况按上一年的台账统计")
    speaker: Text = Field(title="讲话人", description="题目下方的署名，如“副市长 李明”", examples=["副市长 李明"])
    delivered_on: Date = Field(title="讲话日期", description="交办会日期")
    title: Text | None = Field(None, title="标题", description="不填则为“在××年××交办会上的讲话”")
    items: list[AssignmentItem] = Field(min_length=1, max_length=MAX_ITEMS, title="今年交办件", description="即交办清单，可上传表格")
    ledger: list[dict[str, Any]] = Field(
        min_length=1, max_length=20000, title="去年台账", description="上一年的办理台账（与年度总结相同），每件一行，可上传表格"
    )
    opening: str = Field("", max_length=20000, title="开场白", description="“同志们：”之后的开头，不填则自动生成；换行分段")
    review: str = Field(
        "", max_length=20000, title="去年工作回顾",
        description="统计数据之后的工作回顾，换行分段；以“（一）”开头的行作为二级标题；文中的数字应与台账一致",
    )
    this_year: str = Field("", max_length=20000, title="今年交办补充", description="今年交办情况之后的补充说明，可不填")
    requirements: list[Requirement] = Field(
        default_factory=default_requirements, max_length=20, title="工作要求", description="从“三、”起依次编号，可改写、增删"
    )
    closing: str = Field("", max_length=20000, title="结束语", description="不填则自动生成")

    _places: list[Place] = PrivateAttr(default_factory=list)
    _ledger: Ledger = PrivateAttr()


class AssignmentSpeech(DocumentKind[AssignmentSpeechCase]):
    name = "assignment-speech"
    title = "交办会讲话稿"
    description = "交办会讲话稿初稿：自动写入今年交办件数和去年办复率、满意率等数据，供办公室修改"
    model = AssignmentSpeechCase
    template = "assignment-speech.docx"
    order = 62

    def parse(self, data: Any) -> AssignmentSpeechCase:
        data, uploaded = set_upload_aside(data)
        case: AssignmentSpeechCase = super().parse(data)
        case._places = places_of(data, len(case.items))
        case._ledger = case_ledger(uploaded, case.ledger)
        return case

    def attach(self, data: dict[str, Any], field: str, filename: str, content: bytes) -> dict[str, Any]:
        if field == "items":
            return {**data, "items": read_items_file(filename, content)}
        if field == "ledger":
            try:
                return {**data, "ledger": UploadedLedger(read_ledger_file(filename, content))}
            except LedgerUnreadable as exc:
                raise CaseRejected(exc.findings) from exc
        return super().attach(data, field, filename, content)

    def check(self, case: AssignmentSpeechCase, profile: Profile) -> list[Finding]:
        findings = check_items(case.items, case._places) + list(case._ledger.findings)
        findings += _check_ledger_year(case)
        if not has_errors(findings):
            findings += list(figure_mismatches(case, compute(case._ledger.rows, profile)))
        return findings

    def context(self, case: AssignmentSpeechCase, profile: Profile) -> dict[str, Any]:
        figures = compute(case._ledger.rows, profile)
        return {
            "title_lines": title_lines(document_title(case)),
            "speaker": case.speaker,
            "date_line": f"（{format_date(case.delivered_on)}）",
            "addressee": "同志们：",
            "body": body_blocks(case, figures, profile),
        }

    def filename(self, case: AssignmentSpeechCase) -> str:
        return f"{document_title(case)}（讲话稿）"

    def properties(self, case: AssignmentSpeechCase) -> DocumentProperties:
        return DocumentProperties(
            title=document_title(case), author=case.speaker, subject=f"{case.year}年建议提案交办会讲话稿", keywords="交办会 讲话稿"
        )


# --- rules ---------------------------------------------------------------------------------------


def _check_ledger_year(case: AssignmentSpeechCase) -> list[Finding]:
    last = case.year - 1
    other = sorted({r.assigned_on.year for r in case._ledger.rows if r.assigned_on.year != last})
    if not other:
        return []
    count = sum(1 for r in case._ledger.rows if r.assigned_on.year != last)
    return [warning(
        "ledger.other_year", "ledger",
        f"ledger：去年台账应为{last}年的，但有{count}件的交办日期在{'、'.join(map(str, other))}年，请核对",
    )]


def figure_mismatches(case: AssignmentSpeechCase, figures: Figures) -> Iterator[Finding]:
    """Figures in the opening and the review of last year that contradict the ledger, found by the
    annual summary's reading of stated figures."""
    parts = [("opening", "开场白", case.opening), ("review", "去年工作回顾", case.review)]
    sections = SimpleNamespace(sections=[SimpleNamespace(title=label, text=text) for _, label, text in parts])
    for found in contradictions(sections, figures):  # type: ignore[arg-type]
        index = int(re.match(r"sections\[(\d+)\]", found.path).group(1))  # type: ignore[union-attr]
        path = parts[index][0]
        yield warning("speech.figure_mismatch", path, f"{path}：{found.message.split('：', 1)[1]}")


# --- content -------------------------------------------------------------------------------------


def document_title(case: AssignmentSpeechCase) -> str:
    return case.title or f"在{case.year}年{sources_phrase(case.level, case.items)}交办会上的讲话"


def _narrative(text: str) -> list[dict[str, Any]]:
    """Paragraphs; a short line starting with （一） is a 楷体 subheading."""
    return [heading(line, 2) if SUBHEADING.match(line) and len(line) <= 30 else para(line) for line in paragraphs(text)]


def opening(case: AssignmentSpeechCase) -> str:
    return (
        f"今天，我们召开{case.year}年{sources_phrase(case.level, case.items)}交办会，主要任务是总结{case.year - 1}年"
        f"建议提案办理工作，交办今年的建议和提案，对做好今年的办理工作提出要求。下面，我讲几点意见。"
    )


def last_year_facts(year: int, f: Figures) -> str:
    """Last year's results in one paragraph, every figure from the ledger."""
    s, p = f.by_source["建议"], f.by_source["提案"]
    kinds = "、".join(x for x in (f"人大代表建议{s}件" if s else "", f"政协委员提案{p}件" if p else "") if x)
    text = f"{year}年，共承办{kinds}，其中主办{f.main}件、会办{f.co}件。"
    if f.main:
        done = "已全部答复" if f.replied == f.main else f"已答复{f.replied}件"
        text += (f"截至年底，主办件{done}，办复率{f.completion.text}，按时办结率{f.on_time.text}；"
                 f"与代表委员面商沟通{f.face_to_face.numerator}件，面商率{f.face_to_face.text}。")
    if f.attitude.denominator or f.result.denominator:
        text += (f"共收回征询意见表{f.attitude.denominator}份，代表委员对办理态度的满意率为{f.attitude.text}，"
                 f"对办理结果的满意率为{f.result.text}。")
    return text


def this_year_facts(case: AssignmentSpeechCase, profile: Profile) -> list[str]:
    """This year's items: totals by source, units, the share needing several units, key items and
    leaders, and the periods the locality profile sets."""
    items = case.items
    count = {s: sum(1 for i in items if i.source == s) for s in ("建议", "提案")}
    kinds = "、".join(x for x in (f"人大代表建议{count['建议']}件" if count["建议"] else "",
                                  f"政协委员提案{count['提案']}件" if count["提案"] else "") if x)
    shared = several_units(items)
    facts = [
        f"今年共交办{kinds}，合计{len(items)}件，由{len(lead_units(items))}个单位主办。"
        f"其中需多个单位共同办理的{shared.numerator}件，占{shared.text}，办理中需要主办、会办单位密切配合。"
    ]
    keys = [i for i in items if i.key_item]
    if keys:
        by_leader: dict[str, list[AssignmentItem]] = {}
        for item in keys:
            by_leader.setdefault(item.leader or "", []).append(item)
        parts = [f"{leader}督办{_titled(mine)}" for leader, mine in by_leader.items()]
        facts.append(f"经研究，确定重点件{len(keys)}件，由{len(by_leader)}位领导领衔督办：{'；'.join(parts)}。")
    d = profile.deadlines
    facts.append(
        f"按照规定，主办单位应在交办之日起{d.reply_months}个月内答复代表委员，情况复杂的不超过{d.complex_reply_months}个月；"
        f"会办单位应在{d.co_handling_months}个月内向主办单位提出书面会办意见。"
    )
    return facts


def _titled(items: list[AssignmentItem]) -> str:
    """《关于……的建议》（第12号建议）、《……》（第36号提案）."""
    return "、".join(f"《{i.title.strip('《》')}》（{item_label(i.source, i.item_number)}）" for i in items)


def closing(case: AssignmentSpeechCase) -> str:
    return (
        "同志们，办理好建议和提案，是接受人大监督、政协民主监督的重要内容，也是联系群众、改进工作的重要途径。"
        "希望各承办单位以高度负责的态度，按时保质完成今年的办理任务，以办理工作的实效回应代表委员和人民群众的期待。"
    )


def body_blocks(case: AssignmentSpeechCase, figures: Figures, profile: Profile) -> list[dict[str, Any]]:
    last = case.year - 1
    blocks = [para(text) for text in (paragraphs(case.opening) or [opening(case)])]
    blocks.append(heading(f"一、{last}年建议提案办理工作的基本情况"))
    blocks.append(para(last_year_facts(last, figures)))
    blocks += _narrative(case.review)
    blocks.append(heading("二、今年建议提案的交办情况"))
    blocks += [para(text) for text in this_year_facts(case, profile)]
    blocks += _narrative(case.this_year)
    for number, requirement in enumerate(case.requirements, start=3):
        blocks.append(heading(f"{chinese_number(number)}、{requirement.title.rstrip('。')}"))
        blocks += _narrative(requirement.text)
    blocks += [para(text) for text in (paragraphs(case.closing) or [closing(case)])]
    return blocks


KIND = AssignmentSpeech()
