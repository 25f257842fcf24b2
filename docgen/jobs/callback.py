"""The completion callback: a finished job's status POSTed to the URL its submitter gave.

The body is the job's status as JSON (UTF-8). ``X-Docgen-Signature: sha256=<hex>`` is the
HMAC-SHA256 of the body under the job's own secret, which the submitter received once, in the
answer to the submission; the receiver recomputes it to know the call came from docgen.
Delivery is tried up to ``attempts`` times with doubling pauses (1 s, 2 s, 4 s …); any 2xx answer
counts as delivered.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import re
import logging
import secrets
import time
import urllib.error
import urllib.request
from typing import Any

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Docgen-Signature"
JOB_HEADER = "X-Docgen-Job"


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


# What a callback URL may be, as the API's schema publishes it: http(s), a host, an optional port
# (0–65535), then a path, query or fragment, all in the ASCII characters a URL allows
# (a Chinese domain name is written xn--…, anything else is percent-encoded).
URL_PATTERN = (r"^https?://[A-Za-z0-9\-._~!$&'()*+,;=%]+"
               r"(:(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[0-9]{1,4}))?"
               r"([/?#][A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*)?$")
URL_MAX_LENGTH = 2000


def url_problem(url: Any) -> str | None:
    """Why ``url`` cannot be a callback URL (in Chinese), or None when it can."""
    if not isinstance(url, str) or not url:
        return "应为 http:// 或 https:// 开头的网址"
    if len(url) > URL_MAX_LENGTH:
        return f"网址过长（至多 {URL_MAX_LENGTH} 个字符）"
    if not re.fullmatch(URL_PATTERN, url):
        return ("应为 http:// 或 https:// 开头的网址，只含网址允许的 ASCII 字符（中文域名写作 xn-- 形式，"
                f"其他字符按网址规则编码），收到“{url[:200]}”")
    return None


def deliver(url: str, secret: str, status: dict[str, Any], *, attempts: int, timeout: float,
            pause: float = 1.0) -> bool:
    """POST ``status`` to ``url``, signed; True once a 2xx answer came back."""
    body = json.dumps(status, ensure_ascii=False).encode("utf-8")
    headers = {"Content-Type": "application/json; charset=utf-8", SIGNATURE_HEADER: signature(secret, body),
               JOB_HEADER: str(status.get("id", "")), "User-Agent": "docgen"}
    for attempt in range(1, attempts + 1):
        try:
            with urllib.request.urlopen(urllib.request.Request(url, data=body, headers=headers, method="POST"),
                                        timeout=timeout) as answer:
                if 200 <= answer.status < 300:
                    return True
        except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as exc:
            log.warning("callback for job %s, attempt %d of %d: %s", status.get("id"), attempt, attempts, exc)
        if attempt < attempts:
            time.sleep(pause * 2 ** (attempt - 1))
    return False
