"""交办清单 and 交办单: the items spreadsheet as offices keep it, the rules (each naming sheet, row
and column), the due dates, the document's table, the units' notices, and every face."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from urllib.parse import quote

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

import docgen
from conftest import SAMPLES, KindCases, load_case, open_docx
from docfacts import squash
from docgen.cli import main
from docgen.kinds import get_kind
from docgen.kinds.assignment import notice_cases
from docgen.profile import load_profile

KIND = "assignment-list"
CASE = load_case(SAMPLES / KIND / "jiangzhou-2025.json")
SHEET = SAMPLES / KIND / "交办清单-2025.xlsx"
MEETING = {"office": "江州市人民政府办公室", "level": "市", "year": 2025, "meeting_on": "2025-02-20"}
cases = KindCases(KIND, CASE)


def workbook(rows: list[list], *, title_rows: int = 0, sheet: str = "交办") -> bytes:
    book = Workbook()
    ws = book.active
    ws.title = sheet
    for n in range(title_rows):
        ws.append([f"标题行{n + 1}"])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def attached(filename: str, content: bytes) -> dict:
    return get_kind(KIND).attach(dict(MEETING), "items", filename, content)


def items_of(data: dict) -> list:
    return get_kind(KIND).parse(data).items


# --- the spreadsheet as offices keep it ----------------------------------------------------------


def test_the_sample_sheet_with_a_title_row_gives_the_same_items_as_the_json_sample():
    data = attached(SHEET.name, SHEET.read_bytes())
    expected = get_kind(KIND).parse(CASE).items
    assert [i.model_dump(exclude={"assigned_on"}) for i in items_of(data)] == [
        i.model_dump(exclude={"assigned_on"}) for i in expected
    ]
    assert docgen.check(KIND, data).findings == []


def test_headers_by_other_names_in_another_order_under_two_title_rows_with_blank_rows_between():
    rows = [
        ["序号", "案由", "件别", "案号", "领衔代表", "承办单位", "协办单位", "是否重点", "领办领导", "交办时间", "复杂件", "备注"],
        [1, "关于增设社区托育点的建议", "人大代表建议", "第9号", "马超", "青山区民政局", "青山区教育局，青山区卫健局", "√", "王强副区长",
         "2025年3月6日", "否", "无"],
        [None] * 12,
        [2, "关于推进垃圾分类的提案", "政协委员提案", 4, "林峰", "青山区城管局", None, None, None, "2025.3.6", "是", None],
    ]
    items = items_of(attached("青山.xlsx", workbook(rows, title_rows=2)))
    assert [(i.source, i.item_number, i.lead_unit, i.co_units, i.key_item, i.leader, str(i.assigned_on), i.complex)
            for i in items] == [
        ("建议", 9, "青山区民政局", ["青山区教育局", "青山区卫健局"], True, "王强副区长", "2025-03-06", False),
        ("提案", 4, "青山区城管局", [], False, None, "2025-03-06", True),
    ]


def test_a_csv_in_gb18030_as_excel_exports_it_is_read():
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["来源", "编号", "标题", "领衔人", "主办单位", "会办单位"])
    writer.writerow(["提案", "15", "关于加强校园周边交通安全的提案", "郑玉梅", "江州市教育局", "江州市交通运输局"])
    items = items_of(attached("交办.csv", text.getvalue().encode("gb18030")))
    assert (items[0].item_number, items[0].lead_unit, items[0].co_units) == (15, "江州市教育局", ["江州市交通运输局"])


def test_a_bad_cell_is_refused_naming_sheet_row_column_and_value():
    rows = [["来源", "编号", "标题", "领衔人", "主办单位"], ["建议", "十二号", "关于……的建议", "王明", "江州市财政局"]]
    with pytest.raises(docgen.DocgenError) as caught:
        attached("x.xlsx", workbook(rows))
    [finding] = caught.value.findings
    assert finding.code == "items.bad_value" and finding.path == "items[0].item_number"
    assert "工作表“交办”第2行“编号”列的值“十二号”" in finding.message


# --- the rules, each naming sheet, row and column -------------------------------------------------

HEAD = ["来源", "编号", "标题", "领衔人", "主办单位", "会办单位", "重点件", "督办领导"]


def sheet_findings(*rows: list) -> list:
    return docgen.check(KIND, attached("交办.xlsx", workbook([HEAD, *rows], title_rows=1))).findings


def test_an_item_without_a_lead_unit_is_an_error_at_its_row_and_column():
    [f] = sheet_findings(["建议", 1, "关于甲的建议", "王明", "江州市财政局"], ["建议", 2, "关于乙的建议", "李华", None])
    assert (f.code, f.path) == ("item.lead_unit_missing", "items[1].lead_unit")
    assert "工作表“交办”第4行“主办单位”列为空" in f.message


def test_a_unit_listed_as_lead_and_co_handler_is_an_error_at_its_row_and_column():
    [f] = sheet_findings(["提案", 3, "关于丙的提案", "赵敏", "江州市民政局", "江州市财政局、江州市民政局"])
    assert (f.code, f.severity.value, f.path) == ("co_handler.is_lead", "error", "items[0].co_units[1]")
    assert "工作表“交办”第3行“会办单位”列" in f.message and "“江州市民政局”是主办单位" in f.message


def test_a_duplicate_number_is_an_error_naming_both_rows():
    [f] = sheet_findings(["建议", 7, "关于甲的建议", "王明", "江州市财政局"], ["提案", 7, "关于乙的提案", "李华", "江州市民政局"],
                         ["建议", 7, "关于丙的建议", "赵敏", "江州市民政局"])
    assert (f.code, f.path) == ("item.duplicate_number", "items[2].item_number")
    assert "工作表“交办”第5行“编号”列" in f.message and "与工作表“交办”第3行重复" in f.message


def test_a_key_item_without_its_leader_is_an_error_at_its_row_and_column():
    [f] = sheet_findings(["建议", 1, "关于甲的建议", "王明", "江州市财政局", None, "是", None])
    assert (f.code, f.path) == ("item.key_without_leader", "items[0].leader")
    assert "工作表“交办”第3行“督办领导”列为空" in f.message


def test_the_same_rules_on_json_items_name_the_item_and_field():
    items = [dict(CASE["items"][0]), {**CASE["items"][1], "key_item": True}]
    del items[0]["lead_unit"]
    messages = sorted(f.message for f in cases.findings(cases.case(items=items)))
    assert messages == [
        "items[0].lead_unit：第1件的“主办单位”为空，第12号建议必须有一个主办单位",
        "items[1].leader：第2件的“督办领导”为空，第27号建议列为重点件，须写明督办领导",
    ]


# --- due dates and figures -------------------------------------------------------------------------


def context(data: dict, profile=None) -> dict:
    kind = get_kind(KIND)
    return kind.context(kind.parse(data), profile or load_profile())


def rows_by_number(data: dict, profile=None) -> dict[str, dict]:
    return {f"{r['source']}{r['number']}": r for g in context(data, profile)["groups"] for r in g["rows"]}


def test_reply_due_is_3_months_after_assignment_and_6_for_a_complex_item():
    rows = rows_by_number(CASE)
    assert rows["建议第12号"]["reply_due"] == "5月20日"  # 2025-02-20 + 3 months
    assert rows["建议第41号"]["reply_due"] == "8月20日"  # complex
    assert rows["建议第77号"]["reply_due"] == "5月24日"  # its own assignment date, 2025-02-24


def test_co_handling_due_follows_the_profile_and_is_empty_without_co_handlers(tmp_path):
    config = tmp_path / "p.toml"
    config.write_text("[deadlines]\nco_handling_months = 2\n", "utf-8")
    rows = rows_by_number(CASE, load_profile(config))
    assert rows["建议第12号"]["co_due"] == "4月20日"
    assert rows["建议第27号"]["co_due"] == ""


def test_a_due_date_in_another_year_keeps_its_year():
    data = {**CASE, "meeting_on": "2025-11-10"}
    assert rows_by_number(data)["建议第41号"]["reply_due"] == "2026年5月10日"


def test_intro_and_totals_state_the_counts_made_by_hand_from_the_sample():
    items = CASE["items"]
    units = {i["lead_unit"] for i in items}
    shared = sum(1 for i in items if i.get("co_units"))
    keys = sum(1 for i in items if i.get("key_item"))
    ctx = context(CASE)
    assert (len(items), len(units), shared, keys) == (14, 7, 10, 3)
    assert "交办市人大代表建议7件、政协委员提案7件，共14件，由7个单位主办" in ctx["intro"]
    assert "需多个单位共同办理的10件，占71.4%；列为重点件的3件" in ctx["intro"]
    assert ctx["totals"].startswith("合计：14件（建议7件，提案7件）；主办单位7个")


# --- the document ----------------------------------------------------------------------------------


def test_the_list_is_one_table_grouped_by_lead_unit_with_every_item_once_and_the_totals_last():
    document = open_docx(docgen.render(KIND, CASE).content)
    rows = [[squash(c.text) for c in row.cells] for row in document.tables[0].rows]
    assert rows[0][:3] == ["编号", "标题", "领衔人"]
    groups = [r[0] for r in rows if r[0].startswith("主办单位：")]
    assert groups[0] == "主办单位：江州市住房和城乡建设局（4件，其中重点件1件）" and len(groups) == 7
    data = [r for r in rows[1:] if not r[0].startswith(("主办单位：", "合计"))]
    assert sorted(r[0] for r in data) == sorted(f"{i['source']}第{i['item_number']}号" for i in CASE["items"])
    assert rows[-1][0].startswith("合计：14件")


def test_the_header_row_repeats_on_every_page_and_no_row_splits():
    document = open_docx(docgen.render(KIND, CASE).content)
    first = document.tables[0].rows[0]._tr
    assert first.find(".//{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader") is not None
    for row in document.tables[0].rows:
        assert row._tr.find(".//{http://schemas.openxmlformats.org/wordprocessingml/2006/main}cantSplit") is not None


def test_the_list_pdf_lists_every_item_and_numbers_its_pages(pool):
    from pdffacts import pages

    doc = pages(docgen.render(KIND, CASE, fmt="pdf", converter=pool).content)
    text = "".join(line.text for page in doc for line in page.lines)
    for item in CASE["items"]:
        assert f"第{item['item_number']}号" in text
    assert len(doc) >= 2
    assert [page.lines[-1].text for page in doc] == [f"—{n}—" for n in range(1, len(doc) + 1)]  # pdfplumber drops the spaces


# --- the units' 交办单 ---------------------------------------------------------------------------------


def test_each_unit_named_in_the_list_gets_one_notice_with_exactly_its_items():
    notices = notice_cases(get_kind(KIND).parse(CASE))
    units = {u for i in CASE["items"] for u in (i["lead_unit"], *i.get("co_units", []))}
    assert sorted(n["unit"] for n in notices) == sorted(units)
    for notice in notices:
        led = {i["item_number"] for i in CASE["items"] if i["lead_unit"] == notice["unit"]}
        co = {i["item_number"] for i in CASE["items"] if notice["unit"] in i.get("co_units", [])}
        case = get_kind("assignment-notice").parse(notice)
        assert {i.item_number for i in case.led()} == led and {i.item_number for i in case.co_handled()} == co
        assert docgen.check("assignment-notice", notice).findings == []


def test_a_notice_lists_led_and_co_handled_items_in_their_own_tables():
    notice = load_case(SAMPLES / "assignment-notice" / "jianshe-2025.json")
    document = open_docx(docgen.render("assignment-notice", notice).content)
    lead, co = ([[squash(c.text) for c in row.cells] for row in t.rows] for t in document.tables)
    assert [r[0] for r in lead[1:]] == ["建议第12号", "建议第27号", "建议第58号", "提案第22号"]
    assert lead[1][-1] == "5月20日" and lead[1][-2] == "李明副市长"
    assert co[1][0] == "提案第60号" and co[1][3] == "江州市规划和自然资源局" and co[1][4] == "3月20日"
    text = "".join(p.text for p in document.paragraphs)
    assert "江州市住房和城乡建设局：" in text and "主办4件、会办1件" in text


def test_notices_come_as_a_zip_named_by_unit():
    result = docgen.service.assignment_notices(CASE)
    with zipfile.ZipFile(io.BytesIO(result.content)) as archive:
        names = [n for n in archive.namelist() if n.endswith(".docx")]
    assert len(names) == 8
    assert "001-江州市住房和城乡建设局交办单.docx" in names and all(n.endswith("交办单.docx") for n in names)


def test_notices_are_refused_while_the_list_has_errors():
    items = [dict(CASE["items"][0])]
    del items[0]["lead_unit"]
    with pytest.raises(docgen.InvalidCase) as caught:
        docgen.service.assignment_notices(cases.case(items=items))
    assert [f.code for f in caught.value.findings] == ["item.lead_unit_missing"]


# --- faces -------------------------------------------------------------------------------------------


def test_cli_makes_the_list_and_the_notices_from_the_sheet(tmp_path):
    result = CliRunner().invoke(main, [
        "assignment", str(SHEET), "--office", "江州市人民政府办公室", "--level", "市", "--year", "2025",
        "--meeting-on", "2025-02-20", "-o", str(tmp_path / "清单.docx"), "--notices", str(tmp_path / "交办单.zip"),
    ])
    assert result.exit_code == 0, result.output
    assert open_docx((tmp_path / "清单.docx").read_bytes()).tables
    assert len(zipfile.ZipFile(tmp_path / "交办单.zip").namelist()) == 9  # 8 notices and 报告.json


def test_cli_with_a_sheet_needs_the_meeting_facts(tmp_path):
    result = CliRunner().invoke(main, ["assignment", str(SHEET), "-o", str(tmp_path / "x.docx")])
    assert result.exit_code == 2 and "--office" in result.output and not (tmp_path / "x.docx").exists()


def test_cli_reports_a_bad_row_and_writes_nothing(tmp_path):
    sheet = tmp_path / "bad.xlsx"
    sheet.write_bytes(workbook([HEAD, ["建议", 1, "关于甲的建议", "王明", None]]))
    result = CliRunner().invoke(main, ["assignment", str(sheet), *sum(([f"--{k.replace('_', '-')}", str(v)] for k, v in MEETING.items()), []),
                                       "-o", str(tmp_path / "x.docx")])
    assert result.exit_code == 1 and "工作表“交办”第2行“主办单位”列为空" in result.output
    assert not (tmp_path / "x.docx").exists()


def test_api_renders_the_list_from_an_uploaded_sheet(client):
    response = client.post(f"/api/v1/documents/{KIND}", data={
        "case": json.dumps(MEETING, ensure_ascii=False), "items": (SHEET.open("rb"), SHEET.name)})
    assert response.status_code == 200 and quote("交办清单.docx") in response.headers["Content-Disposition"]


def test_api_gives_the_notices_and_refuses_a_bad_list_with_findings(api):
    response = api.post_json("/api/v1/assignment/notices", CASE)
    assert response.status_code == 200 and response.headers["X-Docgen-Batch"] == "rendered=8; invalid=0"
    items = [{**CASE["items"][1], "key_item": True}]
    bad = api.post_json("/api/v1/assignment/notices", cases.case(items=items))
    assert bad.status_code == 422 and [f["code"] for f in bad.get_json()["findings"]] == ["item.key_without_leader"]


def test_web_page_turns_the_sheet_into_the_list_and_the_notices(client):
    form = {**MEETING, "year": "2025"}
    page = client.post("/assignment", data={**form, "_action": "docx", "items": (SHEET.open("rb"), SHEET.name)})
    assert page.status_code == 200 and page.mimetype.endswith("wordprocessingml.document")
    page = client.post("/assignment", data={**form, "_action": "notices", "items": (SHEET.open("rb"), SHEET.name)})
    assert page.status_code == 200 and page.mimetype == "application/zip"


def test_web_page_shows_each_bad_row_in_chinese(client):
    content = workbook([HEAD, ["建议", 1, "关于甲的建议", "王明", "江州市财政局", None, "是"]])
    page = client.post("/assignment", data={**MEETING, "_action": "docx", "items": (io.BytesIO(content), "x.xlsx")})
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and "工作表“交办”第2行“督办领导”列为空" in html


def test_cli_refuses_a_json_that_is_not_an_assignment_list(tmp_path):
    listed = tmp_path / "items.json"
    listed.write_text(json.dumps(CASE["items"], ensure_ascii=False), "utf-8")
    result = CliRunner().invoke(main, ["assignment", str(listed), "-o", str(tmp_path / "x.docx")])
    assert result.exit_code == 2 and "应为交办清单的 JSON 对象" in result.output
