"""Cell converters: one rule per type of value a clerk types into a spreadsheet cell.

Each takes the raw cell (text, number, date or None) and returns the value, or raises
:class:`CellError` whose message completes the sentence “…列的值“x”” with the reason.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ..formatting import DateTextError, parse_date


class CellError(ValueError):
    """A cell that cannot be converted; the message is the Chinese reason."""


TRUE_WORDS = frozenset({
    "是", "y", "yes", "true", "1", "on", "√", "✓", "✔", "有", "已", "已办结", "办结", "公开", "已公开",
})
FALSE_WORDS = frozenset({"否", "n", "no", "false", "0", "off", "×", "✗", "✘", "无", "未", "未办结", "未公开"})

EXCEL_EPOCH = dt.date(1899, 12, 30)  # day 0 of Excel's serial dates (1900 system, after its leap-year bug)
_SERIAL_DAYS = range(18264, 73415)  # 1950-01-01 … 2100-12-31: a serial outside is no date anyone meant
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")  # 20240320
_CHINESE_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def cell_text(value: Any) -> str:
    """The cell as trimmed text; whole floats (Excel's numbers) without “.0”."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def is_blank(value: Any) -> bool:
    """Nothing typed: None or only white space (numbers and dates are never blank)."""
    return value is None or (isinstance(value, str) and not value.strip())


def yes_no(value: Any) -> bool | None:
    """是/否 and their variants (yes, true, 1, √, on …) → True/False; None for anything else."""
    if isinstance(value, bool):
        return value
    text = cell_text(value).lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    return None


def cell_bool(value: Any) -> bool | None:
    """A yes/no cell; empty is None (not given)."""
    if value is None or is_blank(value):
        return None
    answer = yes_no(value)
    if answer is None:
        raise CellError("应填“是”或“否”")
    return answer


def cell_date(value: Any) -> dt.date | None:
    """A date as offices keep it in a sheet; empty is None.

    An Excel date; text in any form :func:`docgen.formatting.parse_date` reads (2024-03-20,
    2024/3/20, 2024.3.20, 2024年3月20日, full-width digits), with or without a time after it;
    20240320; or the date's serial number (45371) where the cell lost its date format."""
    if value is None or is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = cell_text(value).split()[0].split("T")[0]
    compact = _COMPACT_DATE.fullmatch(text)
    if compact:
        text = "-".join(compact.groups())
    elif re.fullmatch(r"\d{1,7}", text) and int(text) in _SERIAL_DAYS:
        return EXCEL_EPOCH + dt.timedelta(days=int(text))
    try:
        return parse_date(text)
    except DateTextError as exc:
        reason = str(exc)
        raise CellError(
            f"不是有效日期：{reason.split('有误：', 1)[1]}" if "有误：" in reason else f"不是有效日期，{reason.split('，', 1)[1]}"
        ) from None


def cell_choice(value: Any, allowed: tuple[str, ...], synonyms: dict[str, str] | None = None) -> str | None:
    """One of ``allowed`` (spaces anywhere ignored), or a word ``synonyms`` maps to one; empty is None."""
    text = re.sub(r"\s+", "", cell_text(value))
    text = (synonyms or {}).get(text, text)
    if text == "":
        return None
    if text not in allowed:
        raise CellError(f"应为{'、'.join(allowed)}之一")
    return text


def cell_integer(value: Any) -> int:
    """An item number: 123 or 第123号."""
    text = cell_text(value)
    match = re.fullmatch(r"第?(\d+)号?", text)
    if not match or int(match.group(1)) < 1:
        raise CellError("应为正整数编号，如 123 或 第123号")
    return int(match.group(1))


def cell_units(value: Any) -> list[str]:
    """Names separated by 、，,；; or line breaks (or already a list, as JSON records give them)."""
    if isinstance(value, list):
        return [cell_text(u) for u in value if not is_blank(u)]
    return [u.strip() for u in re.split(r"[、，,；;\n]+", cell_text(value)) if u.strip()]


def cell_source(value: Any) -> str | None:
    """建议 or 提案, also written 人大代表建议, 人大建议, 代表建议, 政协提案, 委员提案, 议, 案 …; empty is None."""
    text = re.sub(r"\s+|人大|政协|代表|委员", "", cell_text(value))
    return cell_choice({"议": "建议", "案": "提案"}.get(text, text), ("建议", "提案"))


def cell_small_number(value: Any) -> int:
    """15, "15", "十五", "第十五届", "三次" → int (1–99)."""
    text = re.sub(r"^第|[届次]$|会议$", "", cell_text(value)).strip()
    text = re.sub(r"[届次]$", "", text)
    if re.fullmatch(r"\d{1,2}", text) and int(text) > 0:
        return int(text)
    match = re.fullmatch(r"([一二三四五六七八九])?(十)?([一二三四五六七八九])?", text)
    if text and match and (match.group(2) or (match.group(1) and not match.group(3))):
        tens, ten, ones = match.groups()
        if ten:
            return _CHINESE_DIGITS[tens or "一"] * 10 + (_CHINESE_DIGITS[ones] if ones else 0)
        return _CHINESE_DIGITS[tens]
    raise CellError("应为数字，如 15 或 十五")
