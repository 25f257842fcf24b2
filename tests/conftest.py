"""Shared fixtures: the samples, their rendered documents, the Flask app, the LibreOffice pool."""

from __future__ import annotations

import io
import json
from pathlib import Path

import docx
import pytest

import docgen
from docgen.converter import ConverterPool, PoolSettings
from docgen.profile import Profile, load_profile
from docgen.web import create_app

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"


def sample_profile(case_path: Path) -> Profile:
    """A sample may carry its locality profile beside it (same name, .toml)."""
    config = case_path.with_suffix(".toml")
    return load_profile(config if config.exists() else None)


def valid_samples(kind: str) -> list[Path]:
    return sorted((SAMPLES / kind).glob("*.json"))


def invalid_samples(kind: str) -> list[tuple[Path, list[str]]]:
    folder = SAMPLES / kind / "invalid"
    expected = json.loads((folder / "expected.json").read_text("utf-8"))
    return [(folder / name, codes) for name, codes in sorted(expected.items())]


def load_case(path: Path) -> dict:
    return json.loads(path.read_text("utf-8"))


def render_sample(kind: str, path: Path) -> bytes:
    return docgen.render(kind, load_case(path), sample_profile(path)).content


def open_docx(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


@pytest.fixture(scope="session")
def reply_letters() -> dict[str, bytes]:
    """Every valid reply-letter sample rendered once, by file stem."""
    return {p.stem: render_sample("reply-letter", p) for p in valid_samples("reply-letter")}


@pytest.fixture
def app():
    return create_app({"TESTING": True})


@pytest.fixture
def client(app):
    return app.test_client()


def post_json(client, url: str, body):
    """POST ``body`` as UTF-8 JSON, as a client outside Python would."""
    return client.post(url, data=json.dumps(body, ensure_ascii=False).encode("utf-8"), content_type="application/json")


@pytest.fixture(scope="session")
def pool():
    """A warm LibreOffice pool shared by the PDF tests (the product's own converter)."""
    with ConverterPool(PoolSettings(workers=2, timeout=60)) as started:
        yield started


def render_pdf_sample(kind: str, path: Path, pool: ConverterPool) -> bytes:
    return docgen.render(kind, load_case(path), sample_profile(path), fmt="pdf", converter=pool).content


@pytest.fixture(scope="session")
def reply_letter_pdfs(pool, tmp_path_factory) -> dict[str, Path]:
    """Every valid reply-letter sample rendered to PDF through the pool, by file stem."""
    work = tmp_path_factory.mktemp("pdf")
    out = {}
    for sample in valid_samples("reply-letter"):
        out[sample.stem] = work / f"{sample.stem}.pdf"
        out[sample.stem].write_bytes(render_pdf_sample("reply-letter", sample, pool))
    return out


def libreoffice_workers_of(parent_pid: int) -> list[int]:
    """LibreOffice workers started by ``parent_pid`` (the launcher names its parent)."""
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmdline = (proc / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if any(part.endswith(b"uno_worker.py") for part in cmdline) and str(parent_pid).encode() in cmdline:
                found.append(int(proc.name))
    return found
