"""The review opinion (审议意见): its rules, its wording, its .docx layout, its PDF, its API and CLI."""

from __future__ import annotations

import json
import re
from urllib.parse import unquote

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

import docgen
from docgen.cli import main
from docgen.findings import Severity
from docgen.formatting import chinese_number, half_width_length
from docgen.kinds.review_opinion import (
    TITLE_MAX_EM,
    body_blocks,
    document_title,
    opening,
    problems_paragraph,
    report_request,
    review_title_lines,
    typed_numbering,
)
from docgen.profile import Profile, load_profile

from conftest import KindCases, SAMPLES, invalid_samples, load_case, open_docx, render_pdf_sample, render_sample, sample_profile, valid_samples
from docfacts import NS, Package, fonts_of, is_embedded, squash, w

KIND = "review-opinion"
VALID = {p.stem: p for p in valid_samples(KIND)}
INVALID = invalid_samples(KIND)
BASE = load_case(SAMPLES / KIND / "district-first-session.json")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
NUMERALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]


RULES = KindCases(KIND, BASE)
case, findings, codes, only, model = RULES.case, RULES.findings, RULES.codes, RULES.only, RULES.model


def assert_finding(f, code, severity, path):
    assert (f.code, f.severity, f.path) == (code, severity, path)
    assert f.message.startswith(f"{path}："), f.message
    assert re.search(r"[\u4e00-\u9fff]", f.message)


# --- rules ------------------------------------------------------------------------------


def test_base_case_is_clean():
    assert findings(BASE) == []


def test_at_least_one_problem_is_required():
    assert_finding(only(case(problems=[])), "problem.missing", Severity.ERROR, "problems")


def test_at_least_one_opinion_is_required():
    assert_finding(only(case(opinions=[])), "opinion.missing", Severity.ERROR, "opinions")


@pytest.mark.parametrize("assessment", ["", "   ", "\n"])
def test_the_overall_assessment_is_required(assessment):
    assert_finding(only(case(assessment=assessment)), "assessment.missing", Severity.ERROR, "assessment")


@pytest.mark.parametrize("issued_on", ["2024-10-20", "2024-10-27"])
def test_issue_date_must_be_after_the_meeting(issued_on):
    f = only(case(issued_on=issued_on))
    assert_finding(f, "issue_date.before_meeting", Severity.ERROR, "issued_on")
    assert "2024年10月27日" in f.message


def test_issue_date_the_day_after_the_meeting_is_fine():
    assert findings(case(issued_on="2024-10-28")) == []


@pytest.mark.parametrize("months", [0, 7, 12, -1])
def test_report_period_outside_one_to_six_months_is_an_error(months):
    f = only(case(report_within_months=months))
    assert_finding(f, "report_deadline.range", Severity.ERROR, "report_within_months")
    assert str(months) in f.message


@pytest.mark.parametrize("months", [1, 2, 6])
def test_report_period_of_one_to_six_months_is_accepted(months):
    assert findings(case(report_within_months=months)) == []


def test_report_period_defaults_to_the_profile_and_the_case_overrides_it():
    assert "于2个月内" in report_request(model(BASE), load_profile())
    three = Profile.model_validate({"deadlines": {"review_report_months": 3}})
    assert "于3个月内" in report_request(model(BASE), three)
    assert "于4个月内" in report_request(model(case(report_within_months=4)), three)


def test_malformed_document_number_is_an_error_through_the_shared_rule():
    assert_finding(only(case(document_number="青人常[2024]21号")), "document_number.format", Severity.ERROR, "document_number")
    assert findings(case(document_number="青人常〔2024〕21号")) == []


def test_committee_term_cannot_be_earlier_than_the_session_term():
    data = case()
    data["meeting"]["term"] = 10
    assert_finding(only(data), "meeting.term_before_session", Severity.ERROR, "meeting.term")


def test_committee_term_defaults_to_the_session_term():
    data = case()
    del data["meeting"]["term"]
    assert findings(data) == []
    assert "江州市青山区十一届人大常委会第五次会议" in opening(model(data))


@pytest.mark.parametrize("locality", ["江州市青山区人大常委会", "江州市青山区人民代表大会常务委员会"])
def test_locality_is_the_place_name_only(locality):
    assert_finding(only(case(locality=locality)), "locality.suffix", Severity.ERROR, "locality")


@pytest.mark.parametrize("path, field, fixed", [("assessment", "assessment", "会议认为"), ("problems_intro", "problems_intro", "会议指出")])
def test_generated_lead_words_typed_again_are_flagged(path, field, fixed):
    f = only(case(**{field: f"{fixed}，{BASE[field]}"}))
    assert_finding(f, "wording.doubled", Severity.ERROR, path)
    assert fixed in f.message


def test_a_long_lead_phrase_is_a_warning():
    data = case()
    data["opinions"][1]["lead"] = "进" * 41
    assert_finding(only(data), "opinion.lead_long", Severity.WARNING, "opinions[1].lead")
    data["opinions"][1]["lead"] = "进" * 40
    assert findings(data) == []


# --- numbering ---------------------------------------------------------------------------


@pytest.mark.parametrize("n", range(1, 11))
def test_problems_are_numbered_yi_shi_er_shi_for_one_to_ten_items(n):
    data = case(problems=[f"第{i}项问题的表述" for i in range(1, n + 1)])
    assert findings(data) == []
    text = problems_paragraph(model(data))
    expected = "".join(f"{NUMERALS[i]}是第{i + 1}项问题的表述。" for i in range(n))
    assert text.endswith("主要体现在：" + expected)


@pytest.mark.parametrize("n", range(1, 11))
def test_opinions_are_numbered_yi_shi_er_shi_with_the_lead_in_the_bold_run(n):
    data = case(opinions=[{"lead": f"要点{i}", "text": f"内容{i}"} for i in range(1, n + 1)])
    assert findings(data) == []
    blocks = body_blocks(model(data))
    leads = [b for b in blocks if b["lead"]]
    assert [b["lead"] for b in leads] == [f"{NUMERALS[i]}是要点{i + 1}。" for i in range(n)]
    assert [b["text"] for b in leads] == [f"内容{i}" for i in range(1, n + 1)]


@pytest.mark.parametrize("typed", ["一是", "三是", "十是", "（一）", "(二)", "一、", "1.", "2、", "（3）", "第一，"])
def test_typed_numbering_at_the_start_of_a_problem_is_flagged(typed):
    data = case()
    data["problems"][1] = typed + data["problems"][1]
    f = only(data)
    assert_finding(f, "numbering.typed", Severity.ERROR, "problems[1]")
    assert typed in f.message


@pytest.mark.parametrize("field", ["lead", "text"])
def test_typed_numbering_in_an_opinion_is_flagged(field):
    data = case()
    data["opinions"][2][field] = "三是" + data["opinions"][2][field]
    assert_finding(only(data), "numbering.typed", Severity.ERROR, f"opinions[2].{field}")


@pytest.mark.parametrize("text", ["2024年以来，部分单位答复不及时。", "一把手责任缺位。", "十分重视但落实不够。", "1.5倍于上年的件数"])
def test_ordinary_openings_are_not_taken_for_numbering(text):
    assert typed_numbering(text) is None
    data = case()
    data["problems"][0] = text
    assert findings(data) == []


# --- wording ----------------------------------------------------------------------------------


def test_title_names_committee_session_and_kind():
    assert document_title(model(BASE)) == "江州市青山区人大常委会关于区十一届人大一次会议代表建议办理情况的审议意见"


def test_opening_names_date_term_meeting_and_the_report_heard():
    assert opening(model(BASE)) == (
        "2024年10月27日，江州市青山区十一届人大常委会第五次会议听取和审议了"
        "区人民政府关于区十一届人大一次会议代表建议办理情况的报告。"
    )


def test_problems_intro_leads_into_the_list_once():
    assert problems_paragraph(model(case(problems_intro="还存在一些问题，主要表现在："))).startswith(
        "会议指出，还存在一些问题，主要表现在：一是"
    )
    assert problems_paragraph(model(case(problems_intro=None))).startswith("会议指出，代表建议办理工作还存在一些问题和不足，主要体现在：一是")


def test_an_intro_of_bare_punctuation_falls_back_to_the_default_lead_in():
    assert problems_paragraph(model(case(problems_intro="：："))).startswith("会议指出，代表建议办理工作还存在一些问题和不足，主要体现在：")


def test_a_report_period_given_as_true_is_a_type_error_not_one_month():
    assert_finding(only(case(report_within_months=True)), "schema.type", Severity.ERROR, "report_within_months")


def test_an_opinion_of_several_paragraphs_keeps_the_lead_on_the_first():
    data = case(opinions=[{"lead": "要点", "text": "第一段。\n第二段。"}])
    blocks = body_blocks(model(data))[-2:]
    assert [(b["lead"], b["text"]) for b in blocks] == [("一是要点。", "第一段。"), ("", "第二段。")]


def test_body_runs_opening_assessment_problems_then_opinions():
    texts = [b["lead"] + b["text"] for b in body_blocks(model(BASE))]
    assert texts[0].startswith("2024年10月27日")
    assert texts[1].startswith("会议认为，区人民政府")
    assert texts[2].startswith("会议指出，")
    assert texts[3] == "根据会议审议情况，提出如下审议意见："
    assert [t[:2] for t in texts[4:]] == ["一是", "二是", "三是"]


def test_request_names_government_period_and_committee():
    assert report_request(model(BASE), load_profile()) == (
        "以上审议意见请区人民政府认真研究处理，并将审议意见落实情况于2个月内向区人大常委会提交书面报告。"
    )


@pytest.mark.parametrize("stem", sorted(VALID))
def test_title_lines_keep_the_committee_whole_and_never_split_a_word(stem):
    data = load_case(VALID[stem])
    lines = review_title_lines(model(data))
    assert "".join(lines) == document_title(model(data))
    assert lines[0] == data["locality"] + "人大常委会"
    assert lines[1].startswith("关于") and "人大" in lines[1] and lines[1].endswith("会议代表建议")
    assert lines[-1].endswith("的审议意见")
    assert all(half_width_length(line) <= TITLE_MAX_EM for line in lines)
    assert half_width_length(lines[1]) >= half_width_length(lines[2])  # a diamond, not an hourglass


def test_a_committee_name_wider_than_a_line_still_breaks_within_the_width():
    data = case(locality="新疆维吾尔自治区巴音郭楞蒙古自治州和静县", session={"level": "县", "term": 18, "session": 2})
    lines = review_title_lines(model(data))
    assert "".join(lines) == document_title(model(data))
    assert all(half_width_length(line) <= TITLE_MAX_EM for line in lines)


# --- the .docx --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def packages():
    return {stem: Package(render_sample(KIND, path)) for stem, path in VALID.items()}


@pytest.fixture(params=sorted(VALID))
def sample(request, packages):
    return packages[request.param], load_case(VALID[request.param]), request.param


def test_bold_lead_runs_name_the_body_face(sample):
    pkg, _, _ = sample
    for fonts in pkg.document.iter(w("rFonts")):
        assert fonts.get(w("eastAsia")) == "仿宋_GB2312"  # the bold lead runs


def test_page_numbers_are_on_every_page_including_the_first(sample):
    pkg, _, _ = sample
    assert pkg.sect.find("w:titlePg", NS) is not None
    for kind, style in (("first", "PageNumberOdd"), ("default", "PageNumberOdd"), ("even", "PageNumberEven")):
        footer = pkg.part_for("footer", kind)
        assert "".join(i.text for i in footer.iter(w("instrText"))).strip() == "PAGE", kind
        assert pkg.paragraphs(footer) == [(style, "— 1 —")], kind


def test_required_parts_are_present_in_order(sample):
    pkg, data, stem = sample
    paragraphs = [(s, t) for s, t in pkg.paragraphs() if t]
    title_lines = pkg.texts("DocTitle")
    assert "".join(title_lines) == f"{data['locality']}人大常委会关于" + (
        f"{data['session']['level']}{chinese_number(data['session']['term'])}届人大"
        f"{chinese_number(data['session']['session'])}次会议代表建议办理情况的审议意见"
    )
    (addressee,) = pkg.texts("Addressee")
    assert addressee == f"{data.get('government') or data['session']['level'] + '人民政府'}："
    body = pkg.texts("BodyText")
    y, m, d = (int(x) for x in data["meeting"]["date"].split("-"))
    meeting_no = chinese_number(data["meeting"]["number"])
    assert body[0].startswith(f"{y}年{m}月{d}日，{data['locality']}") and f"届人大常委会第{meeting_no}次会议听取和审议了" in body[0]
    assessed = next(i for i, t in enumerate(body) if t.startswith("会议认为，"))
    pointed = next(i for i, t in enumerate(body) if t.startswith("会议指出，"))
    for i, problem in enumerate(data["problems"]):
        assert f"{NUMERALS[i]}是{problem[:10]}" in body[pointed]
    proposed = body.index("根据会议审议情况，提出如下审议意见：")
    leads = [i for i, t in enumerate(body) if t.startswith(tuple(f"{n}是" for n in NUMERALS))]
    assert len(leads) == len(data["opinions"])
    assert 0 < assessed < pointed < proposed < leads[0]

    (request,) = pkg.texts("BodyTextKeep")
    months = data.get("report_within_months") or sample_profile(VALID[stem]).deadlines.review_report_months
    assert request.startswith("以上审议意见请") and f"于{months}个月内" in request and request.endswith("提交书面报告。")
    unit, date = [t.strip() for t in pkg.texts("Signature")]
    assert unit == f"{data['locality']}人大常委会"
    order = [s for s, _ in paragraphs]
    positions = [order.index(s) for s in ("DocTitle", "Addressee", "BodyText", "BodyTextKeep", "Signature")]
    assert positions == sorted(positions)
    # an issued 文件 (red head) ends with its 版记's 印发 line; a draft has none
    ends = ["Signature", "Signature", "Imprint"] if data.get("letterhead") else ["Signature", "Signature"]
    assert order[-len(ends):] == ends
    assert not {"Note", "Copies"} & set(order)  # no contact note, no copies


def test_signing_date_follows_the_profile_date_style(packages):
    (_, date) = [t.strip() for t in packages["district-first-session"].texts("Signature")]
    assert date == "2024年11月15日"
    (_, date) = [t.strip() for t in packages["county-chinese-date"].texts("Signature")]
    assert date == "二〇二四年十月十二日"


def test_opinion_lead_runs_are_bold_and_the_text_is_not(sample):
    pkg, data, _ = sample
    bold_leads = []
    for p in pkg.document.iter(w("p")):
        runs = p.findall("w:r", NS)
        if len(runs) != 2 or not "".join(t.text or "" for t in runs[0].iter(w("t"))):
            continue
        lead, text = runs
        assert lead.find("w:rPr/w:b", NS) is not None
        assert text.find("w:rPr/w:b", NS) is None
        bold_leads.append("".join(t.text for t in lead.iter(w("t"))))
    assert bold_leads == [f"{NUMERALS[i]}是{o['lead']}。" for i, o in enumerate(data["opinions"])]


def test_draft_without_letterhead_has_no_red_head(packages):
    pkg = packages["district-first-session"]
    styles = [s for s, _ in pkg.paragraphs()]
    assert "IssuerMarkDoc" not in styles and "IssuerMarkDocLong" not in styles
    assert not [c for c in pkg.document.iter(w("color")) if c.get(w("val")) == "FF0000"]
    assert pkg.paragraphs()[0] == ("Normal", "")  # one blank line, then the title


def test_letterhead_prints_the_red_mark_number_and_separator(packages):
    pkg = packages["city-third-session-letterhead"]
    assert pkg.texts("IssuerMarkDoc") == ["江州市人大常委会文件"]
    assert pkg.style_value("IssuerMarkDoc", "w:rPr/w:color", "val") == "FF0000"
    (number_paragraph,) = [p for p in pkg.document.iter(w("p")) if p.find("w:pPr/w:pStyle[@w:val='DocNumberCentered']", NS) is not None]
    assert "".join(t.text for t in number_paragraph.iter(w("t"))) == "江人常〔2025〕3号"
    border = number_paragraph.find("w:pPr/w:pBdr/w:bottom", NS)
    assert (border.get(w("val")), border.get(w("color"))) == ("single", "FF0000")
    assert abs(int(border.get(w("space"))) - 4 / 25.4 * 72) < 1  # 4 mm under the number
    assert pkg.style_value("DocNumberCentered", "w:pPr/w:jc", "val") == "center"


def test_a_long_committee_name_gets_the_smaller_red_mark():
    data = case(letterhead=True, document_number="青人常〔2024〕21号")
    pkg = Package(docgen.render(KIND, data).content)
    assert pkg.texts("IssuerMarkDocLong") == ["江州市青山区人大常委会文件"]
    assert pkg.style_value("IssuerMarkDocLong", "w:rPr/w:sz", "val") == "52"


def test_a_committee_too_wide_to_centre_over_the_date_is_set_flush_right():
    data = case(locality="新疆维吾尔自治区巴音郭楞蒙古自治州和静县", session={"level": "县", "term": 18, "session": 2})
    data["meeting"]["term"] = 18
    pkg = Package(docgen.render(KIND, data).content)
    assert pkg.texts("Signature") == []
    assert pkg.texts("SignatureLong") == ["新疆维吾尔自治区巴音郭楞蒙古自治州和静县人大常委会", "2024年11月15日"]


def test_a_document_number_without_letterhead_is_still_printed():
    pkg = Package(docgen.render(KIND, case(document_number="青人常〔2024〕21号")).content)
    assert pkg.texts("DocNumberPlain") == ["青人常〔2024〕21号"]


def test_user_text_cannot_break_the_document():
    data = case(assessment="<w:p>&amp; {{ 7*7 }} {% if 1 %}\x01“引号”")
    pkg = Package(docgen.render(KIND, data).content)
    assert "会议认为，<w:p>&amp; {{ 7*7 }} {% if 1 %}“引号”" in pkg.texts("BodyText")


def test_properties_carry_title_committee_and_subject():
    props = open_docx(render_sample(KIND, VALID["district-first-session"])).core_properties
    assert props.title == "江州市青山区人大常委会关于区十一届人大一次会议代表建议办理情况的审议意见"
    assert props.author == "江州市青山区人大常委会"
    assert props.subject == "区十一届人大一次会议代表建议办理情况"


# --- the PDF through LibreOffice ------------------------------------------------------------------


@pytest.fixture(scope="module")
def pdfs(pool, tmp_path_factory):
    work = tmp_path_factory.mktemp("review-opinion-pdf")
    out = {}
    for stem, path in VALID.items():
        out[stem] = work / f"{stem}.pdf"
        out[stem].write_bytes(render_pdf_sample(KIND, path, pool))
    return out


@pytest.mark.parametrize("stem", sorted(VALID))
def test_pdf_is_a4_shows_the_text_and_embeds_the_mapped_faces(pdfs, stem):
    reader = PdfReader(pdfs[stem])
    data = load_case(VALID[stem])
    for page in reader.pages:
        assert abs(float(page.mediabox.width) - 595.28) < 1 and abs(float(page.mediabox.height) - 841.89) < 1
    text = squash("".join(page.extract_text() for page in reader.pages))
    for expected in ("审议意见", "会议认为，", "会议指出，", "一是", "根据会议审议情况，提出如下审议意见：",
                     f"一是{data['opinions'][0]['lead']}。", "提交书面报告。", f"{data['locality']}人大常委会"):
        assert squash(expected) in text, expected
    fonts = fonts_of(reader)
    assert all(is_embedded(font) for font in fonts.values()), fonts
    assert {"FandolFang-Regular", "FandolSong-Bold"} <= set(fonts)


def test_pdf_page_one_carries_its_page_number(pdfs):
    reader = PdfReader(pdfs["district-first-session"])
    assert len(reader.pages) >= 2
    assert squash(reader.pages[0].extract_text()).endswith("—1—")
    assert "—2—" in squash(reader.pages[1].extract_text())


def test_pdf_letterhead_shows_the_red_mark(pdfs):
    first = squash(PdfReader(pdfs["city-third-session-letterhead"]).pages[0].extract_text())
    assert first.startswith("江州市人大常委会文件江人常〔2025〕3号")


# --- the faces: API and CLI -----------------------------------------------------------------------


def test_api_renders_a_docx_with_the_chinese_filename(api):
    response = api.post_json(f"/api/v1/documents/{KIND}", BASE)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == DOCX
    disposition = response.headers["Content-Disposition"]
    match = re.search(r"filename\*=UTF-8''([^;\s]+)", disposition)
    assert unquote(match.group(1)) == "江州市青山区人大常委会关于区十一届人大一次会议代表建议办理情况的审议意见.docx"
    assert 'filename="review-opinion.docx"' in disposition
    assert Package(response.data).texts("Addressee") == ["区人民政府："]


def test_api_lists_the_kind(client):
    kinds = {k["name"]: k for k in client.get("/api/v1/kinds").get_json()["kinds"]}
    assert kinds[KIND]["title"] == "审议意见"
    assert "opinions" in kinds[KIND]["schema"]["properties"]


@pytest.mark.parametrize("path, expected", INVALID, ids=[p.stem for p, _ in INVALID])
def test_api_validate_gives_exactly_the_expected_codes(api, path, expected):
    response = api.post_json(f"/api/v1/documents/{KIND}/validate", load_case(path))
    assert response.status_code == 200
    body = response.get_json()
    assert sorted(f["code"] for f in body["findings"]) == expected
    assert body["ok"] == all(code == "opinion.lead_long" for code in expected)
    for f in body["findings"]:
        assert f["message"].startswith(f["path"] + "：")


def test_api_refuses_to_render_an_invalid_case_with_422(api):
    response = api.post_json(f"/api/v1/documents/{KIND}", case(opinions=[]))
    assert response.status_code == 422
    assert [f["code"] for f in response.get_json()["findings"]] == ["opinion.missing"]


def test_cli_validate_exits_0_for_a_valid_case_and_1_for_errors():
    runner = CliRunner()
    valid = VALID["district-first-session"]
    result = runner.invoke(main, ["validate", KIND, str(valid), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"ok": True, "findings": []}
    broken = SAMPLES / KIND / "invalid" / "no-problems.json"
    result = runner.invoke(main, ["validate", KIND, str(broken), "--json"])
    assert result.exit_code == 1
    assert [f["code"] for f in json.loads(result.stdout)["findings"]] == ["problem.missing"]


def test_cli_validate_exits_0_when_there_are_only_warnings():
    warned = SAMPLES / KIND / "invalid" / "opinion-lead-too-long.json"
    result = CliRunner().invoke(main, ["validate", KIND, str(warned), "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["ok"] is True
