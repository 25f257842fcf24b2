import datetime as dt

import pytest

from docgen.formatting import (
    add_months,
    chinese_number,
    document_number_problem,
    format_date,
    half_width_length,
    ordinal_heading,
    parse_document_number,
    phone_problem,
    title_lines,
)


@pytest.mark.parametrize(
    "n, text",
    [(1, "一"), (10, "十"), (11, "十一"), (20, "二十"), (21, "二十一"), (100, "一百"), (105, "一百零五"),
     (110, "一百一十"), (1001, "一千零一"), (2024, "二千零二十四")],
)
def test_chinese_number_counts_in_chinese_numerals(n, text):
    assert chinese_number(n) == text


def test_chinese_number_rejects_out_of_range():
    with pytest.raises(ValueError):
        chinese_number(10000)


def test_dates_have_full_year_and_no_leading_zeros():
    assert format_date(dt.date(2024, 7, 1)) == "2024年7月1日"
    assert format_date(dt.date(2022, 11, 15)) == "2022年11月15日"


def test_dates_in_chinese_numerals_for_units_that_still_use_them():
    assert format_date(dt.date(2022, 11, 15), "chinese") == "二〇二二年十一月十五日"
    assert format_date(dt.date(2024, 7, 1), "chinese") == "二〇二四年七月一日"


def test_heading_numbering_follows_the_four_levels():
    assert [ordinal_heading(3, level) for level in (1, 2, 3, 4)] == ["三、", "（三）", "3.", "（3）"]


@pytest.mark.parametrize("number", ["江建复〔2024〕12号", "杭政办函〔2023〕1号", "X建复〔2024〕120号"])
def test_well_formed_document_numbers_pass(number):
    assert document_number_problem(number) is None
    assert str(parse_document_number(number)) == number


@pytest.mark.parametrize(
    "number, why",
    [
        ("江建复[2024]12号", "六角括号"),
        ("江建复【2024】12号", "六角括号"),
        ("江建复(2024)12号", "六角括号"),
        ("江建复〔24〕12号", "四位"),
        ("江建复〔2024〕012号", "不编虚位"),
        ("江建复〔2024〕第12号", "第"),
        ("江建复〔2024〕12", "号"),
        ("江建复2024年12号", "六角括号"),
    ],
)
def test_malformed_document_numbers_are_explained(number, why):
    problem = document_number_problem(number)
    assert problem is not None and why in problem


@pytest.mark.parametrize("phone", ["13857101234", "0571-87001234", "057187001234", "87001234", "0571-87001234-802", "+86 13857101234"])
def test_real_telephone_numbers_pass(phone):
    assert phone_problem(phone) is None


@pytest.mark.parametrize("phone", ["123", "8700-12", "1385710123", "abcdefg", "0571-0000000", "12345"])
def test_implausible_telephone_numbers_are_rejected(phone):
    assert phone_problem(phone) is not None


def test_add_months_clamps_to_the_end_of_the_month():
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2024, 11, 30), 3) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2024, 3, 20), 3) == dt.date(2024, 6, 20)


def test_width_counts_ascii_as_half():
    assert half_width_length("2024年7月1日") == 6
    assert half_width_length("第123号") == 3.5


def test_short_title_stays_on_one_line():
    assert title_lines("关于区十一届人大一次会议第7号建议的答复") == ["关于区十一届人大一次会议第7号建议的答复"]


def test_long_title_breaks_at_a_phrase_boundary_upper_line_longer():
    lines = title_lines("关于市十五届人大三次会议第123号建议的答复")
    assert lines == ["关于市十五届人大三次会议", "第123号建议的答复"]


def test_title_break_never_splits_a_number_or_a_book_title():
    title = "关于《江州市既有住宅加装电梯实施办法（2024年修订）》第12345号建议办理情况的报告"
    lines = title_lines(title)
    assert "".join(lines) == title
    for upper, lower in zip(lines, lines[1:]):
        assert not (upper[-1].isdigit() and lower[0].isdigit())
        assert upper.count("《") == upper.count("》") or upper.count("《") == 0


def test_long_title_takes_a_third_line_rather_than_split_a_phrase():
    assert title_lines("江州市青山区人大常委会关于区十一届人大一次会议代表建议办理情况的审议意见") == [
        "江州市青山区人大常委会", "关于区十一届人大一次会议", "代表建议办理情况的审议意见",
    ]


def test_title_lines_never_exceed_the_width():
    title = "江州市住房和城乡建设局2024年度人大代表建议和政协委员提案办理工作总结"
    lines = title_lines(title, 19)
    assert "".join(lines) == title and all(half_width_length(line) <= 19 for line in lines)
