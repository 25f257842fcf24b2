"""The survey form (征询意见表): its rules, its .docx table, its one-page PDF, the form appended
to a reply letter, and the survey form through the API and the CLI."""

from __future__ import annotations

import copy
import io
import json
import re

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

import docgen
from docgen.cli import main
from docgen.findings import Severity
from docgen.kinds.survey_form import MIN_BLANK_LINES, form_title, page_budget, return_deadline
from docgen.profile import Profile, load_profile

from conftest import KindCases, SAMPLES, invalid_samples, load_case, render_pdf_sample, valid_samples
from docfacts import NS, Package, fonts_of, is_embedded, squash, w

KIND = "survey-form"
FOLDER = SAMPLES / KIND
ELEVATORS = FOLDER / "b-suggestion-elevators.json"  # 建议, co-authors, two co-handling units, default return date
RIVER = FOLDER / "a-proposal-river-cleanup.json"  # 提案, three co-handling units, return_by set in the case
NIGHT_MARKET = FOLDER / "c-suggestion-night-market.json"  # 建议 without co-authors or co-handling units
BASE = load_case(ELEVATORS)
ABCD = Profile.model_validate({"result_classes": {"scheme": "ABCD"}})
TWIPS_PER_MM = 1440 / 25.4
A4_PT = (595.28, 841.89)

# A very long title (four lines in its cell), six co-authors and five co-handling units.
STRESS = {
    **load_case(RIVER),
    "session": {"level": "区", "term": 12, "session": 3},
    "item_number": 1024,
    "item_title": "关于统筹推进城乡一体化公共交通网络建设、加快农村客运班线公交化改造、完善城乡结合部公交站点和换乘枢纽布局、"
    "切实解决偏远山区群众出行难问题的提案",
    "lead_author": "欧阳明远",
    "co_authors": ["林志远", "陈晓明", "王丽华", "赵建国", "孙海燕", "周文静"],
    "handling_unit": "江州市西湖区交通运输局",
    "co_handling_units": [
        "江州市西湖区发展和改革局", "江州市西湖区财政局", "江州市西湖区自然资源和规划局",
        "江州市西湖区农业农村局", "江州市西湖区住房和城乡建设局",
    ],
    "return_to": {"address": "江州市西湖区文三路288号交通大厦1206室", "postcode": "310012",
                  "contact": "司马晓琳", "phone": "0571-86012345-8021"},
}


RULES = KindCases(KIND, BASE)
case, findings, only, model = RULES.case, RULES.findings, RULES.only, RULES.model


def render(data, profile=None) -> bytes:
    return docgen.render(KIND, data, profile or load_profile()).content


# --- rules ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", valid_samples(KIND), ids=lambda p: p.stem)
def test_valid_samples_are_clean(path):
    assert findings(load_case(path)) == []


def test_stress_case_still_fits_and_is_clean():
    assert findings(STRESS) == []


@pytest.mark.parametrize("field, name", [("lead_author", "张海燕代表"), ("lead_author", "张海燕委员")])
def test_a_name_typed_with_a_title_is_an_error(field, name):
    f = only(case(**{field: name}))
    assert (f.code, f.severity, f.path) == ("addressee.suffix", Severity.ERROR, "lead_author")


def test_co_author_titles_are_checked_too():
    f = only(case(co_authors=["李建国", "陈晓明委员"]))
    assert (f.code, f.path) == ("addressee.suffix", "co_authors[1]")


def test_item_title_must_match_the_source():
    f = only(case(item_title="关于加快推进既有住宅加装电梯工作的提案"))
    assert (f.code, f.severity, f.path) == ("item_title.source_mismatch", Severity.ERROR, "item_title")


def test_result_class_must_belong_to_the_configured_scheme():
    f = only(case(result_class="D"))
    assert (f.code, f.severity, f.path) == ("result_class.unknown", Severity.ERROR, "result_class")
    assert "A/B/C" in f.message
    assert findings(case(result_class="D"), ABCD) == []


def test_lead_unit_listed_as_co_handling_unit_is_an_error():
    f = only(case(co_handling_units=["江州市财政局", "江州市住房和城乡建设局"]))
    assert (f.code, f.severity, f.path) == ("co_handler.is_lead", Severity.ERROR, "co_handling_units[1]")


def test_co_handling_unit_listed_twice_is_a_warning_and_printed_once():
    data = case(co_handling_units=["江州市财政局", "江州市规划和自然资源局", "江州市财政局"])
    f = only(data)
    assert (f.code, f.severity, f.path) == ("co_handler.duplicate", Severity.WARNING, "co_handling_units[2]")
    assert table_row(Package(render(data)), "会办单位") == ["会办单位", "江州市财政局、江州市规划和自然资源局"]


def test_reply_before_assignment_is_an_error():
    f = only(case(replied_on="2024-03-10"))
    assert (f.code, f.severity, f.path) == ("reply_date.before_assignment", Severity.ERROR, "replied_on")


def test_return_by_date_before_the_reply_is_an_error():
    f = only(case(return_by="2024-06-17"))
    assert (f.code, f.severity, f.path) == ("return_date.before_reply", Severity.ERROR, "return_by")
    assert "2024年6月18日" in f.message
    assert findings(case(return_by="2024-06-18")) == []


def test_implausible_return_phone_is_an_error():
    data = case()
    data["return_to"]["phone"] = "110"
    f = only(data)
    assert (f.code, f.severity, f.path) == ("contact.phone_format", Severity.ERROR, "return_to.phone")


def test_a_form_too_long_for_one_page_is_an_error_naming_the_longest_field():
    data = copy.deepcopy(STRESS)
    data["item_title"] = "关于" + "完善城乡公共交通网络、" * 16 + "方便群众出行的提案"
    f = only(data)
    assert (f.code, f.severity, f.path) == ("form.too_long", Severity.ERROR, "item_title")
    assert "一页" in f.message


def test_postcode_must_have_six_digits():
    data = case()
    data["return_to"]["postcode"] = "31000"
    f = only(data)
    assert (f.code, f.path) == ("schema.pattern", "return_to.postcode")


def test_unknown_fields_are_rejected():
    f = only(case(returnBy="2024-07-01"))
    assert (f.code, f.path) == ("schema.unknown_field", "returnBy")


@pytest.mark.parametrize("path, codes", invalid_samples(KIND), ids=lambda v: getattr(v, "stem", ""))
def test_each_message_starts_with_its_path_and_a_full_width_colon(path, codes):
    for f in findings(load_case(path)):
        assert f.message.startswith(f"{f.path}："), f


def test_invalid_samples_cover_every_rule():
    covered = {code for _, codes in invalid_samples(KIND) for code in codes}
    rules = {
        "addressee.suffix", "item_title.source_mismatch", "result_class.unknown", "co_handler.is_lead",
        "co_handler.duplicate", "reply_date.before_assignment", "return_date.before_reply",
        "contact.phone_format", "form.too_long",
    }
    assert rules <= covered


# --- content --------------------------------------------------------------------------


def test_title_names_the_level_and_the_source():
    assert form_title(model(BASE)) == "市人大代表建议办理情况征询意见表"
    assert form_title(model(load_case(RIVER))) == "市政协提案办理情况征询意见表"
    assert form_title(model(load_case(NIGHT_MARKET))) == "区人大代表建议办理情况征询意见表"


def test_return_date_is_the_reply_date_plus_the_configured_days_unless_the_case_sets_it():
    assert str(return_deadline(model(BASE), load_profile())) == "2024-07-03"  # 2024-06-18 + 15
    longer = Profile.model_validate({"deadlines": {"survey_return_days": 30}})
    assert str(return_deadline(model(BASE), longer)) == "2024-07-18"
    assert str(return_deadline(model(case(return_by="2024-07-10")), longer)) == "2024-07-10"


def test_comments_area_gets_the_room_the_prefilled_rows_leave():
    roomy = page_budget(model(load_case(NIGHT_MARKET)), load_profile()).blank_lines
    usual = page_budget(model(BASE), load_profile()).blank_lines
    tight = page_budget(model(STRESS), load_profile()).blank_lines
    assert roomy > usual > tight >= MIN_BLANK_LINES


# --- the .docx ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def forms() -> dict[str, Package]:
    packages = {p.stem: Package(render(load_case(p))) for p in valid_samples(KIND)}
    packages["stress"] = Package(render(STRESS))
    return packages


def cell_text(tc) -> str:
    return "".join(t.text or "" for t in tc.iter(w("t")))


def table_rows(pkg: Package) -> list[list[str]]:
    (table,) = pkg.document.findall(".//w:body/w:tbl", NS)
    return [[cell_text(tc) for tc in tr.findall("w:tc", NS)] for tr in table.findall("w:tr", NS)]


def table_row(pkg: Package, first_cell: str) -> list[str]:
    return next(r for r in table_rows(pkg) if r[0] == first_cell)


def body_text(pkg: Package) -> str:
    return "".join(t.text or "" for t in pkg.document.iter(w("t")))


def test_a_one_page_form_has_no_page_number(forms):
    pkg = forms["b-suggestion-elevators"]
    for kind in ("first", "default", "even"):
        assert not list(pkg.part_for("footer", kind).iter(w("instrText")))


def test_title_is_set_in_the_title_style(forms):
    assert forms["b-suggestion-elevators"].texts("DocTitle") == ["市人大代表建议办理情况征询意见表"]
    assert forms["a-proposal-river-cleanup"].texts("DocTitle") == ["市政协提案办理情况征询意见表"]
    assert forms["b-suggestion-elevators"].texts("SurveySubtitle") == ["（市十五届人大三次会议）"]


def test_table_has_grid_borders_and_fills_the_type_area(forms):
    pkg = forms["b-suggestion-elevators"]
    (table,) = pkg.document.findall(".//w:body/w:tbl", NS)
    assert table.find("w:tblPr/w:tblStyle", NS).get(w("val")) == "TableGrid"
    assert pkg.styles.find("w:style[@w:styleId='TableGrid']/w:tblPr/w:tblBorders/w:insideH", NS).get(w("val")) == "single"
    columns = [int(c.get(w("w"))) for c in table.findall("w:tblGrid/w:gridCol", NS)]
    assert [round(c / TWIPS_PER_MM) for c in columns] == [30, 48, 30, 48]
    assert abs(sum(columns) / TWIPS_PER_MM - 156) < 0.1
    for tr in table.findall("w:tr", NS):  # every row covers the four grid columns
        spans = [int(tc.find("w:tcPr/w:gridSpan", NS).get(w("val"))) if tc.find("w:tcPr/w:gridSpan", NS) is not None else 1
                 for tc in tr.findall("w:tc", NS)]
        assert sum(spans) == 4


def test_table_carries_every_prefilled_value(forms):
    pkg = forms["b-suggestion-elevators"]
    assert table_row(pkg, "建议题目") == ["建议题目", "《关于加快推进既有住宅加装电梯工作的建议》"]
    assert table_row(pkg, "建议编号") == ["建议编号", "第123号", "领衔代表", "张海燕"]
    assert table_row(pkg, "联名代表") == ["联名代表", "李建国、陈晓明"]
    assert table_row(pkg, "主办单位") == ["主办单位", "江州市住房和城乡建设局"]
    assert table_row(pkg, "会办单位") == ["会办单位", "江州市财政局、江州市规划和自然资源局"]
    assert table_row(pkg, "结果分类") == ["结果分类", "B类", "答复日期", "2024年6月18日"]


def test_proposal_labels_name_the_member(forms):
    pkg = forms["a-proposal-river-cleanup"]
    assert table_row(pkg, "提案编号") == ["提案编号", "第87号", "第一提案人", "林志远"]
    assert table_row(pkg, "会办单位")[1] == "江州市水利局、江州市城市管理局、江州市农业农村局"
    assert table_row(pkg, "委员签名")
    assert any(r[0].startswith("以下由委员填写") for r in table_rows(pkg))


def test_rows_without_values_are_left_out(forms):
    firsts = [r[0] for r in table_rows(forms["c-suggestion-night-market"])]
    assert "联名代表" not in firsts and "会办单位" not in firsts
    assert "{%" not in body_text(forms["c-suggestion-night-market"])


def test_deputy_ticks_boxes_for_contact_mode_and_both_ratings(forms):
    pkg = forms["b-suggestion-elevators"]
    assert any(r[0] == "以下由代表填写（请在选定项的☐内打“√”）" for r in table_rows(pkg))
    assert table_row(pkg, "沟通方式")[1] == "☐面商\u3000\u3000☐电话\u3000\u3000☐信函\u3000\u3000☐其他\u3000\u3000☐未联系"
    for rating in ("办理态度", "办理结果"):
        assert table_row(pkg, rating)[1] == "☐满意\u3000\u3000☐基本满意\u3000\u3000☐不满意"


def test_comments_cell_notes_that_dissatisfaction_needs_reasons_and_leaves_blank_lines(forms):
    for stem, pkg in forms.items():
        (table,) = pkg.document.findall(".//w:body/w:tbl", NS)
        tr = next(tr for tr in table.findall("w:tr", NS) if cell_text(tr.find("w:tc", NS)) == "意见和建议")
        paragraphs = tr.findall("w:tc", NS)[1].findall("w:p", NS)
        first = "".join(t.text for t in paragraphs[0].iter(w("t")))
        assert "不满意" in first and "意见和理由" in first, stem
        blanks = [p for p in paragraphs[1:] if not list(p.iter(w("t")))]
        assert len(blanks) >= MIN_BLANK_LINES, stem


def test_signature_row_has_room_to_sign_and_date(forms):
    pkg = forms["b-suggestion-elevators"]
    assert table_row(pkg, "代表签名") == ["代表签名", "年\u3000\u3000月\u3000\u3000日"]
    (table,) = pkg.document.findall(".//w:body/w:tbl", NS)
    tr = next(tr for tr in table.findall("w:tr", NS) if cell_text(tr.find("w:tc", NS)) == "代表签名")
    assert int(tr.find("w:trPr/w:trHeight", NS).get(w("val"))) / TWIPS_PER_MM >= 15


def test_notes_say_where_to_return_the_form_and_by_when(forms):
    (note, more) = forms["b-suggestion-elevators"].texts("SurveyNote") + forms["b-suggestion-elevators"].texts("SurveyNoteMore")
    assert note.startswith("注：1. 请于2024年7月3日前")  # replied 2024-06-18, plus the default 15 days
    for part in ("江州市住房和城乡建设局", "江州市解放路18号市住房和城乡建设局412室", "310006", "王敏", "0571-87001234"):
        assert part in note
    assert "不满意" in more
    (note,) = forms["a-proposal-river-cleanup"].texts("SurveyNote")
    assert note.startswith("注：1. 请于2024年6月28日前将本表寄回或送交江州市生态环境局办公室")  # the case's return_by


def test_return_days_follow_the_profile():
    longer = Profile.model_validate({"deadlines": {"survey_return_days": 30}})
    (note,) = Package(render(BASE, longer)).texts("SurveyNote")
    assert "请于2024年7月18日前" in note


def test_document_properties_name_the_item(forms):
    props = docgen.get_kind(KIND).properties(model(BASE))
    assert props.title == "市十五届人大三次会议第123号建议办理情况征询意见表"
    assert props.author == "江州市住房和城乡建设局"


def test_no_template_tags_remain(forms):
    for stem, pkg in forms.items():
        for name in pkg.zip.namelist():
            if name.endswith(".xml"):
                text = pkg.zip.read(name).decode("utf-8")
                assert "{{" not in text and "{%" not in text, (stem, name)


# --- the PDF, through LibreOffice ------------------------------------------------------


@pytest.fixture(scope="module")
def pdfs(pool, tmp_path_factory) -> dict[str, PdfReader]:
    out = {p.stem: PdfReader(io.BytesIO(render_pdf_sample(KIND, p, pool))) for p in valid_samples(KIND)}
    stress = tmp_path_factory.mktemp("survey") / "stress.json"
    stress.write_text(json.dumps(STRESS, ensure_ascii=False), "utf-8")
    out["stress"] = PdfReader(io.BytesIO(render_pdf_sample(KIND, stress, pool)))
    return out


@pytest.mark.parametrize("stem", [p.stem for p in valid_samples(KIND)] + ["stress"])
def test_form_prints_on_exactly_one_a4_page(pdfs, stem):
    reader = pdfs[stem]
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - A4_PT[0]) < 1 and abs(float(box.height) - A4_PT[1]) < 1


def test_pdf_shows_the_forms_text(pdfs):
    text = squash(pdfs["b-suggestion-elevators"].pages[0].extract_text())
    for expected in ("市人大代表建议办理情况征询意见表", "关于加快推进既有住宅加装电梯工作的建议", "张海燕", "江州市财政局",
                     "☐面商", "☐基本满意", "☐不满意", "代表签名", "2024年7月3日前", "0571-87001234"):
        assert expected in text, expected
    stress = squash(pdfs["stress"].pages[0].extract_text())
    assert "切实解决偏远山区群众出行难问题的提案" in stress and "江州市西湖区住房和城乡建设局" in stress


@pytest.mark.parametrize("stem", [p.stem for p in valid_samples(KIND)] + ["stress"])
def test_every_font_is_embedded_and_the_mapped_faces_are_used(pdfs, stem):
    fonts = fonts_of(pdfs[stem])
    for name, font in fonts.items():
        assert is_embedded(font), name
    assert {"FandolFang-Regular", "FandolSong-Bold"} <= set(fonts)


# --- the form appended to a reply letter -------------------------------------------------

LETTER = {**load_case(SAMPLES / "reply-letter" / "b-suggestion-elevators.json"), "with_survey_form": True}


def test_reply_letter_without_the_flag_has_no_form():
    plain = {k: v for k, v in LETTER.items() if k != "with_survey_form"}
    pkg = Package(docgen.render("reply-letter", plain).content)
    assert "征询意见表" not in body_text(pkg)
    assert not pkg.document.findall(".//w:body/w:tbl", NS)


def test_reply_letter_appends_its_form_after_a_page_break():
    pkg = Package(docgen.render("reply-letter", LETTER).content)
    body = pkg.document.find("w:body", NS)
    order = []
    for element in body:
        if element.tag == w("sectPr"):
            continue
        if element.tag == w("tbl"):
            order.append("table")
        elif element.find(".//w:br[@w:type='page']", NS) is not None:
            order.append("page break")
        else:
            style = element.find("w:pPr/w:pStyle", NS)
            order.append(style.get(w("val")) if style is not None else "")
    copies = order.index("Copies")
    assert order[copies + 1:copies + 6] == ["page break", "AttachmentMark", "DocTitle", "SurveySubtitle", "table"]
    assert order[-2:] == ["SurveyNote", "SurveyNoteMore"]
    assert pkg.texts("DocTitle")[-1] == "市人大代表建议办理情况征询意见表"
    assert "".join(pkg.texts("DocTitle")[:-1]) == "关于市十五届人大三次会议第123号建议的答复"
    # prefilled from the same case: its co-handlers, and returned to its contact person
    assert table_row(pkg, "会办单位") == ["会办单位", "江州市财政局、江州市规划和自然资源局"]
    assert table_row(pkg, "结果分类") == ["结果分类", "B类", "答复日期", "2024年6月18日"]
    (note,) = pkg.texts("SurveyNote")
    assert "送交江州市住房和城乡建设局（联系人：王敏，电话：0571-87001234）" in note
    assert "请于2024年7月3日前" in note


def test_reply_letter_pdf_has_the_form_on_its_last_page(pool):
    reader = PdfReader(io.BytesIO(docgen.render("reply-letter", LETTER, fmt="pdf", converter=pool).content))
    plain = {k: v for k, v in LETTER.items() if k != "with_survey_form"}
    letter_pages = len(PdfReader(io.BytesIO(docgen.render("reply-letter", plain, fmt="pdf", converter=pool).content)).pages)
    assert len(reader.pages) == letter_pages + 1
    last = squash(reader.pages[-1].extract_text())
    assert last.startswith("附件市人大代表建议办理情况征询意见表") and "☐基本满意" in last
    # the letter's page names the form on its 附件 line only
    letter_end = squash(reader.pages[-2].extract_text())
    assert "附件：市人大代表建议办理情况征询意见表" in letter_end
    assert "征询意见表" not in letter_end.replace("附件：市人大代表建议办理情况征询意见表", "")


# --- the faces: API and CLI ---------------------------------------------------------------


def test_api_renders_a_docx_with_the_chinese_file_name(client):
    from urllib.parse import unquote

    response = client.post(f"/api/v1/documents/{KIND}", data=ELEVATORS.read_bytes(), content_type="application/json")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    name = re.search(r"filename\*=UTF-8''([^;\s]+)", response.headers["Content-Disposition"]).group(1)
    assert unquote(name) == "市十五届人大三次会议第123号建议办理情况征询意见表.docx"
    assert table_row(Package(response.data), "建议编号")[3] == "张海燕"


@pytest.mark.parametrize("path, codes", invalid_samples(KIND), ids=lambda v: getattr(v, "stem", ""))
def test_api_validate_gives_exactly_the_expected_codes(client, path, codes):
    response = client.post(f"/api/v1/documents/{KIND}/validate", data=path.read_bytes(), content_type="application/json")
    assert response.status_code == 200
    body = response.get_json()
    assert sorted(f["code"] for f in body["findings"]) == codes
    assert body["ok"] is all(f["severity"] == "warning" for f in body["findings"])


def test_cli_validate_exits_0_for_a_valid_form_and_1_for_errors():
    runner = CliRunner()
    ok = runner.invoke(main, ["validate", KIND, str(ELEVATORS), "--json"])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.stdout) == {"ok": True, "findings": []}
    bad = runner.invoke(main, ["validate", KIND, str(FOLDER / "invalid" / "return-before-reply.json"), "--json"])
    assert bad.exit_code == 1
    assert [f["code"] for f in json.loads(bad.stdout)["findings"]] == ["return_date.before_reply"]
    warned = runner.invoke(main, ["validate", KIND, str(FOLDER / "invalid" / "co-handler-listed-twice.json"), "--json"])
    assert warned.exit_code == 0
