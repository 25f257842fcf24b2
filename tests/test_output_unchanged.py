"""The speed work changes no document (issue 16): for every sample of every kind,

- the .docx from the engine (each template prepared once, a render making only the parts its
  context changes and copying the other members' compressed bytes) has, member for member, the
  same bytes as the .docx docxtpl and python-docx make from the template opened afresh, as the
  engine did before: with and without core properties, with pictures (the annual summary's
  chart, and pictures in the body and a header of a template made here), footnotes, the draft watermark,
  and hostile user text in every field; python-docx opens it;
- the PDF from the pool's worker (a UNO pipe, the Word import filter named, no index refresh)
  has the same pages, text and fonts as LibreOffice's own converter (``soffice --convert-to``)
  makes from the same .docx, and so has that PDF once finished (the metadata appended as an
  incremental update rather than the whole file rewritten by pypdf).
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import re
import struct
import subprocess
import zipfile
import zlib
from collections.abc import Mapping
from pathlib import Path

import docx
import pytest
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment
from pypdf import PdfReader

import docgen
from conftest import load_case, sample_profile, valid_samples
from docfacts import fonts_of, is_embedded
from docgen import engine
from docgen.converter import FONTCONFIG_FILE, office_binary
from docgen.engine import DocumentProperties
from docgen.kinds import get_kind
from docgen.pdf import finish

KINDS = ["reply-letter", "co-handling-opinion", "survey-form", "review-opinion", "annual-summary"]
SAMPLE_PATHS = [(kind, path) for kind in KINDS for path in valid_samples(kind)]
IDS = [f"{kind}/{path.stem}" for kind, path in SAMPLE_PATHS]


def members(data: bytes) -> dict[str, str]:
    """Each member's SHA-256 over its inflated bytes; the core properties without their dates."""
    found = {}
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in sorted(package.namelist()):
            content = package.read(name)
            if name == "docProps/core.xml":
                content = re.sub(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>", b"", content)
            found[name] = hashlib.sha256(content).hexdigest()
    return found


def pdf_facts(data: bytes) -> dict:
    reader = PdfReader(io.BytesIO(data))
    fonts = fonts_of(reader)
    return {
        "pages": len(reader.pages),
        "text": [page.extract_text() for page in reader.pages],
        "fonts": sorted(fonts),
        "embedded": sorted(name for name, font in fonts.items() if is_embedded(font)),
    }


def render(kind: str, path: Path) -> bytes:
    return docgen.render(kind, load_case(path), sample_profile(path)).content


ALL_KINDS = [*KINDS, "assignment-list", "assignment-notice", "assignment-speech"]
DOCX_SAMPLES = [(kind, path) for kind in ALL_KINDS for path in valid_samples(kind)]
DOCX_IDS = [f"{kind}/{path.stem}" for kind, path in DOCX_SAMPLES]
# Typed by a user into every field: markup, entities, Jinja syntax, characters XML cannot hold,
# line breaks, and text that would end a CDATA section.
HOSTILE = " <w:p>&amp; & < > \" ' {{ 7*7 }} {% if true %}x{% endif %} {# c #} \x00\x01\x0b\x1f\ufffe \t\n\r\u2028 ]]> 甲"


class OldEngine:
    """The engine as it was before the fast path: docxtpl fills the template opened afresh, in
    the same sandbox, and python-docx writes every member."""

    environment = ImmutableSandboxedEnvironment(autoescape=True, undefined=StrictUndefined, keep_trailing_newline=False)

    @classmethod
    def render_docx(cls, template_name: str, context: dict, properties: engine.DocumentProperties | None = None) -> bytes:
        template = DocxTemplate(engine.template_dir() / template_name)
        template.render(cls.prepare(context, template), jinja_env=cls.environment, autoescape=True)
        if properties is not None:
            core = template.docx.core_properties
            core.title = engine.clean_text(properties.title)
            core.author = engine.clean_text(properties.author)
            core.subject = engine.clean_text(properties.subject)
            core.keywords = engine.clean_text(properties.keywords)
            core.language = "zh-CN"
        buffer = io.BytesIO()
        template.save(buffer)
        return buffer.getvalue()

    @classmethod
    def prepare(cls, value, template: DocxTemplate):
        if isinstance(value, engine.Picture):
            return InlineImage(template, io.BytesIO(value.data), width=Mm(value.width_mm))
        if isinstance(value, str):
            return engine.clean_text(value)
        if isinstance(value, Mapping):
            return {k: cls.prepare(v, template) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [cls.prepare(v, template) for v in value]
        return value


def with_hostile_text(value):
    """``value`` with :data:`HOSTILE` appended to every string in it."""
    if isinstance(value, str):
        return value + HOSTILE
    if isinstance(value, Mapping):
        return {k: with_hostile_text(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [with_hostile_text(v) for v in value]
    return value


def sample_render_inputs(kind_name: str, path: Path) -> tuple[str, dict, engine.DocumentProperties]:
    result = docgen.check(kind_name, load_case(path), sample_profile(path))
    kind = get_kind(kind_name)
    return kind.template, dict(kind.context(result.case, result.profile)), kind.properties(result.case)


def assert_same_docx(template_name: str, context: dict, properties: engine.DocumentProperties | None) -> bytes:
    now = engine.render_docx(template_name, context, properties)
    before = OldEngine.render_docx(template_name, context, properties)
    with zipfile.ZipFile(io.BytesIO(now)) as package:
        assert package.testzip() is None
    docx.Document(io.BytesIO(now))
    assert members(now) == members(before)
    return now


@pytest.mark.parametrize("kind,path", DOCX_SAMPLES, ids=DOCX_IDS)
def test_docx_from_the_prepared_template_equals_the_old_engines(kind, path):
    template_name, context, properties = sample_render_inputs(kind, path)
    assert_same_docx(template_name, context, properties)
    assert_same_docx(template_name, context, None)


@pytest.mark.parametrize("kind,path", DOCX_SAMPLES, ids=DOCX_IDS)
def test_docx_with_hostile_text_in_every_field_equals_the_old_engines(kind, path):
    template_name, context, properties = sample_render_inputs(kind, path)
    hostile = engine.DocumentProperties(*(field + HOSTILE for field in dataclasses.astuple(properties)))
    now = assert_same_docx(template_name, with_hostile_text(context), hostile)
    text = "".join(paragraph.text for paragraph in docx.Document(io.BytesIO(now)).paragraphs)
    assert "<w:p>&amp; & < > " in text and "{{ 7*7 }} {% if true %}x{% endif %}" in text


def test_core_properties_that_look_like_the_engines_own_cut_marks_or_reach_every_length_equal_the_old_engines():
    """core.xml is cut once around its values (engine._CoreXml); values holding the very marks it
    cuts by, and values up to python-docx's 255 characters, come out as python-docx writes them."""
    template_name, context, _ = sample_render_inputs("reply-letter", valid_samples("reply-letter")[0])
    marks = "\ue0000\ue001 \ue0001\ue001 \ue000\ue001 \ue0009\ue001"
    assert_same_docx(template_name, context, engine.DocumentProperties(marks, marks, "\r" + marks, "&" + marks))
    for length in (0, 1, 254, 255):
        assert_same_docx(template_name, context, engine.DocumentProperties("甲" * length, "<" * length, "", ""))


def test_a_core_property_over_255_characters_is_refused_as_python_docx_refuses_it():
    template_name, context, _ = sample_render_inputs("reply-letter", valid_samples("reply-letter")[0])
    too_long = engine.DocumentProperties("甲" * 256)
    with pytest.raises(ValueError, match="255 char limit") as before:
        OldEngine.render_docx(template_name, context, too_long)
    with pytest.raises(ValueError, match="255 char limit") as now:
        engine.render_docx(template_name, context, too_long)
    assert str(now.value) == str(before.value)


def test_the_draft_watermark_equals_the_old_engines():
    assert_same_docx("draft-watermark.docx", {}, None)


def png(width: int, height: int, colour: tuple[int, int, int]) -> bytes:
    """A one-colour PNG of ``width`` × ``height`` pixels."""
    row = b"\x00" + bytes(colour) * width
    chunks = [(b"IHDR", struct.pack(">2I5B", width, height, 8, 2, 0, 0, 0)), (b"IDAT", zlib.compress(row * height)), (b"IEND", b"")]
    return b"\x89PNG\r\n\x1a\n" + b"".join(struct.pack(">I", len(data)) + name + data
                                          + struct.pack(">I", zlib.crc32(name + data)) for name, data in chunks)


def test_pictures_in_the_body_and_a_header_and_line_breaks_equal_the_old_engines(tmp_path, monkeypatch):
    template = docx.Document()
    template.add_paragraph("{{ chart }} {{ title }}")
    template.add_paragraph("{% for picture in pictures %}{{ picture }}{% endfor %}")
    template.add_paragraph("{{ chart }}")
    template.add_paragraph("{{ '第一行\\n第二行\\t制表' }}")  # docxtpl makes a break and a tab of these
    template.sections[0].header.paragraphs[0].text = "{{ chart }}{{ logo }}"
    template.save(str(tmp_path / "pictures.docx"))
    monkeypatch.setenv("DOCGEN_TEMPLATE_DIR", str(tmp_path))
    chart, logo = engine.Picture(png(40, 20, (200, 0, 0)), 50), engine.Picture(png(8, 8, (0, 0, 200)), 10)
    context = {"chart": chart, "logo": logo, "title": "图", "pictures": [logo, engine.Picture(png(9, 3, (0, 90, 0)), 30), chart]}
    now = assert_same_docx("pictures.docx", context, engine.DocumentProperties(title="图"))
    with zipfile.ZipFile(io.BytesIO(now)) as package:
        assert len([name for name in package.namelist() if name.startswith("word/media/")]) == 3
        assert b"<w:br/>" in package.read("word/document.xml")


FOOTNOTES = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             b'<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
             b'<w:footnote w:id="1"><w:p><w:r><w:t>{{ note }}</w:t></w:r></w:p></w:footnote></w:footnotes>')


def test_footnotes_equal_the_old_engines(tmp_path, monkeypatch):
    made = io.BytesIO()
    template = docx.Document()
    template.add_paragraph("{{ title }}")
    template.save(made)
    with zipfile.ZipFile(made) as source, zipfile.ZipFile(tmp_path / "notes.docx", "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            content = source.read(name)
            if name == "[Content_Types].xml":
                content = content.replace(b"</Types>", b'<Override PartName="/word/footnotes.xml" ContentType='
                                          b'"application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>')
            elif name == "word/_rels/document.xml.rels":
                content = content.replace(b"</Relationships>", b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/'
                                          b'officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/></Relationships>')
            target.writestr(name, content)
        target.writestr("word/footnotes.xml", FOOTNOTES)
    monkeypatch.setenv("DOCGEN_TEMPLATE_DIR", str(tmp_path))
    now = assert_same_docx("notes.docx", {"title": "标题" + HOSTILE, "note": "注释" + HOSTILE}, None)
    with zipfile.ZipFile(io.BytesIO(now)) as package:
        assert "注释 &lt;w:p&gt;&amp;amp;" in package.read("word/footnotes.xml").decode("utf-8")


@pytest.fixture(scope="module")
def by_soffice(tmp_path_factory) -> dict[str, tuple[bytes, bytes]]:
    """Each sample's .docx, and the PDF LibreOffice's own converter makes of it, by test id."""
    work = tmp_path_factory.mktemp("soffice")
    files = {}
    for test_id, (kind, path) in zip(IDS, SAMPLE_PATHS):
        files[test_id] = work / f"{test_id.replace('/', '--')}.docx"
        files[test_id].write_bytes(render(kind, path))
    subprocess.run([office_binary(), "--headless", "--norestore", f"-env:UserInstallation={(work / 'profile').as_uri()}",
                    "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(work), *map(str, files.values())],
                   env={**os.environ, "FONTCONFIG_FILE": str(FONTCONFIG_FILE)}, check=True, timeout=600,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return {test_id: (file.read_bytes(), file.with_suffix(".pdf").read_bytes()) for test_id, file in files.items()}


@pytest.mark.parametrize("test_id", IDS)
def test_pdf_from_the_pool_equals_libreoffices_own_conversion(test_id, by_soffice, pool):
    docx_bytes, reference = by_soffice[test_id]
    assert pdf_facts(pool.convert(docx_bytes)) == pdf_facts(reference)


@pytest.mark.parametrize("test_id", IDS)
def test_finished_pdf_keeps_the_pages_text_and_fonts_of_libreoffices_own_conversion(test_id, by_soffice, pool):
    docx_bytes, reference = by_soffice[test_id]
    finished = finish(pool.convert(docx_bytes), DocumentProperties(title="标题", author="单位"))
    assert pdf_facts(finished) == pdf_facts(reference)
