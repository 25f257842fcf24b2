"""The summary's chart (matplotlib): result classes and survey ratings, with Chinese labels.

Each chart is its own :class:`matplotlib.figure.Figure` drawn on the Agg canvas, not pyplot's
global state, so that threads of the server can draw at the same time. The figure is drawn at
the width it is printed (:data:`PRINTED_WIDTH_MM`), so a point in it is a point on paper: every
text, digits and tick labels included, is in the document's body face (FandolFang, standing in
for 仿宋_GB2312) at :data:`TEXT_PT` or more.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

from .figures import Figures
from .ledger import RATINGS

if TYPE_CHECKING:  # matplotlib is imported when a chart is drawn: it takes most of docgen's start-up
    from matplotlib.axes import Axes
    from matplotlib.container import BarContainer
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

FONT_FILE = Path(__file__).resolve().parents[3] / "fonts" / "fandol" / "FandolFang-Regular.otf"
PRINTED_WIDTH_MM = 150
TEXT_PT = 10.5  # 五号, the smallest size a printed figure's text may have
TITLE_PT = 12
CLASS_COLOURS = ("#9E2A2B", "#C97B63", "#D9B38C", "#8C8C8C")
RATING_COLOURS = ("#9E2A2B", "#D9B38C", "#8C8C8C")
ASPECTS = ("办理态度", "办理结果")


def _font(size: float) -> FontProperties:
    from matplotlib.font_manager import FontProperties

    return FontProperties(fname=str(FONT_FILE), size=size)


def _bar_labels(ax: Axes, bars: BarContainer, values: list[int]) -> None:
    for bar, value in zip(bars, values):
        ax.annotate(str(value), (bar.get_x() + bar.get_width() / 2, bar.get_height()), ha="center", va="bottom",
                    fontproperties=_font(TEXT_PT), xytext=(0, 2), textcoords="offset points")


def _style(ax: Axes, title: str, labels: list[str]) -> None:
    from matplotlib.ticker import MaxNLocator

    ax.set_title(title, fontproperties=_font(TITLE_PT))
    ax.set_xticks(range(len(labels)), labels, fontproperties=_font(TEXT_PT))
    ax.set_ylabel("件数", fontproperties=_font(TEXT_PT))
    ax.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
    ax.set_yticks(ax.get_yticks(), [f"{t:.0f}" for t in ax.get_yticks()], fontproperties=_font(TEXT_PT))
    ax.spines[["top", "right"]].set_visible(False)
    ax.margins(y=0.18)


def results_and_satisfaction_figure(figures: Figures, counts: dict[str, dict[str, int]]) -> Figure:
    """Left: main items per result class. Right: survey ratings for attitude and for result.

    ``counts`` maps 办理态度/办理结果 to {满意, 基本满意, 不满意} counts.
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=(PRINTED_WIDTH_MM / 25.4, 3.0), dpi=220)
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.25]})
    letters = list(figures.by_class)
    values = [figures.by_class[letter] for letter in letters]
    bars = left.bar(range(len(letters)), values, color=CLASS_COLOURS[: len(letters)], width=0.6)
    _bar_labels(left, bars, values)
    _style(left, "办理结果分类（主办件）", [f"{letter}类" for letter in letters])

    width = 0.26
    for i, rating in enumerate(RATINGS):
        series = [counts[aspect][rating] for aspect in ASPECTS]
        bars = right.bar([x + (i - 1) * width for x in range(2)], series, width, color=RATING_COLOURS[i], label=rating)
        _bar_labels(right, bars, series)
    _style(right, "征询意见表评价", list(ASPECTS))
    right.legend(prop=_font(TEXT_PT), frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncols=3)
    fig.tight_layout()
    return fig


def results_and_satisfaction(figures: Figures, counts: dict[str, dict[str, int]]) -> bytes:
    """The chart as PNG bytes, to be placed :data:`PRINTED_WIDTH_MM` wide."""
    out = io.BytesIO()
    results_and_satisfaction_figure(figures, counts).savefig(out, format="png")
    return out.getvalue()
