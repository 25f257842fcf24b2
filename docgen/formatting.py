"""Formatting shared by every document kind: dates, Chinese numerals, document numbers,
telephone numbers; and reading dates and telephone numbers as offices type them.

Dates and numbers go through Babel's zh_CN locale data, telephone numbers through
phonenumbers; the things they do not know (counting in Chinese numerals, the 发文字号 grammar,
how clerks write dates and numbers down) are written here once.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import math
import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Literal

import phonenumbers
from babel.dates import format_date as _babel_format_date

from . import wordlist

if TYPE_CHECKING:
    import jieba  # imported at run time by wordlist, without pkg_resources

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


# Dates as offices type them: 2024-03-20, 2024/3/20, 2024.3.20, 2024年3月20日, in half- or
# full-width digits. One separator throughout; year in full, year first.
_TYPED_DATE = re.compile(
    r"(?P<year>\d{4})(?P<sep>[-/.])(?P<month>\d{1,2})(?P=sep)(?P<day>\d{1,2})"
    r"|(?P<cn_year>\d{4})年(?P<cn_month>\d{1,2})月(?P<cn_day>\d{1,2})日",
    re.ASCII,
)
DATE_FORMS = "应为年月日，如 YYYY-MM-DD（2024-03-20）、2024/3/20、2024.3.20 或 2024年3月20日"


class DateTextError(ValueError):
    """A typed date that cannot be read; the message says why, in Chinese."""


def parse_date(text: str) -> dt.date:
    """A date typed in any of the forms offices use, or DateTextError saying why not.

    Full-width digits and separators count as half-width. A well-formed date that does not
    exist (2024-02-30) is reported as such, not as a formatting problem.
    """
    plain = unicodedata.normalize("NFKC", text).strip()
    match = _TYPED_DATE.fullmatch(plain)
    if match is None:
        raise DateTextError(f"日期“{text}”格式不正确，{DATE_FORMS}")
    year, month, day = (int(match[n] or match[f"cn_{n}"]) for n in ("year", "month", "day"))
    if not 1 <= month <= 12:
        raise DateTextError(f"日期“{text}”有误：没有{month}月，月份应为1至12")
    if year < dt.MINYEAR:
        raise DateTextError(f"日期“{text}”有误：年份应写四位公元年份，如2024")
    last = calendar.mdays[month] + (month == 2 and calendar.isleap(year))
    if not 1 <= day <= last:
        raise DateTextError(f"日期“{text}”有误：没有这一天，{year}年{month}月只有{last}天")
    return dt.date(year, month, day)


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


# Characters before the CJK radicals (U+2E80) are half as wide as CJK and full-width ones:
# ASCII, and a few others in titles (“” — …).
_HALF_WIDTH_CHARACTER = re.compile(r"[\x00-\u2e7f]")
_HALF_WIDTH_NOT_ASCII = re.compile(r"[\x80-\u2e7f]")


def half_width_length(text: str) -> float:
    """How wide ``text`` is in em: CJK and full-width characters count 1, ASCII counts 1/2."""
    # The ASCII characters are counted by the encoder, which drops the others in C.
    half_width = len(text.encode("ascii", "ignore")) + len(_HALF_WIDTH_NOT_ASCII.findall(text))
    return len(text) - 0.5 * half_width


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
#
# Whether a number can exist is phonenumbers' business (Google's libphonenumber metadata for
# region CN: area codes, lengths, mobile prefixes, 400/800 numbers). What remains local is how
# clerks write numbers down, handled here:
# - several numbers in one field, joined by 、，,;；／/ or spaces;
# - an extension after 转, 分机, ext or x, or after a last hyphen (0571-87001234-8021);
# - full-width digits, brackets and hyphens typed in a Chinese input method;
# - a local fixed line without its area code (87001234): phonenumbers cannot judge it without
#   the area code, so 7 or 8 digits not starting with 0 or 1 are accepted, as a caller from the
#   same city dials them.

_PHONE_SEPARATORS = re.compile(r"[、，,;；／/]")
_PHONE_EXTENSION = re.compile(r"^(?P<number>.+?)\s*(?:转|分机|ext\.?|x|-)\s*(?P<extension>\d{1,6})$", re.IGNORECASE | re.ASCII)
_PHONE_DASHES = str.maketrans({c: "-" for c in "－‐‑‒–—―﹣"})
_PHONE_MAX_WORDS = 6
_LOCAL_LINE = re.compile(r"^[2-9]\d{6,7}$", re.ASCII)
# No number has fewer digits: a local line has 7, and phonenumbers finds a number valid for CN
# only when its national number (made of the digits typed) has one of CN's possible lengths.
_FEWEST_DIGITS = min(7, *phonenumbers.PhoneMetadata.metadata_for_region("CN").general_desc.possible_length)
_NOT_DIGITS = re.compile(r"\D", re.ASCII)
_LINE_CHARACTERS = re.compile(r"\+?[\d\s()\-]+", re.ASCII)
_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
PHONE_FORMS = (
    "可写11位手机号（可加+86）、带区号的固定电话（如0571-87001234、（0571）87001234，"
    "分机写“转8021”或“-8021”）或不带区号的本地固定电话，多个号码用“、”分隔"
)


def phone_as_typed(text: str) -> str:
    """The number as the clerk typed it, with only full-width digits made half-width."""
    return text.translate(_FULL_WIDTH_DIGITS)


@lru_cache(maxsize=1024)  # a unit puts the same office numbers on every letter it sends
def phone_problem(text: str) -> str | None:
    """Why ``text`` is not one or more real mainland telephone numbers, in Chinese; None when it is."""
    numbers = [part.strip() for part in _PHONE_SEPARATORS.split(text) if part.strip()]
    if not numbers:
        return f"联系电话不能为空，{PHONE_FORMS}"
    for number in numbers:
        if not _is_phone_group(number.split()):
            which = f"其中“{number}”" if len(numbers) > 1 else f"“{number}”"
            return f"联系电话格式不正确：{which}不是有效的电话号码。{PHONE_FORMS}"
    return None


def _is_phone_group(words: list[str]) -> bool:
    """Whether the space-separated ``words`` read as one number or as several side by side.

    ``readable[i]`` says whether ``words[i:]`` splits into numbers; one number spans at most
    ``_PHONE_MAX_WORDS`` words (+86 571 8700 1234 转 8021), with at most one lone digit (an extension: ext 8).
    """
    readable = [False] * len(words) + [True]
    for start in reversed(range(len(words))):
        readable[start] = any(
            readable[end] and _is_phone_number(" ".join(words[start:end]))
            for end in range(start + 1, min(start + _PHONE_MAX_WORDS, len(words)) + 1)
            if sum(len(word) == 1 and word.isdigit() for word in words[start:end]) <= 1
        )
    return readable[0]


def _is_phone_number(text: str) -> bool:
    plain = unicodedata.normalize("NFKC", text).translate(_PHONE_DASHES).strip()
    if _is_line(plain):
        return True
    extension = _PHONE_EXTENSION.match(plain)
    return extension is not None and _is_line(extension["number"])


def _is_line(text: str) -> bool:
    """One number without extension: valid for region CN by phonenumbers, or a local fixed line."""
    if not _LINE_CHARACTERS.fullmatch(text) or len(_NOT_DIGITS.sub("", text)) < _FEWEST_DIGITS:
        return False  # spares phonenumbers the short runs of words a group is tried in (+86, 571)
    if _LOCAL_LINE.match(re.sub(r"[\s\-]", "", text)):
        return True
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number_for_region(number, "CN")


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
# What a line costs, and a break inside a phrase: one more line costs less.
_LINE_COST = 30
_PHRASE_BREAK_COST = 100


def title_lines(title: str, max_em: float = 19.5) -> list[str]:
    """Break a title into lines no wider than ``max_em`` that do not split a word or a number.

    GB/T 9704 asks that a multi-line title keep words whole and form a trapezoid or diamond:
    this uses as few lines as fit, balances their widths, and prefers breaks at phrase
    boundaries (before 第…号, after …会议 or 年度), the upper line not shorter than the lower.
    """
    total = half_width_length(title)
    if total <= max_em:
        return [title]
    breaks = _Breaks(title, max_em)
    fewest = math.ceil(total / max_em)
    best, lines = math.inf, [title]
    for count in range(fewest, fewest + 3):
        if _LINE_COST * count >= best:
            break  # the lines alone cost as much as the best so far, and of equal costs fewer lines win
        if found := breaks.balanced(count, below=best):
            best, lines = found
    return lines


# Digits of a number, Arabic or Chinese, and the counters that stay with a number (十二届, 第7号).
_NUMERAL = frozenset("0123456789〇零一二三四五六七八九十百千万两")
_COUNTER = frozenset("届次号年月日")
_NUMBER_START = _NUMERAL | {"第"}


_segmenter_loading = threading.Lock()


def _segmenter() -> jieba.Tokenizer:
    """jieba's tokenizer over its dictionary's compact table, loaded once, on the first title
    that needs breaking: threads that ask meanwhile wait for it rather than load their own."""
    with _segmenter_loading:
        return _load_segmenter()


@cache
def _load_segmenter() -> jieba.Tokenizer:
    return wordlist.tokenizer()


def warm_up() -> None:
    """Load what title breaking needs (jieba's dictionary: a fraction of a second from its
    table's copy in the cache directory, seconds to build that) before the first title asks
    for it; ``docgen serve`` calls this while it starts."""
    _segmenter()


@lru_cache(maxsize=256)
def _word_boundaries(title: str) -> frozenset[int]:
    """The offsets between words of ``title``, by jieba's segmentation (no new-word guessing);
    the last titles' are kept, as a document's title is broken again when it is rendered again."""
    offsets, position = set(), 0
    for word in _segmenter().cut(title, HMM=False):
        position += len(word)
        offsets.add(position)
    return frozenset(offsets)


def _may_break(title: str, i: int) -> bool:
    before, after = title[i - 1], title[i]
    if before.isascii() and after.isascii() and after.isalnum():
        return False  # inside a number or a Latin word
    if after in _COUNTER or (before in _NUMBER_START and after in _NUMERAL):
        return False  # inside a number, or between a number and its counter (十二届, 第7号)
    if title.count("《", 0, i) > title.count("》", 0, i):
        return False  # inside a book title
    return not (after in "，。、；：）》〕”’！？" or before in "（《〔“‘")


class _Breaks:
    """A title's allowed breaks, with what every line count shares: the width of the title up
    to each break, the cost of breaking there, for each break the first one from which a line
    ending there still fits, and how far back from the end a number of lines can reach."""

    def __init__(self, title: str, max_em: float) -> None:
        self.title = title
        self.points = [0, *(i for i in sorted(_word_boundaries(title)) if 0 < i < len(title) and _may_break(title, i)), len(title)]
        # The width of title[:p]: p ems, less half an em for each half-width character before
        # p (digits, Latin letters: a handful). Sums of halves and ones are exact in floating
        # point, so each line's width is one subtraction, the same as half_width_length's.
        half_width = [match.start() for match in _HALF_WIDTH_CHARACTER.finditer(title)]
        self.widths = [p - 0.5 * bisect.bisect_left(half_width, p) for p in self.points]
        self.total = self.widths[-1]
        self.break_costs = [
            0 if title.startswith(_BREAK_BEFORE, p) or title.endswith(_BREAK_AFTER, 0, p) else _PHRASE_BREAK_COST
            for p in self.points[:-1]
        ] + [0]
        # A line ending at break j fits when it starts at fits_from[j] or later (widths grow).
        self.fits_from, first = [], 0
        for j, width in enumerate(self.widths):
            while first < j and width - self.widths[first] > max_em:
                first += 1
            self.fits_from.append(first)
        # n lines can set the end of the title from from_end[n] on (from the last entry on,
        # when n is past the end of the list: more lines reach no further back).
        self.from_end = [len(self.points) - 1]
        while 0 < (last := self.from_end[-1]) and self.fits_from[last] < last:
            self.from_end.append(self.fits_from[last])

    def balanced(self, count: int, below: float = math.inf) -> tuple[float, list[str]] | None:
        """The cost and the lines of the best split into ``count`` lines, if it costs less than
        ``below``: lines as wide as the others as far as the breaks allow, few breaks inside a
        phrase, the upper line not much shorter than the lower; of equal costs, the earlier
        break wins."""
        widths, break_costs, fits_from, from_end = self.widths, self.break_costs, self.fits_from, self.from_end
        target = self.total / count
        lines_cost = _LINE_COST * count
        end = len(widths) - 1
        # Dynamic programming over the breaks, line after line. cheapest[j]: the cost of the
        # first k lines when the k-th ends at break j; inf where they cannot, and where they
        # cost ``below`` already with the lines' cost (a line's cost is never negative, and a
        # rounded sum never less than its terms), so that a cheaper way is all that is sought.
        # The breaks they can reach lie from low to high. starts[k - 1][j]: where that k-th
        # line starts.
        cheapest, low, high = [0.0] + [math.inf] * end, 0, 0
        starts: list[list[int]] = []
        for k in range(1, count + 1):
            rest = count - k
            # The k-th line ends past the breaks the lines before it reach, where the lines
            # after it can still set the rest of the title.
            first_end = max(low + 1, from_end[min(rest, len(from_end) - 1)])
            last_end = min(end - rest, bisect.bisect_right(fits_from, high) - 1)
            reached, start = [math.inf] * (end + 1), [0] * (end + 1)
            reached_low, reached_high = end + 1, -1
            for j in range(first_end, last_end + 1):
                width, break_cost, best = widths[j], break_costs[j], math.inf
                for i in range(max(fits_from[j], low), min(j, high + 1)):
                    cost = cheapest[i] + ((width - widths[i] - target) ** 2 + break_cost)
                    if cost < best:
                        best, start[j] = cost, i
                if best + lines_cost < below:
                    reached[j] = best
                    reached_low, reached_high = min(reached_low, j), j
            if reached_high < 0:
                return None
            cheapest, low, high = reached, reached_low, reached_high
            starts.append(start)
        cuts = [end]
        for start in reversed(starts):
            cuts.append(start[cuts[-1]])
        cuts.reverse()
        line_widths = [widths[b] - widths[a] for a, b in zip(cuts, cuts[1:])]
        upper_shorter = sum(2 for upper, lower in zip(line_widths, line_widths[1:]) if upper < lower - 1)
        cost = cheapest[end] + upper_shorter + lines_cost
        if cost >= below:
            return None
        return cost, [self.title[self.points[a]:self.points[b]] for a, b in zip(cuts, cuts[1:])]
