"""交办会讲话稿: last year's figures against counts made by hand from the ledger, this year's
against counts made by hand from the assignment list, the speech's structure and layout, the
warning for a narrative figure that contradicts the ledger, and every face."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

import docgen
from conftest import SAMPLES, KindCases, load_case, open_docx
from docfacts import Package
from docgen.cli import main
from test_annual_summary import count_by_hand, pct, sheet_records

KIND = "assignment-speech"
CASE = load_case(SAMPLES / KIND / "jiangzhou-2025.json")
ITEMS_SHEET = SAMPLES / "assignment-list" / "交办清单-2025.xlsx"
LEDGER_SHEET = SAMPLES / "annual-summary" / "台账-2024.xlsx"
cases = KindCases(KIND, CASE)


@pytest.fixture(scope="module")
def document():
    return open_docx(docgen.render(KIND, CASE).content)


def texts(document) -> list[tuple[str, str]]:
    return [(p.style.style_id, p.text) for p in document.paragraphs if p.text.strip()]


def body(document) -> str:
    return "".join(text for _, text in texts(document))


def test_last_years_figures_equal_counts_made_by_hand_from_the_ledger(document):
    hand = count_by_hand(sheet_records())
    text = body(document)
    assert f"2024年，共承办人大代表建议{hand['建议']}件、政协委员提案{hand['提案']}件，其中主办{hand['main']}件、会办{hand['co']}件。" in text
    assert f"主办件已答复{hand['replied']}件，办复率{pct(hand['replied'], hand['main'])}" in text
    assert f"按时办结率{pct(hand['on_time'], hand['main'])}" in text
    assert f"面商沟通{hand['face']}件，面商率{pct(hand['face'], hand['main'])}" in text
    assert f"共收回征询意见表{hand['attitude_forms']}份" in text
    assert f"对办理态度的满意率为{pct(hand['attitude_ok'], hand['attitude_forms'])}" in text
    assert f"对办理结果的满意率为{pct(hand['result_ok'], hand['result_forms'])}" in text


def test_this_years_figures_equal_counts_made_by_hand_from_the_list(document):
    items = CASE["items"]
    suggestions = sum(1 for i in items if i["source"] == "建议")
    units = len({i["lead_unit"] for i in items})
    shared = sum(1 for i in items if i.get("co_units"))
    keys = [i for i in items if i.get("key_item")]
    text = body(document)
    assert (f"今年共交办人大代表建议{suggestions}件、政协委员提案{len(items) - suggestions}件，合计{len(items)}件，"
            f"由{units}个单位主办。其中需多个单位共同办理的{shared}件，占{pct(shared, len(items))}") in text
    leaders = {i["leader"] for i in keys}
    assert f"确定重点件{len(keys)}件，由{len(leaders)}位领导领衔督办" in text
    for item in keys:
        assert f"《{item['title']}》（第{item['item_number']}号{item['source']}）" in text
    assert "李明副市长督办《关于加快推进既有住宅加装电梯工作的建议》（第12号建议）、《关于完善老年助餐服务体系的提案》（第36号提案）" in text


def test_the_speech_has_title_speaker_date_comrades_sections_in_order_and_a_closing(document):
    paragraphs = texts(document)
    assert [t for s, t in paragraphs if s == "DocTitle"] == ["在2025年市人大代表建议", "和政协委员提案交办会上的讲话"]
    assert [t for s, t in paragraphs if s == "SpeechSpeaker"] == ["副市长 李明", "（2025年2月20日）"]
    assert ("Addressee", "同志们：") in paragraphs
    headings = [t for s, t in paragraphs if s == "Heading1Gw"]
    assert headings == ["一、2024年建议提案办理工作的基本情况", "二、今年建议提案的交办情况", "三、提高思想认识，压实办理责任",
                        "四、注重沟通协商，提高办理质量", "五、强化督查督办，确保落实见效"]
    assert paragraphs[-1][1].startswith("同志们，办理好建议和提案")


def test_a_short_subsection_line_becomes_a_kai_subheading():
    case = cases.case(requirements=[{"title": "抓好落实", "text": "（一）明确责任\n各单位要落实责任。"}])
    paragraphs = texts(open_docx(docgen.render(KIND, case).content))
    assert ("Heading2Gw", "（一）明确责任") in paragraphs and ("Heading1Gw", "三、抓好落实") in paragraphs


def test_speech_layout_speaker_in_kai_page_numbers_from_page_one_and_no_red_head():
    pkg = Package(docgen.render(KIND, CASE).content)
    assert pkg.style_value("SpeechSpeaker", "w:rPr/w:rFonts", "eastAsia") == "楷体_GB2312"
    assert pkg.style_value("Heading1Gw", "w:rPr/w:rFonts", "eastAsia") == "黑体"
    assert pkg.style_value("BodyText", "w:rPr/w:rFonts", "eastAsia") == "仿宋_GB2312"
    assert not any(pkg.zip.read(name).count(b"FF0000") for name in pkg.zip.namelist() if name.startswith("word/document"))


def test_the_pdf_carries_the_figures_and_numbers_every_page(pool):
    from pdffacts import pages

    doc = pages(docgen.render(KIND, CASE, fmt="pdf", converter=pool).content)
    text = "".join(line.text for page in doc for line in page.lines)
    assert "办复率96.2%" in text.replace(" ", "") and len(doc) == 3
    assert [page.lines[-1].text for page in doc] == ["—1—", "—2—", "—3—"]
    assert not any(page.red_rules() for page in doc)


# --- narrative figures against the ledger ---------------------------------------------------------------


def test_a_review_figure_that_contradicts_the_ledger_is_a_warning_naming_it():
    found = cases.findings(cases.case(review="去年办复率达到100%，办理结果满意率为100%，面商率86.5%。"))
    assert [(f.code, f.severity.value, f.path) for f in found] == [("speech.figure_mismatch", "warning", "review")] * 2
    assert "办复率“办复率达到100%”与台账统计（96.2%）不一致" in found[0].message
    assert "办理结果满意率" in found[1].message and "97.8%" in found[1].message


def test_review_figures_that_match_the_ledger_are_quiet():
    assert cases.findings(cases.case(review="去年办复率96.2%，按时办结率90.4%，面商率86.5%。")) == []


def test_targets_in_the_requirements_are_not_compared_with_last_year():
    requirement = {"title": "提高质量", "text": "今年要确保办复率达到100%，满意率达到95%以上。"}
    assert cases.findings(cases.case(requirements=[requirement])) == []


def test_a_ledger_that_is_not_last_years_is_a_warning():
    assert cases.codes(cases.case(year=2026)) == ["ledger.other_year"]


# --- faces -------------------------------------------------------------------------------------------


def test_cli_makes_the_speech_from_the_two_sheets(tmp_path):
    extra = tmp_path / "case.json"
    extra.write_text(json.dumps({"review": CASE["review"]}, ensure_ascii=False), "utf-8")
    target = tmp_path / "讲话稿.docx"
    result = CliRunner().invoke(main, [
        "speech", "--items", str(ITEMS_SHEET), "--ledger", str(LEDGER_SHEET), "--case", str(extra), "--level", "市",
        "--year", "2025", "--speaker", "副市长 李明", "--delivered-on", "2025-02-20", "-o", str(target)])
    assert result.exit_code == 0, result.output
    made = open_docx(target.read_bytes())
    assert [p.text for p in made.paragraphs if p.text.strip()] == [p.text for p in open_docx(
        docgen.render(KIND, CASE).content).paragraphs if p.text.strip()]


def test_api_takes_the_two_sheets_with_the_case(client):
    case = {k: CASE[k] for k in ("level", "year", "speaker", "delivered_on")}
    response = client.post(f"/api/v1/documents/{KIND}", data={
        "case": json.dumps(case, ensure_ascii=False), "items": (ITEMS_SHEET.open("rb"), ITEMS_SHEET.name),
        "ledger": (LEDGER_SHEET.open("rb"), LEDGER_SHEET.name)})
    assert response.status_code == 200
    assert "办复率96.2%" in "".join(p.text for p in open_docx(response.data).paragraphs)


def test_web_page_makes_the_speech_and_reports_a_missing_file(client):
    form = {"level": "市", "year": "2025", "speaker": "副市长 李明", "delivered_on": "2025-02-20",
            "requirements.0.title": "抓好落实", "requirements.0.text": "（一）明确责任\n各单位要落实责任。", "_action": "docx"}
    page = client.post("/speech", data={**form, "items": (ITEMS_SHEET.open("rb"), ITEMS_SHEET.name),
                                        "ledger": (LEDGER_SHEET.open("rb"), LEDGER_SHEET.name)})
    assert page.status_code == 200
    headings = [p.text for p in open_docx(page.data).paragraphs if p.style.style_id == "Heading1Gw"]
    assert headings[-1] == "三、抓好落实"
    missing = client.post("/speech", data={**form, "items": (ITEMS_SHEET.open("rb"), ITEMS_SHEET.name)})
    assert missing.status_code == 422 and "请上传去年台账" in missing.get_data(as_text=True)


def test_web_page_offers_the_default_requirements_to_edit(client):
    html = client.get("/speech").get_data(as_text=True)
    assert "提高思想认识，压实办理责任" in html and "（二）跟踪承诺事项落实" in html


def test_odd_sheets_an_items_sheet_under_title_rows_and_a_gb18030_ledger_csv_give_hand_counted_figures():
    import csv
    import io

    from test_assignment import workbook

    items = workbook([
        ["序号", "件别", "案号", "案由", "领衔代表", "承办单位", "协办单位", "是否重点", "领办领导"],
        [1, "建议", "第3号", "关于改造积水点的建议", "何晓丽", "青山区住建局", None, None, None],
        [2, "建议", "第9号", "关于增设托育点的建议", "马超", "青山区民政局", "青山区教育局", "是", "王强副区长"],
        [3, "提案", "第4号", "关于垃圾分类的提案", "林峰", "青山区城管局", "青山区住建局，青山区民政局", None, None],
    ], title_rows=2)
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["来源", "编号", "标题", "办理方式", "交办日期", "答复日期", "办理结果", "沟通方式", "办理态度评价", "办理结果评价"])
    rows = [  # 4 main items: 3 replied (one late), 2 met face to face, 3 forms (one result 不满意); 1 co-handled
        ["建议", 1, "关于甲的建议", "主办", "2024-03-01", "2024-05-20", "A", "面商", "满意", "满意"],
        ["建议", 2, "关于乙的建议", "主办", "2024-03-01", "2024-07-10", "B", "电话", "基本满意", "不满意"],
        ["提案", 3, "关于丙的提案", "主办", "2024-03-01", "2024-04-15", "A", "座谈", "满意", "基本满意"],
        ["提案", 4, "关于丁的提案", "主办", "2024-03-01", None, None, None, None, None],
        ["建议", 5, "关于戊的建议", "会办", "2024-03-01", None, None, None, None, None],
    ]
    writer.writerows(rows)
    kind = docgen.get_kind(KIND)
    data = {"level": "区", "year": 2025, "speaker": "王强", "delivered_on": "2025-03-06"}
    data = kind.attach(kind.attach(data, "items", "交办.xlsx", items), "ledger", "台账.csv", text.getvalue().encode("gb18030"))
    assert docgen.check(KIND, data).findings == []
    body_text = "".join(p.text for p in open_docx(docgen.render(KIND, data).content).paragraphs)
    assert "2024年，共承办人大代表建议3件、政协委员提案2件，其中主办4件、会办1件。" in body_text
    assert "主办件已答复3件，办复率75%，按时办结率50%；与代表委员面商沟通2件，面商率50%。" in body_text
    assert "共收回征询意见表3份，代表委员对办理态度的满意率为100%，对办理结果的满意率为66.7%。" in body_text
    assert "今年共交办人大代表建议2件、政协委员提案1件，合计3件，由3个单位主办。其中需多个单位共同办理的2件，占66.7%" in body_text
    assert "确定重点件1件，由1位领导领衔督办：王强副区长督办《关于增设托育点的建议》（第9号建议）。" in body_text


def test_the_periods_in_the_speech_come_from_the_locality_profile(tmp_path):
    from docgen.profile import load_profile

    config = tmp_path / "p.toml"
    config.write_text("[deadlines]\nreply_months = 2\ncomplex_reply_months = 4\nco_handling_months = 2\n", "utf-8")
    text = "".join(p.text for p in open_docx(docgen.render(KIND, CASE, load_profile(config)).content).paragraphs)
    assert "主办单位应在交办之日起2个月内答复代表委员，情况复杂的不超过4个月；会办单位应在2个月内" in text
