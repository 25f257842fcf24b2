"""The one JSON decoder of docgen: bytes → a value, or :class:`MalformedJson` saying why in Chinese."""

from __future__ import annotations

import json
from typing import Any

from ..errors import DocgenError
from ..findings import Finding, error


class MalformedJson(DocgenError):
    """The text is not JSON docgen can use; the message names the input and the place."""

    code = "malformed_json"
    status = 400
    title = "JSON 无法解析"

    def finding(self, code: str, path: str) -> Finding:
        """This problem as a finding about ``path`` (e.g. the ``cases`` field of a batch)."""
        return error(code, path, f"{path}：{self.message}")


def decode_json(raw: bytes | str, name: str) -> Any:
    """``raw`` as JSON (UTF-8, a BOM allowed). ``name`` says what it is in messages: 请求体, “台账.json”."""
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError as exc:
        raise MalformedJson(f"{name}不是 UTF-8 编码的文本") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise MalformedJson(f"{name}不是有效的 JSON：第{exc.lineno}行第{exc.colno}列，{exc.msg}") from exc
    except RecursionError as exc:
        raise MalformedJson(f"{name}的 JSON 嵌套过深") from exc
    except ValueError as exc:  # e.g. an integer literal longer than Python converts (4300 digits)
        raise MalformedJson(f"{name}中有无法处理的数值：{str(exc)[:100]}") from exc


def listed(data: Any, keys: tuple[str, ...]) -> list[Any] | None:
    """A list given bare or as the first of ``keys`` of an object that holds one; None otherwise."""
    if isinstance(data, dict):
        data = next((data[k] for k in keys if isinstance(data.get(k), list)), None)
    return data if isinstance(data, list) else None
