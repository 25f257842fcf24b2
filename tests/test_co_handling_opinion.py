"""会办意见 (co-handling opinion): its rules, the .docx layout, the PDF through LibreOffice,
and the HTTP and command-line faces."""

from __future__ import annotations

import io
import json
import re
from urllib.parse import unquote

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

import docgen
from docgen.cli import main
from docgen.findings import Severity
from docgen.kinds.co_handling_opinion import body_blocks, closing_line, courtesy_name, document_title
from docgen.profile import Profile

from conftest import KindCases, invalid_samples, load_case, open_docx, render_pdf_sample, render_sample, sample_profile, valid_samples
from docfacts import NS, Package, fonts_of, is_embedded, red_double_rules, squash, w

KIND = "co-handling-opinion"
VALID = {p.stem: p for p in valid_samples(KIND)}
INVALID = invalid_samples(KIND)
ELEVATOR = VALID["suggestion-elevator-subsidy"]  # 市 建议 No. 123, 江州市财政局 to the housing bureau
CANTEENS = VALID["proposal-elderly-canteens-food-safety"]  # 县 提案, two-month profile, signer
SHELTER = VALID["suggestion-bus-shelter-lighting"]  # 区 建议, letterhead off, copies
STREET_LAMPS = VALID["suggestion-old-town-street-lamps"]  # co-authors; dates and phones as offices type them
BASE = load_case(ELEVATOR)
WARNINGS_ONLY = {"opinion-late.json", "vague-commitment.json", "commitment-already-due.json"}


RULES = KindCases(KIND, BASE)
case, findings, only, model = RULES.case, RULES.findings, RULES.only, RULES.model


def assert_finding(data, code, severity, path, profile=None):
    f = only(data, profile)
    assert (f.code, f.severity, f.path) == (code, severity, path)
    assert f.message.startswith(f"{path}：")
    return f


def cn_date(typed: str) -> str:
    """2024年7月1日 for a date typed as 2024-07-01, 2024/7/1, 2024.7.1 or 2024年7月1日."""
    y, m, d = (int(x) for x in re.findall(r"\d+", typed))
    return f"{y}年{m}月{d}日"


# --- rules --------------------------------------------------------------------------------


def test_base_case_is_clean():
    assert findings(BASE) == []


def test_opinion_on_the_last_day_of_the_month_is_on_time():
    assert findings(case(issued_on="2024-04-20")) == []  # assigned 2024-03-20


def test_late_opinion_is_a_warning_naming_the_days_over():
    f = assert_finding(case(issued_on="2024-04-30"), "opinion_date.late", Severity.WARNING, "issued_on")
    assert "10天" in f.message and "2024年4月20日" in f.message


def test_co_handling_period_follows_the_profile():
    two_months = Profile.model_validate({"deadlines": {"co_handling_months": 2}})
    assert findings(case(issued_on="2024-05-20"), two_months) == []
    f = assert_finding(case(issued_on="2024-05-21"), "opinion_date.late", Severity.WARNING, "issued_on", two_months)
    assert "1天" in f.message and "2个月" in f.message


def test_county_sample_relies_on_its_two_month_profile():
    assert [f.code for f in findings(load_case(CANTEENS))] == ["opinion_date.late"]
    assert findings(load_case(CANTEENS), sample_profile(CANTEENS)) == []


def test_opinion_dated_before_assignment_is_an_error():
    assert_finding(case(issued_on="2024-03-19"), "opinion_date.before_assignment", Severity.ERROR, "issued_on")


@pytest.mark.parametrize("unit", ["张海燕代表", "张海燕等代表", "李明委员"])
def test_addressee_with_a_deputy_or_member_title_is_an_error(unit):
    assert_finding(case(lead_unit=unit), "addressee.is_author", Severity.ERROR, "lead_unit")


def test_addressee_that_is_the_lead_authors_name_is_an_error():
    f = assert_finding(case(lead_unit="张海燕"), "addressee.is_author", Severity.ERROR, "lead_unit")
    assert "主办单位" in f.message


def test_addressee_that_is_a_co_authors_name_is_an_error():
    f = assert_finding(case(co_authors=["李强"], lead_unit="李强"), "addressee.is_author", Severity.ERROR, "lead_unit")
    assert "主办单位" in f.message


def test_addressee_that_is_the_co_handling_unit_itself_is_an_error():
    f = assert_finding(case(lead_unit="江州市财政局"), "addressee.is_co_handler", Severity.ERROR, "lead_unit")
    assert "江州市财政局" in f.message


def test_lead_unit_named_committee_is_not_mistaken_for_a_member():
    assert findings(case(lead_unit="江州市发展和改革委员会")) == []


def test_every_commitment_needs_a_deadline():
    data = case()
    del data["points"][1]["measures"][0]["deadline"]
    assert_finding(data, "commitment.deadline_missing", Severity.ERROR, "points[1].measures[0].deadline")


def test_a_point_may_state_an_opinion_without_commitments():
    data = case()
    data["points"][1]["measures"] = []
    assert findings(data) == []


def test_vague_commitment_wording_is_a_warning():
    data = case()
    data["points"][0]["measures"][1]["content"] = "适时拨付第一批补助资金"
    f = assert_finding(data, "commitment.vague", Severity.WARNING, "points[0].measures[1].content")
    assert "适时" in f.message


def test_commitment_due_before_the_opinion_is_a_warning():
    data = case()
    data["points"][0]["measures"][0]["deadline"] = "2024-04-01"
    assert_finding(data, "commitment.deadline_passed", Severity.WARNING, "points[0].measures[0].deadline")


@pytest.mark.parametrize("number", ["江财函[2024]46号", "江财函〔2024〕046号", "江财函〔2024〕第46号", "江财函〔24〕46号"])
def test_malformed_document_number_is_an_error(number):
    assert_finding(case(document_number=number), "document_number.format", Severity.ERROR, "document_number")


def test_document_number_is_optional():
    data = case()
    del data["document_number"]
    assert findings(data) == []


def test_implausible_phone_is_an_error():
    data = case()
    data["contact"]["phone"] = "8705"
    assert_finding(data, "contact.phone_format", Severity.ERROR, "contact.phone")


@pytest.mark.parametrize("name", ["张海燕代表", "张海燕委员"])
def test_lead_author_is_a_bare_name(name):
    assert_finding(case(lead_author=name), "addressee.suffix", Severity.ERROR, "lead_author")


@pytest.mark.parametrize("name", ["李强代表", "李强委员"])
def test_co_authors_are_bare_names(name):
    assert_finding(case(co_authors=["王芳", name]), "addressee.suffix", Severity.ERROR, "co_authors[1]")


def test_item_title_must_match_the_source():
    data = case(item_title="关于加快推进既有住宅加装电梯工作的提案")
    assert_finding(data, "item_title.source_mismatch", Severity.ERROR, "item_title")


def test_at_least_one_point_is_required():
    assert_finding(case(points=[]), "schema.too_few", Severity.ERROR, "points")


def test_unknown_fields_are_rejected():
    assert_finding(case(leadUnit="江州市住房和城乡建设局"), "schema.unknown_field", Severity.ERROR, "leadUnit")


def test_every_schema_field_has_a_chinese_title():
    schema = docgen.get_kind(KIND).json_schema()
    for model in [schema, *schema["$defs"].values()]:
        for name, prop in model["properties"].items():
            if "$ref" in prop and "title" not in prop:  # pydantic leaves the title on the referenced model
                prop = schema["$defs"][prop["$ref"].rsplit("/", 1)[-1]]
            assert re.search(r"[\u4e00-\u9fff]", prop.get("title", "")), name


# --- content -------------------------------------------------------------------------------


def test_title_names_session_item_and_source():
    assert document_title(model(BASE)) == "关于市十五届人大三次会议第123号建议的会办意见"
    assert document_title(model(load_case(CANTEENS))) == "关于县政协十届四次会议第31号提案的会办意见"


@pytest.mark.parametrize(
    "unit, polite",
    [("江州市住房和城乡建设局", "贵局"), ("江州市发展和改革委员会", "贵委"), ("江州市人民政府办公室", "贵办"), ("江州市供电公司", "贵单位")],
)
def test_lead_unit_is_named_politely_by_the_end_of_its_name(unit, polite):
    assert courtesy_name(unit) == polite


def test_body_states_the_work_done_then_each_point_with_dated_commitments():
    blocks = body_blocks(model(BASE))
    assert blocks[0]["text"].startswith("张海燕代表在市十五届人大三次会议期间提出的《关于加快推进既有住宅加装电梯工作的建议》（第123号）")
    assert "由贵局主办、我局会办" in blocks[0]["text"]
    headings = [b["text"] for b in blocks if b["level"] == 1]
    assert headings == ["一、工作开展情况", "二、关于提高加装电梯财政补助标准", "三、关于简化补助资金申领手续"]
    texts = [b["text"] for b in blocks]
    assert "2. 对已通过联合审查并完成竣工验收的项目，拨付第一批补助资金，2024年9月30日前完成。" in texts


def test_co_authors_make_the_deputies_zhang_and_others():
    data = case(co_authors=["李强", "王芳"])
    assert findings(data) == []
    blocks = body_blocks(model(data))
    assert blocks[0]["text"].startswith("张海燕等代表在市十五届人大三次会议期间提出的")
    assert closing_line(model(data)) == "以上意见，请贵局在答复张海燕等代表时一并说明。"
    proposal = load_case(CANTEENS) | {"co_authors": ["周敏"]}
    assert "郑玉梅等委员" in closing_line(model(proposal))


def test_closing_asks_the_lead_unit_to_include_the_opinion_in_its_reply():
    assert closing_line(model(BASE)) == "以上意见，请贵局在答复张海燕代表时一并说明。"
    assert "郑玉梅委员" in closing_line(model(load_case(CANTEENS)))


# --- the .docx --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def packages() -> dict[str, Package]:
    return {stem: Package(render_sample(KIND, path)) for stem, path in VALID.items()}


@pytest.fixture(params=sorted(VALID))
def sample(request, packages):
    return packages[request.param], load_case(VALID[request.param])


def test_document_properties_name_the_language():
    assert open_docx(render_sample(KIND, ELEVATOR)).core_properties.language == "zh-CN"


def test_page_numbers_odd_right_even_left_none_on_page_one(sample):
    pkg, _ = sample
    assert pkg.settings.find("w:evenAndOddHeaders", NS) is not None
    assert pkg.sect.find("w:titlePg", NS) is not None
    for kind, style, side in (("default", "PageNumberOdd", "right"), ("even", "PageNumberEven", "left")):
        footer = pkg.part_for("footer", kind)
        assert "".join(i.text for i in footer.iter(w("instrText"))).strip() == "PAGE"
        assert pkg.paragraphs(footer) == [(style, "— 1 —")]
        assert pkg.style_value(style, "w:pPr/w:jc", "val") == side
    assert not list(pkg.part_for("footer", "first").iter(w("instrText")))


def test_there_is_no_class_mark(sample):
    pkg, _ = sample
    header = pkg.part_for("header", "first")
    assert pkg.paragraphs(header)[0] == ("ClassMark", "")


def test_red_letterhead_names_the_co_handling_unit_when_on(packages):
    pkg = packages[ELEVATOR.stem]
    header = pkg.part_for("header", "first")
    assert ("IssuerMark", "江州市财政局") in pkg.paragraphs(header)
    assert pkg.style_value("IssuerMark", "w:rPr/w:color", "val") == "FF0000"
    assert len(red_double_rules(header)) == 1
    assert len(red_double_rules(pkg.part_for("footer", "first"))) == 1
    assert ("DocNumber", "江财函〔2024〕46号") in pkg.paragraphs(header)


def test_letterhead_is_absent_when_off(packages):
    pkg = packages[SHELTER.stem]  # "letterhead": false
    header = pkg.part_for("header", "first")
    styles = [s for s, _ in pkg.paragraphs(header)]
    assert "IssuerMark" not in styles and "IssuerMarkBlank" in styles
    assert "综合行政执法局" not in "".join(t for _, t in pkg.paragraphs(header))
    assert red_double_rules(header) == [] and red_double_rules(pkg.part_for("footer", "first")) == []


def test_signer_stands_beside_the_document_number(packages):
    pkg = packages[CANTEENS.stem]
    assert ("DocNumberWithSigner", "安市监函〔2024〕9号签发人：陈国平") in pkg.paragraphs(pkg.part_for("header", "first"))


def test_required_parts_are_present_in_order(sample):
    pkg, data = sample
    texts = [t for _, t in pkg.paragraphs() if t]
    suffix = "代表" if data["source"] == "建议" else "委员"
    authors = f"{data['lead_author']}{'等' if data.get('co_authors') else ''}{suffix}"

    assert "".join(pkg.texts("DocTitle")) == document_title(model(data))
    assert pkg.texts("Addressee") == [f"{data['lead_unit']}："]
    opening = pkg.texts("BodyText")[0]
    assert opening.startswith(f"{authors}在") and f"《{data['item_title']}》" in opening

    headings = pkg.texts("Heading1Gw")
    assert headings[0] == "一、工作开展情况"
    assert [h.split("、", 1)[1] for h in headings[1:]] == [p["topic"] for p in data["points"]]
    assert data["work_done"].splitlines()[0] in texts
    commitments = []
    for point in data["points"]:
        for m in point.get("measures", []):
            line = next(t for t in texts if m["content"][:10] in t)
            assert line.endswith(f"，{cn_date(m['deadline'])}前完成。")
            commitments.append(line)

    closing = pkg.texts("BodyTextKeep")[-1]  # lines introducing a list are kept with it too
    assert f"答复{authors}" in closing
    unit, date = [t.strip() for t in pkg.texts("Signature")]
    assert (unit, date) == (data["co_handling_unit"], cn_date(data["issued_on"]))
    notes = pkg.texts("Note")
    assert notes[-1] == f"（联系人：{data['contact']['name']}，联系电话：{data['contact']['phone']}）"
    assert not any("此件" in n for n in notes)
    copies = pkg.texts("Copies")
    assert copies == ([f"抄送：{'，'.join(data['copies'])}。"] if data.get("copies") else [])

    order = [pkg.texts("DocTitle")[0], pkg.texts("Addressee")[0], opening, headings[0], *commitments, closing, unit, notes[-1]]
    positions = [next(i for i, t in enumerate(texts) if t.strip() == x) for x in order]
    assert positions == sorted(positions)


def test_document_properties_name_the_opinion_and_its_unit():
    props = open_docx(render_sample(KIND, ELEVATOR)).core_properties
    assert props.title == "关于市十五届人大三次会议第123号建议的会办意见"
    assert props.author == "江州市财政局"
    assert props.subject == "市十五届人大三次会议第123号建议"


def test_no_template_tags_are_left(sample):
    pkg, _ = sample
    for name in pkg.zip.namelist():
        if name.endswith(".xml"):
            text = pkg.zip.read(name).decode("utf-8")
            assert "{{" not in text and "{%" not in text, name


# --- the PDF through LibreOffice ----------------------------------------------------------------


@pytest.fixture(scope="module")
def pdfs(pool) -> dict[str, PdfReader]:
    return {stem: PdfReader(io.BytesIO(render_pdf_sample(KIND, path, pool))) for stem, path in VALID.items()}


@pytest.mark.parametrize("stem", sorted(VALID))
def test_pdf_is_a4_shows_the_text_and_embeds_the_mapped_faces(pdfs, stem):
    reader, data = pdfs[stem], load_case(VALID[stem])
    for page in reader.pages:
        assert abs(float(page.mediabox.width) - 595.28) < 1 and abs(float(page.mediabox.height) - 841.89) < 1
    text = squash("".join(page.extract_text() for page in reader.pages))
    for expected in (f"第{data['item_number']}号{data['source']}的会办意见", f"{data['lead_unit']}：", data["item_title"],
                     data["co_handling_unit"], data["contact"]["phone"], "前完成", cn_date(data["issued_on"])):
        assert squash(expected) in text, expected
    fonts = fonts_of(reader)
    assert {"FandolFang-Regular", "FandolSong-Bold"} <= set(fonts)
    for name, font in fonts.items():
        assert is_embedded(font), name


def test_pdf_has_no_page_number_on_page_one_and_one_on_page_two(pdfs):
    reader = pdfs[ELEVATOR.stem]
    assert len(reader.pages) >= 2
    assert "—1—" not in squash(reader.pages[0].extract_text())
    assert "—2—" in squash(reader.pages[1].extract_text())


# --- the HTTP API ----------------------------------------------------------------------------------


def test_api_renders_a_docx_named_after_the_item(api):
    response = api.post_json(f"/api/v1/documents/{KIND}", BASE)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    match = re.search(r"filename\*=UTF-8''([^;\s]+)", response.headers["Content-Disposition"])
    assert unquote(match.group(1)) == "关于市十五届人大三次会议第123号建议的会办意见.docx"
    assert 'filename="co-handling-opinion.docx"' in response.headers["Content-Disposition"]
    assert open_docx(response.data).paragraphs


def test_api_renders_co_authors_as_the_lead_author_and_others(api):
    response = api.post_json(f"/api/v1/documents/{KIND}", load_case(STREET_LAMPS))
    assert response.status_code == 200, response.get_data(as_text=True)
    texts = [p.text for p in open_docx(response.data).paragraphs]
    assert any(t.startswith("李建国等代表在区十一届人大二次会议期间提出的") for t in texts)
    assert "以上意见，请贵局在答复李建国等代表时一并说明。" in texts


def test_api_describes_the_kind(client):
    body = client.get(f"/api/v1/kinds/{KIND}").get_json()
    assert (body["name"], body["title"]) == (KIND, "会办意见")
    assert {"lead_unit", "co_handling_unit", "issued_on", "points"} <= set(body["schema"]["required"])


@pytest.mark.parametrize("path, codes", INVALID, ids=lambda v: getattr(v, "stem", ""))
def test_api_validate_gives_exactly_the_expected_codes(api, path, codes):
    response = api.for_sample(path).post_json(f"/api/v1/documents/{KIND}/validate", load_case(path))
    assert response.status_code == 200
    body = response.get_json()
    assert sorted(f["code"] for f in body["findings"]) == codes
    assert body["ok"] is (path.name in WARNINGS_ONLY)


def test_api_refuses_to_render_a_case_with_errors(api):
    response = api.post_json(f"/api/v1/documents/{KIND}", case(lead_unit="张海燕代表"))
    assert response.status_code == 422
    assert [f["code"] for f in response.get_json()["findings"]] == ["addressee.is_author"]


def test_api_renders_a_late_opinion_and_names_the_warning(api):
    response = api.post_json(f"/api/v1/documents/{KIND}", case(issued_on="2024-04-30"))
    assert response.status_code == 200
    assert response.headers["X-Docgen-Warnings"] == "opinion_date.late"


# --- the CLI ------------------------------------------------------------------------------------------


def run_validate(path):
    sidecar = path.with_suffix(".toml")
    config = ["--config", str(sidecar)] if sidecar.exists() else []
    return CliRunner().invoke(main, [*config, "validate", KIND, str(path), "--json"], catch_exceptions=False)


@pytest.mark.parametrize("path", list(VALID.values()), ids=lambda p: p.stem)
def test_cli_validate_exits_0_on_a_valid_case(path):
    result = run_validate(path)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"ok": True, "findings": []}


@pytest.mark.parametrize("path, codes", INVALID, ids=lambda v: getattr(v, "stem", ""))
def test_cli_validate_exits_1_on_errors_and_0_on_warnings_only(path, codes):
    result = run_validate(path)
    assert sorted(f["code"] for f in json.loads(result.stdout)["findings"]) == codes
    assert result.exit_code == (0 if path.name in WARNINGS_ONLY else 1)


def test_cli_lists_the_kind():
    result = CliRunner().invoke(main, ["kinds"])
    assert f"{KIND}\t会办意见\t" in result.stdout


def test_cli_renders_co_authors_as_the_lead_author_and_others(tmp_path):
    target = tmp_path / "opinion.docx"
    result = CliRunner().invoke(main, ["render", KIND, str(STREET_LAMPS), "-o", str(target)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    texts = [p.text for p in open_docx(target.read_bytes()).paragraphs]
    assert "以上意见，请贵局在答复李建国等代表时一并说明。" in texts
    assert "（联系人：孙丽萍，联系电话：（0571）86012345转8021、13857101234）" in texts
