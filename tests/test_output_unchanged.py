"""The speed work changes no document (issue 16): for every sample of every kind,

- the .docx from the engine (template parsed once, each render filling a copy of it) has the
  same members as one filled from a template opened afresh, as the engine did before;
- the PDF from the pool's worker (a UNO pipe, the Word import filter named, no index refresh)
  has the same pages, text and fonts as LibreOffice's own converter (``soffice --convert-to``)
  makes from the same .docx, and so has that PDF once finished (the metadata appended as an
  incremental update rather than the whole file rewritten by pypdf).
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

import docgen
from conftest import load_case, sample_profile, valid_samples
from docfacts import fonts_of, is_embedded
from docgen import engine
from docgen.converter import FONTCONFIG_FILE, office_binary
from docgen.engine import DocumentProperties
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


@pytest.mark.parametrize("kind,path", SAMPLE_PATHS, ids=IDS)
def test_docx_from_the_parsed_template_equals_one_from_a_template_opened_afresh(kind, path, monkeypatch):
    now = members(render(kind, path))
    monkeypatch.setattr(engine, "_fresh_copy", lambda template: docx.Document(str(template)))
    assert now == members(render(kind, path))


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
