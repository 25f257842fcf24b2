"""The batch report: one entry per case (its findings, where its document went), and views of it."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from ..findings import Finding, Severity


def flat_findings(report: list[dict[str, Any]]) -> list[Finding]:
    """The invalid cases' findings with ``cases[i].`` paths and the case named in each message."""
    out = []
    for entry in report:
        if entry["ok"]:
            continue
        who = case_name(entry)
        for f in entry["findings"]:
            path = f"cases[{entry['index']}]" + ("" if f["path"] == "$" else f".{f['path']}")
            out.append(Finding(f["code"], Severity(f["severity"]), path, f"{who}：{f['message']}"))
    return out


def case_name(entry: dict[str, Any]) -> str:
    """第3件（工作表“答复函”第4行，第8号建议） — how messages name a case."""
    extra = [x for x in (entry.get("origin"), entry.get("item")) if x]
    return f"第{entry['index'] + 1}件" + (f"（{'，'.join(extra)}）" if extra else "")


def report_header(report: list[dict[str, Any]], limit: int = 6000) -> str:
    """The invalid cases' findings as percent-encoded compact JSON, at most ``limit`` characters.

    ``{"invalid": M, "cases": [{"index", "item", "origin"?, "findings": [{"code", "severity",
    "path", "message"}]}], "truncated": false}``. Past the limit the messages are dropped
    first; then cases are left off and ``truncated`` is true with a Chinese ``note``.
    """
    bad = [e for e in report if not e["ok"]]

    def entry(e: dict[str, Any], messages: bool) -> dict[str, Any]:
        out = {k: e[k] for k in ("index", "item", "origin") if e.get(k) is not None}
        out["findings"] = [
            f if messages else {"code": f["code"], "severity": f["severity"], "path": f["path"]}
            for f in e["findings"]
        ]
        return out

    def encode(body: dict[str, Any]) -> str:
        return quote(json.dumps(body, ensure_ascii=False, separators=(",", ":")), safe="")

    for messages in (True, False):
        encoded = encode({"invalid": len(bad), "cases": [entry(e, messages) for e in bad], "truncated": False})
        if len(encoded) <= limit:
            return encoded
    note = "报告过长已截断：完整报告见 zip 输出中的 报告.json，或批量任务接口的 report"
    kept: list[dict[str, Any]] = []
    encoded = encode({"invalid": len(bad), "cases": [], "truncated": True, "omitted": len(bad), "note": note})
    for e in bad:
        attempt = encode({
            "invalid": len(bad), "cases": [*kept, entry(e, False)], "truncated": True,
            "omitted": len(bad) - len(kept) - 1, "note": note,
        })
        if len(attempt) > limit:
            break
        kept.append(entry(e, False))
        encoded = attempt
    return encoded
