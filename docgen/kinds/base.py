"""What every document kind provides. The engine and the faces see kinds only through this."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel

from ..engine import DocumentProperties
from ..errors import UploadRefused
from ..findings import Finding
from ..intake.tables import TableSpec
from ..profile import Profile

CaseT = TypeVar("CaseT", bound=BaseModel)


class DocumentKind(ABC, Generic[CaseT]):
    """One kind of document: its case schema, its content rules, and how a case becomes a context."""

    name: ClassVar[str]  # URL- and CLI-friendly: "reply-letter"
    title: ClassVar[str]  # what users call it: "答复函"
    description: ClassVar[str]  # one line, Chinese
    model: ClassVar[type[BaseModel]]
    template: ClassVar[str]  # file name under templates/
    order: ClassVar[int] = 100  # position in listings (kinds, the web page)
    table: ClassVar[TableSpec | None] = None  # a kind whose cases may come as spreadsheet rows: columns, row → case

    def parse(self, data: Any) -> CaseT:
        """Validate ``data`` against the schema (raises pydantic.ValidationError)."""
        return self.model.model_validate(data)  # type: ignore[return-value]

    @abstractmethod
    def check(self, case: CaseT, profile: Profile) -> list[Finding]:
        """The content rules beyond the schema, as findings."""

    @abstractmethod
    def context(self, case: CaseT, profile: Profile) -> dict[str, Any]:
        """The template context for a case that passed :meth:`check` without errors."""

    @abstractmethod
    def filename(self, case: CaseT) -> str:
        """The download name, without extension, in Chinese."""

    @abstractmethod
    def properties(self, case: CaseT) -> DocumentProperties:
        """Title, author, subject and keywords for the document's metadata."""

    def attach(self, data: dict[str, Any], field: str, filename: str, content: bytes) -> dict[str, Any]:
        """Put an uploaded file into the case data (multipart requests, CLI files).

        Kinds that take files override this; the default refuses every upload.
        """
        raise UploadRefused(f"“{self.title}”不接受上传文件（字段 {field}）")

    def form_choices(self, profile: Profile) -> dict[str, list[tuple[str, str]]]:
        """Fixed values that depend on the locality profile (e.g. the class letters), by field path,
        as (value, what a clerk reads) pairs for forms to offer as a choice; the schema itself stays
        profile-independent."""
        return {}

    def json_schema(self) -> dict[str, Any]:
        return self.model.model_json_schema()

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "title": self.title, "description": self.description}
