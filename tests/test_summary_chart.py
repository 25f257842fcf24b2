"""The summary's chart prints in the document's face at 10.5 pt or more, digits included."""

from __future__ import annotations

import io

import pdfplumber

from docgen.kinds.annual_summary import chart
from docgen.kinds.annual_summary.figures import compute, rating_counts
from docgen.kinds.annual_summary.ledger import load_ledger
from docgen.profile import load_profile
from test_annual_summary import XLSX


def test_every_character_of_the_chart_is_fandolfang_at_ten_and_a_half_points_as_printed():
    ledger = load_ledger((XLSX.name, XLSX.read_bytes()))
    figure = chart.results_and_satisfaction_figure(compute(ledger.rows, load_profile()), rating_counts(ledger.rows))
    out = io.BytesIO()
    figure.savefig(out, format="pdf")
    with pdfplumber.open(out) as pdf:
        page = pdf.pages[0]
        chars = page.chars
        printed = chart.PRINTED_WIDTH_MM / (page.width / 72 * 25.4)  # the page is the figure
    text = "".join(c["text"] for c in chars)
    assert "办理结果分类" in text and "征询意见表评价" in text and "件数" in text
    assert any(c.isdigit() for c in text)  # bar values and the axis
    assert {c["fontname"].split("+")[-1] for c in chars} == {"FandolFang-Regular"}
    assert abs(printed - 1) < 0.01
    assert min(c["size"] * printed for c in chars) >= 10.5 - 0.01
