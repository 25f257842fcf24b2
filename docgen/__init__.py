"""docgen: official paperwork for handling 人大代表建议 and 政协委员提案, per GB/T 9704-2012.

    >>> import docgen
    >>> doc = docgen.render("reply-letter", case_dict)      # RenderedDocument(content=b"PK...")
    >>> docgen.check("reply-letter", case_dict).findings    # [Finding(code=..., ...)]

The names below are loaded on first use (PEP 562), so that importing one part of the package
(``docgen.cli``, ``docgen.wordlist``) does not import every document kind first.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .errors import DocgenError, InvalidCase, UnknownKind
    from .findings import Finding, Severity
    from .kinds import all_kinds, get_kind
    from .profile import Profile, load_profile
    from .service import CheckResult, RenderedDocument, check, render

# Each public name, and the module (relative to this package) that defines it.
_SOURCES = {
    "CheckResult": ".service",
    "DocgenError": ".errors",
    "Finding": ".findings",
    "InvalidCase": ".errors",
    "Profile": ".profile",
    "RenderedDocument": ".service",
    "Severity": ".findings",
    "UnknownKind": ".errors",
    "all_kinds": ".kinds",
    "check": ".service",
    "get_kind": ".kinds",
    "load_profile": ".profile",
    "render": ".service",
}

__all__ = sorted(_SOURCES)


def __getattr__(name: str) -> Any:
    try:
        source = _SOURCES[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(importlib.import_module(source, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
