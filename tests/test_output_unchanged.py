"""The faster pipeline makes the same documents: every sample's .docx content, and its PDF's text,
fonts and page count, equal what the pipeline made before the speed work (issue 16).

The reference was recorded with the unoserver pipeline of main before the change:

    PYTHONPATH=. .venv/bin/python tests/test_output_unchanged.py --record
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import sys
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

sys.path.insert(0, str(Path(__file__).resolve().parent))

import docgen  # noqa: E402
from conftest import load_case, sample_profile, valid_samples  # noqa: E402
from docfacts import fonts_of, is_embedded  # noqa: E402

REFERENCE = Path(__file__).resolve().parent / "data" / "output_facts.json"
KINDS = ["reply-letter", "co-handling-opinion", "survey-form", "review-opinion", "annual-summary"]
# Members whose bytes hold the moment of rendering, not the content.
TIMESTAMPED = {"docProps/core.xml"}
SAMPLE_PATHS = [(kind, path) for kind in KINDS for path in valid_samples(kind)]


def docx_facts(data: bytes) -> dict[str, str]:
    """Each member's SHA-256 over its inflated bytes; the core properties without their dates."""
    facts = {}
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in sorted(package.namelist()):
            content = package.read(name)
            if name in TIMESTAMPED:
                content = re.sub(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>", b"", content)
            facts[name] = hashlib.sha256(content).hexdigest()
    return facts


def pdf_facts(data: bytes) -> dict:
    reader = PdfReader(io.BytesIO(data))
    fonts = fonts_of(reader)
    return {
        "pages": len(reader.pages),
        "text": [page.extract_text() for page in reader.pages],
        "fonts": sorted(name for name, font in fonts.items()),
        "embedded": sorted(name for name, font in fonts.items() if is_embedded(font)),
    }


def facts_of(kind: str, path: Path, converter) -> dict:
    case, profile = load_case(path), sample_profile(path)
    return {
        "docx": docx_facts(docgen.render(kind, case, profile).content),
        "pdf": pdf_facts(docgen.render(kind, case, profile, fmt="pdf", converter=converter).content),
    }


def key(kind: str, path: Path) -> str:
    return f"{kind}/{path.name}"


@pytest.fixture(scope="module")
def reference() -> dict:
    return json.loads(REFERENCE.read_text("utf-8"))


@pytest.mark.parametrize("kind,path", SAMPLE_PATHS, ids=[key(k, p) for k, p in SAMPLE_PATHS])
def test_sample_docx_and_pdf_are_what_the_pipeline_made_before(kind, path, pool, reference):
    before = reference[key(kind, path)]
    now = facts_of(kind, path, pool)
    assert now["docx"] == before["docx"]
    assert now["pdf"] == before["pdf"]


def record() -> None:
    from docgen.converter import ConverterPool, PoolSettings

    with ConverterPool(PoolSettings(workers=1, timeout=60)) as pool:
        facts = {key(kind, path): facts_of(kind, path, pool) for kind, path in SAMPLE_PATHS}
    REFERENCE.write_text(json.dumps(facts, ensure_ascii=False, indent=1, sort_keys=True) + "\n", "utf-8")


if __name__ == "__main__" and sys.argv[1:] == ["--record"]:
    record()
