"""The registry of document kinds. A new kind is a module here plus one line in ``_KINDS``."""

from __future__ import annotations

from ..errors import UnknownKind
from .base import DocumentKind
from .reply_letter import ReplyLetter

_KINDS: dict[str, DocumentKind] = {kind.name: kind for kind in (ReplyLetter(),)}


def get_kind(name: str) -> DocumentKind:
    try:
        return _KINDS[name]
    except KeyError:
        raise UnknownKind(name, list(_KINDS)) from None


def all_kinds() -> list[DocumentKind]:
    return list(_KINDS.values())


__all__ = ["DocumentKind", "all_kinds", "get_kind"]
