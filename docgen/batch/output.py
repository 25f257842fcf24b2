"""A batch's .zip: the documents with 报告.json (the merged PDF is :mod:`.joined`'s)."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from typing import Any

from ..service import RenderedDocument

REPORT_NAME = "报告.json"
ZIP_MEDIA_TYPE = "application/zip"


_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def _safe_name(name: str, limit: int = 120) -> str:
    """A file name that every zip tool and file system accepts."""
    name = _UNSAFE.sub("_", name).strip(" .") or "文书"
    return name[:limit]


def zipped(kind: str, report: list[dict[str, Any]], documents: dict[int, RenderedDocument]) -> bytes:
    used: set[str] = {REPORT_NAME}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in report:
            document = documents.get(entry["index"])
            if document is None:
                continue
            stem, dot, extension = document.filename.rpartition(".")
            prefix = entry["item"] or f"{entry['index'] + 1:03d}"
            base = _safe_name(f"{prefix}-{stem}")
            name, copy = f"{base}.{extension}", 2
            while name in used:
                name, copy = f"{base}（{copy}）.{extension}", copy + 1
            used.add(name)
            entry["filename"] = name
            # .docx is itself a deflated zip: storing it saves time and loses nothing.
            method = zipfile.ZIP_STORED if extension == "docx" else zipfile.ZIP_DEFLATED
            archive.writestr(_zip_info(name, method), document.content)
        body = {
            "kind": kind,
            "total": len(report),
            "rendered": len(documents),
            "invalid": len(report) - len(documents),
            "cases": report,
        }
        archive.writestr(
            _zip_info(REPORT_NAME, zipfile.ZIP_DEFLATED),
            json.dumps(body, ensure_ascii=False, indent=2).encode("utf-8"),
        )
    return buffer.getvalue()


def _zip_info(name: str, method: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=dt.datetime.now().timetuple()[:6])
    info.compress_type = method
    info.external_attr = 0o644 << 16
    return info
