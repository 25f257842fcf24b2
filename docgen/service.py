"""The Python API: check and render documents. The CLI and the web face call only these."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ValidationError

from . import pdf
from .engine import DocumentProperties, render_docx
from .errors import CaseRejected, InvalidCase
from .figures import Figures, compute
from .kinds.annual_summary import ALL_CLASS_LETTERS, class_findings
from .ledger import LedgerRow, LedgerUnreadable, load_ledger
from .findings import Finding, findings_from_validation_error, has_errors
from .kinds import get_kind
from .profile import Profile, load_profile

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
Format = Literal["docx", "pdf"]


class Converter(Protocol):
    """Turns .docx bytes into PDF bytes (docgen.converter.ConverterPool is one)."""

    def convert(self, docx: bytes) -> bytes: ...

    def convert_once(self, key: str, docx: Callable[[], bytes]) -> bytes:
        """Convert ``docx()`` once for ``key`` and keep the PDF for the converter's lifetime."""
        ...


@dataclass
class CheckResult:
    kind: str
    findings: list[Finding]
    case: BaseModel | None = None

    @property
    def ok(self) -> bool:
        return not has_errors(self.findings)

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "findings": [f.to_dict() for f in self.findings]}


@dataclass
class RenderedDocument:
    content: bytes
    filename: str
    media_type: str
    findings: list[Finding] = field(default_factory=list)


def check(kind_name: str, data: Any, profile: Profile | None = None) -> CheckResult:
    """Validate ``data`` as a case of ``kind_name``: the schema first, then the kind's content rules."""
    kind = get_kind(kind_name)
    profile = profile or load_profile()
    try:
        case = kind.parse(data)
    except ValidationError as exc:
        return CheckResult(kind.name, findings_from_validation_error(exc))
    except CaseRejected as exc:
        return CheckResult(kind.name, exc.findings)
    return CheckResult(kind.name, kind.check(case, profile), case)


def render(
    kind_name: str,
    data: Any,
    profile: Profile | None = None,
    *,
    fmt: Format = "docx",
    converter: Converter | None = None,
    draft: bool = False,
) -> RenderedDocument:
    """Render a case to .docx, or to PDF through ``converter``. Raises :class:`InvalidCase`
    when any finding is an error. ``draft`` lays the 草稿 watermark across every PDF page."""
    profile = profile or load_profile()
    result = check(kind_name, data, profile)
    if not result.ok or result.case is None:
        raise InvalidCase(kind_name, result.findings)
    kind = get_kind(kind_name)
    properties = kind.properties(result.case)
    content = render_docx(kind.template, kind.context(result.case, profile), properties)
    name = kind.filename(result.case)
    if fmt == "docx":
        return RenderedDocument(content, f"{name}.docx", DOCX_MEDIA_TYPE, result.findings)
    if converter is None:
        raise ValueError("PDF output needs a converter (docgen.converter.ConverterPool)")
    content = to_pdf(content, properties, converter, draft=draft)
    return RenderedDocument(content, f"{name}.pdf", pdf.PDF_MEDIA_TYPE, result.findings)


@dataclass
class LedgerReport:
    figures: Figures | None
    findings: list[Finding]
    rows: list[LedgerRow] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.figures is not None and not has_errors(self.findings)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "figures": self.figures.to_dict() if self.figures is not None else None,
            "findings": [f.to_dict() for f in self.findings],
        }


def ledger_report(source: list[Any] | tuple[str, bytes], profile: Profile | None = None) -> LedgerReport:
    """The figures of a ledger given as records or as (filename, content), with its findings."""
    profile = profile or load_profile()
    try:
        ledger = load_ledger(source, ALL_CLASS_LETTERS)
    except LedgerUnreadable as exc:
        return LedgerReport(None, exc.findings)
    findings = ledger.findings + class_findings(ledger, profile)
    return LedgerReport(compute(ledger.rows, profile), findings, ledger.rows)


def to_pdf(docx: bytes, properties: DocumentProperties, converter: Converter, *, draft: bool = False) -> bytes:
    """Convert a rendered .docx and finish the PDF: metadata, and the watermark for drafts."""
    watermark = draft_watermark(converter) if draft else None
    return pdf.finish(converter.convert(docx), properties, watermark=watermark)


def draft_watermark(converter: Converter) -> bytes:
    """The one-page 草稿 stamp, converted once per converter from templates/draft-watermark.docx."""
    return converter.convert_once("draft-watermark", lambda: render_docx("draft-watermark.docx", {}))
