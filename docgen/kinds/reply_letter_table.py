"""The reply letter as spreadsheet rows: its columns, their cell converters, and rows → case.

One letter per row, or per several rows of the same 编号 (one row per point, or per
commitment), with flat columns headed in Chinese or English (the template is
``samples/batch/答复函批量模板.xlsx``, built from :data:`COLUMNS`). Batches read such tables
through the intake stage with :data:`TABLE`.
"""

from __future__ import annotations

import re
from typing import Any

from ..intake.cells import (
    CellError,
    cell_bool,
    cell_choice,
    cell_date,
    cell_integer,
    cell_small_number,
    cell_source,
    cell_text,
    cell_units,
)
from ..intake.tables import Column, Group, TableSpec

DISCLOSURES = ("主动公开", "依申请公开", "不予公开")


def _result_class(value: Any) -> str:
    text = cell_text(value).upper().removesuffix("类").strip()
    if not re.fullmatch(r"[A-Z]", text):
        raise CellError("应为一个字母，如 A、B、C")
    return text


def _iso_date(value: Any) -> str | None:
    date = cell_date(value)
    return date.isoformat() if date else None


def _disclosure(value: Any) -> str | None:
    return cell_choice(value, DISCLOSURES)


_DEADLINE = re.compile(
    r"^(?P<content>.*?)\s*[（(]\s*(?:完成时限|时限|截至|截止|于)?[:：]?\s*(?P<date>\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?)"
    r"\s*(?:前|之前|以前)?\s*[）)]\s*[。.]?$",
    re.S,
)
_LOOKS_DATED = re.compile(r"[（(][^（()）]*\d{4}\s*[-/.年][^（()）]*[）)]\s*[。.]?$")


def measures(value: Any) -> list[dict[str, str]]:
    """``措施一（2025-06-30）；措施二（2025年12月31日前）；措施三`` → [{content, deadline?}, …]."""
    out = []
    for item in re.split(r"[；;\n]+", cell_text(value)):
        item = item.strip()
        if not item:
            continue
        match = _DEADLINE.match(item)
        if match:
            try:
                deadline = cell_date(re.sub(r"\s+", "", match.group("date")))
            except CellError:
                raise CellError(f"中措施“{item[:30]}”的完成时限不是有效日期，应写成 2025-06-30 或 2025年6月30日") from None
            content = match.group("content").strip().rstrip("，,")
            if not content:
                raise CellError(f"中“{item[:30]}”只有时限，没有措施内容")
            out.append({"content": content, "deadline": deadline.isoformat()})
        elif _LOOKS_DATED.search(item):
            raise CellError(f"中措施“{item[:30]}”的完成时限写法不对，应写成（2025-06-30）或（2025年6月30日）")
        else:
            out.append({"content": item})
    return out


_UNIT_END = re.compile(r"(局|委|办|厅|院|会|中心|公司|集团|部|处|所|站|队|行|社|府|室|馆|署|团|校)$")
_OPINION = re.compile(r"^\s*([^：:，,。；;（）()]{2,40}?)\s*[：:]\s*(.*)$", re.S)


def co_handlers(value: Any) -> list[dict[str, str]]:
    """``单位：意见；单位：意见`` → [{unit, opinion}, …]. A segment without “单位：” continues the
    previous opinion (opinions may contain semicolons) unless it looks like a unit's name alone,
    which then is a co-handler without an opinion (the checks report that)."""
    out: list[dict[str, str]] = []
    for segment in re.split(r"[；;\n]+", cell_text(value)):
        segment = segment.strip()
        if not segment:
            continue
        match = _OPINION.match(segment)
        if match:
            out.append({"unit": match.group(1).strip(), "opinion": match.group(2).strip()})
        elif out and not (len(segment) <= 30 and _UNIT_END.search(segment)):
            out[-1]["opinion"] = f"{out[-1]['opinion']}；{segment}" if out[-1]["opinion"] else segment
        else:
            out.append({"unit": segment, "opinion": ""})
    return out


COLUMNS: tuple[Column, ...] = (
    Column("source", "来源", ("类型", "建议提案", "件别"), required=True, note="建议 或 提案", convert=cell_source),
    Column("level", "层级", ("session.level", "级别", "行政层级"), required=True, note="市、区、县或地名，如 市、西湖区"),
    Column("term", "届次", ("session.term", "届"), required=True, note="第几届，如 15 或 十五", convert=cell_small_number),
    Column("session", "会议次数", ("session.session", "次会议", "会次"), required=True, note="第几次会议，如 3 或 三", convert=cell_small_number),
    Column("item_number", "编号", ("建议编号", "提案编号", "案号"), required=True, note="第N号的 N，如 123", convert=cell_integer),
    Column("item_title", "标题", ("建议标题", "提案标题", "案由", "题目"), required=True, note="如 关于加快推进既有住宅加装电梯工作的建议"),
    Column("lead_author", "领衔人", ("领衔代表", "第一提案人", "提出人"), required=True, note="只写姓名，称谓自动添加"),
    Column("co_authors", "联名人", ("联名代表", "联名委员", "附议人"), required=False, note="多人用顿号分隔", convert=cell_units),
    Column("handling_unit", "主办单位", ("承办单位",), required=True, note="答复单位全称"),
    Column("self_reference", "自称", (), required=False, note="正文中的自称，如 我局；不填为“我单位”"),
    Column("document_number", "发文字号", ("文号",), required=False, note="如 江建复〔2024〕37号"),
    Column("result_class", "办理结果", ("办理结果分类", "结果分类", "分类标识"), required=True, note="A、B、C（ABCD 方案另有 D）", convert=_result_class),
    Column("topic", "所提问题", ("问题",), required=True, note="如 关于简化加装电梯审批程序"),
    Column("answer", "答复内容", ("答复", "办理情况"), required=True, note="可分段（单元格内换行）"),
    Column("measures", "措施", ("承诺措施", "下一步措施"), required=False, note="多项用分号分隔，时限写在括号里：措施一（2025-06-30）；措施二（2025-12-31）。B类每项须有时限", convert=measures),
    Column("reason", "原因", ("原因说明",), required=False, note="C类必填：暂不能解决或留作参考的原因"),
    Column("contact_name", "联系人", ("contact", "contact.name"), required=True),
    Column("phone", "联系电话", ("contact_phone", "contact.phone", "电话"), required=True, note="如 0571-87001234"),
    Column("leader", "分管领导", ("contact.leader",), required=False, note="可选"),
    Column("assigned_on", "交办日期", ("交办时间",), required=True, note="如 2024-03-20", convert=_iso_date),
    Column("replied_on", "答复日期", ("答复时间", "办复日期"), required=True, note="如 2024-06-18", convert=_iso_date),
    Column("complex", "情况复杂", ("复杂件",), required=False, note="是/否；复杂事项办理期限为6个月", convert=cell_bool),
    Column("disclosure", "公开属性", ("公开方式",), required=False, note="主动公开、依申请公开或不予公开；不填为主动公开", convert=_disclosure),
    Column("co_handlers", "会办单位意见", ("会办意见", "会办单位"), required=False, note="单位：意见；单位：意见", convert=co_handlers),
    Column("signer", "签发人", (), required=False, note="可选"),
    Column("handler_is_government", "主办单位为政府部门", ("政府部门",), required=False, note="是/否；是则抄送政府办公室，不填为是", convert=cell_bool),
    Column("copies", "抄送", ("抄送单位",), required=False, note="多个用顿号分隔；不填按来源自动生成", convert=cell_units),
)


POINT_COLUMNS = ("topic", "answer", "measures")
# Where a column's value goes in the case, when not under its own key.
CASE_PATHS = {
    "level": "session.level", "term": "session.term", "session": "session.session",
    "contact_name": "contact.name", "phone": "contact.phone", "leader": "contact.leader",
}
_LABELS = {c.key: c.label for c in COLUMNS}


def letter_from_rows(group: Group) -> tuple[dict[str, Any], dict[str, str]]:
    """The rows of one letter → the reply-letter case, and where each of its paths was read.

    The letter's cells are on its first row (later rows may leave them empty). Each row with a
    所提问题 or 答复内容 is a point; a row with only 措施 adds its commitments to the point above,
    so that a clerk may write one row per point or one row per commitment."""
    values = group.values
    case: dict[str, Any] = {
        "source": values["source"],
        "session": {"level": values["level"], "term": values["term"], "session": values["session"]},
        "item_number": values["item_number"],
        "item_title": values["item_title"],
        "lead_author": values["lead_author"],
    }
    for key in ("co_authors", "handling_unit", "self_reference", "document_number", "co_handlers", "result_class"):
        if key in values:
            case[key] = values[key]
    points: list[dict[str, Any]] = []
    first = group.rows[0].where
    places = {CASE_PATHS.get(c.key, c.key): group.places.get(c.key, f"{first}“{c.label}”列")
              for c in COLUMNS if c.key not in POINT_COLUMNS}
    for where, part in group.parts:
        if "topic" in part or "answer" in part:
            points.append({"topic": part.get("topic", ""), "answer": part.get("answer", "")})
            path = f"points[{len(points) - 1}]"
            places[path] = where
            places.update({f"{path}.{k}": f"{where}“{_LABELS[k]}”列" for k in POINT_COLUMNS})
        for measure in part.get("measures", []):
            measures = points[-1].setdefault("measures", [])
            places[f"points[{len(points) - 1}].measures[{len(measures)}]"] = f"{where}“{_LABELS['measures']}”列"
            measures.append(measure)
    case["points"] = points
    if "reason" in values:
        case["reason"] = values["reason"]
    contact = {"name": values["contact_name"], "phone": values["phone"]}
    if "leader" in values:
        contact["leader"] = values["leader"]
    case["contact"] = contact
    for key in ("assigned_on", "replied_on", "complex", "disclosure", "signer", "handler_is_government", "copies"):
        if key in values:
            case[key] = values[key]
    return case, places


TABLE = TableSpec(
    columns=COLUMNS,
    template="答复函批量模板.xlsx",
    header_rows=10,
    strict_headers=True,
    ignored=("序号", "备注", "说明"),  # clerks' own columns
    group_by="item_number",
    part_columns=POINT_COLUMNS,
    group_record=letter_from_rows,
)
