"""Paragraphs, docxtpl tags, tables, the signature and the 版记: the body XML of a template."""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

from .measures import BODY_SIZE, FONT_BODY
from .styles import AT_TYPE_AREA_FOOT, SIGNATURE_CENTRE, SIGNATURE_CENTRE_WIDE, run_props


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


def opening_xml() -> str:
    """A blank line, the title's lines (GB/T 9704: two lines under the red line), a blank line,
    and the addressee."""
    return "".join(
        (
            paragraph_xml("Normal"),
            tag("for line in title_lines"),
            paragraph_xml("DocTitle", "{{ line }}"),
            tag("endfor"),
            paragraph_xml("Normal"),
            paragraph_xml("Addressee", "{{ addressee }}"),
        )
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
