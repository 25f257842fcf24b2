"""Building blocks for GB/T 9704-2012 templates: page, grid, styles, headers and footers.

Every template under ``templates/`` is built from these by ``build.py`` so that the layout
facts (A4, 37/35/28/26 mm margins, 22 lines a page, the official face names, the zh-CN
language tag) are written in one place. The result is an ordinary .docx that a clerk can
open and adjust in Word; docxtpl fills its ``{{ }}`` and ``{%p %}`` tags at render time.

One module per concern: ``measures`` (the page in twips, the face names), ``styles``
(paragraph styles and the styles part), ``blocks`` (paragraphs, docxtpl tags, tables, the
signature and the 版记), ``letter`` (the letter format's head, foot and body) and ``package``
(the .docx itself: section set-up through python-docx, reproducible bytes).
"""

from .measures import FONT_HEI, FONT_TITLE, LINE_PITCH, RED, TYPE_AREA_WIDTH, mm
from .styles import NO_GRID, Style, exact_line
from .blocks import (
    Run,
    blocks_xml,
    cell_xml,
    imprint_xml,
    opening_xml,
    paragraph_xml,
    row_xml,
    signature_xml,
    table_xml,
    tag,
)
from .letter import letter_body, letter_foot, letter_head
from .package import Template

__all__ = [
    "blocks_xml",
    "cell_xml",
    "exact_line",
    "FONT_HEI",
    "FONT_TITLE",
    "imprint_xml",
    "letter_body",
    "letter_foot",
    "letter_head",
    "LINE_PITCH",
    "mm",
    "NO_GRID",
    "opening_xml",
    "paragraph_xml",
    "RED",
    "row_xml",
    "Run",
    "signature_xml",
    "Style",
    "table_xml",
    "tag",
    "Template",
    "TYPE_AREA_WIDTH",
]
