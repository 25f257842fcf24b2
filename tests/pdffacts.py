"""Measuring a rendered PDF: its printed lines of text (character boxes) and its drawn rules.

Positions are in PDF points from the page's top left (pdfplumber's ``top``), so they compare
directly with the GB/T 9704 measures in millimetres through :func:`mm`.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pdfplumber

POINTS_PER_MM = 72 / 25.4
PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210.0, 297.0
MARGIN_TOP_MM, MARGIN_BOTTOM_MM, MARGIN_LEFT_MM, MARGIN_RIGHT_MM = 37.0, 35.0, 28.0, 26.0
TYPE_AREA_LEFT_MM, TYPE_AREA_RIGHT_MM = MARGIN_LEFT_MM, PAGE_WIDTH_MM - MARGIN_RIGHT_MM
TYPE_AREA_BOTTOM_MM = PAGE_HEIGHT_MM - MARGIN_BOTTOM_MM
BODY_PT = 16.0
RED = (1, 0, 0)


def mm(points: float) -> float:
    return points / POINTS_PER_MM


@dataclass(frozen=True)
class Line:
    """One printed line: its characters left to right, in one size."""

    chars: tuple[dict, ...]

    @property
    def text(self) -> str:
        return "".join(c["text"] for c in self.chars)

    @property
    def size(self) -> float:
        return round(max(c["size"] for c in self.chars), 1)

    @property
    def left_mm(self) -> float:
        return mm(self.chars[0]["x0"])

    @property
    def right_mm(self) -> float:
        return mm(self.chars[-1]["x1"])

    @property
    def top_mm(self) -> float:
        return mm(min(c["top"] for c in self.chars))

    @property
    def bottom_mm(self) -> float:
        return mm(max(c["bottom"] for c in self.chars))

    def is_full_width(self) -> bool:
        """Every character a full-width (CJK) one: no digits or Latin letters to count as half."""
        return all(c["x1"] - c["x0"] > 0.8 * c["size"] for c in self.chars)


@dataclass(frozen=True)
class Rule:
    """A drawn horizontal line (a border, or a filled rectangle thinner than 5 pt)."""

    top_mm: float
    left_mm: float
    right_mm: float
    width_pt: float
    red: bool

    @property
    def length_mm(self) -> float:
        return self.right_mm - self.left_mm


@dataclass(frozen=True)
class Page:
    number: int
    lines: tuple[Line, ...]
    rules: tuple[Rule, ...]

    def body_lines(self) -> list[Line]:
        """Lines of 16 pt text inside the type area (not the header, footer or page number)."""
        return [
            line for line in self.lines
            if line.size == BODY_PT and MARGIN_TOP_MM - 1 <= line.top_mm and line.bottom_mm <= TYPE_AREA_BOTTOM_MM + 1
        ]

    def find(self, text: str) -> Line:
        found = [line for line in self.lines if text in line.text]
        assert found, f"page {self.number}: no line with {text!r}"
        return found[0]

    def red_rules(self) -> list[Rule]:
        return sorted({r for r in self.rules if r.red}, key=lambda r: r.top_mm)


def _lines(chars: list[dict]) -> tuple[Line, ...]:
    rows: dict[float, list[dict]] = {}
    for c in chars:
        if c["text"].strip():
            # Characters of one line share a baseline; a few tenths of a point apart at most.
            key = next((k for k in rows if abs(k - c["bottom"]) < 2), c["bottom"])
            rows.setdefault(key, []).append(c)
    return tuple(Line(tuple(sorted(cs, key=lambda c: c["x0"]))) for _, cs in sorted(rows.items()))


def _is_red(color) -> bool:
    return isinstance(color, (tuple, list)) and len(color) == 3 and tuple(round(v, 2) for v in color) == RED


def _rules(page) -> tuple[Rule, ...]:
    rules = []
    for line in page.lines:
        if abs(line["top"] - line["bottom"]) < 0.5:
            rules.append(Rule(round(mm(line["top"]), 2), round(mm(line["x0"]), 1), round(mm(line["x1"]), 1),
                              round(line["linewidth"], 2), _is_red(line.get("stroking_color"))))
    for rect in page.rects:
        height = rect["bottom"] - rect["top"]
        if height < 5 and rect["width"] > 10 * height:
            color = rect.get("non_stroking_color") if rect.get("fill") else rect.get("stroking_color")
            rules.append(Rule(round(mm((rect["top"] + rect["bottom"]) / 2), 2), round(mm(rect["x0"]), 1),
                              round(mm(rect["x1"]), 1), round(height, 2), _is_red(color)))
    return tuple(rules)


def pages(pdf: bytes) -> list[Page]:
    """Every page's printed lines and drawn rules."""
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return [Page(i + 1, _lines(p.chars), _rules(p)) for i, p in enumerate(document.pages)]
