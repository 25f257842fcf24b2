"""Formatting shared by every document kind: dates, Chinese numerals, document numbers.

Dates and numbers go through Babel's zh_CN locale data; the things Babel does not know
(counting in Chinese numerals, the 发文字号 grammar) are written here once.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import re
from dataclasses import dataclass
from functools import cache
from typing import Literal

import jieba
from babel.dates import format_date as _babel_format_date

DateStyle = Literal["arabic", "chinese"]

LOCALE = "zh_CN"
_DIGITS = "〇一二三四五六七八九"
_SMALL_UNITS = ((1000, "千"), (100, "百"), (10, "十"))


def format_date(value: dt.date, style: DateStyle = "arabic") -> str:
    """A date as issued documents write it.

    ``arabic``: ``2024年7月1日`` (full year, no leading zeros), per GB/T 9704-2012.
    ``chinese``: ``二〇二四年七月一日``, which some units still use for 成文日期.
    """
    if style == "chinese":
        year = "".join(_DIGITS[int(d)] for d in str(value.year))
        return f"{year}年{chinese_number(value.month)}月{chinese_number(value.day)}日"
    return _babel_format_date(value, "y年M月d日", locale=LOCALE)


def chinese_number(n: int) -> str:
    """A whole number from 0 to 9999 in Chinese numerals, as used in counting and numbering.

    >>> chinese_number(12), chinese_number(20), chinese_number(105)
    ('十二', '二十', '一百零五')
    """
    if not 0 <= n <= 9999:
        raise ValueError(f"chinese_number expects 0..9999, got {n}")
    if n == 0:
        return "〇"
    parts: list[str] = []
    rest = n
    pending_zero = False
    for unit, name in _SMALL_UNITS:
        digit, rest = divmod(rest, unit)
        if digit:
            if pending_zero:
                parts.append("零")
                pending_zero = False
            parts.append(_DIGITS[digit] + name)
        elif parts:
            pending_zero = True
    if rest:
        if pending_zero:
            parts.append("零")
        parts.append(_DIGITS[rest])
    text = "".join(parts)
    # 一十二 is written 十二 when it stands alone.
    return text[1:] if text.startswith("一十") else text


def ordinal_heading(index: int, level: int = 1) -> str:
    """The numbering of headings in official documents: 一、 （一） 1. （1）; ``index`` is 1-based."""
    if level == 1:
        return f"{chinese_number(index)}、"
    if level == 2:
        return f"（{chinese_number(index)}）"
    if level == 3:
        return f"{index}."
    return f"（{index}）"


def enumerate_points(index: int) -> str:
    """一是 / 二是 / 三是 — the way review opinions enumerate problems and opinions."""
    return f"{chinese_number(index)}是"


def join_list(items: list[str]) -> str:
    """Join names with the Chinese enumeration comma: 甲、乙、丙."""
    return "、".join(items)


def half_width_length(text: str) -> float:
    """How wide ``text`` is in em: CJK and full-width characters count 1, ASCII counts 1/2."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in text)


# --- 发文字号 -----------------------------------------------------------------

_DOC_NUMBER = re.compile(r"^(?P<prefix>[^\s〔〕\[\]【】()（）]+)〔(?P<year>\d{4})〕(?P<serial>[1-9]\d*)号$")


@dataclass(frozen=True)
class DocumentNumber:
    prefix: str
    year: int
    serial: int

    def __str__(self) -> str:
        return f"{self.prefix}〔{self.year}〕{self.serial}号"


def document_number_problem(text: str) -> str | None:
    """Why ``text`` is not a well-formed 发文字号, in Chinese; None when it is well formed.

    Rules (GB/T 9704-2012 7.2.4): year in full inside 〔〕 (U+3014/U+3015), serial without
    leading zeros and without 第, ending with 号.
    """
    if not text.strip():
        return "发文字号不能为空"
    if "第" in text:
        return "发文字号的序号前不加“第”字"
    for wrong in ("[", "]", "【", "】", "(", ")", "（", "）", "［", "］", "〖", "〗"):
        if wrong in text:
            return f"年份应使用六角括号〔〕，不能使用“{wrong}”"
    if "〔" not in text or "〕" not in text:
        return "年份应置于六角括号〔〕内，如“X建复〔2024〕12号”"
    year = re.search(r"〔(\d*)〕", text)
    if year is None or len(year.group(1)) != 4:
        return "年份应写全称四位数字，如〔2024〕"
    serial = re.search(r"〕(\d+)号$", text)
    if serial is None:
        return "年份之后应为序号并以“号”结尾，如〔2024〕12号"
    if serial.group(1).startswith("0"):
        return "序号不编虚位，不能以0开头（写“1号”而非“01号”）"
    if _DOC_NUMBER.match(text) is None:
        return "发文字号应由机关代字、〔年份〕和序号组成，如“X建复〔2024〕12号”"
    return None


def parse_document_number(text: str) -> DocumentNumber:
    problem = document_number_problem(text)
    if problem:
        raise ValueError(problem)
    match = _DOC_NUMBER.match(text)
    assert match is not None
    return DocumentNumber(match["prefix"], int(match["year"]), int(match["serial"]))


# --- telephone numbers ---------------------------------------------------------

_PHONE_PATTERNS = (
    re.compile(r"^1[3-9]\d{9}$"),  # mobile
    re.compile(r"^0\d{2,3}-?[2-9]\d{6,7}(-\d{1,5})?$"),  # landline with area code, optional extension
    re.compile(r"^[2-9]\d{6,7}(-\d{1,5})?$"),  # local landline
    re.compile(r"^(400|800)-?\d{3}-?\d{4}$"),  # service numbers
    re.compile(r"^12345$"),  # the government hotline
)


def phone_problem(text: str) -> str | None:
    """Why ``text`` does not look like a real Chinese telephone number; None when it does."""
    compact = text.strip().replace(" ", "")
    if compact.startswith("+86"):
        compact = compact[3:].lstrip("-")
    if any(p.match(compact) for p in _PHONE_PATTERNS):
        return None
    return "联系电话格式不正确，应为11位手机号或带区号的固定电话（如0571-87001234）"


# --- months arithmetic -----------------------------------------------------------


def add_months(start: dt.date, months: int) -> dt.date:
    """``start`` plus whole months, clamped to the month's last day (1月31日 + 1 → 2月28/29日)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    next_month = dt.date(year + (month == 12), month % 12 + 1, 1)
    last_day = (next_month - dt.timedelta(days=1)).day
    return dt.date(year, month, min(start.day, last_day))


# --- title lines -------------------------------------------------------------------

# Where a title reads well when broken: before these ...
_BREAK_BEFORE = ("第", "的答复", "的建议", "的提案", "的会办意见", "的审议意见", "办理情况", "关于")
# ... and after these.
_BREAK_AFTER = ("会议", "期间", "人大常委会", "建议", "提案", "年度", "局", "委员会")


def title_lines(title: str, max_em: float = 19.5) -> list[str]:
    """Break a title into lines no wider than ``max_em`` that do not split a word or a number.

    GB/T 9704 asks that a multi-line title keep words whole and form a trapezoid or diamond:
    this uses as few lines as fit, balances their widths, and prefers breaks at phrase
    boundaries (before 第…号, after …会议 or 年度), the upper line not shorter than the lower.
    """
    total = half_width_length(title)
    if total <= max_em:
        return [title]
    words = _word_boundaries(title)
    breaks = [i for i in range(1, len(title)) if i in words and _may_break(title, i)]
    fewest = math.ceil(total / max_em)
    options = [found for count in range(fewest, fewest + 3) if (found := _balanced(title, breaks, count, max_em))]
    if not options:
        return [title]
    # One more line costs less than a break inside a phrase.
    cost, lines = min(options, key=lambda option: option[0] + 30 * len(option[1]))
    return lines


# Digits of a number, Arabic or Chinese, and the counters that stay with a number (十二届, 第7号).
_NUMERAL = frozenset("0123456789〇零一二三四五六七八九十百千万两")
_COUNTER = frozenset("届次号年月日")


@cache
def _segmenter() -> jieba.Tokenizer:
    """jieba's tokenizer, its dictionary loaded once, on the first title that needs breaking."""
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def _word_boundaries(title: str) -> set[int]:
    """The offsets between words of ``title``, by jieba's segmentation (no new-word guessing)."""
    offsets, position = set(), 0
    for word in _segmenter().cut(title, HMM=False):
        position += len(word)
        offsets.add(position)
    return offsets


def _may_break(title: str, i: int) -> bool:
    left, right = title[:i], title[i:]
    if title[i - 1].isascii() and title[i].isascii() and title[i].isalnum():
        return False  # inside a number or a Latin word
    if right[0] in _COUNTER or (left[-1] in _NUMERAL | {"第"} and right[0] in _NUMERAL):
        return False  # inside a number, or between a number and its counter (十二届, 第7号)
    if left.count("《") > left.count("》"):
        return False  # inside a book title
    return not (right[0] in "，。、；：）》〕”’！？" or left[-1] in "（《〔“‘")


def _balanced(title: str, breaks: list[int], count: int, max_em: float) -> tuple[float, list[str]] | None:
    """The best split into ``count`` lines (dynamic programming over allowed breaks)."""
    target = half_width_length(title) / count
    points = [0, *breaks, len(title)]

    def cost(a: int, b: int) -> float | None:
        width = half_width_length(title[a:b])
        if width > max_em:
            return None
        penalty = (width - target) ** 2
        if b < len(title) and not (title[b:].startswith(_BREAK_BEFORE) or title[:b].endswith(_BREAK_AFTER)):
            penalty += 100  # a break inside a phrase costs more than one more line
        return penalty

    # best[(k, j)]: cheapest way to set title[:points[j]] as k lines.
    best: dict[tuple[int, int], tuple[float, int]] = {(0, 0): (0.0, -1)}
    for k in range(1, count + 1):
        for j in range(1, len(points)):
            options = []
            for i in range(j):
                if (k - 1, i) not in best:
                    continue
                c = cost(points[i], points[j])
                if c is not None:
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
    upper_shorter = sum(2 for a, b in zip(lines, lines[1:]) if half_width_length(a) < half_width_length(b) - 1)
    return best[(count, end)][0] + upper_shorter, lines
