"""Reply letters over several spreadsheet rows (a row per point, or per commitment), and findings
that name the sheet row and column a clerk has to fix."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook

from conftest import open_docx
from docgen import batch
from test_batch import KIND, TEMPLATE, csv_bytes, post_file, template_rows, zip_of


def letter_117() -> dict:
    return next(c for c in batch.load_cases(KIND, TEMPLATE.name, TEMPLATE.read_bytes()).cases if c["item_number"] == 117)


def test_a_letter_over_three_rows_has_two_points_and_three_commitments():
    case = letter_117()
    assert [p["topic"] for p in case["points"]] == ["关于老旧小区引入专业化物业服务", "关于指导业主委员会组建"]
    assert case["points"][0]["measures"] == [
        {"content": "制定老旧小区物业服务导则，明确基本服务内容和收费指导价", "deadline": "2024-12-31"}]
    assert case["points"][1]["measures"] == [
        {"content": "在全市各街道配齐业主委员会组建指导员", "deadline": "2025-03-31"},
        {"content": "将业主委员会组建率纳入街道年度考核", "deadline": "2025-06-30"},
    ]
    assert case["contact"] == {"name": "王敏", "phone": "0571-87001234"} and case["result_class"] == "B"


def test_the_letter_over_three_rows_prints_both_points_and_every_commitment(client):
    response = post_file(client, TEMPLATE.name, TEMPLATE.read_bytes())
    archive = zip_of(response.data)
    name = next(n for n in archive.namelist() if n.startswith("第117号"))
    text = "\n".join(p.text for p in open_docx(archive.read(name)).paragraphs)
    for words in ("老旧小区引入专业化物业服务", "指导业主委员会组建", "2024年12月31日前", "2025年3月31日前", "2025年6月30日前"):
        assert words in text


def test_a_repeated_letter_cell_must_agree_with_the_first_row():
    header, rows = template_rows()
    rows[5][header.index("联系人")] = "李强"  # sheet row 7, the third row of letter 117
    with pytest.raises(batch.BatchBadValues) as caught:
        batch.load_cases(KIND, "x.csv", csv_bytes(header, rows))
    (finding,) = caught.value.findings
    assert finding.code == "batch.group_conflict" and finding.path == "cases[3].contact_name"
    assert "CSV 文件第7行“联系人”列的值“李强”与同一件的CSV 文件第5行“联系人”列不同" in finding.message


def test_a_point_row_without_its_answer_is_named_by_row_and_column():
    header, rows = template_rows()
    rows[4][header.index("答复内容")] = None  # sheet row 6 starts the second point
    with pytest.raises(batch.BatchBadValues) as caught:
        batch.load_cases(KIND, "x.csv", csv_bytes(header, rows))
    (finding,) = caught.value.findings
    assert finding.code == "batch.missing_value" and "CSV 文件第6行“答复内容”列不能为空" in finding.message


def test_a_case_finding_names_the_sheet_row_and_column_it_was_read_from(client):
    book = load_workbook(TEMPLATE)
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    sheet.cell(7, header.index("措施") + 1).value = "将业主委员会组建率纳入街道年度考核"  # a B-class commitment without its deadline
    out = io.BytesIO()
    book.save(out)
    response = post_file(client, "答复函.xlsx", out.getvalue())
    assert response.headers["X-Docgen-Batch"] == "rendered=3; invalid=1"
    report = json.loads(zip_of(response.data).read("报告.json"))["cases"]
    bad = next(c for c in report if not c["ok"])
    assert bad["origin"] == "工作表“答复函”第5行至第7行"
    (finding,) = [f for f in bad["findings"] if f["code"] == "commitment.deadline_missing"]
    assert finding["path"] == "points[1].measures[1].deadline"
    assert finding["where"] == "工作表“答复函”第7行“措施”列"
