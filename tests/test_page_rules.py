"""The page as GB/T 9704-2012 draws it, measured on the PDF that LibreOffice prints.

Character boxes and drawn lines are read with pdfplumber (tests/pdffacts.py), over every valid
sample of every kind and over reply letters generated here: long place names, Chinese-numeral
dates, long titles, letters of one to six pages.
"""

from __future__ import annotations

import copy
import re
import statistics

import pytest
from conftest import SAMPLES, load_case, sample_profile, valid_samples
from pdffacts import (
    MARGIN_TOP_MM,
    PAGE_HEIGHT_MM,
    TYPE_AREA_BOTTOM_MM,
    TYPE_AREA_LEFT_MM,
    TYPE_AREA_RIGHT_MM,
    Page,
    pages,
)

import docgen
from docgen.kinds import get_kind
from docgen.profile import load_profile

CHAR_MM = (TYPE_AREA_RIGHT_MM - TYPE_AREA_LEFT_MM) / 28  # 28 characters a line
PITCH_MM = (TYPE_AREA_BOTTOM_MM - MARGIN_TOP_MM) / 22  # 22 lines a page
NUMERAL = "0123456789〇零一二三四五六七八九十百千"
DATE = re.compile(r"^(\d{4}|[〇零一二三四五六七八九]{4})年.+月.+日$")
LETTER_KINDS = ("reply-letter", "co-handling-opinion", "assignment-notice")
KINDS = (*LETTER_KINDS, "survey-form", "review-opinion", "annual-summary", "assignment-list", "assignment-speech")
# a form, a meeting's table and a speech: no signature or date at the end
UNSIGNED_KINDS = ("survey-form", "assignment-list", "assignment-speech")


def _render(kind: str, case: dict, profile, pool) -> list[Page]:
    return pages(docgen.render(kind, case, profile, fmt="pdf", converter=pool).content)


def _long_letter(extra_points: int, *, level: str = "市", date_style: str = "arabic") -> tuple[dict, object]:
    """The B-class sample with ``extra_points`` more points, a session ``level`` and a date style."""
    case = load_case(SAMPLES / "reply-letter" / "b-suggestion-elevators.json")
    case["session"]["level"] = level
    point = case["points"][0]
    for i in range(extra_points):
        more = copy.deepcopy(point)
        more["topic"] = f"关于第{i + 4}个方面的问题"
        case["points"].append(more)
    profile = load_profile(None)
    profile = profile.model_copy(update={"format": profile.format.model_copy(update={"date_style": date_style})})
    return case, profile


GENERATED = {
    "1-page, long place name": ({**load_case(SAMPLES / "reply-letter" / "a-suggestion-bus-shelter.json"),
                                 "session": {"level": "阿坝藏族羌族自治州", "term": 12, "session": 2}}, load_profile(None)),
    "3 pages, Chinese date, long place name": _long_letter(0, level="阿坝藏族羌族自治州", date_style="chinese"),
    "4 pages, long title": _long_letter(2, level="巴音郭楞蒙古自治州和静县"),
    "5 pages, Chinese date": _long_letter(4, date_style="chinese"),
    "6 pages": _long_letter(6),
}


@pytest.fixture(scope="module")
def documents(pool) -> dict[str, tuple[str, list[Page]]]:
    """Every valid sample of every kind, and the generated letters, as measured pages."""
    out = {}
    for kind in KINDS:
        for path in valid_samples(kind):
            out[f"{kind}/{path.stem}"] = (kind, _render(kind, load_case(path), sample_profile(path), pool))
    for name, (case, profile) in GENERATED.items():
        out[f"generated/{name}"] = ("reply-letter", _render("reply-letter", case, profile, pool))
    return out


def _of(documents, kinds) -> list[tuple[str, list[Page]]]:
    return [(name, doc) for name, (kind, doc) in documents.items() if kind in kinds]


def _letter_pages(doc: list[Page]) -> list[Page]:
    """The letter's own pages: an appended survey form (marked 附件) is not part of them."""
    for i, page in enumerate(doc):
        if page.lines and page.lines[0].text == "附件" and i:
            return doc[:i]
    return doc


def test_the_generated_letters_run_from_one_to_six_pages(documents):
    counts = sorted(len(doc) for name, (_, doc) in documents.items() if name.startswith("generated/"))
    assert counts == [1, 3, 4, 5, 6]


def test_red_double_line_is_thick_over_thin_under_the_letterhead_and_thin_over_thick_at_the_foot(documents):
    for name, doc in _of(documents, LETTER_KINDS):
        rules = doc[0].red_rules()
        if not any(line.size == 26 for line in doc[0].lines):  # pre-printed 公函纸: no letterhead
            assert rules == [], name
            continue
        assert len(rules) == 4, name
        head, foot = rules[:2], rules[2:]
        assert head[0].width_pt >= 2 and head[1].width_pt <= 1, (name, head)  # 上粗下细
        assert foot[0].width_pt <= 1 and foot[1].width_pt >= 2, (name, foot)  # 上细下粗
        for rule in rules:
            assert abs(rule.length_mm - 170) < 0.5, (name, rule)
        # the foot line 20 mm above the page's bottom edge
        assert abs(PAGE_HEIGHT_MM - foot[1].top_mm - 20) < 1.5, (name, foot)
        # the head line 4 mm under the issuer mark
        mark = next(line for line in doc[0].lines if line.size == 26)
        assert 2.5 < head[0].top_mm - mark.bottom_mm < 5.5, (name, mark.bottom_mm, head[0].top_mm)
        for page in doc[1:]:
            assert page.red_rules() == [], name


def test_copies_end_on_the_last_line_of_the_letters_last_page(documents):
    seen = 0
    for name, doc in _of(documents, LETTER_KINDS):
        letter = _letter_pages(doc)
        copies = [(page, line) for page in doc for line in page.lines if line.text.startswith("抄送：")]
        if not copies:
            continue
        seen += 1
        page, first = copies[0]
        assert page is letter[-1], name
        block = [line for line in page.lines if line.size == 14 and line.top_mm >= first.top_mm - 0.1
                 and not line.text.startswith("—")]
        assert abs(block[-1].bottom_mm - TYPE_AREA_BOTTOM_MM) < 3, (name, block[-1].bottom_mm)
        assert abs(first.left_mm - (TYPE_AREA_LEFT_MM + 14 / 72 * 25.4)) < 0.5, name  # one 四号 character in
        for more in block[1:]:
            # the second line starts under the first character after “抄送：”
            assert abs(more.left_mm - first.chars[3]["x0"] * 25.4 / 72) < 0.5, (name, more.text)
    assert seen >= 5


CLOSING = "，。、；：？！”’）》〕"
OPENING = "“‘（《〔"


def test_full_lines_hold_28_characters(documents):
    for name, doc in documents.items():
        lines = [line for page in doc[1] for line in page.body_lines()]
        for line, after in zip(lines, lines[1:]):
            if not (line.is_full_width() and abs(line.left_mm - TYPE_AREA_LEFT_MM) < 0.3
                    and line.right_mm > TYPE_AREA_RIGHT_MM - CHAR_MM):
                continue
            hanging = line.right_mm > TYPE_AREA_RIGHT_MM + 0.5 and line.text[-1] in CLOSING
            if len(line.chars) == 27 and (any(c in CLOSING for c in after.text[:2]) or after.text[0] in OPENING):
                continue  # a mark that may not start (or end) a line took a character down; justified
            assert len(line.chars) == 28 + hanging, (name, line.text, len(line.chars))
            advances = [b["x0"] - a["x0"] for a, b in zip(line.chars, line.chars[1:])]
            assert abs(statistics.mean(advances) * 25.4 / 72 - CHAR_MM) < 0.05, (name, line.text)
    letters = [line for name, doc in _of(documents, LETTER_KINDS) for page in doc for line in page.body_lines()]
    assert sum(1 for line in letters if line.is_full_width() and len(line.chars) == 28) >= 20


def test_body_lines_keep_the_22_line_pitch(documents):
    for name, doc in documents.items():
        for page in doc[1]:
            tops = [line.top_mm for line in page.body_lines()]
            steps = [b - a for a, b in zip(tops, tops[1:]) if b - a < 1.5 * PITCH_MM]
            if len(steps) >= 5:
                assert abs(statistics.median(steps) - PITCH_MM) < 0.15, (name, page.number, steps)


def test_a_long_letter_page_holds_22_lines(documents):
    _, doc = documents["generated/6 pages"]
    middle = doc[2].body_lines()
    assert len(middle) == 22, [line.text for line in middle]
    assert middle[-1].bottom_mm <= TYPE_AREA_BOTTOM_MM + 0.5


def _title_lines(page: Page) -> list[str]:
    return [line.text for line in page.lines if line.size == 22]


def test_titles_never_break_inside_a_number_or_before_its_counter(documents):
    for name, doc in documents.items():
        for page in doc[1]:
            lines = _title_lines(page)
            for upper, lower in zip(lines, lines[1:]):
                assert not (upper[-1] in NUMERAL and lower[0] in NUMERAL), (name, upper, lower)
                assert lower[0] not in "届次号", (name, upper, lower)
                assert not (upper[-1] == "第" and lower[0] in NUMERAL), (name, upper, lower)


def test_a_long_place_name_breaks_the_title_before_the_term():
    name = "generated/1-page, long place name"
    case, profile = GENERATED[name.removeprefix("generated/")]
    kind = get_kind("reply-letter")
    lines = kind.context(kind.model.model_validate(case), profile)["title_lines"]
    assert "".join(lines) == "关于阿坝藏族羌族自治州十二届人大二次会议第56号建议的答复"
    assert all(not line.startswith(("二届", "届")) for line in lines)


def test_the_date_ends_four_characters_from_the_right_whatever_its_style(documents):
    styles = set()
    for name, doc in documents.items():
        kind = doc[0]
        if kind in UNSIGNED_KINDS:
            continue
        dates = [line for page in _letter_pages(doc[1]) for line in page.lines if line.size == 16 and DATE.match(line.text)]
        assert dates, name
        date = dates[-1]
        styles.add(date.text[0].isdigit())
        assert abs((TYPE_AREA_RIGHT_MM - date.right_mm) - 4 * CHAR_MM) < 0.6, (name, date.text, date.right_mm)
        unit = [line for page in doc[1] for line in page.lines if line.top_mm < date.top_mm and line.size == 16][-1]
        if unit.left_mm > TYPE_AREA_LEFT_MM + 40:  # centred over the date, not the long flush-right layout
            centre = (unit.left_mm + unit.right_mm) / 2 - (date.left_mm + date.right_mm) / 2
            assert abs(centre) < CHAR_MM, (name, unit.text, date.text)
    assert styles == {True, False}  # Arabic and Chinese-numeral dates were both measured


def test_an_appended_survey_form_is_the_letters_attachment(pool):
    case = load_case(SAMPLES / "reply-letter" / "b-suggestion-elevators.json") | {"with_survey_form": True}
    doc = _render("reply-letter", case, load_profile(None), pool)
    letter = _letter_pages(doc)
    form = doc[len(letter):]
    assert len(form) == 1
    attachment = letter[-1].find("附件：")
    assert attachment.text == "附件：市人大代表建议办理情况征询意见表"
    assert abs(attachment.left_mm - (TYPE_AREA_LEFT_MM + 2 * CHAR_MM)) < 0.5
    signature = letter[-1].find("江州市住房和城乡建设局")
    assert attachment.top_mm < signature.top_mm
    mark = form[0].lines[0]
    assert mark.text == "附件" and abs(mark.left_mm - TYPE_AREA_LEFT_MM) < 0.5
    assert letter[-1].find("抄送：") and not any(line.text.startswith("抄送") for line in form[0].lines)


def test_an_issued_review_opinion_ends_with_its_imprint_between_separators_at_the_foot(documents):
    _, doc = documents["review-opinion/city-third-session-letterhead"]
    last = doc[-1]
    imprint = last.find("印发")
    assert imprint.text == "江州市人大常委会办公室2025年1月6日印发" and imprint.size == 14
    assert abs(imprint.left_mm - (TYPE_AREA_LEFT_MM + 14 / 72 * 25.4)) < 0.5  # office one character in
    assert abs((TYPE_AREA_RIGHT_MM - imprint.right_mm) - 14 / 72 * 25.4) < 0.5  # date one character in
    rules = sorted({r for r in last.rules if not r.red}, key=lambda r: r.top_mm)
    assert len(rules) == 2
    for rule in rules:
        assert abs(rule.left_mm - TYPE_AREA_LEFT_MM) < 0.3 and abs(rule.right_mm - TYPE_AREA_RIGHT_MM) < 0.3
        assert abs(rule.width_pt * 25.4 / 72 - 0.35) < 0.03
    assert rules[0].top_mm < imprint.top_mm and imprint.bottom_mm < rules[1].top_mm
    assert abs(rules[1].top_mm - TYPE_AREA_BOTTOM_MM) < 1.5
    for page in doc[:-1]:
        assert not any("印发" in line.text for line in page.lines)


def test_a_draft_review_opinion_has_no_imprint(documents):
    _, doc = documents["review-opinion/district-first-session"]  # no red head: a draft
    assert not any(line.text.endswith("印发") for page in doc for line in page.lines)
