"""Shared fixtures: the samples, their rendered documents, the Flask app, LibreOffice."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
from pathlib import Path

import docx
import pytest

import docgen
from docgen.profile import Profile, load_profile
from docgen.web import create_app

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
FONTCONFIG = ROOT / "fonts" / "fonts.conf"


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


def soffice() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        pytest.fail("LibreOffice (soffice) is not installed: run `make test`, which installs it")
    return path


def convert_with_libreoffice(docx_files: list[Path], outdir: Path, profile_dir: Path) -> dict[str, Path]:
    """Convert .docx files to PDF with the real LibreOffice, fonts mapped by fonts/fonts.conf."""
    env = {**os.environ, "FONTCONFIG_FILE": str(FONTCONFIG)}
    subprocess.run(
        [
            soffice(), "--headless", "--norestore", "--nolockcheck",
            f"-env:UserInstallation={profile_dir.as_uri()}",
            "--convert-to", "pdf", "--outdir", str(outdir), *map(str, docx_files),
        ],
        check=True, env=env, capture_output=True, timeout=300,
    )
    return {p.stem: outdir / f"{p.stem}.pdf" for p in docx_files}


@pytest.fixture(scope="session")
def reply_letter_pdfs(reply_letters, tmp_path_factory) -> dict[str, Path]:
    """Every valid reply-letter sample converted to PDF by LibreOffice (one soffice run)."""
    work = tmp_path_factory.mktemp("lo")
    files = []
    for stem, data in reply_letters.items():
        path = work / f"{stem}.docx"
        path.write_bytes(data)
        files.append(path)
    return convert_with_libreoffice(files, work, tmp_path_factory.mktemp("lo-profile"))
