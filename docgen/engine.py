"""The rendering engine: fills a .docx template from a context. It knows no document kind.

User text reaches the template only through a sandboxed Jinja environment with autoescaping,
after characters that XML 1.0 cannot hold are removed, so ``<``, ``&``, quotes, control
characters or Jinja syntax typed by a user can neither corrupt the document nor run code.

A template is prepared once per version of its file (:class:`_Template`): docxtpl's tag
preprocessing of each part with tags, compiled by Jinja, and python-docx's own serialisation of
every member, kept deflated. A render then makes only what the context changes (the body, the
headers and footers whose text depends on it, the core properties, and for a picture its image,
relationships and content types), the way docxtpl and python-docx make them, deflates those, and
copies every other member's compressed bytes into the zip (:mod:`docgen.docx_package`).
"""

from __future__ import annotations

import copy
import io
import os
import re
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import docx
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.coreprops import CoreProperties
from docx.opc.oxml import serialize_part_xml
from docx.opc.part import Part
from docx.opc.pkgwriter import _ContentTypesItem
from docx.opc.rel import Relationships
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml
from docx.oxml.shape import CT_Inline
from docx.package import ImageParts
from docx.shared import Length, Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import StrictUndefined, meta
from jinja2.sandbox import ImmutableSandboxedEnvironment
from lxml import etree

from . import docx_package
from .errors import TemplateMissing

# Characters outside XML 1.0's Char production (C0 controls but tab/newline/return, surrogates,
# U+FFFE/U+FFFF). Tab and newline are folded to spaces too: a run holds one line.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_LINE_BREAKS = re.compile(r"[\t\r\n\u2028\u2029\x85]+")


def clean_text(value: str) -> str:
    """Text safe to place in a single run: no XML-illegal characters, no line breaks."""
    return _LINE_BREAKS.sub(" ", _NOT_XML.sub("", value))


@dataclass(frozen=True)
class Picture:
    """An image (PNG bytes) to place in the document at ``width_mm``."""

    data: bytes
    width_mm: float


@dataclass(frozen=True)
class DocumentProperties:
    """Core properties written into the .docx (and carried on into the PDF)."""

    title: str = ""
    author: str = ""
    subject: str = ""
    keywords: str = ""


_REPOSITORY_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def template_dir() -> Path:
    """Where the .docx templates live: ``$DOCGEN_TEMPLATE_DIR`` or the repository's ``templates/``."""
    configured = os.environ.get("DOCGEN_TEMPLATE_DIR")
    return Path(configured) if configured else _REPOSITORY_TEMPLATES


_ENVIRONMENT = ImmutableSandboxedEnvironment(autoescape=True, undefined=StrictUndefined, keep_trailing_newline=False)

# The core properties docxtpl renders as templates (DocxTemplate.render_properties).
_TEMPLATED_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
# Characters docxtpl's resolve_listing turns into tabs, paragraphs, breaks and page breaks in the
# text of a w:t; a part with none of them in any w:t (whose text holds no "<") comes out unchanged.
_LISTING_CHARACTERS = "\t\a\n\f"
_LISTING_TEXT = re.compile(r"<w:t(?: [^>]*)?>[^<]*[\t\a\n\f]")
_DOC_PR = qn("wp:docPr")
_PARAGRAPH = re.compile(r"<w:p([ >])")


def _jinja_source(xml: str) -> str:
    """A part's XML as docxtpl hands it to Jinja: tags preprocessed, each paragraph on its own line."""
    return _PARAGRAPH.sub(r"\n<w:p\1", DocxTemplate.patch_xml(None, xml))  # type: ignore[arg-type]


def _finished(rendered: str) -> str:
    """What docxtpl makes of a part Jinja rendered (DocxTemplate.render_xml_part)."""
    xml = rendered.replace("\n<w:p ", "<w:p ").replace("\n<w:p>", "<w:p>")  # its re.sub(r"\n<w:p([ >])", …)
    xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
    if any(c in xml for c in _LISTING_CHARACTERS) and _LISTING_TEXT.search(xml):
        return DocxTemplate.resolve_listing(None, xml)  # type: ignore[arg-type]
    return xml


_CORE_NAMES = {False: _TEMPLATED_PROPERTIES,
               True: (*_TEMPLATED_PROPERTIES, "title", "author", "subject", "keywords", "language")}
_MARKER = re.compile("\ue000([0-9]+)\ue001")  # a value's place in core.xml while it is cut (private-use characters)
_CORE_LIMIT = 255  # characters python-docx allows in a core property


def _xml_text(value: str) -> str:
    """``value`` as lxml writes it as an element's text."""
    if _NOT_XML.search(value):
        raise ValueError("All strings must be XML compatible: Unicode or ASCII, no NULL bytes or control characters")
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


class _CoreXml:
    """docProps/core.xml as python-docx writes it once ``names`` are set, in that order, cut around
    the values: a render escapes its values into the cuts as lxml would have written them, instead
    of setting them on a parsed copy and serialising it (most of a render's core properties)."""

    def __init__(self, core_xml: bytes, names: tuple[str, ...]):
        element = parse_xml(core_xml)
        core = CoreProperties(element)
        for number, name in enumerate(names):
            setattr(core, name, f"\ue000{number}\ue001")  # a name set twice keeps its last value, as on a render
        pieces = _MARKER.split(serialize_part_xml(element).decode("utf-8"))
        self.text = pieces[0::2]
        self.order = [int(number) for number in pieces[1::2]]

    def render(self, values: list[str]) -> bytes:
        for value in values:  # python-docx's own check, for every value set
            if len(value) > _CORE_LIMIT:
                raise ValueError(f"exceeded {_CORE_LIMIT} char limit for property, got:\n\n'{value}'")
        written = [self.text[0]]
        for number, text in zip(self.order, self.text[1:]):
            written += (_xml_text(values[number]), text)
        return "".join(written).encode("utf-8")


def _is_constant(template_source: str) -> bool:
    """Whether Jinja renders ``template_source`` the same for every context (it reads no name)."""
    return not meta.find_undeclared_variables(_ENVIRONMENT.parse(template_source))


@dataclass(frozen=True)
class _Story:
    """A part whose text depends on the context: the body, a header, a footer or the footnotes."""

    part: Part
    source: str  # what Jinja compiles
    template: Any  # jinja2.Template
    serialise: Callable[[str], bytes]  # the rendered XML → the member's bytes, parsed by lxml on the way
    next_id: int  # the shape id python-docx gives a picture added to this part

    @classmethod
    def of(cls, part: Part, xml: str, serialise: Callable[[str], bytes], next_id: int) -> _Story:
        source = _jinja_source(xml)
        return cls(part, source, _ENVIRONMENT.from_string(source), serialise, next_id)

    @property
    def member(self) -> str:
        return self.part.partname.membername


def _story_part_bytes(xml: str) -> bytes:
    """A header or footer docxtpl rendered, as python-docx writes it (XmlPart.load, then saved)."""
    return serialize_part_xml(parse_xml(xml.encode("utf-8")))


def _blob_part_bytes(xml: str) -> bytes:
    """A part python-docx keeps as bytes (the footnotes): written as rendered, once lxml has read it."""
    content = xml.encode("utf-8")
    etree.fromstring(content)
    return content


class _Template:
    """One version of a template file, prepared for any number of renders at once (nothing here
    changes after it is built)."""

    def __init__(self, path: Path) -> None:
        document = docx.Document(str(path))
        package = document.part.package
        core = document.core_properties  # python-docx adds the part when the template has none
        core_xml = serialize_part_xml(core._element)
        self.core = {given: _CoreXml(core_xml, names) for given, names in _CORE_NAMES.items()}  # without, with properties
        self.core_member = next(p.partname.membername for p in package.iter_parts() if p.content_type == CT.OPC_CORE_PROPERTIES)
        # docxtpl renders these properties as templates; most read no name and are rendered here once.
        self.property_values: dict[str, str] = {}
        self.property_templates: dict[str, Any] = {}
        for name in _TEMPLATED_PROPERTIES:
            if _is_constant(getattr(core, name)):
                self.property_values[name] = _ENVIRONMENT.from_string(getattr(core, name)).render({})
            else:
                self.property_templates[name] = _ENVIRONMENT.from_string(getattr(core, name))

        saved = io.BytesIO()
        document.save(saved)
        self.members = docx_package.read_members(saved.getvalue())
        self.parts = list(package.iter_parts())
        self.image_parts = list(package.image_parts)

        root = document.element
        self.body_index = root.index(root.body)
        self.shell = copy.deepcopy(root)
        self.shell[self.body_index] = etree.Element(root.body.tag)
        self.body = _Story.of(document.part, etree.tostring(root.body, encoding="unicode"), self._document_bytes,
                              document.part.next_id)

        self.stories: list[_Story] = []
        for story in self._stories(document, self.parts):
            if _is_constant(story.source):
                rendered = story.serialise(_finished(story.template.render({})))
                self.members[story.member] = docx_package.deflated(story.member, rendered)
            else:
                self.stories.append(story)

    @staticmethod
    def _stories(document: docx.document.Document, parts: list[Part]) -> list[_Story]:
        """The headers and footers docxtpl renders (in its order), and the footnotes."""
        stories = []
        for reltype in (RT.HEADER, RT.FOOTER):
            for rel in document.part.rels.values():
                if rel.reltype == reltype and not rel.is_external and rel.target_part.blob:
                    part = rel.target_part
                    stories.append(_Story.of(part, etree.tostring(part.element, encoding="unicode"), _story_part_bytes,
                                             part.next_id))
        stories += [_Story.of(part, part.blob.decode("utf-8"), _blob_part_bytes, 1)
                    for part in parts if part.content_type == CT.WML_FOOTNOTES]
        return stories

    def _document_bytes(self, body: str) -> bytes:
        """word/document.xml: the rendered body, fixed as docxtpl fixes it, in the template's shell."""
        tree = DocxTemplate.fix_tables(None, body)  # type: ignore[arg-type]
        # docxtpl's fix_docpr_ids: the body's pictures numbered from 1001 (an element walk
        # rather than its XPath, which took most of a long letter's render)
        for number, element in enumerate(tree.iter(_DOC_PR), start=1001):
            element.attrib["id"] = str(number)
        root = copy.deepcopy(self.shell)
        root[self.body_index] = tree
        return serialize_part_xml(root)

    def rendered_core(self, context: Mapping[str, Any], properties: DocumentProperties | None) -> bytes:
        """docProps/core.xml as docxtpl renders its properties and the engine then sets them."""
        values = []
        for name in _TEMPLATED_PROPERTIES:
            template = self.property_templates.get(name)
            values.append(self.property_values[name] if template is None else template.render(context))
        if properties is not None:
            values += (clean_text(properties.title), clean_text(properties.author), clean_text(properties.subject),
                       clean_text(properties.keywords), "zh-CN")
        return self.core[properties is not None].render(values)


@lru_cache(maxsize=32)
def _prepared_template(path: Path, modified_ns: int) -> _Template:
    """The template prepared once per version of the file (a clerk may edit it)."""
    return _Template(path)


class _Render:
    """One render's own state: the part being rendered, and what pictures add to the package.

    docxtpl's InlineImage asks ``current_rendering_part`` for the picture when Jinja writes it;
    this answers as python-docx's story part would (StoryPart.new_pic_inline), without touching
    the shared template.
    """

    def __init__(self, template: _Template) -> None:
        self.template = template
        self.current_rendering_part = self
        self.story = template.body
        self.images: ImageParts | None = None
        self.relationships: dict[Part, Relationships] = {}

    def new_pic_inline(self, image_descriptor: io.BytesIO, width: Length | None, height: Length | None) -> CT_Inline:
        if self.images is None:
            self.images = ImageParts()
            for image_part in self.template.image_parts:
                self.images.append(image_part)
        image_part = self.images.get_or_add_image_part(image_descriptor)
        rels = self.relationships.get(self.story.part)
        if rels is None:
            rels = Relationships(self.story.part.partname.baseURI)
            for rel in self.story.part.rels.values():
                rels.add_relationship(rel.reltype, rel._target, rel.rId, rel.is_external)
            self.relationships[self.story.part] = rels
        rId = rels.get_or_add(RT.IMAGE, image_part).rId
        image = image_part.image
        cx, cy = image.scaled_dimensions(width, height)
        return CT_Inline.new_pic_inline(self.story.next_id, rId, image.filename, cx, cy)

    def prepare(self, value: Any) -> Any:
        """Clean every string; turn every :class:`Picture` into an inline image."""
        if isinstance(value, Picture):
            return InlineImage(self, io.BytesIO(value.data), width=Mm(value.width_mm))
        if isinstance(value, str):
            return clean_text(value)
        if isinstance(value, Mapping):
            return {k: self.prepare(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.prepare(v) for v in value]
        return value

    def story_part(self, story: _Story, context: Mapping[str, Any]) -> bytes:
        """The member's bytes of ``story`` filled from ``context``."""
        self.story = story
        return story.serialise(_finished(story.template.render(context)))

    def added_members(self) -> list[docx_package.Member]:
        """The images the pictures added, the relationships of the parts that show them, and
        the content types when there are new images."""
        if self.images is None:
            return []
        new_images = [part for part in self.images if part not in self.template.image_parts]
        members = [docx_package.deflated(part.partname.rels_uri.membername, rels.xml)
                   for part, rels in self.relationships.items()]
        members += [docx_package.stored(part.partname.membername, part.blob) for part in new_images]
        if new_images:
            types = _ContentTypesItem.from_parts([*self.template.parts, *new_images])
            members.append(docx_package.deflated("[Content_Types].xml", types.blob))
        return members


def render_docx(template_name: str, context: Mapping[str, Any], properties: DocumentProperties | None = None) -> bytes:
    """Fill ``template_name`` (a file in :func:`template_dir`) and return the .docx bytes.

    What comes out is valid by construction: user text reaches the XML only cleaned and
    autoescaped, and every part a render makes is parsed by lxml on its way into the package
    (the body by docxtpl's table fix, headers and footers as python-docx parts), so the result is
    not opened again to check it.
    """
    path = template_dir() / template_name
    try:
        status = path.stat()
    except OSError:
        status = None
    if status is None or not stat.S_ISREG(status.st_mode):
        raise TemplateMissing(f"找不到模板文件 {path}")
    template = _prepared_template(path, status.st_mtime_ns)
    render = _Render(template)
    prepared = render.prepare(dict(context))
    made = {story.member: render.story_part(story, prepared) for story in (template.body, *template.stories)}
    made[template.core_member] = template.rendered_core(prepared, properties)
    replaced = {name: docx_package.deflated(name, content) for name, content in made.items()}
    for member in render.added_members():
        replaced[member.name] = member
    members = [replaced.pop(name, member) for name, member in template.members.items()]
    return docx_package.write([*members, *replaced.values()])
