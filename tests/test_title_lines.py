"""Title lines (formatting.title_lines): whole words and whole numbers on each line.

GB/T 9704 7.3.1: a multi-line title is broken where the meaning allows, never inside a word.
The cases are the titles the kinds build, over long place names and long item numbers.
"""

from __future__ import annotations

import pytest

from docgen.formatting import half_width_length, title_lines

NUMERAL = "0123456789〇零一二三四五六七八九十百千"
PLACES = ("阿坝藏族羌族自治州", "巴音郭楞蒙古自治州和静县", "江州市青山区", "西双版纳傣族自治州景洪市", "市")
TITLES = [
    template.format(place=place, number=number)
    for place in PLACES
    for number in (7, 123, 12345)
    for template in (
        "关于{place}政协十二届二次会议第{number}号提案的答复",
        "关于{place}十五届人大三次会议第{number}号建议的答复",
        "关于{place}十一届人大一次会议第{number}号建议的会办意见",
        "{place}十五届人大三次会议第{number}号建议办理情况征询意见表",
    )
]


@pytest.mark.parametrize("title", TITLES)
def test_a_title_line_never_breaks_inside_a_number_or_before_its_counter(title):
    lines = title_lines(title)
    assert "".join(lines) == title
    assert all(half_width_length(line) <= 19.5 for line in lines)
    for upper, lower in zip(lines, lines[1:]):
        assert not (upper[-1] in NUMERAL and lower[0] in NUMERAL), (upper, lower)
        assert lower[0] not in "届次号", (upper, lower)
        assert not (upper[-1] == "第" and lower[0] in NUMERAL), (upper, lower)


def test_a_long_place_name_keeps_the_term_and_session_together():
    assert title_lines("关于阿坝藏族羌族自治州政协十二届二次会议第7号提案的答复") == [
        "关于阿坝藏族羌族自治州政协", "十二届二次会议第7号提案的答复",
    ]


@pytest.mark.parametrize("word", ["自治州", "会议", "答复", "提案"])
def test_a_title_line_never_breaks_inside_a_word(word):
    for title in TITLES:
        lines = title_lines(title)
        for upper, lower in zip(lines, lines[1:]):
            for cut in range(1, len(word)):
                assert not (upper.endswith(word[:cut]) and lower.startswith(word[cut:])), (upper, lower)
