"""Findings: what the checks say about a case, each with a stable code, a severity and a path."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from enum import Enum
from typing import Any, Iterable

from pydantic import ValidationError


class Severity(str, Enum):
    ERROR = "error"  # blocks rendering
    WARNING = "warning"  # reported, the document is still produced


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    path: str
    message: str

    def to_dict(self) -> dict[str, str]:
        data = asdict(self)
        data["severity"] = self.severity.value
        return data


def error(code: str, path: str, message: str) -> Finding:
    return Finding(code, Severity.ERROR, path, message)


def warning(code: str, path: str, message: str) -> Finding:
    return Finding(code, Severity.WARNING, path, message)


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity is Severity.ERROR for f in findings)


def format_path(loc: Iterable[Any]) -> str:
    """``("points", 0, "measures", 1, "deadline")`` → ``points[0].measures[1].deadline``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "$"


# Pydantic error types → (stable code, Chinese message). Codes are part of the API contract.
_SCHEMA_MESSAGES: dict[str, tuple[str, str]] = {
    "missing": ("schema.missing", "缺少必填字段"),
    "extra_forbidden": ("schema.unknown_field", "不认识的字段，请检查字段名是否拼写正确"),
    "string_type": ("schema.type", "应为文本"),
    "string_too_short": ("schema.empty", "不能为空"),
    "string_too_long": ("schema.too_long", "内容过长"),
    "string_pattern_mismatch": ("schema.pattern", "格式不正确"),
    "int_type": ("schema.type", "应为整数"),
    "int_parsing": ("schema.type", "应为整数"),
    "int_from_float": ("schema.type", "应为整数"),
    "greater_than_equal": ("schema.range", "数值过小"),
    "greater_than": ("schema.range", "数值过小"),
    "less_than_equal": ("schema.range", "数值过大"),
    "less_than": ("schema.range", "数值过大"),
    "bool_type": ("schema.type", "应为 true 或 false"),
    "bool_parsing": ("schema.type", "应为 true 或 false"),
    "date_type": ("schema.date", "应为日期，格式为 YYYY-MM-DD"),
    "date_parsing": ("schema.date", "日期格式不正确，应为 YYYY-MM-DD"),
    "date_from_datetime_parsing": ("schema.date", "日期格式不正确，应为 YYYY-MM-DD"),
    "date_from_datetime_inexact": ("schema.date", "应为日期，不应包含时间"),
    "date_text": ("schema.date", "日期不正确"),
    "list_type": ("schema.type", "应为列表"),
    "too_short": ("schema.too_few", "条目数量不足"),
    "too_long": ("schema.too_many", "条目数量过多"),
    "dict_type": ("schema.type", "应为对象"),
    "model_type": ("schema.type", "应为对象"),
    "model_attributes_type": ("schema.type", "应为对象"),
    "literal_error": ("schema.choice", "取值不在允许范围内"),
    "enum": ("schema.choice", "取值不在允许范围内"),
    "value_error": ("schema.value", "取值不正确"),
    "string_unicode": ("schema.text", "包含无法识别的字符（如孤立的 Unicode 代理字符）"),
}


def findings_from_validation_error(exc: ValidationError) -> list[Finding]:
    """Turn pydantic's errors into findings with Chinese messages that name the field."""
    findings = []
    for err in exc.errors(include_url=False):
        code, message = _SCHEMA_MESSAGES.get(err["type"], ("schema.invalid", "取值不正确"))
        ctx = err.get("ctx") or {}
        if err["type"] == "literal_error" and "expected" in ctx:
            message += f"，可选值：{ctx['expected']}"
        elif err["type"] in ("too_short", "string_too_short") and "min_length" in ctx:
            if ctx["min_length"] > 1:
                message += f"，至少 {ctx['min_length']} 项"
        elif err["type"] in ("string_too_long", "too_long") and "max_length" in ctx:
            message += f"，最多 {ctx['max_length']} 个"
        elif err["type"].startswith(("greater", "less")) and (
            isinstance(next(iter(ctx.values()), None), dt.date) or isinstance(err.get("input"), dt.date)
        ):
            message = f"日期超出合理范围（界限：{next(iter(ctx.values()))}）"
        elif err["type"].startswith(("greater", "less")):
            bound = next(iter(ctx.values()), None)
            if bound is not None:
                message += f"（界限：{bound}）"
        elif "reason" in ctx:
            message = str(ctx["reason"])
        elif err["type"] == "value_error" and "error" in ctx:
            message = str(ctx["error"])
        path = format_path(err["loc"])
        findings.append(error(code, path, f"{path}：{message}"))
    return findings
