"""Reading facts off rendered documents: the parts of a .docx, and the fonts of a PDF."""

from __future__ import annotations

import io
import re
import zipfile

from lxml import etree
from pypdf import PdfReader

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
TWIPS_PER_MM = 1440 / 25.4


def w(name: str) -> str:
    return f"{{{W}}}{name}"


class Package:
    """The parts of a rendered .docx, parsed."""

    def __init__(self, data: bytes):
        self.zip = zipfile.ZipFile(io.BytesIO(data))
        self.document = self.xml("word/document.xml")
        self.styles = self.xml("word/styles.xml")
        self.settings = self.xml("word/settings.xml")
        rels = self.xml("word/_rels/document.xml.rels")
        self.targets = {r.get("Id"): "word/" + r.get("Target") for r in rels}
        self.sect = self.document.find(".//w:body/w:sectPr", NS)

    def xml(self, name: str):
        return etree.fromstring(self.zip.read(name))

    def part_for(self, reference: str, kind: str):
        ref = self.sect.find(f"w:{reference}Reference[@w:type='{kind}']", NS)
        assert ref is not None, f"no {kind} {reference}"
        return self.xml(self.targets[ref.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")])

    def style(self, style_id: str):
        found = self.styles.find(f"w:style[@w:styleId='{style_id}']", NS)
        assert found is not None, f"style {style_id} missing"
        return found

    def style_value(self, style_id: str | None, path: str, attr: str) -> str | None:
        """A property as the style chain resolves it (style → basedOn … → docDefaults)."""
        while style_id:
            style = self.style(style_id)
            el = style.find(path, NS)
            if el is not None and el.get(w(attr)) is not None:
                return el.get(w(attr))
            based = style.find("w:basedOn", NS)
            style_id = based.get(w("val")) if based is not None else None
        el = self.styles.find("w:docDefaults/w:rPrDefault/" + path.replace("w:rPr/", ""), NS)
        return el.get(w(attr)) if el is not None else None

    def paragraphs(self, root=None):
        """(style id, text) of every paragraph."""
        out = []
        for p in (root if root is not None else self.document).iter(w("p")):
            style = p.find("w:pPr/w:pStyle", NS)
            text = "".join(t.text or "" for t in p.iter(w("t")))
            out.append((style.get(w("val")) if style is not None else "Normal", text))
        return out

    def texts(self, style_id: str) -> list[str]:
        return [text for style, text in self.paragraphs() if style == style_id]


def mm(twips: str) -> float:
    return int(twips) / TWIPS_PER_MM


def red_double_rules(part):
    """The paragraph borders that draw a red double line: a red top and a red bottom border of
    one paragraph, as (top width, bottom width) in eighths of a point."""
    rules = []
    for borders in part.iter(w("pBdr")):
        top, bottom = borders.find("w:top", NS), borders.find("w:bottom", NS)
        if top is not None and bottom is not None and top.get(w("color")) == bottom.get(w("color")) == "FF0000":
            rules.append((int(top.get(w("sz"))), int(bottom.get(w("sz")))))
    return rules


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def fonts_of(reader: PdfReader) -> dict[str, dict]:
    """BaseFont name (subset prefix removed) → its font dictionary, over all pages."""
    found = {}
    for page in reader.pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            found[str(font["/BaseFont"]).split("+", 1)[-1].lstrip("/")] = font
    return found


def is_embedded(font) -> bool:
    if "/DescendantFonts" in font:
        font = font["/DescendantFonts"][0].get_object()
    descriptor = font.get("/FontDescriptor")
    return descriptor is not None and any(k in descriptor.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3"))
