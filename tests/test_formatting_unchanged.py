"""The fast title breaking, width and telephone check of docgen.formatting give exactly what the
plain versions they replaced gave.

The plain versions are frozen here, as they were before issue 16 (and only here): the DP of
title breaking with one ``cost`` call per candidate line and a dict of states, the width as a
sum over the characters, the telephone check asking phonenumbers about every run of words. The
new ones must give the same lines (the same tie-breaking included), the same widths and the
same verdicts.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import sys
import unicodedata
from pathlib import Path

import phonenumbers
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import docgen
from docgen import formatting
from docgen.formatting import half_width_length, phone_problem, title_lines

ROOT = Path(__file__).resolve().parent.parent


# --- the plain versions, frozen ----------------------------------------------------------


def plain_half_width_length(text: str) -> float:
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in text)


_BREAK_BEFORE = ("第", "的答复", "的建议", "的提案", "的会办意见", "的审议意见", "办理情况", "关于")
_BREAK_AFTER = ("会议", "期间", "人大常委会", "建议", "提案", "年度", "局", "委员会")
_NUMERAL = frozenset("0123456789〇零一二三四五六七八九十百千万两")
_COUNTER = frozenset("届次号年月日")


def plain_title_lines(title: str, max_em: float = 19.5) -> list[str]:
    total = plain_half_width_length(title)
    if total <= max_em:
        return [title]
    words = formatting._word_boundaries(title)
    breaks = [i for i in range(1, len(title)) if i in words and _plain_may_break(title, i)]
    fewest = math.ceil(total / max_em)
    options = [found for count in range(fewest, fewest + 3) if (found := _plain_balanced(title, breaks, count, max_em))]
    if not options:
        return [title]
    cost, lines = min(options, key=lambda option: option[0] + 30 * len(option[1]))
    return lines


def _plain_may_break(title: str, i: int) -> bool:
    left, right = title[:i], title[i:]
    if title[i - 1].isascii() and title[i].isascii() and title[i].isalnum():
        return False
    if right[0] in _COUNTER or (left[-1] in _NUMERAL | {"第"} and right[0] in _NUMERAL):
        return False
    if left.count("《") > left.count("》"):
        return False
    return not (right[0] in "，。、；：）》〕”’！？" or left[-1] in "（《〔“‘")


def _plain_balanced(title: str, breaks: list[int], count: int, max_em: float) -> tuple[float, list[str]] | None:
    target = plain_half_width_length(title) / count
    points = [0, *breaks, len(title)]
    widths = [0.0, *itertools.accumulate(plain_half_width_length(ch) for ch in title)]

    def cost(a: int, b: int) -> float | None:
        width = widths[b] - widths[a]
        if width > max_em:
            return None
        penalty = (width - target) ** 2
        if b < len(title) and not (title[b:].startswith(_BREAK_BEFORE) or title[:b].endswith(_BREAK_AFTER)):
            penalty += 100
        return penalty

    best: dict[tuple[int, int], tuple[float, int]] = {(0, 0): (0.0, -1)}
    for k in range(1, count + 1):
        for j in range(1, len(points)):
            options = []
            for i in range(j - 1, -1, -1):
                c = cost(points[i], points[j])
                if c is None:
                    break
                if (k - 1, i) in best:
                    options.append((best[(k - 1, i)][0] + c, i))
            if options:
                best[(k, j)] = min(options)
    end = len(points) - 1
    if (count, end) not in best:
        return None
    cuts, k, j = [], count, end
    while k > 0:
        i = best[(k, j)][1]
        cuts.append((points[i], points[j]))
        k, j = k - 1, i
    lines = [title[a:b] for a, b in reversed(cuts)]
    upper_shorter = sum(2 for a, b in zip(lines, lines[1:]) if plain_half_width_length(a) < plain_half_width_length(b) - 1)
    return best[(count, end)][0] + upper_shorter, lines


# --- width ---------------------------------------------------------------------------------


def test_the_width_of_every_character_of_the_basic_plane_is_unchanged():
    every = "".join(map(chr, range(0x10000)))
    for ch in every:
        assert half_width_length(ch) == plain_half_width_length(ch), hex(ord(ch))
    assert half_width_length(every) == plain_half_width_length(every)
    assert half_width_length("") == plain_half_width_length("") == 0


@given(st.text(max_size=200))
def test_the_width_of_any_text_is_unchanged(text):
    assert half_width_length(text) == plain_half_width_length(text)


# --- title lines ---------------------------------------------------------------------------


def titles_the_kinds_break() -> list[tuple[str, float]]:
    """Every (title, width) the kinds ask title_lines to break for the valid samples, the batch
    sample and the reply letters of the commitments sample."""
    asked: list[tuple[str, float]] = []

    def recording(title: str, max_em: float = 19.5) -> list[str]:
        asked.append((title, max_em))
        return title_lines(title, max_em)

    cases = [(path.parent.name, json.loads(path.read_text("utf-8")), path) for path in sorted(ROOT.glob("samples/*/*.json"))]
    cases = [case for case in cases if case[0] not in ("batch", "commitments")] + [
        ("reply-letter", letter, path)
        for path in (ROOT / "samples/batch/reply-letters.json", ROOT / "samples/commitments/答复函-2025.json")
        for letter in json.loads(path.read_text("utf-8"))
    ]
    with pytest.MonkeyPatch.context() as patch:
        for name, module in list(sys.modules.items()):
            if name.startswith("docgen.kinds") and getattr(module, "title_lines", None) is title_lines:
                patch.setattr(module, "title_lines", recording)
        for kind_name, data, path in cases:
            toml = path.with_suffix(".toml")
            result = docgen.check(kind_name, data, docgen.load_profile(toml if toml.exists() else None))
            assert result.case is not None, (path, result.findings)
            docgen.get_kind(kind_name).context(result.case, result.profile)
    assert len({kind for kind, _, _ in cases}) == 8 and asked
    return asked


# The titles of the five seed documents (real ones, kept outside the repository) and the titles
# of the documents they cite, as they are written there.
SEED_TITLES = (
    "副市长XX年度市政府系统建议提案交办会讲话稿",
    "2022年在人大代表建议交办会上讲话(范文推荐)",
    "XXX县住房和城乡建设局2020年人大代表建议和政协委员提案办理工作总结",
    "台州市椒江区人大常委会关于区十一届人大一次会议代表建议办理情况的审议意见",
    "关于区十一届人大一次会议代表建议办理情况的审议意见",
    "关于我区贯彻实施《中华人民共和国残疾人保障法》《浙江省残疾人保障条例》情况的审议意见",
    "关于我区剿灭劣V类水工作情况的审议意见",
    "关于我区城市管理行政执法工作情况的审议意见",
    "关于推进我区职业教育发展工作情况的审议意见",
    "关于我区休闲观光农业建设情况的审议意见",
    "尽快建设绿色环保家具产业园,促传统产业转型升级",
    "关于促进我市民营经济高质量发展的建议",
    "盘活闲置厂房资源,促进首位产业发展",
    "政协xx市委员会民主评议提案办理工作实施办法(试行)",
    "xx市人民政府关于印发xx市xxxx年加快工业发展和科技创新若干政策的通知",
    "xx市人民政府关于印发xx市促进经开区源潭“专精特新”刷业产业园高质量发展的实施意见的通知",
    "xx市委办公室xx市人民政府办公室关于做好xxxx年市人大代表建议和政协委员提案办理工作的通知",
    "xx市应对新冠肺炎疫情支持中小微企业平稳健康发展的政策措施",
    "关于做好 2020 年度县人大代表建议和县政协委员提案办 理工作的通知",
)


WIDTHS = (8, 10, 12.5, 15, 17, 19, 19.5, 21, 26)


def test_the_kinds_titles_break_as_before_at_every_width():
    asked = titles_the_kinds_break()
    pairs = set(asked) | {(title, width) for title, _ in asked for width in WIDTHS}
    assert len(pairs) > 100
    for title, width in sorted(pairs):
        assert title_lines(title, width) == plain_title_lines(title, width), (title, width)


def test_the_seed_titles_break_as_before_at_every_width():
    for title in SEED_TITLES:
        for width in (*WIDTHS, *(n / 2 for n in range(10, 61))):
            assert title_lines(title, width) == plain_title_lines(title, width), (title, width)


PLACES = (
    "阿坝藏族羌族自治州", "巴音郭楞蒙古自治州和静县", "西双版纳傣族自治州景洪市", "海西蒙古族藏族自治州格尔木市",
    "江州市青山区", "内蒙古自治区阿拉善盟", "市", "区", "县",
)
PHRASES = (
    "关于", "人大常委会", "政协", "人大", "会议", "期间", "建议", "提案", "的答复", "的建议", "的提案", "的会办意见",
    "的审议意见", "办理情况", "征询意见表", "年度", "局", "委员会", "住房和城乡建设局", "加快推进", "老旧小区加装电梯",
    "公交站台照明", "食品安全", "代表", "委员", "工作总结", "交办清单", "的讲话", "在", "和", "与",
)
ASCII_WORDS = ("PM2.5", "5G", "APP", "Wi-Fi", "ETC", "GDP", "AI", "x", "No.3", "2024")
PUNCTUATION = tuple("，、；：（）“”‘’《》〔〕！？。 -/")


def numbers() -> st.SearchStrategy[str]:
    count = st.integers(1, 99999)
    return st.one_of(
        count.map(lambda n: f"第{n}号"),
        st.integers(1, 99).map(lambda n: f"{formatting.chinese_number(n)}届"),
        st.integers(1, 9).map(lambda n: f"{formatting.chinese_number(n)}次"),
        st.integers(1990, 2099).map(lambda n: f"{n}年"),
        st.integers(1, 12).map(lambda n: f"{n}月"),
        count.map(str),
    )


def title_parts() -> st.SearchStrategy[str]:
    phrase = st.sampled_from(PHRASES)
    return st.one_of(
        st.sampled_from(PLACES), phrase, phrase, numbers(), st.sampled_from(ASCII_WORDS), st.sampled_from(PUNCTUATION),
        st.lists(phrase, min_size=1, max_size=3).map(lambda words: f"《{''.join(words)}》"),
        st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=1, max_size=4),
    )


generated_titles = st.lists(title_parts(), min_size=3, max_size=40).map("".join).filter(lambda t: 20 <= len(t) <= 120)
widths = st.one_of(st.sampled_from(WIDTHS), st.integers(10, 60).map(lambda n: n / 2))


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(generated_titles, widths)
@example("关于阿坝藏族羌族自治州政协十二届二次会议第7号提案的答复", 19.5)
@example("江州市青山区人大常委会关于区十一届人大一次会议代表建议办理情况的审议意见", 19.5)
# Two line counts cost the same: the fewer lines win.
@example("年度会议的建议委员会？。期间，期间GDP西双版纳傣族自治州景洪市’提案会议的建议区", 21)
@example("建设局建设会议交通改革发展局建设会议局会议改革建设城市发展交通改革发展发展会议交通委员会改革城市", 19)
def test_generated_titles_break_as_before(title, max_em):
    assert title_lines(title, max_em) == plain_title_lines(title, max_em)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(("城市", "建设", "发展", "改革", "交通", "局", "委员会", "会议")), min_size=10, max_size=45), widths)
def test_titles_with_many_equal_cost_splits_break_as_before(words, max_em):
    """Words of the same width over and over: many splits cost the same, and the earlier break must win as before."""
    title = "".join(words)
    assert title_lines(title, max_em) == plain_title_lines(title, max_em)


# --- telephone numbers ---------------------------------------------------------------------


def plain_phone_problem(text: str) -> str | None:
    numbers = [part.strip() for part in formatting._PHONE_SEPARATORS.split(text) if part.strip()]
    if not numbers:
        return f"联系电话不能为空，{formatting.PHONE_FORMS}"
    for number in numbers:
        if not _plain_is_phone_group(number.split()):
            which = f"其中“{number}”" if len(numbers) > 1 else f"“{number}”"
            return f"联系电话格式不正确：{which}不是有效的电话号码。{formatting.PHONE_FORMS}"
    return None


def _plain_is_phone_group(words: list[str]) -> bool:
    readable = [False] * len(words) + [True]
    for start in reversed(range(len(words))):
        readable[start] = any(
            readable[end] and _plain_is_phone_number(" ".join(words[start:end]))
            for end in range(start + 1, min(start + 6, len(words)) + 1)
            if sum(len(word) == 1 and word.isdigit() for word in words[start:end]) <= 1
        )
    return readable[0]


def _plain_is_phone_number(text: str) -> bool:
    plain = unicodedata.normalize("NFKC", text).translate(formatting._PHONE_DASHES).strip()
    if _plain_is_line(plain):
        return True
    extension = formatting._PHONE_EXTENSION.match(plain)
    return extension is not None and _plain_is_line(extension["number"])


def _plain_is_line(text: str) -> bool:
    if not re.fullmatch(r"\+?[\d\s()\-]+", text, re.ASCII):
        return False
    if re.match(r"^[2-9]\d{6,7}$", re.sub(r"[\s\-]", "", text), re.ASCII):
        return True
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number_for_region(number, "CN")


def digit_runs(low: int, high: int) -> st.SearchStrategy[str]:
    return st.text("0123456789", min_size=low, max_size=high)


def phone_words() -> st.SearchStrategy[str]:
    """What clerks put in a telephone field, and what they should not: numbers whole and in
    groups, area codes, country codes, extensions, short runs of digits, words."""
    mobile = st.tuples(st.sampled_from(("13", "15", "17", "18", "19", "14", "16", "10", "12")), digit_runs(9, 9)).map("".join)
    area = st.sampled_from(("010", "021", "0571", "0755", "0512", "0898", "0"))
    line = st.tuples(st.sampled_from("1234567890"), digit_runs(5, 8)).map("".join)
    return st.one_of(
        mobile,
        st.tuples(area, st.sampled_from(("-", "", " ", "－", "—")), line).map("".join),
        st.tuples(area, line).map(lambda parts: f"（{parts[0]}）{parts[1]}"),
        mobile.map(lambda n: f"{n[:3]} {n[3:7]} {n[7:]}"),
        line.map(lambda n: f"{n[:4]} {n[4:]}"),
        st.sampled_from(("+86", "+86-", "86", "+852", "转", "分机", "ext", "x", "-", "(", ")", "（", "）", "电话", "待定", "无", "400", "800")),
        digit_runs(1, 12),
        digit_runs(1, 8).map(lambda n: n.translate(str.maketrans("0123456789", "０１２３４５６７８９"))),
    )


phone_fields = st.lists(
    st.tuples(phone_words(), st.sampled_from(("", " ", " ", "、", "，", ",", ";", "／", "/", "  "))), min_size=1, max_size=8
).map(lambda pairs: "".join(word + gap for word, gap in pairs))


@settings(max_examples=800, deadline=None)
@given(phone_fields)
@example("+86 571 8700 1234 转 8021")
@example("138 5710 1234 0571 8700 1234")
@example("0571-87001234、123")
@example("8 7 0 0 1 2 3 4")
def test_telephone_numbers_are_judged_as_before(text):
    assert phone_problem(text) == plain_phone_problem(text)
