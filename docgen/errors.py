"""Errors raised by docgen's library face; the CLI and the web face translate them."""

from __future__ import annotations

from .findings import Finding


class DocgenError(Exception):
    """Base class. ``code`` is stable and machine-readable; the message is Chinese."""

    code = "docgen_error"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ConfigError(DocgenError):
    code = "invalid_config"


class UnknownKind(DocgenError):
    code = "unknown_kind"

    def __init__(self, kind: str, known: list[str]):
        super().__init__(f"不支持的文书类型“{kind}”，可用类型：{'、'.join(known)}")
        self.kind = kind


class InvalidCase(DocgenError):
    """The case has findings of severity error; nothing was rendered."""

    code = "invalid_case"

    def __init__(self, kind: str, findings: list[Finding]):
        errors = [f for f in findings if f.severity.value == "error"]
        super().__init__(f"案件数据有 {len(errors)} 处错误，未生成文书")
        self.kind = kind
        self.findings = findings


class CaseRejected(DocgenError):
    """A kind refused the case while parsing it (e.g. an unreadable ledger); ``findings`` say why."""

    code = "invalid_case"

    def __init__(self, findings: list[Finding]):
        super().__init__(findings[0].message if findings else "案件数据无法读取")
        self.findings = findings


class UploadRefused(DocgenError):
    code = "upload_refused"


class TemplateMissing(DocgenError):
    code = "template_missing"
