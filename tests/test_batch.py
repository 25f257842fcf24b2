"""Batches: many cases → a .zip named by item number (with 报告.json) or one merged PDF; cases
from JSON or a spreadsheet; strict mode; jobs with progress; the `docgen batch` command."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import subprocess
import sys
import threading
import time
import zipfile
from collections import Counter
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from pypdf import PdfReader, PdfWriter

from conftest import SAMPLES, load_case, open_docx
from docgen import batch
from docgen.cli import main
from docgen.kinds.reply_letter_table import COLUMNS as REPLY_LETTER_COLUMNS, measures
from docgen.converter import ConversionFailed, ConversionTimeout, deadline
from docgen.kinds import annual_summary, get_kind
from docgen.web import create_app
from docgen.settings import load_settings

KIND = "reply-letter"
BATCH = SAMPLES / "batch"
CASES_JSON = BATCH / "reply-letters.json"
TEMPLATE = BATCH / "答复函批量模板.xlsx"
DOCGEN = Path(sys.executable).parent / "docgen"

# samples/batch/reply-letters.json: four valid samples and, third, one invalid case.
VALID_STEMS = ["a-suggestion-bus-shelter", "a-suggestion-school-crossing", "b-suggestion-elevators", "c-proposal-metro-line"]
EXPECTED_ENTRIES = [
    "第56号建议-关于区十一届人大二次会议第56号建议的答复.docx",
    "第8号建议-关于区十一届人大二次会议第8号建议的答复.docx",
    "第123号建议-关于市十五届人大三次会议第123号建议的答复.docx",
    "第245号提案-关于市政协十二届三次会议第245号提案的答复.docx",
]
INVALID_INDEX = 2
TEMPLATE_ENTRIES = [
    "第88号建议-关于市十五届人大三次会议第88号建议的答复.docx",
    "第102号建议-关于市十五届人大三次会议第102号建议的答复.docx",
    "第156号提案-关于市政协十二届三次会议第156号提案的答复.docx",
    "第117号建议-关于市十五届人大三次会议第117号建议的答复.docx",
]
PROBLEM = "application/problem+json"


def table_cases(kind: str, filename: str, content: bytes) -> list[dict]:
    return batch.load_cases(kind, filename, content).cases


def sample_cases() -> list[dict]:
    return json.loads(CASES_JSON.read_text("utf-8"))


def post_batch(client, **body):
    return client.post("/api/v1/batch", json={"kind": KIND, **body})


def post_file(client, name: str, content: bytes, url: str = "/api/v1/batch", **fields):
    return client.post(url, data={"kind": KIND, **fields, "cases": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def assert_problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    body = response.get_json()
    assert body["code"] == code and body["status"] == status
    return body


def zip_of(data: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(data))


def template_rows() -> tuple[list[str], list[list]]:
    sheet = load_workbook(TEMPLATE).worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    return [str(h) for h in rows[0]], rows[1:]


def csv_bytes(header: list[str], rows: list[list], encoding: str = "gb18030") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else (v.strftime("%Y年%-m月%-d日") if hasattr(v, "strftime") else v) for v in row])
    return out.getvalue().encode(encoding)


def xlsx_with(change) -> bytes:
    """The template with ``change(sheet)`` applied."""
    book = load_workbook(TEMPLATE)
    change(book.worksheets[0])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class BlankPdfConverter:
    """Stands in for LibreOffice: each document becomes a one-page blank PDF, after ``gate`` opens."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.gate.set()

    def convert(self, docx: bytes, *, marks: bool = False) -> bytes:
        assert self.gate.wait(30)
        writer = PdfWriter()
        writer.add_blank_page(595, 842)
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()


# --- work done per case -------------------------------------------------------------------------


def count_calls(monkeypatch, target, name: str, counter: Counter) -> None:
    original = getattr(target, name)

    def counted(*args, **kwargs):
        counter[name] += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(target, name, counted)


def test_a_batch_of_n_valid_cases_parses_and_checks_each_case_once(monkeypatch):
    valid = [c for i, c in enumerate(sample_cases()) if i != INVALID_INDEX]
    kind, calls = get_kind(KIND), Counter()
    count_calls(monkeypatch, kind, "parse", calls)
    count_calls(monkeypatch, kind, "check", calls)
    result = batch.run_batch(KIND, valid, output="zip")
    assert result.rendered == len(valid) == 4
    assert calls == {"parse": len(valid), "check": len(valid)}


def test_a_batch_of_summaries_computes_each_summarys_figures_once(monkeypatch):
    summary = load_case(SAMPLES / "annual-summary" / "minzheng-2024.json")
    calls = Counter()
    count_calls(monkeypatch, annual_summary, "compute", calls)
    result = batch.run_batch("annual-summary", [summary, summary], output="zip")
    assert result.rendered == 2 and calls == {"compute": 2}


# --- zip --------------------------------------------------------------------------------------


def test_zip_names_documents_by_item_number_and_its_report_lists_every_case(client):
    response = post_batch(client, cases=sample_cases(), output="zip")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/zip"
    assert response.headers["X-Docgen-Batch"] == "rendered=4; invalid=1"
    assert f"filename*=UTF-8''{quote('答复函-批量-4件.zip')}" in response.headers["Content-Disposition"]
    archive = zip_of(response.data)
    assert archive.namelist() == EXPECTED_ENTRIES + ["报告.json"]
    for name in EXPECTED_ENTRIES:
        document = open_docx(archive.read(name))
        title = name.split("-", 1)[1].removesuffix(".docx")
        assert title in "".join(p.text for p in document.paragraphs)
    report = json.loads(archive.read("报告.json").decode("utf-8"))
    assert (report["total"], report["rendered"], report["invalid"]) == (5, 4, 1)
    assert [c["index"] for c in report["cases"]] == [0, 1, 2, 3, 4]
    invalid = report["cases"][INVALID_INDEX]
    assert invalid["ok"] is False and invalid["filename"] is None and invalid["item"] == "第131号建议"
    assert [f["code"] for f in invalid["findings"]] == ["commitment.deadline_missing"]
    assert [c["filename"] for c in report["cases"] if c["ok"]] == EXPECTED_ENTRIES
    assert "第131号建议" in archive.read("报告.json").decode("utf-8")  # UTF-8, not \\u escapes


def test_zip_names_are_unique_and_kinds_without_item_number_use_the_position():
    case = load_case(SAMPLES / KIND / "a-suggestion-bus-shelter.json")
    twice = batch.run_batch(KIND, [case, case], output="zip")
    assert zip_of(twice.content).namelist() == [
        "第56号建议-关于区十一届人大二次会议第56号建议的答复.docx",
        "第56号建议-关于区十一届人大二次会议第56号建议的答复（2）.docx",
        "报告.json",
    ]
    summary = load_case(SAMPLES / "annual-summary" / "minzheng-2024.json")
    result = batch.run_batch("annual-summary", [summary], output="zip")
    assert result.report[0]["item"] is None
    assert result.report[0]["filename"].startswith("001-") and result.report[0]["filename"].endswith("工作总结.docx")


def test_progress_is_reported_after_each_document_up_to_the_total():
    calls = []
    result = batch.run_batch(KIND, sample_cases(), output="zip", progress=lambda done, total: calls.append((done, total)))
    assert calls == [(0, 4), (1, 4), (2, 4), (3, 4), (4, 4)]
    assert (result.total, result.rendered, result.invalid) == (5, 4, 1)


def test_batch_where_no_case_is_valid_is_refused_even_without_strict(client):
    invalid = sample_cases()[INVALID_INDEX]
    body = assert_problem(post_batch(client, cases=[invalid, {"source": "建议"}]), 422, "batch_invalid")
    assert [entry["ok"] for entry in body["report"]] == [False, False]


# --- merged PDF ---------------------------------------------------------------------------------


def test_merged_pdf_has_every_part_with_an_outline_and_the_invalid_case_in_a_header(pool, reply_letter_pdfs):
    client = create_app({"TESTING": True, "CONVERTER": pool}).test_client()
    response = post_batch(client, cases=sample_cases(), output="pdf")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/pdf"
    assert response.headers["X-Docgen-Batch"] == "rendered=4; invalid=1"
    assert quote("答复函-批量-4件.pdf") in response.headers["Content-Disposition"]

    merged = PdfReader(io.BytesIO(response.data))
    parts = [len(PdfReader(reply_letter_pdfs[stem]).pages) for stem in VALID_STEMS]
    assert len(merged.pages) == sum(parts)
    titles = [name.split("-", 1)[1].removesuffix(".docx") for name in EXPECTED_ENTRIES]
    assert [item.title for item in merged.outline] == titles
    starts = [merged.get_destination_page_number(item) for item in merged.outline]
    assert starts == [sum(parts[:i]) for i in range(len(parts))]

    header = json.loads(unquote(response.headers["X-Docgen-Report"]))
    assert header["invalid"] == 1 and header["truncated"] is False
    assert [(c["index"], c["item"]) for c in header["cases"]] == [(INVALID_INDEX, "第131号建议")]
    assert [f["code"] for f in header["cases"][0]["findings"]] == ["commitment.deadline_missing"]
    assert "完成时限" in header["cases"][0]["findings"][0]["message"]


def test_report_header_drops_messages_then_cases_with_a_note_past_the_limit():
    finding = {"code": "commitment.deadline_missing", "severity": "error", "path": "points[0].measures[0].deadline",
               "message": "points[0].measures[0].deadline：承诺事项必须写明具体完成时限（日期），不能只写“列入计划”"}
    report = [{"index": i, "item": f"第{i + 1}号建议", "ok": False, "findings": [finding]} for i in range(200)]
    encoded = batch.report_header(report, limit=6000)
    assert len(encoded) <= 6000 and encoded.isascii()
    body = json.loads(unquote(encoded))
    assert body["truncated"] is True and body["invalid"] == 200
    assert 0 < len(body["cases"]) < 200 and body["omitted"] == 200 - len(body["cases"])
    assert "message" not in body["cases"][0]["findings"][0] and "报告.json" in body["note"]
    small = json.loads(unquote(batch.report_header(report[:2])))
    assert small["truncated"] is False and small["cases"][1]["findings"][0]["message"] == finding["message"]


def test_zip_of_pdf_documents_through_a_converter():
    result = batch.run_batch(KIND, sample_cases(), output="zip", document_format="pdf", converter=BlankPdfConverter())
    names = zip_of(result.content).namelist()
    assert names == [n.replace(".docx", ".pdf") for n in EXPECTED_ENTRIES] + ["报告.json"]
    pdf = zip_of(result.content).read(names[0])
    assert PdfReader(io.BytesIO(pdf)).metadata.title == "关于区十一届人大二次会议第56号建议的答复"


class FailingConverter(BlankPdfConverter):
    """Converts two documents, then fails as LibreOffice does when it cannot convert one."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def convert(self, docx: bytes, *, marks: bool = False) -> bytes:
        self.calls += 1
        if self.calls > 2:
            raise ConversionFailed("LibreOffice 无法转换该文档")
        return super().convert(docx)


def test_a_failed_conversion_fails_the_whole_batch_with_no_partial_output():
    client = create_app({"TESTING": True, "CONVERTER": FailingConverter()}).test_client()
    assert_problem(post_batch(client, cases=sample_cases(), output="pdf"), 502, "pdf_failed")


# --- strict -------------------------------------------------------------------------------------


def test_strict_with_one_invalid_case_is_422_batch_invalid_with_per_case_findings(client):
    response = post_batch(client, cases=sample_cases(), output="zip", strict=True)
    body = assert_problem(response, 422, "batch_invalid")
    assert not response.data.startswith(b"PK")
    assert [entry["ok"] for entry in body["report"]] == [True, True, False, True, True]
    assert [f["code"] for f in body["report"][INVALID_INDEX]["findings"]] == ["commitment.deadline_missing"]
    assert [f["path"] for f in body["findings"]] == [f"cases[{INVALID_INDEX}].points[0].measures[1].deadline"]
    assert body["findings"][0]["message"].startswith("第3件（第131号建议）：")


def test_strict_multipart_flag_is_honoured(client):
    response = post_file(client, "cases.json", CASES_JSON.read_bytes(), strict="true")
    assert_problem(response, 422, "batch_invalid")


# --- spreadsheets -------------------------------------------------------------------------------


def test_xlsx_template_and_gb18030_csv_give_the_same_cases():
    header, rows = template_rows()
    from_xlsx = table_cases(KIND, TEMPLATE.name, TEMPLATE.read_bytes())
    from_csv = table_cases(KIND, "答复函.csv", csv_bytes(header, rows, "gb18030"))
    assert from_csv == from_xlsx and len(from_xlsx) == 4
    english = [REPLY_LETTER_COLUMNS[i].key for i in range(len(header))]
    assert table_cases(KIND, "cases.csv", csv_bytes(english, rows, "utf-8")) == from_xlsx

    b_class = from_xlsx[1]
    assert b_class["session"] == {"level": "市", "term": 15, "session": 3}
    assert b_class["points"][0]["measures"] == [
        {"content": "出台住宅小区物业服务质量评价办法，按年度公布评价结果", "deadline": "2024-12-31"},
        {"content": "在全市推行物业服务事项和收费标准“亮牌”公示制度", "deadline": "2025-06-30"},
    ]
    assert b_class["co_handlers"] == [{"unit": "江州市市场监督管理局", "opinion": "将物业服务收费纳入年度价格监督检查，对违规收费行为依法查处"}]
    assert b_class["contact"] == {"name": "王敏", "phone": "0571-87001234", "leader": "刘志强"}
    assert from_xlsx[0]["co_authors"] == ["赵敏", "钱卫东"] and from_xlsx[0]["replied_on"] == "2024-05-30"
    assert from_xlsx[2]["reason"].startswith("市级体育中心") and from_xlsx[2]["signer"] == "吴建华"
    assert all(batch.run_batch(KIND, from_xlsx, output="zip").report[i]["ok"] for i in range(4))


def test_uploaded_template_renders_a_zip_whose_report_names_the_rows(client):
    response = post_file(client, TEMPLATE.name, TEMPLATE.read_bytes())
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["X-Docgen-Batch"] == "rendered=4; invalid=0"
    archive = zip_of(response.data)
    assert archive.namelist() == TEMPLATE_ENTRIES + ["报告.json"]
    report = json.loads(archive.read("报告.json"))
    assert [c["origin"] for c in report["cases"]] == [f"工作表“答复函”第{n}行" for n in (2, 3, 4)] + ["工作表“答复函”第5行至第7行"]


def test_a_title_row_above_the_header_is_allowed():
    def add_title(sheet):
        sheet.insert_rows(1)
        sheet["A1"] = "江州市住房和城乡建设局2024年建议答复函（批量）"

    titled = xlsx_with(add_title)
    rows = batch.read_table(KIND, "titled.xlsx", titled)
    assert [r.case for r in rows] == table_cases(KIND, TEMPLATE.name, TEMPLATE.read_bytes())
    assert [r.where for r in rows] == [f"工作表“答复函”第{n}行" for n in (3, 4, 5)] + ["工作表“答复函”第6行至第8行"]


def test_measures_cell_gives_measures_with_deadlines():
    assert measures("措施一（2025-06-30）；措施二（2025年12月31日前）；建停车场（含充电桩）") == [
        {"content": "措施一", "deadline": "2025-06-30"},
        {"content": "措施二", "deadline": "2025-12-31"},
        {"content": "建停车场（含充电桩）"},
    ]


def _bad_date(sheet):
    sheet["U3"] = "2024-02-30"


def _no_reply_date(sheet):
    sheet.delete_cols(21)


BAD_SHEETS = [
    pytest.param("cases.xlsx", b"this is not a workbook", "batch_unreadable", "batch.not_a_spreadsheet",
                 ["cases.xlsx", "Excel"], id="not-a-spreadsheet"),
    pytest.param("cases.xlsx", xlsx_with(_no_reply_date), "batch_unreadable", "batch.missing_column",
                 ["工作表“答复函”", "缺少必需的列：答复日期"], id="missing-column"),
    pytest.param("cases.xlsx", xlsx_with(_bad_date), "batch_bad_values", "batch.bad_value",
                 ["工作表“答复函”第3行", "“答复日期”列", "“2024-02-30”", "不是有效日期"], id="bad-date"),
    pytest.param("cases.csv", "来源,编号\n建议,1\n".encode("gb18030"), "batch_unreadable", "batch.missing_column",
                 ["CSV 文件", "标题"], id="csv-missing-columns"),
]


@pytest.mark.parametrize("name, content, problem, code, words", BAD_SHEETS)
def test_bad_spreadsheet_is_422_with_precise_findings(client, name, content, problem, code, words):
    body = assert_problem(post_file(client, name, content), 422, problem)
    assert body["findings"][0]["code"] == code
    for word in words:
        assert word in body["findings"][0]["message"], body["findings"][0]["message"]


def test_bad_date_finding_points_at_the_case_and_field():
    with pytest.raises(batch.BatchBadValues) as caught:
        table_cases(KIND, "cases.xlsx", xlsx_with(_bad_date))
    assert [(f.code, f.path) for f in caught.value.findings] == [("batch.bad_value", "cases[1].replied_on")]


def test_unknown_column_is_named_not_ignored():
    header, rows = template_rows()
    with pytest.raises(batch.BatchUnreadable) as caught:
        table_cases(KIND, "x.csv", csv_bytes(header + ["抄报单位"], rows))
    assert caught.value.findings[0].code == "batch.unknown_column" and "抄报单位" in caught.value.findings[0].message


def test_other_kinds_take_json_cases_only(client):
    body = assert_problem(post_file(client, TEMPLATE.name, TEMPLATE.read_bytes(), kind="annual-summary"),
                          422, "batch_unreadable")
    assert body["findings"][0]["code"] == "batch.kind_not_tabular"
    # the clerk reads which file to give instead, and which documents a spreadsheet can make,
    # by their Chinese names: no internal kind code, no format jargon (issue 9, item 8)
    assert "“年度办理工作总结”不能用表格批量生成" in body["detail"] and "（.json）" in body["detail"]
    assert "可用表格批量生成的文书：答复函" in body["detail"]
    assert "annual-summary" not in body["detail"] and "reply-letter" not in body["detail"] and "JSON" not in body["detail"]


# --- request shape and size -----------------------------------------------------------------------


def test_over_size_batch_is_refused_with_413(client):
    body = assert_problem(post_batch(client, cases=[{}] * (batch.MAX_CASES + 1)), 413, "batch_too_large")
    assert "500" in body["detail"] and "分批" in body["detail"]
    header, rows = template_rows()
    number = header.index("编号")
    letters = [[*rows[0][:number], n, *rows[0][number + 1:]] for n in range(1, batch.MAX_CASES + 2)]  # one letter per 编号
    assert_problem(post_file(client, "x.csv", csv_bytes(header, letters)), 413, "batch_too_large")
    with pytest.raises(batch.BatchTooLarge):
        batch.run_batch(KIND, [{}] * (batch.MAX_CASES + 1), output="zip")


@pytest.mark.parametrize("body, status, code", [
    ({"kind": KIND, "cases": [], "output": "zip"}, 422, "batch_empty"),
    ({"kind": KIND, "cases": [{}], "output": "tar"}, 400, "unsupported_format"),
    ({"kind": KIND, "cases": {"a": 1}}, 400, "bad_request"),
    ({"kind": KIND, "cases": [{}], "colour": "red"}, 400, "bad_request"),
    ({"kind": "no-such-kind", "cases": [{}]}, 404, "unknown_kind"),
], ids=["empty", "bad-output", "cases-not-a-list", "unknown-field", "unknown-kind"])
def test_malformed_requests_are_problems(client, body, status, code):
    assert_problem(client.post("/api/v1/batch", json=body), status, code)


def test_multipart_without_the_file_and_text_bodies_are_refused(client):
    assert_problem(client.post("/api/v1/batch", data={"kind": KIND}, content_type="multipart/form-data"), 400, "missing_file")
    assert_problem(client.post("/api/v1/batch", data="x", content_type="text/plain"), 415, "unsupported_media_type")


# --- jobs ---------------------------------------------------------------------------------------------


def wait_for(client, url: str, until=("done", "failed"), timeout: float = 30) -> list[dict]:
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = client.get(url).get_json()
        seen.append(status)
        if status["state"] in until:
            return seen
        time.sleep(0.02)
    raise AssertionError(f"job did not finish: {seen[-1]}")


def test_job_runs_to_done_with_progress_and_its_result_downloads(client):
    response = client.post("/api/v1/batch/jobs", json={"kind": KIND, "cases": sample_cases()})
    assert response.status_code == 202
    job = response.get_json()
    assert set(job) == {"id", "status_url", "result_url"} and response.headers["Location"] == job["status_url"]
    seen = wait_for(client, job["status_url"])
    final = seen[-1]
    assert final["state"] == "done" and final["done"] == final["total"] == 4
    assert final["counts"] == {"total": 5, "rendered": 4, "invalid": 1}
    assert [entry["ok"] for entry in final["report"]] == [True, True, False, True, True]
    assert all(s["state"] in ("queued", "running", "done") for s in seen)
    result = client.get(job["result_url"])
    assert result.status_code == 200 and result.headers["X-Docgen-Batch"] == "rendered=4; invalid=1"
    assert zip_of(result.data).namelist() == EXPECTED_ENTRIES + ["报告.json"]


def test_running_job_shows_progress_and_its_result_is_409_until_done():
    converter = BlankPdfConverter()
    converter.gate.clear()
    client = create_app({"TESTING": True, "CONVERTER": converter}).test_client()
    job = client.post("/api/v1/batch/jobs", json={"kind": KIND, "cases": sample_cases(), "output": "zip",
                                                  "document_format": "pdf"}).get_json()
    running = wait_for(client, job["status_url"], until=("running",))[-1]
    assert running["done"] < running["total"] and "report" not in running  # each PDF waits for the gate
    assert_problem(client.get(job["result_url"]), 409, "job_not_ready")
    converter.gate.set()
    final = wait_for(client, job["status_url"])[-1]
    assert final["state"] == "done" and final["done"] == final["total"] == 4


def test_a_merged_pdf_job_runs_until_its_documents_are_converted_and_its_result_is_409_until_then():
    converter = BlankPdfConverter()
    converter.gate.clear()
    client = create_app({"TESTING": True, "CONVERTER": converter}).test_client()
    job = client.post("/api/v1/batch/jobs", json={"kind": KIND, "cases": sample_cases(), "output": "pdf"}).get_json()
    wait_for(client, job["status_url"], until=("running",))
    time.sleep(0.3)  # every .docx is rendered by now; the conversion waits for the gate
    running = client.get(job["status_url"]).get_json()
    assert running["state"] == "running" and running["done"] <= running["total"] and "report" not in running
    assert_problem(client.get(job["result_url"]), 409, "job_not_ready")
    converter.gate.set()
    assert wait_for(client, job["status_url"])[-1]["done"] == 4
    merged = client.get(job["result_url"])
    assert merged.mimetype == "application/pdf" and len(PdfReader(io.BytesIO(merged.data)).pages) == 4
    assert json.loads(unquote(merged.headers["X-Docgen-Report"]))["cases"][0]["index"] == INVALID_INDEX


def test_failed_job_carries_the_problem_and_its_result_is_409(client):
    job = client.post("/api/v1/batch/jobs", json={"kind": KIND, "cases": sample_cases(), "strict": True}).get_json()
    final = wait_for(client, job["status_url"])[-1]
    assert final["state"] == "failed" and final["error"]["code"] == "batch_invalid" and final["error"]["status"] == 422
    assert [f["code"] for f in final["error"]["report"][INVALID_INDEX]["findings"]] == ["commitment.deadline_missing"]
    assert_problem(client.get(job["result_url"]), 409, "job_failed")


def test_unknown_job_is_404(client):
    assert_problem(client.get("/api/v1/batch/jobs/no-such-job"), 404, "unknown_job")
    assert_problem(client.get("/api/v1/batch/jobs/no-such-job/result"), 404, "unknown_job")


def test_job_input_errors_are_answered_at_once(client):
    assert_problem(post_file(client, "x.xlsx", b"nope", url="/api/v1/batch/jobs"), 422, "batch_unreadable")
    assert_problem(client.post("/api/v1/batch/jobs", json={"kind": KIND, "cases": [{}] * 501}), 413, "batch_too_large")


def test_jobs_live_in_the_store_and_only_the_newest_finished_are_kept(tmp_path):
    settings = load_settings(data_dir=tmp_path, job_keep=2)
    client = create_app({"TESTING": True, "SETTINGS": settings}).test_client()
    ids = []
    for _ in range(3):
        job = client.post("/api/v1/batch/jobs", json={"kind": KIND, "cases": sample_cases()[:1]}).get_json()
        wait_for(client, job["status_url"])
        ids.append(job["id"])
    deadline = time.monotonic() + 10  # pruning follows the job's end
    while client.get(f"/api/v1/batch/jobs/{ids[0]}").status_code != 404 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert client.get(f"/api/v1/batch/jobs/{ids[0]}").status_code == 404
    assert all(client.get(f"/api/v1/batch/jobs/{i}").get_json()["state"] == "done" for i in ids[1:])
    assert not (tmp_path / "jobs" / ids[0]).exists() and (tmp_path / "jobs" / ids[2] / "result").is_file()


# --- the command line --------------------------------------------------------------------------------


def run(*args: str, env: dict | None = None):
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def test_cli_writes_the_zip_lists_the_invalid_case_and_exits_1(tmp_path):
    target = tmp_path / "letters.zip"
    result = run("batch", KIND, str(CASES_JSON), "-o", str(target))
    assert result.exit_code == 1, result.output
    assert zip_of(target.read_bytes()).namelist() == EXPECTED_ENTRIES + ["报告.json"]
    assert "生成文书" in result.stderr  # the progress bar's label (the bar itself needs a terminal)
    assert "第3件（第131号建议）未通过检查，未生成" in result.stderr
    assert "错误 [commitment.deadline_missing]" in result.stderr
    assert "4 件文书；1 件未通过检查" in result.stderr


def test_cli_spreadsheet_with_all_valid_rows_exits_0(tmp_path):
    target = tmp_path / "letters.zip"
    result = run("batch", KIND, str(TEMPLATE), "-o", str(target))
    assert result.exit_code == 0, result.output
    assert zip_of(target.read_bytes()).namelist() == TEMPLATE_ENTRIES + ["报告.json"]


def test_cli_strict_failure_writes_nothing(tmp_path):
    target = tmp_path / "letters.zip"
    result = run("batch", KIND, str(CASES_JSON), "-o", str(target), "--strict")
    assert result.exit_code == 1
    assert "commitment.deadline_missing" in result.stderr and "未生成任何文件" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_cli_bad_cell_exits_1_with_the_row_and_column(tmp_path):
    source = tmp_path / "cases.xlsx"
    source.write_bytes(xlsx_with(_bad_date))
    result = run("batch", KIND, str(source), "-o", str(tmp_path / "out.zip"))
    assert result.exit_code == 1
    assert "[batch.bad_value]" in result.stderr and "第3行“答复日期”列" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cases.xlsx"]


@pytest.mark.parametrize("make_args", [
    lambda d: [str(CASES_JSON), "-o", str(d / "out.docx")],
    lambda d: [str(d / "missing.json"), "-o", str(d / "out.zip")],
    lambda d: [str(d / "broken.xlsx"), "-o", str(d / "out.zip")],
    lambda d: [str(d / "columns.csv"), "-o", str(d / "out.zip")],
    lambda d: [str(d / "many.json"), "-o", str(d / "out.zip")],
], ids=["bad-output-extension", "missing-file", "not-a-spreadsheet", "missing-column", "over-size"])
def test_cli_bad_usage_or_unreadable_input_exits_2(tmp_path, make_args):
    (tmp_path / "broken.xlsx").write_bytes(b"not a workbook")
    (tmp_path / "columns.csv").write_bytes("来源,编号\n建议,1\n".encode("gb18030"))
    (tmp_path / "many.json").write_text(json.dumps([{}] * 501))
    before = sorted(tmp_path.iterdir())
    result = run("batch", KIND, *make_args(tmp_path))
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("docgen：") and "Traceback" not in result.output
    assert sorted(tmp_path.iterdir()) == before


def test_cli_pdf_without_libreoffice_exits_3_and_writes_nothing(tmp_path):
    result = run("batch", KIND, str(CASES_JSON), "-o", str(tmp_path / "letters.pdf"), env={"PATH": str(tmp_path)})
    assert result.exit_code == 3, result.output
    assert "LibreOffice" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_cli_progress_bar_is_drawn_on_a_terminal(tmp_path):
    primary, secondary = pty.openpty()
    try:
        process = subprocess.run(
            [str(DOCGEN), "batch", KIND, str(TEMPLATE), "-o", str(tmp_path / "out.zip")],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=secondary, timeout=60,
        )
    finally:
        os.close(secondary)
    output = b""
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    os.close(primary)
    text = output.decode("utf-8", "replace")
    assert process.returncode == 0, text
    assert "生成文书" in text and "0/4" in text and "4/4" in text and "100%" in text


def test_a_synchronous_batch_converts_within_the_callers_deadline(pool):
    """The batch converts on threads of its own; the request's deadline still bounds them."""
    letters = json.loads((SAMPLES / "batch" / "reply-letters.json").read_text("utf-8"))[:2]
    with deadline(0.0), pytest.raises(ConversionTimeout):
        batch.run_batch("reply-letter", letters, output="zip", document_format="pdf", converter=pool)
