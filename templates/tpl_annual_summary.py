"""年度办理工作总结: title, 一、基本情况 (sentences, table of figures, chart), the narrative sections."""

from gongwen import (
    FONT_HEI,
    NO_GRID,
    TYPE_AREA_WIDTH,
    Run,
    Style,
    Template,
    blocks_xml,
    exact_line,
    mm,
    paragraph_xml,
    signature_xml,
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


def _cell(width: int, paragraph: str) -> str:
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr>{paragraph}</w:tc>'
    )


def _row(*paragraphs: str, header: bool = False) -> str:
    props = "<w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>" if header else "<w:trPr><w:cantSplit/></w:trPr>"
    return "<w:tr>" + props + "".join(_cell(w, p) for w, p in zip(COLUMNS, paragraphs)) + "</w:tr>"


def figures_table() -> str:
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in COLUMNS)
    return (
        '<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/>'
        f'<w:tblW w:w="{sum(COLUMNS)}" w:type="dxa"/><w:jc w:val="center"/><w:tblLayout w:type="fixed"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>"
        + _row(*(paragraph_xml("TableTextCenter", Run(h, FONT_HEI, size=14)) for h in ("指标", "数值", "说明")), header=True)
        + _row(paragraph_xml("TableText", "{%tr for row in figures_table %}"), paragraph_xml("TableText"), paragraph_xml("TableText"))
        + _row(
            paragraph_xml("TableText", "{{ row.label }}"),
            paragraph_xml("TableTextCenter", "{{ row.value }}"),
            paragraph_xml("TableText", "{{ row.note }}"),
        )
        + _row(paragraph_xml("TableText", "{%tr endfor %}"), paragraph_xml("TableText"), paragraph_xml("TableText"))
        + "</w:tbl>"
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
