"""Paragraph styles: run properties, line spacing, borders, and the styles part of every template."""

from __future__ import annotations

from dataclasses import dataclass

from docx.oxml.ns import nsdecls

from .measures import (
    BODY_SIZE,
    CHAR,
    CONDENSE,
    FONT_BODY,
    FONT_HEI,
    FONT_KAI,
    FONT_SONG,
    FONT_TITLE,
    LINE_PITCH,
    RED,
    TYPE_AREA_WIDTH,
    mm,
)


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
