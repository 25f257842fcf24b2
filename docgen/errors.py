"""Errors raised by docgen's library face; the CLI and the web face translate them.

Each error class carries, as data, what a face needs to answer it: a stable ``code``, the
HTTP ``status`` and the Chinese ``title`` of its problem document. An error about input
also carries ``findings``.
"""

from __future__ import annotations

from collections.abc import Sequence

from .findings import Finding


class DocgenError(Exception):
    """Base class. ``code`` is stable and machine-readable; the message is Chinese."""

    code = "docgen_error"
    status = 500  # a DocgenError that no subclass describes is a fault of the service's set-up
    title = "服务配置有误"
    findings: Sequence[Finding] = ()

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ConfigError(DocgenError):
    code = "invalid_config"


class UnknownKind(DocgenError):
    code = "unknown_kind"
    status, title = 404, "不支持的文书类型"

    def __init__(self, kind: str, known: list[str]):
        super().__init__(f"不支持的文书类型“{kind}”，可用类型：{'、'.join(known)}")
        self.kind = kind


class InvalidCase(DocgenError):
    """The case has findings of severity error; nothing was rendered."""

    code = "invalid_case"
    status, title = 422, "案件数据未通过检查"

    def __init__(self, kind: str, findings: list[Finding]):
        errors = [f for f in findings if f.severity.value == "error"]
        super().__init__(f"案件数据有 {len(errors)} 处错误，未生成文书")
        self.kind = kind
        self.findings = findings


class InputRejected(DocgenError):
    """Input refused as a whole; ``findings`` say why, and the first one is the message."""

    status = 422

    def __init__(self, findings: list[Finding]):
        super().__init__(findings[0].message if findings else self.title)
        self.findings = findings


class CaseRejected(InputRejected):
    """A kind refused the case while parsing it (e.g. an unreadable ledger)."""

    code = "invalid_case"
    title = "案件数据未通过检查"


class UploadRefused(DocgenError):
    code = "upload_refused"
    status, title = 400, "不接受上传文件"


class TemplateMissing(DocgenError):
    code = "template_missing"
