"""Telephone numbers as offices type them: accepted (or refused with the accepted forms named)
by the library, the CLI and the HTTP API, and property-tested with hypothesis."""

from __future__ import annotations

import copy
import json

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import docgen
from docgen.cli import main
from docgen.formatting import phone_as_typed, phone_problem
from docgen.web import create_app

from conftest import SAMPLES, load_case, open_docx

KIND = "co-handling-opinion"
BASE = load_case(SAMPLES / KIND / "suggestion-elevator-subsidy.json")
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")

# --- telephone numbers --------------------------------------------------------------------------

# Forms the issue lists, each as a clerk types it.
TYPED_PHONES = [
    "（0571）87001234",
    "(0571)87001234",
    "0571－87001234",
    "0571-87001234转8021",
    "0571-87001234-8021",
    "0571-87001234 ext 8021",
    "0571 8700 1234",
    "87001234",
    "13857101234",
    "+86 13857101234",
    "+86 138 5710 1234",
    "+8613857101234",
    "0571-87001234、13857101234",
    "0571-87001234，13857101234",
    "0571-87001234 13857101234",
    "010-65123456/010-65123457",
    "０５７１－８７００１２３４",
]
NOT_NUMBERS = ["12345", "110", "8705", "1385710123", "0571-0000000", "abcdefg", "电话待定", "0571-87001234、123"]

MOBILE_PREFIXES = ["130", "135", "137", "138", "139", "150", "151", "158", "159", "177", "180", "186", "187", "188", "189", "199"]
# Area codes of cities whose fixed lines have eight digits.
AREA_CODES = ["010", "020", "021", "022", "023", "024", "025", "027", "028", "029", "0571", "0755", "0512", "0532"]
SEPARATORS = ["、", "，", ",", ";", "；", "／", "/", " "]
digits = st.text("0123456789", min_size=1, max_size=1)


@st.composite
def mobiles(draw) -> str:
    number = draw(st.sampled_from(MOBILE_PREFIXES)) + "".join(draw(st.lists(digits, min_size=8, max_size=8)))
    form = draw(st.sampled_from(["{n}", "+86{n}", "+86 {n}", "{a} {b} {c}", "+86 {a} {b} {c}", "+86-{n}"]))
    return form.format(n=number, a=number[:3], b=number[3:7], c=number[7:])


@st.composite
def fixed_lines(draw) -> str:
    area = draw(st.sampled_from(AREA_CODES))
    # Lines starting 800 are left out: libphonenumber keeps some of them for 800 toll-free numbers.
    line = draw(st.sampled_from("234567")) + "".join(draw(st.lists(digits, min_size=7, max_size=7)))
    form = draw(st.sampled_from(
        ["{a}-{n}", "({a}){n}", "（{a}）{n}", "{a}－{n}", "{a} {n}", "{a}{n}", "{a}—{n}", "+86 {b} {n}", "{n}"]
    ))
    text = form.format(a=area, b=area[1:], n=line)
    extension = "".join(draw(st.lists(digits, min_size=1, max_size=5)))
    suffix = draw(st.sampled_from(["", "转{e}", "-{e}", " ext {e}", "分机{e}", "x{e}"]))
    return text + suffix.format(e=extension)


@st.composite
def typed_phones(draw) -> str:
    numbers = draw(st.lists(st.one_of(mobiles(), fixed_lines()), min_size=1, max_size=3))
    joined = numbers[0]
    for number in numbers[1:]:
        joined += draw(st.sampled_from(SEPARATORS)) + number
    return joined.translate(FULL_WIDTH) if draw(st.booleans()) else joined


@given(typed_phones())
def test_any_common_written_form_of_one_or_more_numbers_is_accepted(phone):
    assert phone_problem(phone) is None


@given(typed_phones())
def test_numbers_print_as_typed_with_only_full_width_digits_made_half_width(phone):
    shown = phone_as_typed(phone)
    assert len(shown) == len(phone)
    for typed, printed in zip(phone, shown):
        assert printed == typed or ("０" <= typed <= "９" and printed == chr(ord(typed) - 0xFEE0))
    assert not any("０" <= ch <= "９" for ch in shown)


@given(st.text("0123456789", min_size=1, max_size=6))
def test_too_few_digits_are_never_a_number(short):
    problem = phone_problem(short)
    assert problem is not None and "11位手机号" in problem and "转8021" in problem


@given(st.sampled_from(MOBILE_PREFIXES), st.text("0123456789", min_size=7, max_size=7))
def test_a_mobile_number_missing_a_digit_is_refused(prefix, rest):
    assert phone_problem(prefix + rest) is not None


@given(typed_phones(), st.sampled_from(["无", "待定", "abc", "123"]))
def test_one_bad_number_among_good_ones_is_named(phone, bad):
    problem = phone_problem(f"{phone}、{bad}")
    assert problem is not None and f"其中“{bad}”" in problem


@pytest.mark.parametrize("phone", NOT_NUMBERS)
def test_what_cannot_be_a_number_is_refused_with_the_accepted_forms(phone):
    f = only_finding(case_with_phone(phone))
    assert (f.code, f.path) == ("contact.phone_format", "contact.phone")
    assert "联系电话" in f.message and "0571-87001234" in f.message and "“、”分隔" in f.message


def case_with_phone(phone: str) -> dict:
    data = copy.deepcopy(BASE)
    data["contact"]["phone"] = phone
    return data


def only_finding(data: dict):
    found = docgen.check(KIND, data).findings
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("phone", TYPED_PHONES)
def test_library_accepts_and_prints_the_number_as_typed(phone):
    data = case_with_phone(phone)
    assert docgen.check(KIND, data).findings == []
    document = open_docx(docgen.render(KIND, data).content)
    notes = [p.text for p in document.paragraphs if "联系电话" in p.text]
    assert notes == [f"（联系人：许文杰，联系电话：{phone_as_typed(phone)}）"]


def test_full_width_digits_print_half_width_and_everything_else_as_typed():
    assert phone_as_typed("（０５７１）８７００１２３４转８０２１") == "（0571）87001234转8021"


def test_survey_form_return_phone_takes_the_same_forms():
    data = load_case(SAMPLES / "survey-form" / "b-suggestion-elevators.json")
    data["return_to"]["phone"] = "（0571）８７０５６１２３转8021"
    assert docgen.check("survey-form", data).findings == []
    notes = [p.text for p in open_docx(docgen.render("survey-form", data).content).paragraphs if "电话" in p.text]
    assert len(notes) == 1 and "电话：（0571）87056123转8021）" in notes[0]


# --- the CLI and the HTTP API --------------------------------------------------------------------

FACE_CASES = [pytest.param(case_with_phone(p), id=f"phone {p}") for p in TYPED_PHONES]


def cli(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


@pytest.mark.parametrize("data", FACE_CASES)
def test_cli_validates_each_typed_form(data):
    result = cli("validate", KIND, "-", "--json", input=json.dumps(data, ensure_ascii=False))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["ok"] is True


def test_cli_renders_the_number_as_typed(tmp_path):
    target = tmp_path / "opinion.docx"
    data = case_with_phone("（0571）８７０５６１２３转8021、13857101234")
    result = cli("render", KIND, "-", "-o", str(target), input=json.dumps(data, ensure_ascii=False))
    assert result.exit_code == 0, result.output
    notes = [p.text for p in open_docx(target.read_bytes()).paragraphs if "联系电话" in p.text]
    assert notes == ["（联系人：许文杰，联系电话：（0571）87056123转8021、13857101234）"]


@pytest.fixture
def client():
    return create_app({"TESTING": True}).test_client()


def post(client, url: str, data: dict):
    return client.post(url, data=json.dumps(data, ensure_ascii=False).encode("utf-8"), content_type="application/json")


@pytest.mark.parametrize("data", FACE_CASES)
def test_api_validates_each_typed_form(client, data):
    response = post(client, f"/api/v1/documents/{KIND}/validate", data)
    assert response.status_code == 200
    assert response.get_json() == {"ok": True, "findings": []}


def test_api_refuses_a_non_number_naming_the_accepted_forms(client):
    response = post(client, f"/api/v1/documents/{KIND}/validate", case_with_phone("12345"))
    findings = response.get_json()["findings"]
    assert [(f["code"], f["path"]) for f in findings] == [("contact.phone_format", "contact.phone")]
    assert "带区号的固定电话" in findings[0]["message"]
