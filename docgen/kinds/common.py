"""Schema pieces and rules shared by the kinds that deal with one 建议 or 提案."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError

from ..findings import Finding, error, warning
from ..formatting import (
    DateTextError,
    chinese_number,
    document_number_problem,
    format_date,
    parse_date,
    phone_as_typed,
    phone_problem,
)
from ..profile import Profile

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20000)]
Source = Literal["建议", "提案"]
# One or more telephone numbers, kept as typed but for full-width digits; checked by check_phone.
Phone = Annotated[Text, AfterValidator(phone_as_typed)]

SUFFIX = {"建议": "代表", "提案": "委员"}

# A signing unit wider than this (in em) no longer fits centred over the date.
SIGNATURE_MAX_EM = 15


def typed_date(value: Any) -> Any:
    """A date typed as offices type it (2024/3/20, 2024年3月20日 …) read by the one rule in formatting."""
    if isinstance(value, (int, float)):  # never a count of days or seconds since some epoch
        raise PydanticCustomError("date_type", "应为日期")
    if not isinstance(value, str):
        return value
    try:
        return parse_date(value)
    except DateTextError as exc:
        raise PydanticCustomError("date_text", "{reason}", {"reason": str(exc)}) from None


# Dates of this paperwork fall in a plausible window; outside it they are typing errors, and
# deadline arithmetic stays far from the calendar's edges.
Date = Annotated[dt.date, Field(ge=dt.date(1950, 1, 1), le=dt.date(2199, 12, 31)), BeforeValidator(typed_date)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)


class SessionRef(Strict):
    """提出建议或提案的会议，如 市十五届人大三次会议、市政协十二届三次会议。"""

    model_config = ConfigDict(title="会议")

    level: Annotated[str, StringConstraints(pattern=r"^[\u4e00-\u9fff]{1,12}$")] = Field(
        title="层级", description="行政层级或地名，可从列表中选，也可直接填写，如“西湖区”",
        examples=["市", "区", "县", "州", "盟", "旗", "自治州", "自治县", "自治旗"],
    )
    term: int = Field(ge=1, le=99, title="届次", description="第几届", examples=[15])
    session: int = Field(ge=1, le=20, title="会议次数", description="第几次会议", examples=[3])

    def name(self, source: str) -> str:
        term, session = chinese_number(self.term), chinese_number(self.session)
        if source == "提案":
            return f"{self.level}政协{term}届{session}次会议"
        return f"{self.level}{term}届人大{session}次会议"


class ItemCase(Strict):
    """The item a document is about: which 建议 or 提案, from which session, by whom."""

    source: Source = Field(title="来源", description="建议（人大代表）或提案（政协委员）")
    session: SessionRef = Field(title="会议")
    item_number: int = Field(ge=1, le=99999, title="编号", description="第N号", examples=[58])
    item_title: Text = Field(title="建议/提案标题", examples=["关于加快推进既有住宅加装电梯工作的建议"])
    lead_author: Text = Field(title="领衔代表/第一提案人", description="只写姓名，称谓自动添加", examples=["王明"])


class Measure(Strict):
    model_config = ConfigDict(title="承诺措施")

    content: LongText = Field(title="措施内容")
    deadline: Date | None = Field(None, title="完成时限", description="承诺完成的日期（B类必填）")


class Contact(Strict):
    model_config = ConfigDict(title="联系方式")

    name: Text = Field(title="联系人", examples=["李华"])
    phone: Phone = Field(
        title="联系电话",
        description="手机或带区号的固定电话，可带分机（转8021），多个号码用“、”分隔",
        examples=["0571-87654321"],
    )
    leader: Text | None = Field(None, title="分管领导", description="可选，如“李明（副局长）”")


_TRAILING_BRACKETS = re.compile(r"\s*[（(]([^（）()]+)[）)]$")


def contact_notes(contact: Contact) -> list[str]:
    """附注 lines: the responsible leader (if given) and the contact person with telephone.

    A note is already in brackets, so a post typed in brackets after the leader's name is set
    after a comma instead of nesting: （分管领导：刘志强，副局长）."""
    leader = _TRAILING_BRACKETS.sub(r"，\1", contact.leader) if contact.leader else ""
    notes = [f"（分管领导：{leader}）"] if leader else []
    return notes + [f"（联系人：{contact.name}，联系电话：{contact.phone}）"]


def authors_label(source: str, lead_author: str, co_authors: list[str]) -> str:
    """The item's authors as letters name them: 张海燕代表, or 张海燕等代表 when it has co-authors."""
    return f"{lead_author}{'等' if co_authors else ''}{SUFFIX[source]}"


def author_names(lead_author: str, co_authors: list[str]) -> list[tuple[str, str]]:
    """(path, name) of the lead author and each co-author, for check_person_names."""
    return [("lead_author", lead_author)] + [(f"co_authors[{i}]", name) for i, name in enumerate(co_authors)]


def item_label(source: str, number: int) -> str:
    return f"第{number}号{source}"


def paragraphs(text: str) -> list[str]:
    """A text field split into paragraphs at line breaks; blank lines are dropped."""
    return [line.strip() for line in re.split(r"[\r\n]+", text) if line.strip()]


def sentence(text: str) -> str:
    """``text`` ending in a full stop (unless it already ends in closing punctuation)."""
    text = text.rstrip()
    return text if text.endswith(("。", "！", "？", "；", "：", "”", "）")) else text.rstrip("，、,;.") + "。"


# --- shared rules ---------------------------------------------------------------------

VAGUE_WORDS = ("尽快", "适时", "择机", "近期", "争取早日", "视情况", "条件成熟时", "有关部门研究")


def check_measures(measures: list[Measure], path: str, replied_on: dt.date, *, dated: bool) -> list[Finding]:
    """Commitments: with ``dated``, each needs a deadline; a deadline before the reply is odd; vague wording warns."""
    findings = []
    for i, measure in enumerate(measures):
        here = f"{path}[{i}]"
        if dated and measure.deadline is None:
            findings.append(error(
                "commitment.deadline_missing", f"{here}.deadline",
                f"{here}.deadline：承诺事项必须写明具体完成时限（日期），不能只写“列入计划”",
            ))
        if measure.deadline is not None and measure.deadline < replied_on:
            findings.append(warning(
                "commitment.deadline_passed", f"{here}.deadline",
                f"{here}.deadline：完成时限{format_date(measure.deadline)}早于答复日期{format_date(replied_on)}，"
                "已完成的事项应写入答复正文",
            ))
        vague = next((w for w in VAGUE_WORDS if w in measure.content), None)
        if vague:
            findings.append(warning(
                "commitment.vague", f"{here}.content",
                f"{here}.content：措施表述含糊（“{vague}”），请写明具体做什么、何时完成",
            ))
    return findings


def check_result_class(letter: str, profile: Profile, path: str = "result_class") -> list[Finding]:
    """The class letter belongs to the configured scheme (ABC or ABCD)."""
    if profile.result_class(letter) is not None:
        return []
    letters = "/".join(c.letter for c in profile.classes)
    return [error(
        "result_class.unknown", path,
        f"{path}：“{letter}”不属于本地配置的{profile.result_classes.scheme}分类方案（可选 {letters}）",
    )]


def check_co_handling_units(lead: str, units: list[tuple[str, str]]) -> list[Finding]:
    """Co-handling units given as (path, unit): none is the lead unit, none is listed twice."""
    findings = []
    seen: set[str] = set()
    for path, unit in units:
        if unit == lead:
            findings.append(error("co_handler.is_lead", path, f"{path}：“{unit}”是主办单位，不能同时列为会办单位"))
        elif unit in seen:
            findings.append(warning("co_handler.duplicate", path, f"{path}：会办单位“{unit}”重复列出"))
        seen.add(unit)
    return findings


def check_document_number(number: str | None, path: str = "document_number") -> list[Finding]:
    if number is None:
        return []
    problem = document_number_problem(number)
    return [error("document_number.format", path, f"{path}：{problem}")] if problem else []


def check_phone(phone: str, path: str = "contact.phone") -> list[Finding]:
    problem = phone_problem(phone)
    return [error("contact.phone_format", path, f"{path}：{problem}")] if problem else []


def check_person_names(source: str, names: list[tuple[str, str]]) -> list[Finding]:
    """Names must be bare: the generator adds 代表/委员 by source, so a typed title is doubled or wrong."""
    findings = []
    wanted = SUFFIX[source]
    for path, name in names:
        for suffix in ("代表", "委员"):
            if name.endswith(suffix):
                why = (
                    f"称谓“{suffix}”与来源不符：{source}的提出人称“{wanted}”"
                    if suffix != wanted
                    else f"称谓“{wanted}”由系统按来源自动添加，姓名中不要再写"
                )
                findings.append(error("addressee.suffix", path, f"{path}：{why}（收到“{name}”）"))
    return findings


def check_item_title(source: str, title: str, path: str = "item_title") -> list[Finding]:
    other = "提案" if source == "建议" else "建议"
    bare = title.strip("《》")
    if bare.endswith(other):
        return [error(
            "item_title.source_mismatch", path,
            f"{path}：标题以“{other}”结尾，但来源是“{source}”，请核对来源或标题",
        )]
    return []
