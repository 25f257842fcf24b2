"""Joining rendered .docx documents of one template into one document. Knows no kind.

Each document keeps its own sections; its first section restarts the page numbering at 1 and a
bookmark (:func:`start_mark`) marks where it begins, so that once converted its first page can be
found again. What the documents share (styles, numbering, settings, theme, fonts, relationships)
is taken once from the first; their headers and footers are shared when identical and carried
along under new names otherwise. Documents whose other parts differ (another template, pictures
of their own), with numbered lists (their counters would run on) or counting their pages
(NUMPAGES would count the joined document's) cannot be joined: :class:`NotJoinable` says why.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Sequence

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
DOCUMENT = "word/document.xml"
DOCUMENT_RELS = "word/_rels/document.xml.rels"
TYPES = "[Content_Types].xml"
MARK_PREFIX = "docgenDocument"  # letters and digits only: LibreOffice spells other characters in hex in PDF names

# A header or footer part, and its own relationships if it has any.
_HEADER_FOOTER = re.compile(r"^word/(header|footer)\d+\.xml$")
# Parts that may differ between documents of one template without keeping them from being joined.
_OWN_PARTS = re.compile(r"^(word/document\.xml|word/(header|footer)\d+\.xml|word/_rels/(header|footer)\d+\.xml\.rels|docProps/.*)$")
# Elements of w:sectPr that come after w:pgNumType (ECMA-376 CT_SectPr order).
_AFTER_PAGE_NUMBERING = ("cols", "formProt", "vAlign", "noEndnote", "titlePg", "textDirection", "bidi",
                         "rtlGutter", "docGrid", "printerSettings", "sectPrChange")
_BOOKMARK_ID_STEP = 100_000  # each document's bookmark ids move into a range of their own


class NotJoinable(ValueError):
    """The documents cannot be joined into one (the reason is in English, for the log)."""


def start_mark(position: int) -> str:
    """The bookmark at the start of the ``position``-th joined document (0-based)."""
    return f"{MARK_PREFIX}{position:04d}"


def body_size(document: bytes) -> int:
    """The size of a .docx's main part, inflated (what LibreOffice has to lay out); 0 for
    anything else, e.g. a PDF."""
    try:
        with zipfile.ZipFile(io.BytesIO(document)) as archive:
            return archive.getinfo(DOCUMENT).file_size
    except (zipfile.BadZipFile, KeyError):
        return 0


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


def join(documents: Sequence[bytes]) -> bytes:
    """One .docx holding ``documents`` one after the other, each from a new page with its page
    numbers from 1 and the bookmark :func:`start_mark` at its start. Raises :class:`NotJoinable`."""
    if not documents:
        raise NotJoinable("nothing to join")
    packages = [_members(content) for content in documents]
    base = packages[0]
    for position, members in enumerate(packages):
        _check_alone(members, position)
        if position:
            _check_shared(base, members, position)
    shared_rels = etree.fromstring(base[DOCUMENT_RELS])
    targets = {rel.get("Id"): rel.get("Target") for rel in shared_rels}
    parts = _HeaderFooterParts(base, shared_rels)
    root = etree.fromstring(base[DOCUMENT])
    body = root.find(_w("body"))
    if body is None:
        raise NotJoinable("the first document has no body")
    for child in list(body):
        body.remove(child)
    last_section: etree._Element | None = None
    for position, members in enumerate(packages):
        own_body = etree.fromstring(members[DOCUMENT]).find(_w("body"))
        if own_body is None:
            raise NotJoinable(f"document {position} has no body")
        content = list(own_body)
        final = content.pop() if content and content[-1].tag == _w("sectPr") else None
        if final is None:
            raise NotJoinable(f"document {position} has no section properties")
        for section in [*own_body.iter(_w("sectPr"))]:
            for reference in section:
                if reference.tag in (_w("headerReference"), _w("footerReference")):
                    rel_id = reference.get(f"{{{R}}}id")
                    reference.set(f"{{{R}}}id", parts.rel_id(members, targets.get(rel_id or "")))
        _start_anew(next(own_body.iter(_w("sectPr"))))
        _renumber_bookmarks(own_body, position)
        _mark_start(own_body, position)
        if last_section is not None:
            _end_section(body, last_section)
        for child in content:
            body.append(child)
        last_section = final
    assert last_section is not None
    body.append(last_section)
    members = dict(base)
    members[DOCUMENT] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    members.update(parts.new_members())
    return _package(members)


def _members(content: bytes) -> dict[str, bytes]:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return {info.filename: archive.read(info) for info in archive.infolist()}
    except zipfile.BadZipFile as exc:
        raise NotJoinable(f"not a .docx: {exc}") from exc


def _check_alone(members: dict[str, bytes], position: int) -> None:
    """What a document may hold and still look the same once joined to others."""
    if "word/numbering.xml" in members:
        raise NotJoinable("numbered lists would go on counting from one document to the next")
    for name, content in members.items():
        if (name == DOCUMENT or _HEADER_FOOTER.match(name)) and b"NUMPAGES" in content:
            raise NotJoinable(f"document {position} counts its pages (NUMPAGES in {name})")


def _check_shared(base: dict[str, bytes], members: dict[str, bytes], position: int) -> None:
    names = set(base) ^ set(members)
    if names:
        raise NotJoinable(f"document {position} has other parts than the first: {sorted(names)[:5]}")
    for name, content in members.items():
        if not _OWN_PARTS.match(name) and content != base[name]:
            raise NotJoinable(f"document {position} differs from the first in {name}")
    if DOCUMENT not in members or DOCUMENT_RELS not in members:
        raise NotJoinable(f"document {position} is not a Word document")
    if _prologue(members[DOCUMENT]) != _prologue(base[DOCUMENT]):
        raise NotJoinable(f"document {position} declares its document element differently")


def _prologue(document: bytes) -> bytes:
    """The document element's start tag (its namespaces), up to the body."""
    return document[: document.find(b"<w:body")]


class _HeaderFooterParts:
    """The joined document's header and footer parts: the first document's, plus each different
    one of the others under a new name, each once."""

    def __init__(self, base: dict[str, bytes], rels: etree._Element):
        self.base, self.rels = base, rels
        self.ids: dict[bytes, str] = {}  # a part's content (and its rels) → its relationship id
        self.added: dict[str, bytes] = {}
        self.types: list[tuple[str, str]] = []
        self.number = max([int(n) for n in re.findall(r"(?:header|footer)(\d+)\.xml", " ".join(base))] or [0])
        for rel in rels:
            target = f"word/{rel.get('Target')}"
            if _HEADER_FOOTER.match(target):
                self.ids[self._key(base, target)] = rel.get("Id")

    @staticmethod
    def _key(members: dict[str, bytes], name: str) -> bytes:
        kind = b"header" if name.startswith("word/header") else b"footer"
        return hashlib.sha256(kind + b"\0" + members[name] + b"\0" + members.get(_rels_name(name), b"")).digest()

    def rel_id(self, members: dict[str, bytes], target: str | None) -> str:
        name = f"word/{target}"
        if not target or not _HEADER_FOOTER.match(name) or name not in members:
            raise NotJoinable(f"a section refers to a header or footer that is not there: {target}")
        key = self._key(members, name)
        if key not in self.ids:
            kind = "header" if name.startswith("word/header") else "footer"
            self.number += 1
            new_name = f"word/{kind}{self.number}.xml"
            rel_id = f"rIdDocgen{self.number}"
            self.added[new_name] = members[name]
            if _rels_name(name) in members:
                self.added[_rels_name(new_name)] = members[_rels_name(name)]
            etree.SubElement(self.rels, f"{{{PACKAGE_RELS}}}Relationship", Id=rel_id,
                             Type=f"{R}/{kind}", Target=new_name.removeprefix("word/"))
            self.types.append((f"/{new_name}", f"application/vnd.openxmlformats-officedocument.wordprocessingml.{kind}+xml"))
            self.ids[key] = rel_id
        return self.ids[key]

    def new_members(self) -> dict[str, bytes]:
        members = dict(self.added)
        if self.added:
            members[DOCUMENT_RELS] = etree.tostring(self.rels, xml_declaration=True, encoding="UTF-8", standalone=True)
            types = etree.fromstring(self.base[TYPES])
            for part, content_type in self.types:
                etree.SubElement(types, f"{{{CONTENT_TYPES}}}Override", PartName=part, ContentType=content_type)
            members[TYPES] = etree.tostring(types, xml_declaration=True, encoding="UTF-8", standalone=True)
        return members


def _rels_name(name: str) -> str:
    folder, _, file = name.rpartition("/")
    return f"{folder}/_rels/{file}.rels"


def _start_anew(section: etree._Element) -> None:
    """A document's first section: on a new page, as a document alone begins (not on the same
    page, nor after a blank one to reach an odd or even page), with page numbers from 1 unless
    it says where they start."""
    kind = section.find(_w("type"))
    if kind is not None:
        section.remove(kind)
    numbering = section.find(_w("pgNumType"))
    if numbering is None:
        numbering = etree.Element(_w("pgNumType"))
        later = next((child for child in section if etree.QName(child).localname in _AFTER_PAGE_NUMBERING), None)
        if later is None:
            section.append(numbering)
        else:
            later.addprevious(numbering)
    if numbering.get(_w("start")) is None:
        numbering.set(_w("start"), "1")


def _renumber_bookmarks(body: etree._Element, position: int) -> None:
    offset = (position + 1) * _BOOKMARK_ID_STEP
    for tag in ("bookmarkStart", "bookmarkEnd"):
        for bookmark in body.iter(_w(tag)):
            value = bookmark.get(_w("id"))
            if value is not None and value.isdigit():
                bookmark.set(_w("id"), str(offset + int(value)))


def _mark_start(body: etree._Element, position: int) -> None:
    """The start bookmark, empty, at the beginning of the document's first paragraph."""
    paragraph = next(body.iter(_w("p")), None)
    if paragraph is None:
        raise NotJoinable(f"document {position} has no paragraph")
    mark_id = str((position + 1) * _BOOKMARK_ID_STEP - 1)
    start = etree.Element(_w("bookmarkStart"))
    start.set(_w("id"), mark_id)
    start.set(_w("name"), start_mark(position))
    end = etree.Element(_w("bookmarkEnd"))
    end.set(_w("id"), mark_id)
    properties = paragraph.find(_w("pPr"))
    index = 0 if properties is None else paragraph.index(properties) + 1
    paragraph.insert(index, end)
    paragraph.insert(index, start)


def _end_section(body: etree._Element, section: etree._Element) -> None:
    """End the section at the body's last paragraph with ``section``'s properties, in that
    paragraph's own properties as Word does (an extra empty paragraph could take a line).

    Framed paragraphs (``w:framePr``, e.g. a block placed at the page's bottom) cannot end a
    section: LibreOffice anchors a frame that ends a document to the paragraph before it, but one
    followed by a section break to the next document. They move to just before the last
    paragraph that is not framed, which then anchors them as it did in the document alone."""
    framed: list[etree._Element] = []
    while len(body) and body[-1].tag == _w("p") and body[-1].find(f"{_w('pPr')}/{_w('framePr')}") is not None:
        framed.insert(0, body[-1])
        body.remove(body[-1])
    if len(body) and body[-1].tag == _w("p"):
        paragraph = body[-1]
        for frame in framed:
            paragraph.addprevious(frame)
    else:
        body.extend(framed)
        paragraph = etree.SubElement(body, _w("p"))
    properties = paragraph.find(_w("pPr"))
    if properties is None:
        properties = etree.Element(_w("pPr"))
        paragraph.insert(0, properties)
    properties.append(section)


def _package(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr(TYPES, members.pop(TYPES))
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()
