"""A template as a .docx package: python-docx document, section set-up, reproducible bytes."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field

import docx
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.section import Section
from docx.shared import Mm, Twips
from lxml import etree

from .blocks import page_number_xml, paragraph_xml
from .measures import (
    FOOTER_DISTANCE,
    HEADER_DISTANCE,
    LINE_PITCH,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    PAGE_HEIGHT,
    PAGE_WIDTH,
)
from .styles import Style, styles_xml


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
