"""The engine prepares each template once, shares it between renders (threads too), and still
follows a template a clerk edits."""

from __future__ import annotations

import io
import os
import shutil
import zipfile
from concurrent.futures import ThreadPoolExecutor

import docx
from conftest import SAMPLES, load_case, sample_profile, valid_samples

import docgen
from docgen.engine import render_docx, template_dir


def body_text(data: bytes) -> str:
    return "".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {name: package.read(name) for name in package.namelist()}


def test_renders_from_one_parsed_template_do_not_leak_into_each_other():
    short, long = (load_case(SAMPLES / "reply-letter" / name) for name in ("a-suggestion-bus-shelter.json", "b-suggestion-elevators.json"))
    first = body_text(docgen.render("reply-letter", short).content)
    other = body_text(docgen.render("reply-letter", long).content)
    again = body_text(docgen.render("reply-letter", short).content)
    assert again == first and other != first


def test_renders_in_threads_at_once_equal_renders_one_after_another():
    cases = [(kind, load_case(path), sample_profile(path))
             for kind in ("reply-letter", "annual-summary") for path in valid_samples(kind)]  # summaries with charts
    serial = [members(docgen.render(*item).content) for item in cases]
    with ThreadPoolExecutor(8) as threads:
        together = list(threads.map(lambda item: members(docgen.render(*item).content), cases * 4))
    assert together == serial * 4


def test_an_edited_template_is_read_again(tmp_path, monkeypatch):
    target = tmp_path / "letter.docx"
    shutil.copy(template_dir() / "draft-watermark.docx", target)
    monkeypatch.setenv("DOCGEN_TEMPLATE_DIR", str(tmp_path))
    before = body_text(render_docx("letter.docx", {}))
    edited = docx.Document(str(target))
    edited.add_paragraph("模板已修改")
    edited.save(str(target))
    stat = target.stat()
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    after = body_text(render_docx("letter.docx", {}))
    assert after == before + "模板已修改"
