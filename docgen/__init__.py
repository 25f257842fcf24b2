"""docgen: official paperwork for handling 人大代表建议 and 政协委员提案, per GB/T 9704-2012.

    >>> import docgen
    >>> doc = docgen.render("reply-letter", case_dict)      # RenderedDocument(content=b"PK...")
    >>> docgen.check("reply-letter", case_dict).findings    # [Finding(code=..., ...)]
"""

from .errors import DocgenError, InvalidCase, UnknownKind
from .findings import Finding, Severity
from .kinds import all_kinds, get_kind
from .profile import Profile, load_profile
from .service import CheckResult, RenderedDocument, check, render

__all__ = [
    "CheckResult",
    "DocgenError",
    "Finding",
    "InvalidCase",
    "Profile",
    "RenderedDocument",
    "Severity",
    "UnknownKind",
    "all_kinds",
    "check",
    "get_kind",
    "load_profile",
    "render",
]
