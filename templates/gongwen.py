"""Building blocks for GB/T 9704-2012 templates: page, grid, styles, headers and footers.

Every template under ``templates/`` is built from these by ``build.py`` so that the layout
facts (A4, 37/35/28/26 mm margins, 22 lines a page, the official face names, the zh-CN
language tag) are written in one place. The result is an ordinary .docx that a clerk can
open and adjust in Word; docxtpl fills its ``{{ }}`` and ``{%p %}`` tags at render time.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

import docx
from lxml import etree
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.section import Section
from docx.shared import Mm, Twips

# --- measures -------------------------------------------------------------------

TWIPS_PER_MM = 1440 / 25.4


def mm(value: float) -> int:
    return round(value * TWIPS_PER_MM)


PAGE_WIDTH, PAGE_HEIGHT = 11906, 16838  # A4 in twips
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = mm(37), mm(35), mm(28), mm(26)
HEADER_DISTANCE = mm(15)
FOOTER_DISTANCE = mm(20)
TYPE_AREA_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT
LINE_PITCH = 579  # twips: 22 lines fill the 225 mm type area
BODY_SIZE = 16  # pt, 三号
# GB/T 9704 wants 28 characters a line in the 156 mm type area: 315.9 twips each, narrower than a
# 16 pt character (320). Word reaches 28 with a lines-and-characters grid, but LibreOffice draws
# every character over two cells of such a grid. Condensing the body text by a quarter point
# (w:spacing -5 twentieths) gives 28 full-width characters of 315 twips in both, on a lines-only grid.
CONDENSE = -5
CHAR = BODY_SIZE * 20 + CONDENSE  # one body character's advance in twips

# The face names Chinese offices have installed (layout.md, "Font names").
FONT_TITLE = "方正小标宋简体"
FONT_BODY = "仿宋_GB2312"
FONT_HEI = "黑体"
FONT_KAI = "楷体_GB2312"
FONT_SONG = "宋体"
RED = "FF0000"

# --- styles -----------------------------------------------------------------------


def _fonts(face: str) -> str:
    return f'<w:rFonts w:ascii="{face}" w:eastAsia="{face}" w:hAnsi="{face}" w:cs="{face}" w:hint="eastAsia"/>'


def _lang() -> str:
    return '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'


def run_props(face: str, size: float, *, bold: bool = False, color: str | None = None, spacing: int | None = None) -> str:
    """Run properties; body-size text is condensed to the 28-a-line advance unless ``spacing`` is given."""
    half_points = round(size * 2)
    spacing = CONDENSE if size == BODY_SIZE and spacing is None else spacing or 0
    return (
        "<w:rPr>"
        + _fonts(face)
        + ("<w:b/><w:bCs/>" if bold else "")
        + (f'<w:color w:val="{color}"/>' if color else "")
        + f'<w:spacing w:val="{spacing}"/>'
        + f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>'
        + _lang()
        + "</w:rPr>"
    )


@dataclass(frozen=True)
class Style:
    """One paragraph style. ``ppr`` holds the inner XML of w:pPr (in schema order)."""

    style_id: str
    name: str
    face: str = FONT_BODY
    size: float = BODY_SIZE
    bold: bool = False
    color: str | None = None
    ppr: str = ""
    based_on: str = "Normal"
    char_spacing: int | None = None

    def xml(self) -> str:
        based = f'<w:basedOn w:val="{self.based_on}"/>' if self.based_on else ""
        return (
            f'<w:style w:type="paragraph" w:customStyle="1" w:styleId="{self.style_id}">'
            f'<w:name w:val="{self.name}"/>{based}<w:qFormat/>'
            f"<w:pPr>{self.ppr}</w:pPr>"
            + run_props(self.face, self.size, bold=self.bold, color=self.color, spacing=self.char_spacing)
            + "</w:style>"
        )


def exact_line(twips: int = LINE_PITCH, before: int = 0, after: int = 0) -> str:
    return f'<w:spacing w:before="{before}" w:after="{after}" w:line="{twips}" w:lineRule="exact"/>'


INDENT_TWO_CHARS = f'<w:ind w:firstLineChars="200" w:firstLine="{2 * CHAR}"/>'
NO_GRID = '<w:snapToGrid w:val="0"/>'


THICK_RULE, THIN_RULE = 24, 6  # eighths of a point: 3 pt and 0.75 pt
RULE_GAP = 20  # twips between the two lines of a red double line


def red_double_rule(thick_on_top: bool) -> str:
    """A red double line (GB/T 9704 letter format): two single borders of one empty paragraph.

    The compound borders ``thickThinSmallGap`` / ``thinThickSmallGap`` would say it in one
    element, but LibreOffice draws them the other way round from Word (measured on its PDF: thin
    over thick under the letterhead). A single top border and a single bottom border, each with
    its own width, are drawn in the same order by every reader: thick over thin under the
    letterhead, thin over thick at the page foot. They are written on the paragraph itself, not
    on its style: LibreOffice ignores borders that a header or footer paragraph inherits.
    """
    top, bottom = (THICK_RULE, THIN_RULE) if thick_on_top else (THIN_RULE, THICK_RULE)
    return (
        f'<w:pBdr><w:top w:val="single" w:sz="{top}" w:space="0" w:color="{RED}"/>'
        f'<w:bottom w:val="single" w:sz="{bottom}" w:space="0" w:color="{RED}"/></w:pBdr>'
    )


# Letter-format red double lines are 170 mm long: 7 mm beyond the 156 mm type area each side.
RULE_OVERHANG = f'<w:ind w:left="-{mm(7)}" w:right="-{mm(7)}"/>'

SIGNATURE_RIGHT = TYPE_AREA_WIDTH - 4 * CHAR  # the date ends four characters from the right
SIGNATURE_CENTRE = SIGNATURE_RIGHT - round(3.5 * CHAR)  # the middle of a 7 em date
SIGNATURE_CENTRE_WIDE = SIGNATURE_RIGHT - 5 * CHAR  # the middle of a 10 em Chinese-numeral date
COPIES_CHAR = 14 * 20  # one 四号 character of the 版记

# The 版记 sits at the foot of the last page, its last line on the type area's last line
# (GB/T 9704 7.4): a paragraph frame aligned to the bottom of the margins, which Word and
# LibreOffice both place on the page of the paragraph, with the text kept above it.
AT_TYPE_AREA_FOOT = (
    f'<w:framePr w:w="{TYPE_AREA_WIDTH}" w:wrap="notBeside" w:vAnchor="margin" w:hAnchor="margin" '
    'w:xAlign="center" w:yAlign="bottom"/>'
)

COMMON_STYLES: tuple[Style, ...] = (
    Style("DocTitle", "公文标题", FONT_TITLE, 22, ppr=exact_line(mm(13)) + '<w:jc w:val="center"/>'),
    Style("Addressee", "主送机关", ppr='<w:ind w:firstLine="0"/>'),
    Style("BodyText", "公文正文", ppr=INDENT_TWO_CHARS),
    # The last body paragraph stays with the signature: no page may hold only unit and date.
    Style("BodyTextKeep", "公文正文（与署名同页）", ppr="<w:keepNext/>" + INDENT_TWO_CHARS),
    Style("BlankKeep", "空行（与下段同页）", ppr="<w:keepNext/>"),
    Style("Heading1Gw", "一级标题", FONT_HEI, ppr='<w:keepNext/>' + INDENT_TWO_CHARS),
    Style("Heading2Gw", "二级标题", FONT_KAI, ppr='<w:keepNext/>' + INDENT_TWO_CHARS),
    Style(
        "Signature",
        "署名和成文日期",
        # Sealed layout (GB/T 9704 7.3.5.1): the date ends four characters from the right (a
        # right tab stop), the unit is centred over the date (a centre tab stop over the middle
        # of a 7 em date such as 2024年6月18日; signature_xml() moves it for Chinese-numeral dates).
        ppr=f'<w:keepNext/><w:tabs><w:tab w:val="center" w:pos="{SIGNATURE_CENTRE}"/>'
        f'<w:tab w:val="right" w:pos="{SIGNATURE_RIGHT}"/></w:tabs>'
        '<w:jc w:val="left"/>',
    ),
    # A unit too long to centre over the date: unit and date flush right, four characters in.
    Style("SignatureLong", "署名（长）", ppr=f'<w:keepNext/><w:ind w:right="{4 * CHAR}"/><w:jc w:val="right"/>'),
    # 附件说明: two characters in; a long name wraps under itself, after “附件：”.
    Style("AttachmentNote", "附件说明", ppr=f'<w:keepNext/><w:ind w:left="{5 * CHAR}" w:hanging="{3 * CHAR}"/>'),
    # 附件 at the top left of an appended form's first page, in 黑体.
    Style("AttachmentMark", "附件标识", FONT_HEI, ppr=exact_line(mm(8)) + NO_GRID + '<w:jc w:val="left"/>'),
    Style("Note", "附注", ppr="<w:keepNext/>" + INDENT_TWO_CHARS),
    # 版记: 抄送 one character in on each side; its second line aligns after “抄送：”.
    Style(
        "Copies",
        "抄送",
        size=14,
        ppr=exact_line(mm(7)) + f'<w:ind w:left="{4 * COPIES_CHAR}" w:right="{COPIES_CHAR}" w:hanging="{3 * COPIES_CHAR}"/>',
    ),
    Style(
        "Imprint",
        "印发机关和印发日期",
        size=14,
        ppr=f'<w:tabs><w:tab w:val="left" w:pos="{COPIES_CHAR}"/><w:tab w:val="right" w:pos="{TYPE_AREA_WIDTH - COPIES_CHAR}"/></w:tabs>'
        + exact_line(mm(7)) + '<w:jc w:val="left"/>',
    ),
    Style("ClassMark", "办理结果分类标识", FONT_HEI, 16, bold=True, ppr=exact_line(mm(8.5)) + NO_GRID + '<w:jc w:val="right"/>', based_on="Header"),
    Style(
        "IssuerMark",
        "发文机关标志",
        FONT_TITLE,
        26,
        color=RED,
        ppr=exact_line(mm(12), before=mm(6.5)) + NO_GRID + '<w:jc w:val="center"/>',
        based_on="Header",
    ),
    Style(
        "LetterHeadRule",
        "信函格式上红线",
        size=1,
        ppr=exact_line(RULE_GAP, after=mm(4) - RULE_GAP) + NO_GRID + RULE_OVERHANG,
        based_on="Header",
    ),
    Style(
        "IssuerMarkBlank",
        "发文机关标志（公函纸留白）",
        FONT_TITLE,
        26,
        ppr=exact_line(mm(12), before=mm(6.5), after=mm(4)) + NO_GRID,
        based_on="Header",
    ),
    Style(
        "DocNumber",
        "发文字号",
        ppr=exact_line(mm(8), before=mm(2)) + NO_GRID
        + f'<w:tabs><w:tab w:val="right" w:pos="{TYPE_AREA_WIDTH - CHAR}"/></w:tabs>'
        + '<w:jc w:val="right"/>',
        based_on="Header",
    ),
    Style(
        "DocNumberWithSigner",
        "发文字号和签发人",
        ppr=exact_line(mm(8), before=mm(2)) + NO_GRID
        + f'<w:tabs><w:tab w:val="right" w:pos="{TYPE_AREA_WIDTH - CHAR}"/></w:tabs>'
        + f'<w:ind w:left="{CHAR}"/><w:jc w:val="left"/>',
        based_on="Header",
    ),
    Style(
        "LetterFootRule",
        "信函格式下红线",
        size=1,
        ppr=exact_line(RULE_GAP) + NO_GRID + RULE_OVERHANG,
        based_on="Footer",
    ),
    Style(
        "PageNumberOdd",
        "页码（单页）",
        FONT_SONG,
        14,
        ppr=exact_line(mm(6), after=mm(3)) + NO_GRID + f'<w:ind w:right="{14 * 20}"/><w:jc w:val="right"/>',
        based_on="Footer",
    ),
    Style(
        "PageNumberEven",
        "页码（双页）",
        FONT_SONG,
        14,
        ppr=exact_line(mm(6), after=mm(3)) + NO_GRID + f'<w:ind w:left="{14 * 20}"/><w:jc w:val="left"/>',
        based_on="Footer",
    ),
    Style(
        "Watermark",
        "草稿水印",
        FONT_TITLE,
        160,
        color="D9D9D9",
        ppr=exact_line(160 * 20) + NO_GRID + '<w:jc w:val="center"/>',
    ),
    Style("TableText", "表格文字", size=14, ppr=exact_line(mm(8)) + NO_GRID + '<w:jc w:val="left"/>'),
    Style("TableTextCenter", "表格文字（居中）", size=14, ppr=exact_line(mm(8)) + NO_GRID + '<w:jc w:val="center"/>'),
)


def styles_xml(extra: tuple[Style, ...] = ()) -> str:
    defaults = (
        "<w:docDefaults><w:rPrDefault>"
        + run_props(FONT_BODY, BODY_SIZE)
        + "</w:rPrDefault><w:pPrDefault><w:pPr>"
        + '<w:jc w:val="both"/>'
        + "</w:pPr></w:pPrDefault></w:docDefaults>"
    )
    base = (
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/>'
        f"<w:pPr><w:widowControl/>{exact_line()}<w:jc w:val=\"both\"/></w:pPr>"
        + run_props(FONT_BODY, BODY_SIZE)
        + "</w:style>"
        '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
        '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/></w:style>'
        '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
        '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/>'
        '<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
        '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>'
        '<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:basedOn w:val="TableNormal"/>'
        '<w:tblPr><w:tblBorders>'
        + "".join(f'<w:{e} w:val="single" w:sz="4" w:space="0" w:color="000000"/>' for e in ("top", "left", "bottom", "right", "insideH", "insideV"))
        + "</w:tblBorders></w:tblPr></w:style>"
        '<w:style w:type="paragraph" w:styleId="Header"><w:name w:val="header"/><w:basedOn w:val="Normal"/>'
        '<w:pPr><w:spacing w:line="240" w:lineRule="auto"/><w:snapToGrid w:val="0"/><w:jc w:val="center"/></w:pPr></w:style>'
        '<w:style w:type="paragraph" w:styleId="Footer"><w:name w:val="footer"/><w:basedOn w:val="Normal"/>'
        '<w:pPr><w:spacing w:line="240" w:lineRule="auto"/><w:snapToGrid w:val="0"/><w:jc w:val="left"/></w:pPr></w:style>'
    )
    body = "".join(s.xml() for s in COMMON_STYLES + extra)
    return f"<w:styles {nsdecls('w')}>{defaults}{base}{body}</w:styles>"


# --- document assembly ---------------------------------------------------------------


@dataclass
class Run:
    text: str
    face: str | None = None
    bold: bool = False
    size: float | None = None


def paragraph_xml(style: str, *runs: Run | str, ppr: str = "") -> str:
    parts = []
    for run in runs:
        run = Run(run) if isinstance(run, str) else run
        props = run_props(run.face or FONT_BODY, run.size or BODY_SIZE, bold=run.bold) if (run.face or run.bold or run.size) else ""
        if run.text == "\t":
            parts.append(f"<w:r>{props}<w:tab/></w:r>")
        else:
            parts.append(f'<w:r>{props}<w:t xml:space="preserve">{escape(run.text)}</w:t></w:r>')
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{ppr}</w:pPr>{"".join(parts)}</w:p>'


def tag(statement: str, style: str = "Normal") -> str:
    """A docxtpl paragraph tag (``{%p ... %}``): the whole paragraph is replaced by the statement."""
    return paragraph_xml(style, "{%p " + statement + " %}")


def page_number_xml(style: str) -> str:
    """`— 1 —`: the PAGE field between em dashes (GB/T 9704 7.5)."""
    def r(inner: str) -> str:
        return f"<w:r>{inner}</w:r>"

    return (
        f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>'
        + r('<w:t xml:space="preserve">— </w:t>')
        + r('<w:fldChar w:fldCharType="begin"/>')
        + r('<w:instrText xml:space="preserve"> PAGE </w:instrText>')
        + r('<w:fldChar w:fldCharType="separate"/>')
        + r("<w:t>1</w:t>")
        + r('<w:fldChar w:fldCharType="end"/>')
        + r('<w:t xml:space="preserve"> —</w:t>')
        + "</w:p>"
    )


def blocks_xml(items: str = "body") -> str:
    """The generic body loop: kinds hand the template a list of blocks, each a heading or a paragraph.

    A block is ``{"level": 1|2|0, "lead": str, "text": str}``; ``lead`` is set in bold before the text
    (review opinions' lead phrases), level 1 is 黑体, level 2 楷体, level 0 body text. A body
    block with ``"keep": True`` stays on the page of the next one (a line introducing a list).
    """
    return "".join(
        (
            tag(f"for block in {items}"),
            tag("if block.level == 1"),
            paragraph_xml("Heading1Gw", "{{ block.text }}"),
            tag("elif block.level == 2"),
            paragraph_xml("Heading2Gw", "{{ block.text }}"),
            tag("elif block.get('keep')"),
            paragraph_xml("BodyTextKeep", Run("{{ block.lead }}", FONT_BODY, bold=True), "{{ block.text }}"),
            tag("else"),
            paragraph_xml("BodyText", Run("{{ block.lead }}", FONT_BODY, bold=True), "{{ block.text }}"),
            tag("endif"),
            tag("endfor"),
        )
    )


def signature_xml(*, attachment: bool = False) -> str:
    """Closing line, the 附件 line if ``attachment``, then signing unit and date: the date four
    characters from the right (the sealed layout) whatever its style, the unit centred over it,
    all kept on one page with the closing line."""
    only_right_tab = f'<w:tabs><w:tab w:val="clear" w:pos="{SIGNATURE_CENTRE}"/></w:tabs>'
    wide_date = f'<w:tabs><w:tab w:val="clear" w:pos="{SIGNATURE_CENTRE}"/><w:tab w:val="center" w:pos="{SIGNATURE_CENTRE_WIDE}"/></w:tabs>'
    return "".join(
        (
            tag("if closing"),
            paragraph_xml("BodyTextKeep", "{{ closing }}"),
            tag("endif"),
            paragraph_xml("BlankKeep"),
            *(
                (
                    tag("if attachment"),
                    paragraph_xml("AttachmentNote", "附件：{{ attachment }}"),
                    paragraph_xml("BlankKeep"),
                    tag("endif"),
                )
                if attachment
                else ()
            ),
            tag("if signature_fits"),
            # An Arabic date (2024年6月18日) is about 7 em wide, a Chinese-numeral one about 10.
            tag("if signing_date[:1].isdigit()"),
            paragraph_xml("Signature", "\t", "{{ signing_unit }}"),
            tag("else"),
            paragraph_xml("Signature", "\t", "{{ signing_unit }}", ppr=wide_date),
            tag("endif"),
            # The date's paragraph keeps only the right tab stop: LibreOffice would not let right-aligned
            # text reach back over the centre stop.
            paragraph_xml("Signature", "\t", "{{ signing_date }}", ppr=only_right_tab),
            tag("else"),
            paragraph_xml("SignatureLong", "{{ signing_unit }}"),
            paragraph_xml("SignatureLong", "{{ signing_date }}"),
            tag("endif"),
        )
    )


def table_xml(columns: tuple[int, ...], rows: str) -> str:
    """A table as wide as its fixed ``columns`` (twips), centred, with thin black rules."""
    grid = "".join(f'<w:gridCol w:w="{width}"/>' for width in columns)
    return (
        "<w:tbl><w:tblPr>"
        '<w:tblStyle w:val="TableGrid"/>'
        f'<w:tblW w:w="{sum(columns)}" w:type="dxa"/>'
        '<w:jc w:val="center"/>'
        '<w:tblLayout w:type="fixed"/>'
        '<w:tblLook w:val="04A0" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>'
        f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{rows}</w:tbl>"
    )


def cell_xml(columns: tuple[int, ...], paragraphs: str, *, first: int, span: int = 1, valign: str = "center") -> str:
    """One w:tc starting at grid column ``first`` of ``columns`` and spanning ``span`` of them."""
    width = sum(columns[first:first + span])
    merge = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{merge}<w:vAlign w:val="{valign}"/></w:tcPr>'
        f"{paragraphs}</w:tc>"
    )


def row_xml(*cells: str, height: int | None = None, header: bool = False) -> str:
    """A row that never splits across pages; ``height`` (twips) is its least height, ``header``
    repeats it on every page."""
    props = "<w:cantSplit/>"  # in the schema's order: cantSplit, trHeight, tblHeader
    if height:
        props += f'<w:trHeight w:val="{height}" w:hRule="atLeast"/>'
    if header:
        props += "<w:tblHeader/>"
    return f"<w:tr><w:trPr>{props}</w:trPr>{''.join(cells)}</w:tr>"


@dataclass
class Template:
    """A one-section GB/T 9704 document: body XML plus the first-page header and footer."""

    body: str
    first_header: str = ""
    first_footer: str = ""
    page_numbers_on_first_page: bool = False
    page_numbers: bool = True
    extra_styles: tuple[Style, ...] = ()
    title: str = ""
    core_keywords: list[str] = field(default_factory=list)

    def build(self) -> bytes:
        document = docx.Document()
        document.part._styles_part._element = parse_xml(styles_xml(self.extra_styles))
        _set_language(document)

        body = document.element.body
        sect_pr = body.sectPr
        for child in list(body):
            if child is not sect_pr:
                body.remove(child)
        for element in parse_xml(f"<w:body {nsdecls('w')}>{self.body}</w:body>"):
            sect_pr.addprevious(element)

        section = document.sections[0]
        _page_setup(section)
        section.different_first_page_header_footer = True
        document.settings.odd_and_even_pages_header_footer = True
        _fill(section.header, paragraph_xml("Header"))
        _fill(section.even_page_header, paragraph_xml("Header"))
        numbered = self.page_numbers
        _fill(section.footer, page_number_xml("PageNumberOdd") if numbered else paragraph_xml("Footer"))
        _fill(section.even_page_footer, page_number_xml("PageNumberEven") if numbered else paragraph_xml("Footer"))
        _fill(section.first_page_header, self.first_header or paragraph_xml("Header"))
        first_footer = self.first_footer or paragraph_xml("Footer")
        if self.page_numbers_on_first_page:
            first_footer = page_number_xml("PageNumberOdd")
        _fill(section.first_page_footer, first_footer)

        props = document.core_properties
        props.title = self.title
        props.author = "docgen"
        props.language = "zh-CN"
        props.keywords = " ".join(self.core_keywords)
        props.revision = 1
        props.created = props.modified = dt.datetime(2024, 1, 1)
        props.last_modified_by = "docgen"

        for part in (document.part, document.part._styles_part, *(hf.part for hf in _headers_and_footers(section))):
            _in_schema_order(part.element)
        buffer = io.BytesIO()
        document.save(buffer)
        return _reproducible_zip(buffer.getvalue())


def _headers_and_footers(section: Section) -> tuple:
    return (
        section.header, section.even_page_header, section.first_page_header,
        section.footer, section.even_page_footer, section.first_page_footer,
    )


# The order the OOXML schema (ECMA-376 Part 1, CT_PPrBase and CT_RPr) gives the children of
# paragraph and run properties. The building blocks write them in whatever order reads best;
# Word expects the schema's.
_SCHEMA_ORDER = {
    "pPr": (
        "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr shd "
        "tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN bidi "
        "adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc textDirection "
        "textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange"
    ).split(),
    "rPr": (
        "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint noProof snapToGrid "
        "vanish webHidden color spacing w kern position sz szCs highlight u effect bdr shd fitText vertAlign rtl "
        "cs em lang eastAsianLayout specVanish oMath"
    ).split(),
}


def _in_schema_order(root) -> None:
    for name, order in _SCHEMA_ORDER.items():
        rank = {qn(f"w:{child}"): i for i, child in enumerate(order)}
        for props in root.iter(qn(f"w:{name}")):
            children = sorted(props, key=lambda child: rank.get(child.tag, len(rank)))
            props[:] = children


def _page_setup(section: Section) -> None:
    """A4 portrait with the GB/T 9704 margins, through python-docx; only the document grid,
    which python-docx does not model, is written as XML."""
    section.page_width, section.page_height = Twips(PAGE_WIDTH), Twips(PAGE_HEIGHT)
    section.top_margin, section.bottom_margin = Twips(MARGIN_TOP), Twips(MARGIN_BOTTOM)
    section.left_margin, section.right_margin = Twips(MARGIN_LEFT), Twips(MARGIN_RIGHT)
    section.header_distance, section.footer_distance = Twips(HEADER_DISTANCE), Twips(FOOTER_DISTANCE)
    section.gutter = Mm(0)
    sect_pr = section._sectPr
    for old in sect_pr.findall(qn("w:docGrid")):
        sect_pr.remove(old)
    # A lines-only grid: 22 lines a page (see CONDENSE for why not lines and characters).
    sect_pr.append(parse_xml(f'<w:docGrid {nsdecls("w")} w:type="lines" w:linePitch="{LINE_PITCH}"/>'))


def _fill(header_or_footer, xml: str) -> None:
    element = header_or_footer._element
    for child in list(element):
        element.remove(child)
    for paragraph in parse_xml(f"<w:hdr {nsdecls('w')}>{xml}</w:hdr>"):
        element.append(paragraph)


def _set_language(document) -> None:
    settings = document.settings.element
    ns = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    for old in settings.findall(f"{ns}themeFontLang"):
        settings.remove(old)
    settings.append(parse_xml(f'<w:themeFontLang {nsdecls("w")} w:val="en-US" w:eastAsia="zh-CN"/>'))


# Parts of python-docx's default package that the templates do not use. Dropping them keeps
# every rendered document small and quick to write, read and convert.
UNUSED_PARTS = (
    "word/stylesWithEffects.xml",
    "word/webSettings.xml",
    "word/numbering.xml",
    "docProps/thumbnail.jpeg",
    "customXml/",
)


def _unused(name: str) -> bool:
    return any(name == part or (part.endswith("/") and name.startswith(part)) for part in UNUSED_PARTS)


def _drop_references(name: str, data: bytes) -> bytes:
    """Remove relationships and content-type overrides that point at dropped parts."""
    if not (name.endswith(".rels") or name == "[Content_Types].xml"):
        return data
    root = etree.fromstring(data)
    for element in list(root):
        target = element.get("Target") or element.get("PartName") or ""
        if _unused(target.lstrip("/").removeprefix("../")) or _unused("word/" + target):
            root.remove(element)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _reproducible_zip(data: bytes) -> bytes:
    """Rewrite the package without unused parts and with fixed timestamps, so that building
    twice gives the same bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if _unused(info.filename) or info.filename.startswith("customXml"):
                continue
            fixed = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, _drop_references(info.filename, source.read(info.filename)))
    return out.getvalue()


# --- the letter format (信函格式), shared by the kinds that go out as letters ----------------


def letter_head() -> str:
    """First-page header of the letter format: class mark, red letterhead (or blank space for
    pre-printed 公函纸), then the document number and optional signer."""
    return "".join(
        (
            paragraph_xml("ClassMark", "{{ class_mark }}"),
            tag("if letterhead"),
            paragraph_xml("IssuerMark", "{{ issuer }}"),
            paragraph_xml("LetterHeadRule", ppr=red_double_rule(thick_on_top=True)),
            tag("else"),
            paragraph_xml("IssuerMarkBlank"),
            tag("endif"),
            tag("if signer"),
            paragraph_xml("DocNumberWithSigner", "{{ document_number }}", "\t", "签发人：", Run("{{ signer }}", FONT_KAI)),
            tag("else"),
            paragraph_xml("DocNumber", "{{ document_number }}"),
            tag("endif"),
        )
    )


def letter_foot() -> str:
    """First-page footer of the letter format: the lower red double line, no page number."""
    return "".join(
        (
            paragraph_xml("Footer"),
            tag("if letterhead"),
            paragraph_xml("LetterFootRule", ppr=red_double_rule(thick_on_top=False)),
            tag("endif"),
        )
    )


def copies_xml() -> str:
    """The 版记's 抄送 line at the foot of the page it ends (the letter format has no 印发 line)."""
    return "".join(
        (
            tag("if copies"),
            paragraph_xml("Copies", "抄送：{{ copies }}。", ppr=AT_TYPE_AREA_FOOT),
            tag("endif"),
        )
    )


IMPRINT_RULE, IMPRINT_RULE_COLOR = 8, "000000"  # eighths of a point: 1 pt, the 0.35 mm separator


def imprint_xml() -> str:
    """The 版记 of an ordinary document at the foot of its last page: the 印发 line, the office
    one character in from the left and the date one in from the right, between separator lines
    as wide as the type area (0.35 mm)."""
    borders = "".join(
        f'<w:{edge} w:val="single" w:sz="{IMPRINT_RULE}" w:space="1" w:color="{IMPRINT_RULE_COLOR}"/>'
        for edge in ("top", "bottom")
    )
    return paragraph_xml(
        "Imprint", "\t", "{{ printed_by }}", "\t", "{{ printed_on }}", ppr=AT_TYPE_AREA_FOOT + f"<w:pBdr>{borders}</w:pBdr>"
    )


def letter_body(*, attachment: bool = False) -> str:
    """Title, addressee, body blocks, the 附件 line if ``attachment``, signature, notes, and the
    抄送 at the foot of the last page — shared by letter-format kinds."""
    return "".join(
        (
            paragraph_xml("Normal"),
            tag("for line in title_lines"),
            paragraph_xml("DocTitle", "{{ line }}"),
            tag("endfor"),
            paragraph_xml("Normal"),
            paragraph_xml("Addressee", "{{ addressee }}"),
            blocks_xml(),
            signature_xml(attachment=attachment),
            tag("for note in notes"),
            paragraph_xml("Note", "{{ note }}"),
            tag("endfor"),
            copies_xml(),
        )
    )


__all__ = [
    "cell_xml",
    "copies_xml",
    "imprint_xml",
    "letter_body",
    "letter_foot",
    "letter_head",
    "Run",
    "Style",
    "Template",
    "blocks_xml",
    "paragraph_xml",
    "red_double_rule",
    "row_xml",
    "signature_xml",
    "table_xml",
    "tag",
]
