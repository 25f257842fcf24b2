"""审议意见 — the people's congress standing committee's review opinion on the government's
report about the handling of deputies' suggestions.

Required parts: title ``…人大常委会关于…代表建议办理情况的审议意见``, the government as
addressee, an opening naming the meeting (date, the committee's term and meeting number) and
the report heard, ``会议认为`` (overall assessment), ``会议指出`` with the problems numbered
一是/二是…, ``根据会议审议情况，提出如下审议意见：`` with the opinions numbered 一是/二是…
(each with a bold lead phrase), the request to report in writing within N months, the
committee as signer and the date. The numbering is the generator's: typed numbering is flagged.
"""

from __future__ import annotations

import itertools
import re
from typing import Annotated, Any

from pydantic import ConfigDict, Field, StrictBool, StringConstraints

from ..engine import DocumentProperties
from ..findings import Finding, error, warning
from ..formatting import (
    chinese_number,
    enumerate_points,
    format_date,
    half_width_length,
    title_lines,
)
from ..profile import Profile
from .base import DocumentKind
from .common import (
    SIGNATURE_MAX_EM,
    Date,
    LongText,
    SessionRef,
    Strict,
    Text,
    check_document_number,
    paragraphs,
    sentence,
)

COMMITTEE_SUFFIX = "人大常委会"
REPORT_MONTHS_RANGE = (1, 6)
# A lead phrase is a short bold heading-like sentence; longer than this it is probably the whole opinion.
LEAD_MAX_CHARS = 40
# Widest title line, in em of the 22 pt title face (the type area holds 20).
TITLE_MAX_EM = 19.5
# The red issuer mark (…人大常委会文件) is set in 36 pt when it fits the 156 mm type area.
ISSUER_LARGE_MAX_CHARS = 12

# Numbering a user might type at the start of an item: 一是 （一） 一、 1. 1、 （1） 第一，
TYPED_NUMBERING = re.compile(
    r"^\s*(?:[一二三四五六七八九十百]+是"
    r"|[（(][一二三四五六七八九十\d]+[）)]"
    r"|[一二三四五六七八九十]+[、．.]"
    r"|\d{1,2}\s*[、．.)）](?!\d)"
    r"|第[一二三四五六七八九十]+[，,、：:；;])"
)
# Phrases with which an intro to the problems already leads into the list.
_LEADS_INTO_LIST = ("主要体现在", "主要表现在", "具体表现在", "主要是", "主要有", "体现在", "表现在")

Locality = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[\u4e00-\u9fff]{1,30}$")]


class Meeting(Strict):
    """听取和审议办理情况报告的常委会会议，如 区十一届人大常委会第五次会议。"""

    model_config = ConfigDict(title="常委会会议")

    date: Date = Field(title="会议日期", description="常委会会议听取和审议报告的日期")
    term: int | None = Field(
        None, ge=1, le=99, title="常委会届次", description="第几届人大常委会；不填则与代表建议所属会议的届次相同"
    )
    number: int = Field(ge=1, le=200, title="会议次数", description="常委会第几次会议", examples=[5])


class Opinion(Strict):
    model_config = ConfigDict(title="审议意见条目")

    lead: Text = Field(
        title="要点",
        description="加粗的要点句，不写“一是”等序号（由系统生成），如“进一步提高政治站位，思想上要再重视”",
    )
    text: LongText = Field(title="具体意见", description="要点之后的具体内容，可分段（换行分段）")


class ReviewOpinionCase(Strict):
    """审议意见的案件数据。"""

    model_config = ConfigDict(title="审议意见")

    locality: Locality = Field(
        title="地名",
        description="常委会所在地的全称，不含“人大常委会”，如“江州市青山区”；署名为“江州市青山区人大常委会”",
        examples=["江州市青山区"],
    )
    session: SessionRef = Field(title="代表建议所属会议", description="代表在哪次人代会期间提出的建议，如区十一届人大一次会议")
    government: Text | None = Field(
        None, title="主送机关", description="报告办理情况的政府，不填则按会议层级写作“区人民政府”“县人民政府”等"
    )
    meeting: Meeting = Field(title="常委会会议")
    assessment: str = Field(
        "", max_length=20000, title="会议认为", description="总体评价，不写开头的“会议认为”；可分段（换行分段）"
    )
    problems_intro: Text | None = Field(
        None,
        title="会议指出（引语）",
        description="问题前的概括语，不写开头的“会议指出”，如“代表建议办理工作还存在一些薄弱环节”",
    )
    problems: list[LongText] = Field(
        default_factory=list, max_length=30, title="存在的问题", description="每项一条，不写“一是”等序号（由系统生成）"
    )
    opinions: list[Opinion] = Field(default_factory=list, max_length=30, title="审议意见", description="每项含加粗要点和具体意见")
    report_within_months: int | None = Field(
        None, strict=True, title="书面报告期限（月）", description="政府在几个月内书面报告落实情况（1–6）；不填按本地设置（默认2个月）"
    )
    issued_on: Date = Field(title="成文日期")
    document_number: Text | None = Field(None, title="发文字号", examples=["青人常〔2024〕21号"])
    letterhead: StrictBool = Field(False, title="打印红头", description="打印“…人大常委会文件”红色版头和红色分隔线；草稿可不打印")


class ReviewOpinion(DocumentKind[ReviewOpinionCase]):
    name = "review-opinion"
    title = "审议意见"
    description = "人大常委会审议政府代表建议办理情况报告后形成的审议意见，交政府研究处理并限期书面报告"
    model = ReviewOpinionCase
    template = "review-opinion.docx"
    order = 50

    # --- rules ---------------------------------------------------------------------

    def check(self, case: ReviewOpinionCase, profile: Profile) -> list[Finding]:
        findings: list[Finding] = []
        findings += check_locality(case.locality)
        findings += check_meeting(case)
        findings += check_parts(case)
        findings += check_numbering(case)
        findings += check_doubled_wording(case)
        findings += check_report_months(case.report_within_months)
        findings += check_document_number(case.document_number)
        return findings

    # --- context -------------------------------------------------------------------

    def context(self, case: ReviewOpinionCase, profile: Profile) -> dict[str, Any]:
        committee = committee_name(case)
        return {
            "letterhead": case.letterhead,
            "issuer": f"{committee}文件",
            "issuer_fits_large": half_width_length(f"{committee}文件") <= ISSUER_LARGE_MAX_CHARS,
            "document_number": case.document_number or "",
            "title_lines": review_title_lines(case),
            "addressee": f"{government(case)}：",
            "body": body_blocks(case),
            "closing": report_request(case, profile),
            "signature_fits": half_width_length(committee) <= SIGNATURE_MAX_EM,
            "signing_unit": committee,
            "signing_date": format_date(case.issued_on, profile.format.date_style),
            # 版记 of the issued 文件 (GB/T 9704 7.4.3): the committee's office prints it, dated in
            # Arabic numerals whatever the date style.
            "printed_by": f"{committee}办公室",
            "printed_on": f"{format_date(case.issued_on)}印发",
        }

    def filename(self, case: ReviewOpinionCase) -> str:
        return document_title(case)

    def properties(self, case: ReviewOpinionCase) -> DocumentProperties:
        return DocumentProperties(
            title=document_title(case),
            author=committee_name(case),
            subject=subject(case),
            keywords="审议意见 代表建议 办理情况",
        )


# --- rules (module level so tests can use them) -------------------------------------------


def check_locality(locality: str, path: str = "locality") -> list[Finding]:
    """The place name only: the generator adds 人大常委会, so a typed committee name is doubled."""
    for suffix in (COMMITTEE_SUFFIX, "人民代表大会常务委员会", "人大", "常委会"):
        if locality.endswith(suffix):
            return [error(
                "locality.suffix", path,
                f"{path}：只写地名（如“江州市青山区”），“{suffix}”由系统自动添加（收到“{locality}”）",
            )]
    return []


def check_meeting(case: ReviewOpinionCase) -> list[Finding]:
    findings = []
    if case.issued_on <= case.meeting.date:
        findings.append(error(
            "issue_date.before_meeting", "issued_on",
            f"issued_on：成文日期{format_date(case.issued_on)}应晚于常委会会议日期{format_date(case.meeting.date)}"
            "（审议意见在会议审议之后形成）",
        ))
    if case.meeting.term is not None and case.meeting.term < case.session.term:
        findings.append(error(
            "meeting.term_before_session", "meeting.term",
            f"meeting.term：{chinese_number(case.meeting.term)}届人大常委会不能审议"
            f"{chinese_number(case.session.term)}届人大会议的代表建议办理情况，请核对届次",
        ))
    return findings


def check_parts(case: ReviewOpinionCase) -> list[Finding]:
    """The content city rules require: overall assessment, main problems, improvement opinions."""
    findings = []
    if not case.assessment.strip():
        findings.append(error(
            "assessment.missing", "assessment",
            "assessment：须写明会议对办理工作的总体评价（“会议认为……”）",
        ))
    if not case.problems:
        findings.append(error(
            "problem.missing", "problems",
            "problems：须至少列出一项办理工作中存在的问题（“会议指出……一是……”）",
        ))
    if not case.opinions:
        findings.append(error(
            "opinion.missing", "opinions",
            "opinions：须至少提出一条审议意见（“提出如下审议意见：一是……”）",
        ))
    for i, opinion in enumerate(case.opinions):
        if len(opinion.lead) > LEAD_MAX_CHARS:
            path = f"opinions[{i}].lead"
            findings.append(warning(
                "opinion.lead_long", path,
                f"{path}：要点有{len(opinion.lead)}个字，要点应是一句简短的概括（{LEAD_MAX_CHARS}字以内），具体内容请写入 text",
            ))
    return findings


def typed_numbering(text: str) -> str | None:
    """The numbering ``text`` starts with (一是, （一）, 1. …), or None."""
    match = TYPED_NUMBERING.match(text)
    return match.group(0).strip() if match else None


def check_numbering(case: ReviewOpinionCase) -> list[Finding]:
    """一是/二是 is generated; a typed one would be doubled (一是一是…) or out of step."""
    fields = [(f"problems[{i}]", p) for i, p in enumerate(case.problems)]
    for i, opinion in enumerate(case.opinions):
        fields += [(f"opinions[{i}].lead", opinion.lead), (f"opinions[{i}].text", opinion.text)]
    findings = []
    for path, text in fields:
        typed = typed_numbering(text)
        if typed:
            findings.append(error(
                "numbering.typed", path,
                f"{path}：开头的序号“{typed}”请删去，“一是”“二是”等序号由系统按顺序生成",
            ))
    return findings


def check_doubled_wording(case: ReviewOpinionCase) -> list[Finding]:
    """会议认为 / 会议指出 are printed by the generator; typed again they would be doubled."""
    findings = []
    for path, text, fixed in (
        ("assessment", case.assessment, "会议认为"),
        ("problems_intro", case.problems_intro or "", "会议指出"),
    ):
        if text.strip().startswith(fixed):
            findings.append(error(
                "wording.doubled", path, f"{path}：开头的“{fixed}”由系统自动添加，请删去，否则会重复",
            ))
    return findings


def check_report_months(months: int | None, path: str = "report_within_months") -> list[Finding]:
    low, high = REPORT_MONTHS_RANGE
    if months is not None and not low <= months <= high:
        return [error(
            "report_deadline.range", path,
            f"{path}：书面报告期限应为{low}至{high}个月（收到{months}）",
        )]
    return []


# --- content pieces -----------------------------------------------------------------------


def committee_name(case: ReviewOpinionCase) -> str:
    return f"{case.locality}{COMMITTEE_SUFFIX}"


def government(case: ReviewOpinionCase) -> str:
    return case.government or f"{case.session.level}人民政府"


def subject(case: ReviewOpinionCase) -> str:
    """区十一届人大一次会议代表建议办理情况."""
    return f"{case.session.name('建议')}代表建议办理情况"


def document_title(case: ReviewOpinionCase) -> str:
    return f"{committee_name(case)}关于{subject(case)}的审议意见"


def report_months(case: ReviewOpinionCase, profile: Profile) -> int:
    return case.report_within_months or profile.deadlines.review_report_months


def _title_tokens(case: ReviewOpinionCase) -> list[str]:
    """The part after the committee, in pieces a line may not split."""
    return [f"关于{case.session.name('建议')}", "代表建议", "办理情况", "的审议意见"]


def balanced_lines(tokens: list[str], max_em: float = TITLE_MAX_EM) -> list[str] | None:
    """Tokens joined into the fewest lines no wider than ``max_em``, breaking only between tokens;
    among those, the upper line not shorter than the lower, then the most even. None if a token
    alone is too wide."""
    best: tuple[tuple[int, int, float], list[str]] | None = None
    for cuts in itertools.product((False, True), repeat=len(tokens) - 1):
        lines, current = [], tokens[0]
        for token, cut in zip(tokens[1:], cuts):
            if cut:
                lines.append(current)
                current = token
            else:
                current += token
        lines.append(current)
        widths = [half_width_length(line) for line in lines]
        if max(widths) > max_em:
            continue
        narrowing = sum(1 for a, b in zip(widths, widths[1:]) if a < b)
        key = (len(lines), narrowing, max(widths) - min(widths))
        if best is None or key < best[0]:
            best = (key, lines)
    return best[1] if best else None


def review_title_lines(case: ReviewOpinionCase, max_em: float = TITLE_MAX_EM) -> list[str]:
    """The title's lines: the committee's name on the first line, then 关于…的审议意见 broken at
    phrase boundaries (formatting.title_lines balances the first line against the whole rest,
    and on these titles breaks inside 人大 or 三次)."""
    title = document_title(case)
    if half_width_length(title) <= max_em:
        return [title]
    committee = committee_name(case)
    head = [committee] if half_width_length(committee) <= max_em else title_lines(committee, max_em)
    tail = balanced_lines(_title_tokens(case), max_em)
    if tail is None:
        return title_lines(title, max_em)
    return head + tail


def opening(case: ReviewOpinionCase) -> str:
    meeting = case.meeting
    term = chinese_number(meeting.term or case.session.term)
    return (
        f"{format_date(meeting.date)}，{case.locality}{term}届{COMMITTEE_SUFFIX}第{chinese_number(meeting.number)}次会议"
        f"听取和审议了{government(case)}关于{subject(case)}的报告。"
    )


def problems_lead_in(case: ReviewOpinionCase) -> str:
    intro = (case.problems_intro or "").rstrip("，。；：,.;: ") or "代表建议办理工作还存在一些问题和不足"
    if intro.endswith(_LEADS_INTO_LIST):
        return f"会议指出，{intro}："
    return f"会议指出，{intro}，主要体现在："


def _one_line(text: str) -> str:
    return "".join(paragraphs(text))


def problems_paragraph(case: ReviewOpinionCase) -> str:
    """会议指出，……主要体现在：一是……二是……, one paragraph as review opinions write it."""
    items = "".join(f"{enumerate_points(i)}{sentence(_one_line(p))}" for i, p in enumerate(case.problems, start=1))
    return problems_lead_in(case) + items


def body_blocks(case: ReviewOpinionCase) -> list[dict[str, Any]]:
    """Opening, assessment, problems, the opinions with bold lead phrases."""
    blocks: list[dict[str, Any]] = []

    def para(text: str, lead: str = "") -> None:
        blocks.append({"level": 0, "lead": lead, "text": text})

    para(opening(case))
    for i, text in enumerate(paragraphs(case.assessment)):
        para(f"会议认为，{text}" if i == 0 else text)
    para(problems_paragraph(case))
    para("根据会议审议情况，提出如下审议意见：")
    for i, opinion in enumerate(case.opinions, start=1):
        first, *rest = paragraphs(opinion.text) or [""]
        para(first, lead=f"{enumerate_points(i)}{sentence(opinion.lead)}")
        for text in rest:
            para(text)
    return blocks


def report_request(case: ReviewOpinionCase, profile: Profile) -> str:
    return (
        f"以上审议意见请{government(case)}认真研究处理，并将审议意见落实情况于{report_months(case, profile)}个月内"
        f"向{case.session.level}{COMMITTEE_SUFFIX}提交书面报告。"
    )


KIND = ReviewOpinion()
