"""The reply letter's content rules, one behaviour each, on a base case that passes clean."""


import pytest

import docgen
from docgen.findings import Severity
from docgen.kinds.reply_letter import addressee, body_blocks, copy_recipients, document_title
from docgen.profile import Profile, load_profile

from conftest import KindCases, SAMPLES, load_case

BASE = load_case(SAMPLES / "reply-letter" / "b-suggestion-elevators.json")
ABCD = Profile.model_validate({"result_classes": {"scheme": "ABCD"}})


RULES = KindCases("reply-letter", BASE)
case, findings, codes, only, model = RULES.case, RULES.findings, RULES.codes, RULES.only, RULES.model


def test_base_case_is_clean():
    assert findings(BASE) == []


def test_b_letter_without_any_commitment_is_an_error():
    data = case(points=[{**p, "measures": []} for p in BASE["points"]])
    f = only(data)
    assert (f.code, f.severity, f.path) == ("commitment.missing", Severity.ERROR, "points")
    assert "时限" in f.message


def test_b_commitment_without_deadline_names_the_measure():
    data = case()
    del data["points"][1]["measures"][0]["deadline"]
    f = only(data)
    assert (f.code, f.severity, f.path) == ("commitment.deadline_missing", Severity.ERROR, "points[1].measures[0].deadline")


def test_a_letter_may_state_measures_without_deadlines():
    data = case(result_class="A")
    del data["points"][0]["measures"][0]["deadline"]
    assert findings(data) == []


def test_vague_commitment_wording_is_a_warning():
    data = case()
    data["points"][0]["measures"][0]["content"] = "适时推行加装电梯一窗受理"
    f = only(data)
    assert (f.code, f.severity, f.path) == ("commitment.vague", Severity.WARNING, "points[0].measures[0].content")
    assert "适时" in f.message


def test_commitment_due_before_the_reply_is_a_warning():
    data = case()
    data["points"][0]["measures"][0]["deadline"] = "2024-06-01"
    assert only(data).code == "commitment.deadline_passed"


def test_c_letter_needs_a_reason():
    data = case(result_class="C")
    f = only(data)
    assert (f.code, f.path) == ("reason.missing", "reason")
    assert not docgen.check("reply-letter", case(result_class="C", reason="受规划条件限制，暂不能实施。")).findings


def test_abcd_scheme_requires_dated_commitments_for_c_and_a_reason_for_d():
    data = case(result_class="C")
    del data["points"][0]["measures"][0]["deadline"]
    assert codes(data, ABCD) == ["commitment.deadline_missing"]
    assert codes(case(result_class="D"), ABCD) == ["reason.missing"]


def test_class_letter_must_belong_to_the_configured_scheme():
    f = only(case(result_class="D"))
    assert (f.code, f.path) == ("result_class.unknown", "result_class")
    assert "A/B/C" in f.message
    assert codes(case(result_class="b")) == ["result_class.unknown"]


def test_every_co_handler_opinion_must_be_stated():
    data = case()
    data["co_handlers"][0]["opinion"] = ""
    f = only(data)
    assert (f.code, f.path) == ("co_handler.opinion_missing", "co_handlers[0].opinion")
    assert "江州市财政局" in f.message


def test_lead_unit_cannot_be_its_own_co_handler():
    data = case()
    data["co_handlers"][1]["unit"] = data["handling_unit"]
    assert only(data).code == "co_handler.is_lead"


def test_reply_before_assignment_is_an_error():
    f = only(case(replied_on="2024-03-01"))
    assert (f.code, f.severity) == ("reply_date.before_assignment", Severity.ERROR)


def test_late_reply_is_a_warning_naming_the_days_over():
    f = only(case(replied_on="2024-06-30"))  # assigned 2024-03-20, due 2024-06-20
    assert (f.code, f.severity) == ("reply_date.late", Severity.WARNING)
    assert "10天" in f.message


def test_complex_items_have_six_months():
    assert findings(case(replied_on="2024-09-20", complex=True)) == []
    assert codes(case(replied_on="2024-09-21", complex=True)) == ["reply_date.late"]


def test_reply_deadline_follows_the_profile():
    longer = Profile.model_validate({"deadlines": {"reply_months": 4}})
    assert findings(case(replied_on="2024-07-15"), longer) == []


@pytest.mark.parametrize("number", ["江建复[2024]37号", "江建复〔2024〕037号", "江建复〔2024〕第37号", "江建复〔24〕37号"])
def test_malformed_document_number_is_an_error(number):
    f = only(case(document_number=number))
    assert (f.code, f.path) == ("document_number.format", "document_number")


def test_implausible_phone_is_an_error():
    data = case()
    data["contact"]["phone"] = "110"
    f = only(data)
    assert (f.code, f.path) == ("contact.phone_format", "contact.phone")


@pytest.mark.parametrize("name", ["张海燕代表", "张海燕委员"])
def test_names_must_not_carry_a_title(name):
    f = only(case(lead_author=name))
    assert (f.code, f.path) == ("addressee.suffix", "lead_author")


def test_co_author_titles_are_checked_too():
    assert only(case(co_authors=["李建国", "陈晓明委员"])).path == "co_authors[1]"


def test_item_title_must_match_the_source():
    assert only(case(item_title="关于加快推进既有住宅加装电梯工作的提案")).code == "item_title.source_mismatch"


def test_schema_errors_name_the_field_in_chinese():
    data = case()
    del data["contact"]
    data["assigned_on"] = "3/20/2024"
    found = {f.path: f for f in findings(data)}
    assert found["contact"].code == "schema.missing" and "缺少必填字段" in found["contact"].message
    assert found["assigned_on"].code == "schema.date" and "YYYY-MM-DD" in found["assigned_on"].message


def test_unknown_fields_are_rejected_so_typos_do_not_pass_silently():
    f = only(case(replyDate="2024-06-18"))
    assert (f.code, f.path) == ("schema.unknown_field", "replyDate")


# --- content --------------------------------------------------------------------------


def test_addressee_suffix_follows_the_source():
    assert addressee(model(case())) == "张海燕等代表："
    proposal = case(source="提案", item_title="关于加快推进既有住宅加装电梯工作的提案", co_authors=[])
    assert addressee(model(proposal)) == "张海燕委员："


def test_title_names_session_item_and_source():
    assert document_title(model(case())) == "关于市十五届人大三次会议第123号建议的答复"
    proposal = case(source="提案", item_title="关于x的提案", session={"level": "市", "term": 12, "session": 3})
    assert document_title(model(proposal)) == "关于市政协十二届三次会议第123号提案的答复"


def test_copies_go_to_the_congress_office_government_office_and_co_handlers():
    assert copy_recipients(model(case()), load_profile()) == [
        "市人大常委会代表工作委员会", "市人民政府办公室", "江州市财政局", "江州市规划和自然资源局",
    ]
    proposal = model(case(source="提案", item_title="关于x的提案", co_handlers=[], handler_is_government=False))
    assert copy_recipients(proposal, load_profile()) == ["市政协提案委员会"]


def test_copies_can_be_overridden():
    assert copy_recipients(model(case(copies=["市委办公室"])), load_profile()) == ["市委办公室"]


def test_body_answers_each_point_with_numbered_headings_and_dated_measures():
    blocks = body_blocks(model(case()))
    headings = [b["text"] for b in blocks if b["level"] == 1]
    assert headings == ["一、关于简化加装电梯审批程序", "二、关于破解低层住户意见难统一的问题", "三、会办单位意见"]
    texts = [b["text"] for b in blocks]
    assert "1. 在全市推行加装电梯“一窗受理、并联审查”，将受理窗口延伸至各街道便民服务中心，2024年10月31日前完成。" in texts
    assert any(t.startswith("江州市财政局：") for t in texts)
