"""Annual summaries: the ledger, the figures (checked against independent counts), the document, the faces."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from pypdf import PdfReader

import docgen
from conftest import SAMPLES, load_case, open_docx, render_pdf_sample
from docgen.cli import main
from docgen.kinds.annual_summary.figures import Ratio, compute
from docgen.kinds.annual_summary.ledger import LedgerUnreadable, load_ledger
from docgen.profile import load_profile

KIND = "annual-summary"
FOLDER = SAMPLES / KIND
XLSX = FOLDER / "台账-2024.xlsx"
TEMPLATE = FOLDER / "台账模板.xlsx"
SECTIONS = FOLDER / "sections" / "2024.json"
CASE = FOLDER / "jianshe-2024.json"


def sheet_records() -> list[dict]:
    sheet = load_workbook(XLSX, read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], r)) for r in rows[1:]]


def count_by_hand(records: list[dict]) -> dict:
    """The figures counted directly from the spreadsheet, without docgen's figures module."""
    main = [r for r in records if r["办理方式"] == "主办"]
    replied = [r for r in main if r["答复日期"]]

    def due(r):
        months = 6 if r["情况复杂"] == "是" else 3
        d = r["交办日期"]
        m = d.month - 1 + months
        return dt.datetime(d.year + m // 12, m % 12 + 1, d.day)

    returned_attitude = [r for r in main if r["办理态度评价"]]
    returned_result = [r for r in main if r["办理结果评价"]]
    publishable = [r for r in replied if r["答复公开"] != "不予公开"]
    return {
        "total": len(records),
        "建议": sum(r["来源"] == "建议" for r in records),
        "提案": sum(r["来源"] == "提案" for r in records),
        "main": len(main),
        "co": sum(r["办理方式"] == "会办" for r in records),
        "key": sum(r["重点件"] == "是" for r in records),
        "A": sum(r["办理结果"] == "A" for r in main),
        "B": sum(r["办理结果"] == "B" for r in main),
        "C": sum(r["办理结果"] == "C" for r in main),
        "replied": len(replied),
        "on_time": sum(r["答复日期"] <= due(r) for r in replied),
        "face": sum(r["沟通方式"] in ("面商", "座谈", "走访") for r in main),
        "attitude_ok": sum(r["办理态度评价"] in ("满意", "基本满意") for r in returned_attitude),
        "attitude_forms": len(returned_attitude),
        "result_ok": sum(r["办理结果评价"] in ("满意", "基本满意") for r in returned_result),
        "result_forms": len(returned_result),
        "published": sum(r["答复公开"] == "是" for r in publishable),
        "publishable": len(publishable),
    }


def pct(n: int, d: int) -> str:
    value = round(n * 1000 / d) / 10  # one decimal, half up for these sizes
    return f"{int(value)}%" if value == int(value) else f"{value:.1f}%"


@pytest.fixture(scope="module")
def hand() -> dict:
    return count_by_hand(sheet_records())


@pytest.fixture(scope="module")
def figures():
    ledger = load_ledger((XLSX.name, XLSX.read_bytes()))
    assert ledger.ok, ledger.findings
    return compute(ledger.rows, load_profile())


# --- the sample ledger is what the issue asks for --------------------------------------------


def test_sample_ledger_is_realistic(hand):
    assert hand["total"] >= 60 and hand["建议"] and hand["提案"] and hand["main"] and hand["co"]
    assert hand["A"] and hand["B"] and hand["C"]
    assert hand["on_time"] < hand["replied"] < hand["main"]  # some late, some not yet replied
    assert hand["attitude_forms"] < hand["replied"]  # some forms not returned


# --- figures against independent counts -----------------------------------------------------


def test_totals_match_hand_counts(figures, hand):
    assert (figures.total, figures.by_source["建议"], figures.by_source["提案"]) == (hand["total"], hand["建议"], hand["提案"])
    assert (figures.main, figures.co, figures.key_items) == (hand["main"], hand["co"], hand["key"])


def test_result_classes_match_hand_counts(figures, hand):
    assert figures.by_class == {"A": hand["A"], "B": hand["B"], "C": hand["C"]}
    classified = hand["A"] + hand["B"] + hand["C"]
    assert figures.class_share["A"].text == pct(hand["A"], classified)


def test_rates_match_hand_counts(figures, hand):
    assert figures.completion.text == pct(hand["replied"], hand["main"])
    assert figures.on_time.text == pct(hand["on_time"], hand["main"])
    assert figures.face_to_face.text == pct(hand["face"], hand["main"])
    assert figures.attitude.text == pct(hand["attitude_ok"], hand["attitude_forms"])
    assert figures.result.text == pct(hand["result_ok"], hand["result_forms"])
    assert figures.published.text == pct(hand["published"], hand["publishable"])


def test_summary_document_states_the_hand_counted_figures(hand):
    text = "\n".join(p.text for p in open_docx(docgen.render(KIND, load_case(CASE)).content).paragraphs)
    assert f"共承办人大代表建议和政协委员提案{hand['total']}件" in text
    assert f"人大代表建议{hand['建议']}件、政协委员提案{hand['提案']}件" in text
    assert f"主办{hand['main']}件，会办{hand['co']}件" in text
    assert f"办结率{pct(hand['replied'], hand['main'])}" in text
    assert f"按时办结率{pct(hand['on_time'], hand['main'])}" in text
    assert f"面商率{pct(hand['face'], hand['main'])}" in text
    assert f"满意率{pct(hand['result_ok'], hand['result_forms'])}" in text
    assert f"A类（所提问题已解决或建议已采纳）{hand['A']}件" in text


# --- figure definitions on tiny hand-made ledgers ----------------------------------------------


def tiny(**overrides) -> dict:
    row = {"来源": "建议", "编号": 1, "标题": "关于x的建议", "办理方式": "主办", "交办日期": "2024-03-01"}
    row.update(overrides)
    return row


def figures_of(rows: list[dict]):
    ledger = load_ledger(rows)
    assert ledger.ok, ledger.findings
    return compute(ledger.rows, load_profile())


@pytest.mark.parametrize(
    "n, d, text", [(1, 3, "33.3%"), (2, 3, "66.7%"), (1, 1, "100%"), (0, 5, "0%"), (1, 8, "12.5%"), (0, 0, "—"), (45, 46, "97.8%"),
                   (4, 21, "19.0%"), (17, 21, "81.0%"), (3, 7, "42.9%"), (1, 2, "50%"), (199, 200, "99.5%"), (1999, 2000, "100.0%")]
)
def test_percentages_have_one_decimal_unless_exactly_whole_and_dash_for_zero_denominators(n, d, text):
    assert Ratio(n, d).text == text


def test_rates_are_over_main_items_and_returned_forms():
    f = figures_of([
        tiny(编号=1, 答复日期="2024-05-01", 办理结果="A", 沟通方式="面商", 办理态度评价="满意", 办理结果评价="不满意", 答复公开="是"),
        tiny(编号=2, 答复日期="2024-07-01", 办理结果="B", 沟通方式="电话", 答复公开="不予公开"),  # late by a day
        tiny(编号=3),  # not replied
        tiny(编号=4, 办理方式="会办", 答复日期="2024-03-20"),
    ])
    assert (f.total, f.main, f.co, f.replied) == (4, 3, 1, 2)
    assert (f.completion.numerator, f.completion.denominator) == (2, 3)
    assert (f.on_time.numerator, f.on_time.denominator) == (1, 3)
    assert (f.face_to_face.numerator, f.face_to_face.denominator) == (1, 3)
    assert (f.attitude.text, f.result.text, f.unsatisfied) == ("100%", "0%", 1)
    assert (f.published.numerator, f.published.denominator) == (1, 1)  # 不予公开 is not publishable


def test_complex_items_have_six_months_before_they_are_late():
    f = figures_of([tiny(答复日期="2024-08-20", 情况复杂="是", 办理结果="A")])
    assert f.on_time.text == "100%"


def test_a_ledger_without_main_items_gives_dashes_not_a_crash():
    f = figures_of([tiny(办理方式="会办", 答复日期="2024-03-20")])
    assert f.completion.text == f.attitude.text == f.published.text == "—"
    assert docgen.check(KIND, {**load_case(FOLDER / "minzheng-2024.json"), "ledger": [tiny(办理方式="会办")]}).ok


# --- reading ledgers ----------------------------------------------------------------------------


def as_csv(encoding: str) -> bytes:
    records = sheet_records()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(records[0].keys())
    for r in records:
        writer.writerow([v.date().isoformat() if isinstance(v, dt.datetime) else ("" if v is None else v) for v in r.values()])
    return out.getvalue().encode(encoding)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_csv_exports_in_utf8_and_gb18030_give_the_same_figures(figures, encoding):
    ledger = load_ledger(("台账.csv", as_csv(encoding)))
    assert ledger.ok and compute(ledger.rows, load_profile()) == figures


def test_json_ledger_with_english_keys_is_accepted():
    case = load_case(FOLDER / "minzheng-2024.json")
    assert "source" in case["ledger"][0]
    assert docgen.check(KIND, case).findings == []


def test_bad_cells_are_reported_with_sheet_row_column_value_and_reason():
    book = load_workbook(XLSX)
    sheet = book.worksheets[0]
    sheet["K5"] = "2024/13/40"
    sheet["M7"] = "E"
    sheet["F9"] = "代办"  # 协办 is read as 会办 (test_ledger_layouts); an unknown word is still refused
    out = io.BytesIO()
    book.save(out)
    ledger = load_ledger(("台账.xlsx", out.getvalue()))
    messages = {f.path: f.message for f in ledger.findings}
    assert "工作表“台账”第5行“交办日期”列的值“2024/13/40”不是有效日期" in messages["ledger[3].assigned_on"]
    assert "第7行“办理结果”列的值“E”" in messages["ledger[5].result_class"]
    assert "第9行“办理方式”列的值“代办”应为主办、会办之一" in messages["ledger[7].role"]
    assert len(ledger.rows) + 3 == len(sheet_records())  # bad rows are reported, not silently dropped


@pytest.mark.parametrize(
    "name, content, code, words",
    [
        ("台账.xlsx", b"", "ledger.empty", "空的"),
        ("台账.xlsx", b"PK\x03\x04 not really a zip", "ledger.not_a_spreadsheet", "不是有效的 Excel"),
        ("台账.xlsx", b"this is plain text", "ledger.not_a_spreadsheet", "不是有效的 Excel"),
        ("台账.csv", "来源,编号,标题\n建议,1,关于x的建议\n".encode(), "ledger.missing_column", "办理方式、交办日期"),
        ("台账.csv", "来源,编号,标题,办理方式,交办日期\n".encode(), "ledger.empty", "没有任何数据行"),
        ("台账.csv", b"\xff\xfe\x00\xd8bad", "ledger.encoding", "GB18030"),
        ("台账.pdf", b"%PDF-1.7", "ledger.unsupported_file", ".xlsx"),
        ("台账.json", b"{\"rows\": 5}", "ledger.bad_json", "列表"),
    ],
)
def test_unreadable_ledgers_give_a_precise_error(name, content, code, words):
    with pytest.raises(LedgerUnreadable) as caught:
        load_ledger((name, content))
    (finding,) = caught.value.findings
    assert finding.code == code and words in finding.message


def test_duplicate_items_are_flagged():
    rows = [tiny(编号=7, 答复日期="2024-05-01", 办理结果="A"), tiny(编号=7, 答复日期="2024-05-01", 办理结果="A")]
    ledger = load_ledger(rows)
    assert [f.code for f in ledger.findings] == ["ledger.duplicate"]
    assert "第2条记录" in ledger.findings[0].message and "第1条记录" in ledger.findings[0].message


def test_template_spreadsheet_has_the_headers_drop_downs_and_examples():
    book = load_workbook(TEMPLATE)
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    for required in ("来源", "编号", "标题", "办理方式", "交办日期", "办理结果", "办理态度评价", "办理结果评价"):
        assert required in headers
    lists = [v.formula1 for v in sheet.data_validations.dataValidation if v.type == "list"]
    assert '"建议,提案"' in lists and '"主办,会办"' in lists and '"满意,基本满意,不满意"' in lists
    assert 2 <= sheet.max_row - 1 <= 5
    ledger = load_ledger((TEMPLATE.name, TEMPLATE.read_bytes()))
    assert ledger.ok and ledger.rows


# --- the document ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def summary_docx() -> bytes:
    return docgen.render(KIND, load_case(CASE)).content


def test_document_has_basic_facts_table_chart_and_sections_in_order(summary_docx):
    document = open_docx(summary_docx)
    texts = [p.text for p in document.paragraphs if p.text]
    order = ["一、基本情况", "二、主要做法", "三、办理成效", "四、存在的问题", "五、下一步打算"]
    assert [texts.index(t) for t in order] == sorted(texts.index(t) for t in order)
    styles = {p.text: p.style.style_id for p in document.paragraphs if p.text}
    assert styles["一、基本情况"] == "Heading1Gw" and styles["（一）压实办理责任"] == "Heading2Gw"
    (table,) = document.tables
    cells = [[c.text for c in row.cells] for row in table.rows]
    assert cells[0] == ["指标", "数值", "说明"]
    assert ["办结率", "96.2%", "50件／52件"] in cells
    with zipfile.ZipFile(io.BytesIO(summary_docx)) as package:
        media = [n for n in package.namelist() if n.startswith("word/media/")]
        assert media and package.read(media[0]).startswith(b"\x89PNG")
    assert "图1" in "".join(texts) and texts[-1].strip() == "2025年1月10日"


def test_page_number_is_on_page_one_too(summary_docx):
    from docfacts import Package, w

    pkg = Package(summary_docx)
    assert list(pkg.part_for("footer", "first").iter(w("instrText")))  # page number on page 1 too


def test_summary_pdf_shows_the_figures_and_embeds_the_mapped_faces(pool):
    pdf = PdfReader(io.BytesIO(render_pdf_sample(KIND, CASE, pool)))
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in pdf.pages))
    assert "办结率96.2%" in text and "五、下一步打算" in text
    fonts = {str(f.get_object()["/BaseFont"]).split("+")[-1] for p in pdf.pages for f in p["/Resources"]["/Font"].values()}
    assert {"FandolFang-Regular", "FandolSong-Bold"} <= fonts
    for page in pdf.pages:
        assert abs(float(page.mediabox.width) - 595.28) < 1


def test_renamed_and_added_sections_are_kept_in_order():
    case = load_case(FOLDER / "minzheng-2024.json")
    texts = [p.text for p in open_docx(docgen.render(KIND, case).content).paragraphs]
    assert texts.index("二、办理程序") < texts.index("三、协商程序") < texts.index("四、办理成效")


# --- faces -----------------------------------------------------------------------------------------


def test_cli_stats_prints_the_figures_and_json():
    runner = CliRunner()
    result = runner.invoke(main, ["stats", str(XLSX)])
    assert result.exit_code == 0 and "办结率\t96.2%（50/52）" in result.output
    data = json.loads(runner.invoke(main, ["stats", str(XLSX), "--json"]).output)
    assert data["ok"] and data["figures"]["total"] == 68


def test_cli_summary_writes_the_document(tmp_path):
    out = tmp_path / "总结.docx"
    result = CliRunner().invoke(main, ["summary", str(XLSX), "--unit", "江州市住房和城乡建设局", "--year", "2024",
                                       "--sections", str(SECTIONS), "--self-reference", "我局", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "共承办人大代表建议和政协委员提案68件" in "".join(p.text for p in open_docx(out.read_bytes()).paragraphs)


@pytest.mark.parametrize(
    "name, content, code",
    [
        ("bad.xlsx", b"plain text", "ledger.not_a_spreadsheet"),
        ("empty.csv", b"", "ledger.empty"),
        ("nocol.csv", "来源,编号\n建议,1\n".encode(), "ledger.missing_column"),
        ("baddate.csv", "来源,编号,标题,办理方式,交办日期\n建议,1,关于x的建议,主办,2024-02-30\n".encode(), "ledger.bad_value"),
        ("badclass.csv", "来源,编号,标题,办理方式,交办日期,办理结果\n建议,1,关于x的建议,主办,2024-02-03,F\n".encode(), "ledger.bad_value"),
    ],
)
def test_bad_ledgers_fail_precisely_in_cli_and_api(tmp_path, client, name, content, code):
    path = tmp_path / name
    path.write_bytes(content)
    result = CliRunner().invoke(main, ["stats", str(path), "--json"])
    assert result.exit_code == 1
    assert code in [f["code"] for f in json.loads(result.output)["findings"]]
    summary = CliRunner().invoke(main, ["summary", str(path), "--unit", "x", "--year", "2024",
                                        "--sections", str(SECTIONS), "-o", str(tmp_path / "s.docx")])
    assert summary.exit_code == 1 and f"[{code}]" in summary.output
    assert not (tmp_path / "s.docx").exists()

    response = client.post("/api/v1/ledger/stats", data={"ledger": (io.BytesIO(content), name)}, content_type="multipart/form-data")
    if response.status_code == 422 and response.json["code"] == "invalid_ledger":
        assert response.json["findings"][0]["code"] == code
    else:
        assert response.status_code == 200 and code in [f["code"] for f in response.json["findings"]]
    form = {"case": json.dumps({"unit": "x", "year": 2024, "sections": json.loads(SECTIONS.read_text("utf-8"))}),
            "ledger": (io.BytesIO(content), name)}
    response = client.post(f"/api/v1/documents/{KIND}", data=form, content_type="multipart/form-data")
    assert response.status_code == 422 and code in [f["code"] for f in response.json["findings"]]


def test_api_renders_the_summary_from_an_uploaded_spreadsheet(client):
    form = {"case": json.dumps({"unit": "江州市住房和城乡建设局", "year": 2024, "self_reference": "我局",
                                "sections": json.loads(SECTIONS.read_text("utf-8"))}, ensure_ascii=False),
            "ledger": (io.BytesIO(XLSX.read_bytes()), XLSX.name)}
    response = client.post(f"/api/v1/documents/{KIND}", data=form, content_type="multipart/form-data")
    assert response.status_code == 200
    assert "办结率96.2%" in "".join(p.text for p in open_docx(response.data).paragraphs)


def test_api_ledger_stats_accepts_inline_rows_and_uploads(client):
    rows = load_case(CASE)["ledger"]
    inline = client.post("/api/v1/ledger/stats", json={"rows": rows})
    upload = client.post("/api/v1/ledger/stats", data={"ledger": (io.BytesIO(XLSX.read_bytes()), XLSX.name)},
                         content_type="multipart/form-data")
    assert inline.status_code == upload.status_code == 200
    assert inline.json["figures"] == upload.json["figures"]
    assert inline.json["figures"]["completion"]["text"] == "96.2%"


def test_api_ledger_stats_without_a_file_is_400(client):
    response = client.post("/api/v1/ledger/stats", data={"x": "1"}, content_type="multipart/form-data")
    assert response.status_code == 400 and response.json["code"] == "missing_file"
