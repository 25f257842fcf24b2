"""The locality profile: what differs from place to place, with an embedded default.

The default lives in ``default_profile.toml`` inside the package; a config file given by
``DOCGEN_CONFIG`` or ``--config`` overrides any subset of its keys.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import ConfigError
from .findings import findings_from_validation_error

DEFAULT_PROFILE_PATH = Path(__file__).with_name("default_profile.toml")


@dataclass(frozen=True)
class ResultClass:
    letter: str
    meaning: str
    requires_commitments: bool = False
    requires_reason: bool = False


SCHEMES: dict[str, tuple[ResultClass, ...]] = {
    "ABC": (
        ResultClass("A", "所提问题已解决或建议已采纳"),
        ResultClass("B", "所提问题正在解决或已列入计划逐步解决", requires_commitments=True),
        ResultClass("C", "所提问题因条件限制暂不能解决或留作参考", requires_reason=True),
    ),
    "ABCD": (
        ResultClass("A", "所提问题已解决或基本解决"),
        ResultClass("B", "所提问题正在解决或已开始解决", requires_commitments=True),
        ResultClass("C", "所提问题已列入规划逐步解决", requires_commitments=True),
        ResultClass("D", "所提问题留作参考或不具备实施条件", requires_reason=True),
    ),
}


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ResultClassSettings(_Section):
    scheme: Literal["ABC", "ABCD"] = "ABC"


class DeadlineSettings(_Section):
    reply_months: int = Field(3, ge=1, le=12)
    complex_reply_months: int = Field(6, ge=1, le=12)
    co_handling_months: int = Field(1, ge=1, le=6)
    survey_return_days: int = Field(15, ge=1, le=90)
    review_report_months: int = Field(2, ge=1, le=6)


class CopySettings(_Section):
    suggestion_body: str = "{level}人大常委会代表工作委员会"
    proposal_body: str = "{level}政协提案委员会"
    government_office: str = "{level}人民政府办公室"


class FormatSettings(_Section):
    date_style: Literal["arabic", "chinese"] = "arabic"
    disclosure_line: bool = True
    letterhead: bool = True


SectionRequirement = Literal["required", "recommended", "optional"]


class SummarySection(_Section):
    """One narrative part of the annual summary: how much it is required, and the titles offices give it."""

    title: str
    requirement: SectionRequirement = "optional"
    synonyms: list[str] = []


class SummarySections(_Section):
    """The narrative parts of 年度办理工作总结, by the key a case may give them."""

    practices: SummarySection
    results: SummarySection
    problems: SummarySection
    plans: SummarySection


class SummarySettings(_Section):
    sections: SummarySections


class Profile(_Section):
    result_classes: ResultClassSettings = ResultClassSettings()
    deadlines: DeadlineSettings = DeadlineSettings()
    copies: CopySettings = CopySettings()
    format: FormatSettings = FormatSettings()
    # The outline is long; its default lives only in default_profile.toml.
    summary: SummarySettings = Field(default_factory=lambda: SummarySettings.model_validate(_default_data()["summary"]))

    @property
    def classes(self) -> tuple[ResultClass, ...]:
        return SCHEMES[self.result_classes.scheme]

    def reply_period_months(self, complex_item: bool) -> int:
        """Months allowed for the reply after assignment: 3, or 6 for complex items (configurable)."""
        return self.deadlines.complex_reply_months if complex_item else self.deadlines.reply_months

    def result_class(self, letter: str) -> ResultClass | None:
        return next((c for c in self.classes if c.letter == letter), None)


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _default_data() -> dict[str, Any]:
    return tomllib.loads(DEFAULT_PROFILE_PATH.read_text("utf-8"))


@cache
def default_profile() -> Profile:
    return Profile.model_validate(_default_data())


def load_profile(path: str | os.PathLike[str] | None = None) -> Profile:
    """The embedded default, overridden by the TOML file at ``path`` (or ``$DOCGEN_CONFIG``)."""
    path = path or os.environ.get("DOCGEN_CONFIG")
    if not path:
        return default_profile()
    try:
        override = tomllib.loads(Path(path).read_text("utf-8"))
    except OSError as exc:
        raise ConfigError(f"无法读取配置文件 {path}：{exc.strerror or exc}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"配置文件 {path} 不是有效的 TOML：{exc}") from exc
    try:
        return Profile.model_validate(_merge(_default_data(), override))
    except ValidationError as exc:
        details = "；".join(f.message for f in findings_from_validation_error(exc))
        raise ConfigError(f"配置文件 {path} 有误：{details}") from exc
