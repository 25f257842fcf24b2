"""The registry of document kinds.

Every module in this package that defines ``KIND`` (a :class:`DocumentKind` instance) is a
kind: adding a kind means adding a module, and its name to :data:`MODULES`; the engine and the
faces need no change.

A kind's module is imported when the kind is first asked for, so that a command about one kind
does not import all of them. :func:`all_kinds` still finds every kind by discovery, and
``tests/test_cold_start.py`` holds :data:`MODULES` to what discovery finds.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from ..errors import UnknownKind
from .base import DocumentKind

# Each kind's name and the module of this package that defines it, in listing order (the kinds'
# ``order``, then name).
MODULES = {
    "reply-letter": "reply_letter",
    "co-handling-opinion": "co_handling_opinion",
    "survey-form": "survey_form",
    "annual-summary": "annual_summary",
    "review-opinion": "review_opinion",
    "assignment-list": "assignment",
    "assignment-notice": "assignment_notice",
    "assignment-speech": "assignment_speech",
}


@cache
def discover() -> dict[str, DocumentKind]:
    """Every kind, by importing every module of this package, in listing order."""
    found = []
    for module_info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        kind = getattr(module, "KIND", None)
        if isinstance(kind, DocumentKind):
            found.append(kind)
    return {kind.name: kind for kind in sorted(found, key=lambda k: (k.order, k.name))}


def prepare_all() -> None:
    """Import every kind's module and build its case model's validator (the models build them on
    first use): a long-running process calls this once as it starts, so that no first request of
    a kind pays for them, and they are made before its start-up objects are frozen out of the
    garbage collector's reach, or shared by the processes forked from it."""
    for kind in all_kinds():
        kind.model.model_rebuild()  # builds a validator not yet built; a no-op after that


def kind_names() -> list[str]:
    """The names of every kind, in listing order, without importing any."""
    return list(MODULES)


@cache
def get_kind(name: str) -> DocumentKind:
    """The kind called ``name``, importing its module only; raises :class:`UnknownKind`."""
    try:
        module_name = MODULES[name]
    except KeyError:
        raise UnknownKind(name, kind_names()) from None
    kind: DocumentKind = importlib.import_module(f"{__name__}.{module_name}").KIND
    return kind


def all_kinds() -> list[DocumentKind]:
    return list(discover().values())


__all__ = ["DocumentKind", "MODULES", "all_kinds", "discover", "get_kind", "kind_names"]
