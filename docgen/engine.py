"""The rendering engine: fills a .docx template from a context. It knows no document kind.

User text reaches the template only through a sandboxed Jinja environment with autoescaping,
after characters that XML 1.0 cannot hold are removed, so ``<``, ``&``, quotes, control
characters or Jinja syntax typed by a user can neither corrupt the document nor run code.
"""

from __future__ import annotations

import copy
import io
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import docx
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

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


def _prepare(value: Any, template: DocxTemplate) -> Any:
    """Clean every string; turn every :class:`Picture` into an inline image of ``template``."""
    if isinstance(value, Picture):
        return InlineImage(template, io.BytesIO(value.data), width=Mm(value.width_mm))
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, Mapping):
        return {k: _prepare(v, template) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_prepare(v, template) for v in value]
    return value


@dataclass(frozen=True)
class DocumentProperties:
    """Core properties written into the .docx (and carried on into the PDF)."""

    title: str = ""
    author: str = ""
    subject: str = ""
    keywords: str = ""


def template_dir() -> Path:
    """Where the .docx templates live: ``$DOCGEN_TEMPLATE_DIR`` or the repository's ``templates/``."""
    configured = os.environ.get("DOCGEN_TEMPLATE_DIR")
    return Path(configured) if configured else Path(__file__).resolve().parent.parent / "templates"


class _TemplateEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox, compiling each distinct template part once.

    docxtpl hands Jinja the same preprocessed XML on every render of a template; compiling it
    again each time would be most of the render's cost.
    """

    @lru_cache(maxsize=128)
    def from_string(self, source, globals=None, template_class=None):  # type: ignore[override]
        return super().from_string(source, globals, template_class)


_ENVIRONMENT = _TemplateEnvironment(autoescape=True, undefined=StrictUndefined, keep_trailing_newline=False)


@lru_cache(maxsize=128)
def _patched_xml(src_xml: str) -> str:
    return DocxTemplate.patch_xml(None, src_xml)  # type: ignore[arg-type] - the method uses no state


class _Template(DocxTemplate):
    """docxtpl's template, preprocessing each distinct part once: its regex pass over the XML
    (tags split across runs, {%p %} tags) gives the same result on every render of a template."""

    def patch_xml(self, src_xml: str) -> str:
        return _patched_xml(src_xml)


@lru_cache(maxsize=32)
def _parsed_template(path: Path, modified_ns: int) -> docx.document.Document:
    """The template's package, parsed once per version of the file (a clerk may edit it)."""
    return docx.Document(str(path))


def _fresh_copy(path: Path) -> docx.document.Document:
    """A copy of the parsed template for one render to fill."""
    return copy.deepcopy(_parsed_template(path, path.stat().st_mtime_ns))


def render_docx(template_name: str, context: Mapping[str, Any], properties: DocumentProperties | None = None) -> bytes:
    """Fill ``template_name`` (a file in :func:`template_dir`) and return the .docx bytes.

    The template is parsed once and each render fills a deep copy of it (half the cost of
    parsing the package again). What comes out is valid by construction: user text reaches the
    XML only cleaned and autoescaped, and every part a render changes is parsed by lxml on its
    way into the package (the body by docxtpl's table fix, headers and footers as parts), so the
    result is not opened again to check it.
    """
    path = template_dir() / template_name
    if not path.is_file():
        raise TemplateMissing(f"找不到模板文件 {path}")
    template = _Template(path)
    template.docx = _fresh_copy(path)
    template.render(_prepare(dict(context), template), jinja_env=_ENVIRONMENT, autoescape=True)
    if properties is not None:
        core = template.docx.core_properties
        core.title = clean_text(properties.title)
        core.author = clean_text(properties.author)
        core.subject = clean_text(properties.subject)
        core.keywords = clean_text(properties.keywords)
        core.language = "zh-CN"
    buffer = io.BytesIO()
    template.save(buffer)
    return buffer.getvalue()
