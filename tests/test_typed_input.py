"""Telephone numbers and dates as offices type them: accepted (or refused with the accepted
forms named) by the library, the CLI and the HTTP API, and property-tested with hypothesis."""

from __future__ import annotations

import calendar
import copy
import datetime as dt
import json

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import docgen
from docgen.cli import main
from docgen.formatting import parse_date, phone_as_typed, phone_problem

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
NOT_NUMBERS = ["12345", "110", "8705", "1385710123", "0571-0000000", "abcdefg", "电话待定", "0571-87001234、123", "8 7 0 0 1 2 3 4"]

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


# --- dates --------------------------------------------------------------------------------------

DATE_STYLES = {
    "iso": lambda d: d.isoformat(),
    "hyphen": lambda d: f"{d.year}-{d.month}-{d.day}",
    "slash": lambda d: f"{d.year}/{d.month}/{d.day}",
    "slash padded": lambda d: f"{d.year}/{d.month:02}/{d.day:02}",
    "dot": lambda d: f"{d.year}.{d.month}.{d.day}",
    "chinese": lambda d: f"{d.year}年{d.month}月{d.day}日",
    "chinese padded": lambda d: f"{d.year}年{d.month:02}月{d.day:02}日",
}
TYPED_DATES = {  # 2024-03-20 as offices type it
    "iso": "2024-03-20",
    "slash": "2024/3/20",
    "dot": "2024.3.20",
    "chinese": "2024年3月20日",
    "full-width chinese": "２０２４年３月２０日",
    "full-width slash": "２０２４／３／２０",
}
case_dates = st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2199, 12, 31))


@pytest.mark.parametrize("style", sorted(DATE_STYLES))
@given(day=case_dates, full_width=st.booleans())
def test_every_date_style_reads_as_the_date_typed(style, day, full_width):
    text = DATE_STYLES[style](day)
    assert parse_date(text.translate(FULL_WIDTH) if full_width else text) == day


@given(
    year=st.integers(1950, 2199), month=st.integers(1, 12), over=st.integers(1, 40),
    style=st.sampled_from(["{y}-{m:02}-{d:02}", "{y}/{m}/{d}", "{y}.{m}.{d}", "{y}年{m}月{d}日"]),
)
def test_a_day_past_the_end_of_its_month_says_there_is_no_such_day(year, month, over, style):
    last = calendar.monthrange(year, month)[1]
    day = last + over if last + over < 100 else 99
    with pytest.raises(ValueError, match=f"没有这一天，{year}年{month}月只有{last}天"):
        parse_date(style.format(y=year, m=month, d=day))


@given(year=st.integers(1950, 2199), month=st.integers(13, 99), day=st.integers(1, 28))
def test_a_month_past_twelve_is_named(year, month, day):
    with pytest.raises(ValueError, match=f"没有{month}月"):
        parse_date(f"{year}-{month}-{day}")


@given(case_dates, st.sampled_from(["{m}/{d}/{y}", "{d}.{m}.{y}", "{y}-{m}/{d}", "{y}{m:02}{d:02}", "{m}月{d}日", "{y}年{m}月"]))
def test_other_orders_and_mixed_separators_are_refused_naming_the_accepted_forms(day, form):
    with pytest.raises(ValueError, match="YYYY-MM-DD.*2024/3/20.*2024.3.20.*2024年3月20日"):
        parse_date(form.format(y=day.year, m=day.month, d=day.day))


def case_with_dates(assigned_on: str, issued_on: str) -> dict:
    data = copy.deepcopy(BASE)
    data.update(assigned_on=assigned_on, issued_on=issued_on)
    return data


@pytest.mark.parametrize("style", sorted(TYPED_DATES))
def test_library_reads_each_date_style(style):
    data = case_with_dates(TYPED_DATES[style], "2024-04-16")
    data["points"][0]["measures"][0]["deadline"] = TYPED_DATES[style].replace("3", "6", 1).replace("２０２４", "２０２５")
    assert docgen.check(KIND, data).findings == []
    model = docgen.get_kind(KIND).parse(data)
    assert model.assigned_on == dt.date(2024, 3, 20)


def test_an_impossible_date_names_the_field_and_says_no_such_day():
    f = only_finding(case_with_dates("2024-03-20", "2026-02-30"))
    assert (f.code, f.path) == ("schema.date", "issued_on")
    assert "没有这一天" in f.message and "2026年2月只有28天" in f.message and "格式" not in f.message


def test_a_date_in_another_order_says_which_forms_are_accepted():
    f = only_finding(case_with_dates("03/20/2024", "2024-04-16"))
    assert (f.code, f.path) == ("schema.date", "assigned_on")
    assert "2024年3月20日" in f.message and "2024/3/20" in f.message


def test_the_schema_still_offers_a_date_picker():
    schema = docgen.get_kind(KIND).json_schema()
    assert schema["properties"]["assigned_on"]["format"] == "date"


# --- the CLI and the HTTP API --------------------------------------------------------------------

FACE_CASES = [pytest.param(case_with_phone(p), id=f"phone {p}") for p in TYPED_PHONES] + [
    pytest.param(case_with_dates(d, "2024/4/16"), id=f"date {style}") for style, d in TYPED_DATES.items()
]


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


def test_cli_refuses_an_impossible_date_with_exit_1_and_no_file(tmp_path):
    target = tmp_path / "opinion.docx"
    data = case_with_dates("2024-03-20", "2024-04-31")
    result = cli("render", KIND, "-", "-o", str(target), input=json.dumps(data, ensure_ascii=False))
    assert result.exit_code == 1
    assert "issued_on" in result.stderr and "没有这一天" in result.stderr
    assert not target.exists()


@pytest.mark.parametrize("data", FACE_CASES)
def test_api_validates_each_typed_form(api, data):
    response = api.post_json(f"/api/v1/documents/{KIND}/validate", data)
    assert response.status_code == 200
    assert response.get_json() == {"ok": True, "findings": []}


def test_api_renders_with_typed_dates_and_numbers(api):
    data = case_with_dates("2024年3月20日", "２０２４.４.１６")
    data["contact"]["phone"] = "0571－87056123转8021"
    response = api.post_json(f"/api/v1/documents/{KIND}", data)
    assert response.status_code == 200, response.get_data(as_text=True)
    texts = [p.text for p in open_docx(response.data).paragraphs]
    assert "（联系人：许文杰，联系电话：0571－87056123转8021）" in texts
    assert any(t.strip() == "2024年4月16日" for t in texts)


def test_api_refuses_an_impossible_date_with_422_naming_the_field(api):
    response = api.post_json(f"/api/v1/documents/{KIND}", case_with_dates("2024-02-30", "2024-04-16"))
    assert response.status_code == 422
    body = response.get_json()
    assert body["code"] == "invalid_case"
    assert [(f["code"], f["path"]) for f in body["findings"]] == [("schema.date", "assigned_on")]
    assert "没有这一天" in body["findings"][0]["message"]


def test_api_refuses_a_non_number_naming_the_accepted_forms(api):
    response = api.post_json(f"/api/v1/documents/{KIND}/validate", case_with_phone("12345"))
    findings = response.get_json()["findings"]
    assert [(f["code"], f["path"]) for f in findings] == [("contact.phone_format", "contact.phone")]
    assert "带区号的固定电话" in findings[0]["message"]
