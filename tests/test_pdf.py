"""PDF output: the warm LibreOffice pool (failures included), pypdf post-processing, the faces."""

from __future__ import annotations

import io
import os
import re
import signal
import time
from pathlib import Path

import pdfplumber
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

import docgen
from conftest import SAMPLES, load_case, render_pdf_sample
from docgen import converter as converter_module
from docgen.cli import main
from docgen.converter import ConversionFailed, ConversionTimeout, ConverterPool, ConverterUnavailable, PoolSettings, workers_of
from docgen.engine import DocumentProperties
from docgen.pdf import finish, merge
from docgen.web import create_app

KIND = "reply-letter"
SHORT = SAMPLES / KIND / "a-suggestion-school-crossing.json"
ELEVATORS = SAMPLES / KIND / "b-suggestion-elevators.json"


def text_of(pdf: bytes) -> str:
    return re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))


def is_pdf(data: bytes) -> bool:
    return data.startswith(b"%PDF-") and len(PdfReader(io.BytesIO(data)).pages) >= 1


# --- post-processing ----------------------------------------------------------------------


def test_pdf_metadata_carries_title_author_subject_date_and_language(reply_letter_pdfs):
    reader = PdfReader(reply_letter_pdfs["b-suggestion-elevators"])
    meta = reader.metadata
    assert meta.title == "关于市十五届人大三次会议第123号建议的答复"
    assert meta.author == "江州市住房和城乡建设局"
    assert meta.subject == "市十五届人大三次会议第123号建议"
    assert "B类" in meta["/Keywords"]
    assert meta.creation_date is not None and abs(time.time() - meta.creation_date.timestamp()) < 3600
    assert reader.trailer["/Root"]["/Lang"] == "zh-CN"


def test_draft_watermark_is_laid_across_every_page(pool):
    plain = docgen.render(KIND, load_case(ELEVATORS), fmt="pdf", converter=pool).content
    draft = docgen.render(KIND, load_case(ELEVATORS), fmt="pdf", converter=pool, draft=True).content
    plain_pages, draft_pages = PdfReader(io.BytesIO(plain)).pages, PdfReader(io.BytesIO(draft)).pages
    assert len(plain_pages) == len(draft_pages) >= 2
    assert all("草稿" not in p.extract_text() for p in plain_pages)
    assert all("草稿" in re.sub(r"\s+", "", p.extract_text()) for p in draft_pages)
    fonts = {str(f.get_object()["/BaseFont"]) for p in draft_pages for f in p["/Resources"]["/Font"].values()}
    assert any("FandolSong-Bold" in f for f in fonts)  # the stamp's face, embedded like the rest


def test_finish_keeps_the_pages_and_sets_fixed_creation_date(reply_letter_pdfs):
    import datetime as dt

    source = reply_letter_pdfs["a-suggestion-school-crossing"].read_bytes()
    moment = dt.datetime(2024, 7, 1, 9, 30, tzinfo=dt.timezone.utc)
    out = finish(source, DocumentProperties(title="标题", author="单位"), created=moment)
    reader = PdfReader(io.BytesIO(out))
    assert len(reader.pages) == len(PdfReader(io.BytesIO(source)).pages)
    assert reader.metadata.creation_date == moment
    assert reader.metadata.title == "标题"


def test_finish_appends_the_metadata_to_libreoffices_file_without_rewriting_it(pool):
    converted = pool.convert(docgen.render(KIND, load_case(SHORT)).content)
    out = finish(converted, DocumentProperties(title="标题", author="单位", subject="主题", keywords="建议, A类"))
    assert out.startswith(converted)  # LibreOffice's pages, fonts and streams stay byte for byte
    assert out.rstrip().endswith(b"%%EOF") and out.count(b"startxref") == converted.count(b"startxref") + 1
    reader = PdfReader(io.BytesIO(out), strict=True)  # the update's own cross-reference section is sound
    assert (reader.metadata.title, reader.metadata.author, reader.metadata.subject) == ("标题", "单位", "主题")
    assert reader.metadata["/Producer"] == "docgen (LibreOffice, pypdf)"
    assert reader.trailer["/Root"]["/Lang"] == "zh-CN"
    assert len(reader.pages) == len(PdfReader(io.BytesIO(converted)).pages)
    with pdfplumber.open(io.BytesIO(out)) as other_reader:  # pdfminer reads the newest trailer too
        assert other_reader.metadata["Title"] == "标题" and other_reader.metadata["Keywords"] == "建议, A类"


def test_a_document_libreoffice_cannot_load_fails_and_leaves_no_frame_open():
    with ConverterPool(PoolSettings(workers=1)) as own:
        docx = docgen.render(KIND, load_case(SHORT)).content
        assert is_pdf(own.convert(docx))
        with pytest.raises(ConversionFailed):
            own.convert(b"PK\x03\x04 this is no Word document")
        assert is_pdf(own.convert(docx))  # the same worker goes on
        assert own.status()["replaced"] == 0
        (worker,) = own._workers
        assert worker.open_frames() == 0  # every document was closed with its frame, the failed one too


def test_pool_sums_the_time_libreoffice_spends_in_each_step(pool):
    before = dict(pool.office_ms)
    began = time.perf_counter()
    pool.convert(docgen.render(KIND, load_case(SHORT)).content)
    elapsed_ms = (time.perf_counter() - began) * 1000
    spent = {step: pool.office_ms[step] - before[step] for step in before}
    assert set(spent) == {"load", "store", "close"}
    assert spent["load"] > 0 and spent["store"] > 0 and spent["close"] >= 0
    assert sum(spent.values()) < elapsed_ms


def test_merge_concatenates_documents_with_an_outline(reply_letter_pdfs):
    parts = [reply_letter_pdfs[s].read_bytes() for s in ("a-suggestion-school-crossing", "c-proposal-metro-line")]
    merged = PdfReader(io.BytesIO(merge(parts, outline=["第8号建议", "第245号提案"])))
    assert len(merged.pages) == sum(len(PdfReader(io.BytesIO(p)).pages) for p in parts)
    assert [item.title for item in merged.outline] == ["第8号建议", "第245号提案"]
    assert merged.trailer["/Root"]["/Lang"] == "zh-CN"


# --- the pool -------------------------------------------------------------------------------


def test_pool_starts_the_configured_number_of_warm_workers(pool):
    status = pool.status()
    assert status["started"] and status["workers"] == 2 and status["alive"] == 2


def test_killed_worker_is_replaced_and_conversions_go_on():
    with ConverterPool(PoolSettings(workers=2, timeout=30)) as own:
        docx = docgen.render(KIND, load_case(SHORT)).content
        assert is_pdf(own.convert(docx))
        victim = own.worker_pids()[0]
        os.killpg(victim, signal.SIGKILL)  # LibreOffice and its unoserver die mid-run
        results = [own.convert(docx) for _ in range(4)]
        assert all(is_pdf(r) for r in results)
        assert own.status()["alive"] == 2
        assert victim not in own.worker_pids()


def test_hung_worker_is_replaced_and_the_document_retried():
    with ConverterPool(PoolSettings(workers=1, timeout=5)) as own:
        docx = docgen.render(KIND, load_case(SHORT)).content
        hung = own.worker_pids()[0]
        os.killpg(hung, signal.SIGSTOP)  # the worker stops answering
        try:
            assert is_pdf(own.convert(docx))
        finally:
            try:
                os.killpg(hung, signal.SIGKILL)
            except ProcessLookupError:
                pass
        assert own.replaced >= 1 and hung not in own.worker_pids()


def test_worker_is_recycled_after_its_document_budget():
    with ConverterPool(PoolSettings(workers=1, max_documents=2)) as own:
        docx = docgen.render(KIND, load_case(SHORT)).content
        first = own.worker_pids()
        for _ in range(2):
            own.convert(docx)
        assert own.worker_pids() != first
        assert is_pdf(own.convert(docx))


def test_conversion_that_cannot_finish_in_time_raises_timeout():
    with ConverterPool(PoolSettings(workers=1, timeout=0.01)) as own:
        with pytest.raises(ConversionTimeout):
            own.convert(docgen.render(KIND, load_case(ELEVATORS)).content)


def test_missing_libreoffice_is_reported_in_chinese(monkeypatch):
    monkeypatch.setattr(converter_module, "UNO_PYTHON", "/nonexistent/python3")
    with pytest.raises(ConverterUnavailable) as caught:
        ConverterPool(PoolSettings(workers=1)).start()
    assert "apt-get install" in caught.value.message and "python3-uno" in caught.value.message


# --- the faces ------------------------------------------------------------------------------


@pytest.fixture
def pdf_client(pool):
    return create_app({"TESTING": True, "CONVERTER": pool}).test_client()


def test_api_renders_pdf_on_format_query_and_on_accept_header(pdf_client):
    case = load_case(SHORT)
    for response in (
        pdf_client.post(f"/api/v1/documents/{KIND}?format=pdf", json=case),
        pdf_client.post(f"/api/v1/documents/{KIND}", json=case, headers={"Accept": "application/pdf"}),
    ):
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        assert is_pdf(response.data)
        assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
        assert response.headers["Content-Disposition"].endswith(".pdf")
        assert "周文静代表" in text_of(response.data)


def test_api_draft_query_adds_the_watermark(pdf_client):
    response = pdf_client.post(f"/api/v1/documents/{KIND}?format=pdf&draft=1", json=load_case(SHORT))
    assert "草稿" in text_of(response.data)


def test_api_pdf_without_libreoffice_is_503_and_docx_still_works(monkeypatch):
    monkeypatch.setattr(converter_module, "UNO_PYTHON", "/nonexistent/python3")
    client = create_app({"TESTING": True, "PDF_WORKERS": 1}).test_client()
    response = client.post(f"/api/v1/documents/{KIND}?format=pdf", json=load_case(SHORT))
    assert response.status_code == 503 and response.mimetype == "application/problem+json"
    assert response.json["code"] == "pdf_unavailable" and "LibreOffice" in response.json["detail"]
    assert client.post(f"/api/v1/documents/{KIND}", json=load_case(SHORT)).status_code == 200


def test_api_conversion_timeout_is_504():
    with ConverterPool(PoolSettings(workers=1, timeout=0.01)) as slow:
        client = create_app({"TESTING": True, "CONVERTER": slow}).test_client()
        response = client.post(f"/api/v1/documents/{KIND}?format=pdf", json=load_case(ELEVATORS))
    assert response.status_code == 504 and response.json["code"] == "pdf_timeout"


def test_api_invalid_case_is_422_before_any_conversion(pdf_client):
    case = load_case(SHORT)
    case["result_class"] = "Z"
    response = pdf_client.post(f"/api/v1/documents/{KIND}?format=pdf", json=case)
    assert response.status_code == 422 and response.json["findings"][0]["code"] == "result_class.unknown"


def test_cli_renders_pdf_with_draft_watermark(tmp_path):
    out = tmp_path / "letter.pdf"
    result = CliRunner().invoke(main, ["render", KIND, str(SHORT), "-o", str(out), "--draft"])
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert is_pdf(data) and "草稿" in text_of(data)
    assert [p.name for p in tmp_path.iterdir()] == ["letter.pdf"]


def test_cli_pdf_without_libreoffice_exits_3_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(converter_module, "UNO_PYTHON", "/nonexistent/python3")
    result = CliRunner().invoke(main, ["render", KIND, str(SHORT), "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 3
    assert "LibreOffice" in result.output
    assert list(tmp_path.iterdir()) == []


def test_every_sample_of_every_kind_converts(pool):
    for kind in docgen.all_kinds():
        for sample in sorted((SAMPLES / kind.name).glob("*.json")):
            assert is_pdf(render_pdf_sample(kind.name, sample, pool)), sample.name


def test_no_worker_processes_outlive_the_pool():
    with ConverterPool(PoolSettings(workers=1)) as own:
        pids = own.worker_pids()
    time.sleep(0.5)
    for pid in pids:
        assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text().lower()



def test_workers_of_a_killed_process_go_away_by_themselves():
    import subprocess
    import sys

    code = ("from docgen.converter import ConverterPool, PoolSettings; import time; "
            "pool = ConverterPool(PoolSettings(workers=1)); pool.start(); print('ready', flush=True); time.sleep(120)")
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert parent.stdout.readline().strip() == "ready"
    assert workers_of(parent.pid)
    os.kill(parent.pid, signal.SIGKILL)  # no chance to clean up
    parent.wait()
    deadline = time.monotonic() + 15
    while workers_of(parent.pid) and time.monotonic() < deadline:
        time.sleep(0.3)
    assert workers_of(parent.pid) == []
