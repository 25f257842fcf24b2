"""The Python API: check and render documents. The CLI and the web face call only these."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

from pydantic import BaseModel, ValidationError

from . import pdf
from .engine import DocumentProperties, render_docx
from .errors import CaseRejected, InvalidCase
from .findings import Finding, error, findings_from_validation_error, has_errors
from .kinds import get_kind
from .intake.workbooks import IntakeLimits
from .profile import Profile, load_profile

if TYPE_CHECKING:
    from .kinds.annual_summary.report import LedgerReport

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
Format = Literal["docx", "pdf"]


class Converter(Protocol):
    """Turns .docx bytes into PDF bytes (docgen.converter.ConverterPool is one)."""

    def convert(self, docx: bytes, *, marks: bool = False) -> bytes:
        """``marks``: the document's bookmarks also become named destinations of the PDF."""
        ...

    def convert_once(self, key: str, docx: Callable[[], bytes]) -> bytes:
        """Convert ``docx()`` once for ``key`` and keep the PDF for the converter's lifetime."""
        ...


@dataclass
class CheckResult:
    """A case checked under ``profile``: its findings, and the parsed case when the schema passed."""

    kind: str
    findings: list[Finding]
    case: BaseModel | None = None
    profile: Profile | None = None

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
    return CheckResult(kind.name, kind.check(case, profile), case, profile)


def render(
    kind_name: str,
    data: Any,
    profile: Profile | None = None,
    *,
    fmt: Format = "docx",
    converter: Converter | None = None,
    draft: bool = False,
) -> RenderedDocument:
    """Check a case, then render it to .docx, or to PDF through ``converter``. Raises
    :class:`InvalidCase` when any finding is an error. ``draft`` lays the 草稿 watermark across
    every PDF page."""
    return render_checked(check(kind_name, data, profile), fmt=fmt, converter=converter, draft=draft)


def render_checked(
    result: CheckResult, *, fmt: Format = "docx", converter: Converter | None = None, draft: bool = False
) -> RenderedDocument:
    """Render a case :func:`check` has passed, without parsing or checking it again."""
    if not result.ok or result.case is None or result.profile is None:
        raise InvalidCase(result.kind, result.findings)
    kind = get_kind(result.kind)
    properties = kind.properties(result.case)
    content = render_docx(kind.template, kind.context(result.case, result.profile), properties)
    name = kind.filename(result.case)
    if fmt == "docx":
        return RenderedDocument(content, f"{name}.docx", DOCX_MEDIA_TYPE, result.findings)
    if converter is None:
        raise ValueError("PDF output needs a converter (docgen.converter.ConverterPool)")
    content = to_pdf(content, properties, converter, draft=draft)
    return RenderedDocument(content, f"{name}.pdf", pdf.PDF_MEDIA_TYPE, result.findings)


def ledger_report(
    source: list[Any] | tuple[str, bytes], profile: Profile | None = None, limits: IntakeLimits | None = None,
) -> LedgerReport:
    """The figures of a ledger given as records or as (filename, content), with its findings;
    a workbook is opened under ``limits`` (safe defaults when None)."""
    from .kinds.annual_summary.report import ledger_report as report

    return report(source, profile or load_profile(), limits)


def to_pdf(docx: bytes, properties: DocumentProperties, converter: Converter, *, draft: bool = False) -> bytes:
    """Convert a rendered .docx and finish the PDF: metadata, and the watermark for drafts."""
    watermark = draft_watermark(converter) if draft else None
    return pdf.finish(converter.convert(docx), properties, watermark=watermark)


def draft_watermark(converter: Converter) -> bytes:
    """The one-page 草稿 stamp, converted once per converter from templates/draft-watermark.docx."""
    return converter.convert_once("draft-watermark", lambda: render_docx("draft-watermark.docx", {}))


def assignment_notices(
    data: Any, profile: Profile | None = None, *, document_format: Format = "docx", converter: Converter | None = None
) -> Any:
    """Each unit's 交办单 from an assignment list, as one .zip (a :class:`docgen.batch.BatchResult`)
    named by unit. Raises :class:`InvalidCase` when the list itself has errors."""
    from .batch import run_batch
    from .kinds.assignment import notice_cases

    result = check("assignment-list", data, profile)
    if not result.ok or result.case is None:
        raise InvalidCase(result.kind, result.findings)
    return run_batch(
        "assignment-notice", notice_cases(result.case), output="zip", document_format=document_format,
        strict=True, profile=result.profile, converter=converter,
    )


XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def reply_letters(files: list[tuple[str, bytes]], profile: Profile | None = None) -> list[BaseModel]:
    """The reply letters of the batch's inputs (a .json case, a .json list, or the batch spreadsheet),
    each checked; raises :class:`~docgen.kinds.commitments.LettersInvalid` naming every letter with errors."""
    from .batch import flat_findings, load_cases
    from .intake.jsondata import MalformedJson, decode_json
    from .kinds.commitments import LettersInvalid
    from .kinds.common import item_label

    profile = profile or load_profile()
    report: list[dict[str, Any]] = []
    letters: list[BaseModel] = []
    for filename, content in files:
        try:
            single = decode_json(content, f"“{filename}”") if filename.lower().endswith(".json") else None
        except MalformedJson:
            single = None  # cases_from_json reports it
        if isinstance(single, dict) and "points" in single:
            cases, origins = [single], [filename]
        else:
            loaded = load_cases("reply-letter", filename, content)
            cases = loaded.cases
            origins = [f"{filename} {o}" if o else filename for o in (loaded.origins or [None] * len(cases))]
        for data, origin in zip(cases, origins):
            result = check("reply-letter", data, profile)
            item = item_label(result.case.source, result.case.item_number) if result.case is not None else None  # type: ignore[attr-defined]
            report.append({"index": len(report), "item": item, "origin": origin,
                           "ok": result.ok, "findings": [f.to_dict() for f in result.findings]})
            if result.ok and result.case is not None:
                letters.append(result.case)
    if not report:
        raise LettersInvalid([error("letters.empty", "cases", "cases：没有任何答复函，无法生成承诺事项台账")])
    bad = flat_findings(report)
    if bad:
        raise LettersInvalid(bad)
    return letters


def commitments_ledger(
    files: list[tuple[str, bytes]], as_of: dt.date | None = None, profile: Profile | None = None
) -> RenderedDocument:
    """承诺事项台账 (.xlsx) of every commitment in the reply letters of ``files``, with the days left
    and the status as of ``as_of`` (today by default)."""
    from .kinds.commitments import commitments_of
    from .kinds.commitments.workbook import write_workbook

    letters = reply_letters(files, profile)
    years = sorted({letter.replied_on.year for letter in letters})  # type: ignore[attr-defined]
    year = years[0] if len(years) == 1 else None
    content = write_workbook(commitments_of(letters), as_of or dt.date.today(), year)  # type: ignore[arg-type]
    return RenderedDocument(content, f"{year or ''}{'年' if year else ''}答复承诺事项台账.xlsx", XLSX_MEDIA_TYPE)


def review_commitments(filename: str, content: bytes, as_of: dt.date | None = None) -> Any:
    """The commitments ledger read back: counts by status and each commitment overdue and not closed."""
    from .kinds.commitments import review_workbook

    return review_workbook(filename, content, as_of or dt.date.today())
