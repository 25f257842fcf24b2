"""年度办理工作总结: title, 一、基本情况 (sentences, table of figures, chart), the narrative sections."""

from gongwen import (
    FONT_HEI,
    NO_GRID,
    TYPE_AREA_WIDTH,
    Run,
    Style,
    Template,
    blocks_xml,
    cell_xml,
    exact_line,
    mm,
    paragraph_xml,
    row_xml,
    signature_xml,
    table_xml,
    tag,
)

COLUMNS = (2700, 1900, TYPE_AREA_WIDTH - 4600)  # 指标 | 数值 | 说明, in twips

EXTRA_STYLES = (
    Style("Figure", "图片", ppr='<w:keepNext/><w:spacing w:before="120" w:after="0" w:line="240" w:lineRule="auto"/>'
          + NO_GRID + '<w:jc w:val="center"/>'),
    Style("Caption", "图表题注", FONT_HEI, 14, ppr=exact_line(mm(9)) + NO_GRID + '<w:jc w:val="center"/>'),
    Style("CaptionAbove", "表题", FONT_HEI, 14, ppr="<w:keepNext/>" + exact_line(mm(9), before=mm(2)) + NO_GRID
          + '<w:jc w:val="center"/>'),
)


def _row(*paragraphs: str, header: bool = False) -> str:
    return row_xml(*(cell_xml(COLUMNS, p, first=i) for i, p in enumerate(paragraphs)), header=header)


def figures_table() -> str:
    return table_xml(
        COLUMNS,
        _row(*(paragraph_xml("TableTextCenter", Run(h, FONT_HEI, size=14)) for h in ("指标", "数值", "说明")), header=True)
        + _row(paragraph_xml("TableText", "{%tr for row in figures_table %}"), paragraph_xml("TableText"), paragraph_xml("TableText"))
        + _row(
            paragraph_xml("TableText", "{{ row.label }}"),
            paragraph_xml("TableTextCenter", "{{ row.value }}"),
            paragraph_xml("TableText", "{{ row.note }}"),
        )
        + _row(paragraph_xml("TableText", "{%tr endfor %}"), paragraph_xml("TableText"), paragraph_xml("TableText")),
    )


TEMPLATES = {
    "annual-summary.docx": Template(
        body="".join(
            (
                tag("for line in title_lines"),
                paragraph_xml("DocTitle", "{{ line }}"),
                tag("endfor"),
                paragraph_xml("Normal"),
                blocks_xml("intro"),
                paragraph_xml("CaptionAbove", "{{ table_caption }}"),
                figures_table(),
                paragraph_xml("Figure", "{{ chart }}"),
                paragraph_xml("Caption", "{{ chart_caption }}"),
                blocks_xml("body"),
                signature_xml(),
            )
        ),
        page_numbers_on_first_page=True,
        extra_styles=EXTRA_STYLES,
        title="年度办理工作总结",
        core_keywords=["docgen", "annual-summary"],
    ),
}
