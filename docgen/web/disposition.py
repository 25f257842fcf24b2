"""The Content-Disposition header of a download."""

from __future__ import annotations

import re
from urllib.parse import quote

# Path separators, control characters and what Windows forbids in a file name.
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')


def safe_filename(name: str) -> str:
    """``name`` usable as a file name: separators become ``_``, and no ``..`` nor leading dots
    are left (``../../x.docx`` gives ``x.docx``; ``关于A/B`` gives ``关于A_B``)."""
    cleaned = re.sub(r"\.{2,}", "", _UNSAFE.sub("_", name)).lstrip("._ ")
    return cleaned or "document"


def content_disposition(filename: str, fallback: str) -> str:
    """attachment with an ASCII fallback name and the Chinese name in RFC 6266 ``filename*``;
    neither can name another directory."""
    ascii_name = safe_filename(fallback).encode("ascii", "replace").decode("ascii").replace("?", "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(safe_filename(filename), safe='')}"
