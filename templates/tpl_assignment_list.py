"""交办清单: title, the sentence with the year's counts, and one table of all items grouped by lead
unit (a heading row per unit), with the due dates and the totals row; page numbers on every page.

The table is set in 五号 (10.5 pt) so that its seven columns fit the 156 mm type area in portrait;
its header row repeats on every page.
"""

from gongwen import (
    FONT_HEI,
    NO_GRID,
    TYPE_AREA_WIDTH,
    Style,
    Template,
    cell_xml,
    exact_line,
    mm,
    paragraph_xml,
    row_xml,
    table_xml,
    tag,
)

LIST_SIZE = 10.5  # 五号

LIST_STYLES = (
    Style("ListText", "清单表格文字", size=LIST_SIZE, ppr=exact_line(mm(5.2)) + NO_GRID + '<w:jc w:val="left"/>'),
    Style("ListTextCenter", "清单表格文字（居中）", size=LIST_SIZE, ppr=exact_line(mm(5.2)) + NO_GRID + '<w:jc w:val="center"/>'),
    Style("ListHead", "清单表头", FONT_HEI, LIST_SIZE, ppr=exact_line(mm(5.2)) + NO_GRID + '<w:jc w:val="center"/>'),
    Style("ListGroup", "清单分组行", FONT_HEI, LIST_SIZE, ppr=exact_line(mm(6)) + NO_GRID + '<w:jc w:val="left"/>'),
)

# 编号 | 标题 | 领衔人 | 会办单位 | 重点件（督办领导） | 答复期限 | 会办意见期限, in twips
COLUMNS = (1100, 2200, 860, 1485, 1000, 1100, TYPE_AREA_WIDTH - 7745)
HEADERS = ("编号", "标题", "领衔人", "会办单位", "重点件（督办领导）", "答复期限", "会办意见期限")


def _row(*paragraphs: str, header: bool = False) -> str:
    return row_xml(*(cell_xml(COLUMNS, p, first=i) for i, p in enumerate(paragraphs)), header=header)


def _wide(text: str, style: str = "ListGroup") -> str:
    """One cell across the whole table."""
    return row_xml(cell_xml(COLUMNS, paragraph_xml(style, text), first=0, span=len(COLUMNS)))


def tag_row(statement: str) -> str:
    """A docxtpl row tag (``{%tr … %}``): the whole row is replaced by the statement."""
    return row_xml(cell_xml(COLUMNS, paragraph_xml("ListText", "{%tr " + statement + " %}"), first=0, span=len(COLUMNS)))


def list_table() -> str:
    return table_xml(
        COLUMNS,
        _row(*(paragraph_xml("ListHead", h) for h in HEADERS), header=True)
        + tag_row("for group in groups")
        + _wide("{{ group.heading }}")
        + tag_row("for row in group.rows")
        + _row(
            paragraph_xml("ListTextCenter", "{{ row.source }}") + paragraph_xml("ListTextCenter", "{{ row.number }}"),
            paragraph_xml("ListText", "{{ row.title }}"),
            paragraph_xml("ListTextCenter", "{{ row.author }}"),
            paragraph_xml("ListText", "{{ row.co_units }}"),
            paragraph_xml("ListTextCenter", "{{ row.leader }}"),
            paragraph_xml("ListTextCenter", "{{ row.reply_due }}"),
            paragraph_xml("ListTextCenter", "{{ row.co_due }}"),
        )
        + tag_row("endfor")
        + tag_row("endfor")
        + _wide("{{ totals }}"),
    )


TEMPLATES = {
    "assignment-list.docx": Template(
        body="".join(
            (
                tag("for line in title_lines"),
                paragraph_xml("DocTitle", "{{ line }}"),
                tag("endfor"),
                paragraph_xml("Normal"),
                paragraph_xml("BodyText", "{{ intro }}"),
                list_table(),
            )
        ),
        page_numbers_on_first_page=True,
        extra_styles=LIST_STYLES,
        title="交办清单",
        core_keywords=["docgen", "assignment-list"],
    ),
}
