"""Cell converters: one rule per type of value a clerk types into a spreadsheet cell.

Each takes the raw cell (text, number, date or None) and returns the value, or raises
:class:`CellError` whose message completes the sentence “…列的值“x”” with the reason.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any


class CellError(ValueError):
    """A cell that cannot be converted; the message is the Chinese reason."""


TRUE_WORDS = frozenset({"是", "y", "yes", "true", "1", "on", "√", "✓", "有", "已办结", "办结", "公开", "已公开"})
FALSE_WORDS = frozenset({"否", "n", "no", "false", "0", "off", "×", "无", "未办结", "未公开"})

_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
)
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
    """A date typed as 2024-03-20, 2024/3/20, 2024.3.20 or 2024年3月20日, or an Excel date; empty is None."""
    if value is None or is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = cell_text(value).split(" ")[0].split("T")[0]
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return dt.date(*(int(g) for g in match.groups()))
            except ValueError:
                break
    raise CellError("不是有效日期，应写成 2024-03-20 或 2024年3月20日")


def cell_choice(value: Any, allowed: tuple[str, ...]) -> str | None:
    """One of ``allowed``; empty is None."""
    text = cell_text(value)
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
    """Names separated by 、，,；; or line breaks."""
    return [u.strip() for u in re.split(r"[、，,；;\n]+", cell_text(value)) if u.strip()]


def cell_source(value: Any) -> str | None:
    """建议 or 提案, also written 人大代表建议, 议, 案 …; empty is None."""
    text = cell_text(value).replace("人大代表", "").replace("政协委员", "").replace("代表", "").replace("委员", "")
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
