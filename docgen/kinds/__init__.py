"""The registry of document kinds.

Every module in this package that defines ``KIND`` (a :class:`DocumentKind` instance) is a
kind: adding a kind means adding a module; the engine and the faces need no change.
"""

from __future__ import annotations

import importlib
import pkgutil

from ..errors import UnknownKind
from .base import DocumentKind


def _discover() -> dict[str, DocumentKind]:
    found = []
    for module_info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        kind = getattr(module, "KIND", None)
        if isinstance(kind, DocumentKind):
            found.append(kind)
    return {kind.name: kind for kind in sorted(found, key=lambda k: (k.order, k.name))}


_KINDS: dict[str, DocumentKind] = _discover()


def get_kind(name: str) -> DocumentKind:
    try:
        return _KINDS[name]
    except KeyError:
        raise UnknownKind(name, list(_KINDS)) from None


def all_kinds() -> list[DocumentKind]:
    return list(_KINDS.values())


__all__ = ["DocumentKind", "all_kinds", "get_kind"]
