"""交办单: the letter format under the office's red letterhead (no class mark); the opening, then
主办件 and 会办件 each with its table and 办理要求, the office's signature and the contact note."""

from gongwen import (
    TYPE_AREA_WIDTH,
    Template,
    cell_xml,
    letter_foot,
    letter_head,
    opening_xml,
    paragraph_xml,
    row_xml,
    signature_xml,
    table_xml,
    tag,
)
from tpl_assignment_list import LIST_STYLES

# 主办件: 编号 | 标题 | 领衔人 | 会办单位 | 重点件 | 答复期限
LEAD_COLUMNS = (1100, 2900, 900, 1745, 1100, TYPE_AREA_WIDTH - 7745)
# 会办件: 编号 | 标题 | 领衔人 | 主办单位 | 会办意见期限
CO_COLUMNS = (1100, 3245, 900, 2300, TYPE_AREA_WIDTH - 7545)


def _table(columns: tuple[int, ...], headers: tuple[str, ...], cells: tuple[str, ...]) -> str:
    def row(*paragraphs: str, header: bool = False) -> str:
        return row_xml(*(cell_xml(columns, p, first=i) for i, p in enumerate(paragraphs)), header=header)

    def tag_row(statement: str) -> str:
        return row_xml(cell_xml(columns, paragraph_xml("ListText", "{%tr " + statement + " %}"), first=0, span=len(columns)))

    return table_xml(
        columns,
        row(*(paragraph_xml("ListHead", h) for h in headers), header=True)
        + tag_row("for row in section.rows")
        + row(*cells)
        + tag_row("endfor"),
    )


NUMBER = paragraph_xml("ListTextCenter", "{{ row.source }}") + paragraph_xml("ListTextCenter", "{{ row.number }}")


def _text(field: str, style: str = "ListText") -> str:
    return paragraph_xml(style, "{{ row.%s }}" % field)


LEAD_TABLE = _table(
    LEAD_COLUMNS,
    ("编号", "标题", "领衔人", "会办单位", "重点件（督办领导）", "答复期限"),
    (NUMBER, _text("title"), _text("author", "ListTextCenter"), _text("co_units"),
     _text("leader", "ListTextCenter"), _text("reply_due", "ListTextCenter")),
)
CO_TABLE = _table(
    CO_COLUMNS,
    ("编号", "标题", "领衔人", "主办单位", "会办意见期限"),
    (NUMBER, _text("title"), _text("author", "ListTextCenter"), _text("lead_unit"), _text("co_due", "ListTextCenter")),
)


def body() -> str:
    return "".join(
        (
            opening_xml(),
            paragraph_xml("BodyText", "{{ intro }}"),
            tag("for section in sections"),
            paragraph_xml("Heading1Gw", "{{ section.heading }}"),
            tag("if section.table == 'lead'"),
            LEAD_TABLE,
            paragraph_xml("Normal"),
            tag("elif section.table == 'co'"),
            CO_TABLE,
            paragraph_xml("Normal"),
            tag("endif"),
            tag("for text in section.paragraphs"),
            paragraph_xml("BodyText", "{{ loop.index }}. {{ text }}"),
            tag("endfor"),
            tag("endfor"),
            signature_xml(),
            tag("for note in notes"),
            paragraph_xml("Note", "{{ note }}"),
            tag("endfor"),
        )
    )


TEMPLATES = {
    "assignment-notice.docx": Template(
        body=body(),
        first_header=letter_head(),
        first_footer=letter_foot(),
        extra_styles=LIST_STYLES,
        title="交办单",
        core_keywords=["docgen", "assignment-notice"],
    ),
}
