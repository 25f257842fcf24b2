"""The Python API: check and render documents. The CLI and the web face call only these."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from .engine import render_docx
from .errors import InvalidCase
from .findings import Finding, findings_from_validation_error, has_errors
from .kinds import get_kind
from .profile import Profile, load_profile

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


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
    return CheckResult(kind.name, kind.check(case, profile), case)


def render(kind_name: str, data: Any, profile: Profile | None = None) -> RenderedDocument:
    """Render a case to .docx. Raises :class:`InvalidCase` when any finding is an error."""
    profile = profile or load_profile()
    result = check(kind_name, data, profile)
    if not result.ok or result.case is None:
        raise InvalidCase(kind_name, result.findings)
    kind = get_kind(kind_name)
    content = render_docx(kind.template, kind.context(result.case, profile), kind.properties(result.case))
    return RenderedDocument(content, f"{kind.filename(result.case)}.docx", DOCX_MEDIA_TYPE, result.findings)
