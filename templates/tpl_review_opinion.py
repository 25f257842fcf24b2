"""审议意见: an ordinary document (not the letter format), page numbers on every page.

The red head (``…人大常委会文件`` with the red separator line under the document number) is
optional: a draft goes without it. Then title, addressee, the body blocks (一是 + bold lead
phrase), the request to report as the closing line kept with the signature, committee and date;
the issued 文件 ends with its 版记 (the 印发 line) at the foot of the last page.
"""

from gongwen import (
    FONT_TITLE,
    LINE_PITCH,
    NO_GRID,
    RED,
    Style,
    Template,
    blocks_xml,
    exact_line,
    imprint_xml,
    mm,
    opening_xml,
    paragraph_xml,
    signature_xml,
    tag,
)

# Ordinary documents: the issuer mark's top edge 35 mm below the top of the type area. The mark
# is set in 36 pt (小初) when it fits on one line (12 characters), else in 26 pt (一号, 17).
ISSUER_MARK = Style(
    "IssuerMarkDoc",
    "发文机关标志（文件格式）",
    FONT_TITLE,
    36,
    color=RED,
    ppr=exact_line(mm(16), before=mm(33)) + NO_GRID + '<w:jc w:val="center"/>',
)
ISSUER_MARK_LONG = Style(
    "IssuerMarkDocLong",
    "发文机关标志（文件格式，长）",
    FONT_TITLE,
    26,
    color=RED,
    ppr=exact_line(mm(16), before=mm(33)) + NO_GRID + '<w:jc w:val="center"/>',
)
# The document number two lines under the mark, centred.
DOC_NUMBER = Style(
    "DocNumberCentered",
    "发文字号（居中）",
    ppr=exact_line(LINE_PITCH, before=2 * LINE_PITCH) + '<w:jc w:val="center"/>',
)
DOC_NUMBER_PLAIN = Style(
    "DocNumberPlain",
    "发文字号（无版头）",
    ppr=exact_line(LINE_PITCH) + '<w:jc w:val="center"/>',
)

# The red separator as wide as the type area, 4 mm (11 pt) under the document number. Written on
# the paragraph itself, as red_double_rule() does, so that every reader draws it.
RED_SEPARATOR = f'<w:pBdr><w:bottom w:val="single" w:sz="12" w:space="11" w:color="{RED}"/></w:pBdr>'


def head() -> str:
    return "".join(
        (
            tag("if letterhead"),
            tag("if issuer_fits_large"),
            paragraph_xml("IssuerMarkDoc", "{{ issuer }}"),
            tag("else"),
            paragraph_xml("IssuerMarkDocLong", "{{ issuer }}"),
            tag("endif"),
            paragraph_xml("DocNumberCentered", "{{ document_number }}", ppr=RED_SEPARATOR),
            # the title two lines under the red separator
            paragraph_xml("Normal"),
            tag("elif document_number"),
            paragraph_xml("DocNumberPlain", "{{ document_number }}"),
            tag("endif"),
        )
    )


def body() -> str:
    return "".join(
        (
            head(),
            opening_xml(),
            blocks_xml(),
            signature_xml(),
            tag("if letterhead"),
            imprint_xml(),
            tag("endif"),
        )
    )


TEMPLATES = {
    "review-opinion.docx": Template(
        body=body(),
        page_numbers_on_first_page=True,
        extra_styles=(ISSUER_MARK, ISSUER_MARK_LONG, DOC_NUMBER, DOC_NUMBER_PLAIN),
        title="审议意见",
        core_keywords=["docgen", "review-opinion"],
    ),
}
