"""征询意见表: a one-page form, mostly one table, read from the ``survey`` context.

The reply letter appends the same form (``survey_form_xml``) after a page break, so the XML
is written here once. Column widths and row heights come from docgen.kinds.survey_form, which
estimates from them how many blank lines the comments area gets.
"""

from docgen.kinds.survey_form import (
    BOX,
    CONTACT_MODES,
    LABEL_MM,
    NOTE_LINE_MM,
    RATINGS,
    ROW_LINE_MM,
    SIGNATURE_ROW_MM,
    SUBTITLE_MM,
    VALUE_MM,
    WRAP_LINE_MM,
)
from gongwen import (
    FONT_HEI,
    NO_GRID,
    TYPE_AREA_WIDTH,
    Run,
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

TABLE_SIZE = 14  # pt, 四号
BOX_SIZE = 16  # pt: the check box a little larger than the text, easy to tick
EM = TABLE_SIZE * 20  # one table character in twips

LABEL = mm(LABEL_MM)
VALUE = mm(VALUE_MM)
LAST_VALUE = TYPE_AREA_WIDTH - 2 * LABEL - VALUE  # absorbs the rounding: the grid is exactly the type area
COLUMNS = (LABEL, VALUE, LABEL, LAST_VALUE)

SURVEY_STYLES: tuple[Style, ...] = (
    Style(
        "SurveySubtitle",
        "征询意见表会议名称",
        ppr=NO_GRID + exact_line(mm(SUBTITLE_MM - 4), after=mm(4)) + '<w:jc w:val="center"/>',
    ),
    # Notes under the table: “注：” hangs, the text wraps two characters in.
    Style(
        "SurveyNote",
        "征询意见表注释",
        size=TABLE_SIZE,
        ppr=NO_GRID + exact_line(mm(NOTE_LINE_MM), before=mm(2)) + f'<w:ind w:left="{2 * EM}" w:hanging="{2 * EM}"/>',
    ),
    Style(
        "SurveyNoteMore",
        "征询意见表注释（续）",
        size=TABLE_SIZE,
        ppr=NO_GRID + exact_line(mm(NOTE_LINE_MM)) + f'<w:ind w:left="{2 * EM}"/>',
    ),
    Style("SurveyBreak", "分页（征询意见表前）", size=1, ppr=NO_GRID + exact_line(20)),
    Style(
        "SurveyDate",
        "征询意见表填写日期",
        size=TABLE_SIZE,
        ppr=NO_GRID + exact_line(mm(ROW_LINE_MM)) + f'<w:ind w:right="{EM}"/><w:jc w:val="right"/>',
    ),
)


# --- table XML ------------------------------------------------------------------------


def cell(paragraphs: str, *, first: int, span: int = 1, valign: str = "center") -> str:
    return cell_xml(COLUMNS, paragraphs, first=first, span=span, valign=valign)


def row(*cells: str, height_mm: float = ROW_LINE_MM) -> str:
    return row_xml(*cells, height=mm(height_mm))


# Every prefilled or ticked cell sets its text at the tighter pitch and is centred in a row of
# at least one 8 mm line, so labels and values share a baseline and a long value wraps compactly.
TIGHT = exact_line(mm(WRAP_LINE_MM))


def tag_row(statement: str) -> str:
    """A docxtpl row tag (``{%tr ... %}``): the whole row is replaced by the statement."""
    return row(cell(paragraph_xml("TableText", "{%tr " + statement + " %}"), first=0, span=4))


def label(text: str, first: int = 0) -> str:
    return cell(paragraph_xml("TableTextCenter", text, ppr=TIGHT), first=first)


def value(text: str, first: int = 1, span: int = 3) -> str:
    return cell(paragraph_xml("TableText", text, ppr=TIGHT), first=first, span=span)


def options(choices: tuple[str, ...]) -> str:
    """☐面商　　☐电话 …: fixed wording, so it lives in the template where a clerk can edit it."""
    runs: list[Run | str] = []
    for i, choice in enumerate(choices):
        if i:
            runs.append("\u3000\u3000")
        runs += [Run(BOX, size=BOX_SIZE), choice]
    return cell(paragraph_xml("TableText", *runs, ppr=TIGHT), first=1, span=3)


def survey_table() -> str:
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in COLUMNS)
    rows = (
        # prefilled by the handling unit
        row(label("{{ survey.labels.item_title }}"), value("{{ survey.item_title }}")),
        row(
            label("{{ survey.labels.item_number }}"), value("{{ survey.item_number }}", span=1),
            label("{{ survey.labels.lead_author }}", first=2), value("{{ survey.lead_author }}", first=3, span=1),
        ),
        tag_row("if survey.co_authors"),
        row(label("{{ survey.labels.co_authors }}"), value("{{ survey.co_authors }}")),
        tag_row("endif"),
        row(label("主办单位"), value("{{ survey.handling_unit }}")),
        tag_row("if survey.co_handling_units"),
        row(label("会办单位"), value("{{ survey.co_handling_units }}")),
        tag_row("endif"),
        row(
            label("结果分类"), value("{{ survey.result_class }}", span=1),
            label("答复日期", first=2), value("{{ survey.replied_on }}", first=3, span=1),
        ),
        # filled in by the deputy or member
        row(cell(paragraph_xml("TableTextCenter", Run("{{ survey.to_fill }}", FONT_HEI, size=TABLE_SIZE), ppr=TIGHT), first=0, span=4)),
        row(label("沟通方式"), options(CONTACT_MODES)),
        row(label("办理态度"), options(RATINGS)),
        row(label("办理结果"), options(RATINGS)),
        row(
            label("意见和建议"),
            cell(
                paragraph_xml("TableText", "{{ survey.comments_note }}")
                + tag("for line in survey.blank_lines", "TableText")
                + paragraph_xml("TableText")
                + tag("endfor", "TableText"),
                first=1,
                span=3,
                valign="top",
            ),
        ),
        row(
            label("{{ survey.signature_label }}"),
            cell(paragraph_xml("SurveyDate", "{{ survey.signing_date }}"), first=1, span=3, valign="bottom"),
            height_mm=SIGNATURE_ROW_MM,
        ),
    )
    return table_xml(COLUMNS, "".join(rows))


def survey_form_xml(*, as_attachment: bool = False) -> str:
    """Title, session line, the table, and the notes on returning the form; marked 附件 at its
    top left when it is appended to a letter."""
    return "".join(
        (
            paragraph_xml("AttachmentMark", "附件") if as_attachment else "",
            tag("for line in survey.title_lines"),
            paragraph_xml("DocTitle", "{{ line }}", ppr=NO_GRID),
            tag("endfor"),
            paragraph_xml("SurveySubtitle", "{{ survey.session_line }}"),
            survey_table(),
            paragraph_xml("SurveyNote", "注：1. {{ survey.return_note }}"),
            paragraph_xml("SurveyNoteMore", "2. {{ survey.rehandling_note }}"),
        )
    )


def page_break() -> str:
    """A paragraph of no height that starts a new page (before an appended form)."""
    return '<w:p><w:pPr><w:pStyle w:val="SurveyBreak"/></w:pPr><w:r><w:br w:type="page"/></w:r></w:p>'


TEMPLATES = {
    "survey-form.docx": Template(
        body=survey_form_xml(),
        page_numbers=False,
        extra_styles=SURVEY_STYLES,
        title="征询意见表",
        core_keywords=["docgen", "survey-form"],
    ),
}
