"""The GB/T 9704 page facts every template shares, checked once here over every valid sample of every
kind: A4 with the standard margins, the lines-only grid of 22 lines, the language; and each template's
styles with their faces and sizes."""

from __future__ import annotations

import pytest
from lxml import etree

from conftest import render_sample, valid_samples
from docfacts import NS, Package, mm, w
from docgen.kinds import all_kinds

SAMPLES = [(kind.name, path) for kind in all_kinds() for path in valid_samples(kind.name)]


@pytest.fixture(scope="module")
def packages() -> dict[tuple[str, str], Package]:
    """Every valid sample rendered once, by (kind, file stem)."""
    return {(kind, path.stem): Package(render_sample(kind, path)) for kind, path in SAMPLES}


@pytest.fixture(params=SAMPLES, ids=lambda sample: f"{sample[0]}/{sample[1].stem}")
def pkg(request, packages) -> Package:
    kind, path = request.param
    return packages[(kind, path.stem)]


def test_page_is_a4_portrait(pkg):
    size = pkg.sect.find("w:pgSz", NS)
    assert (size.get(w("w")), size.get(w("h"))) == ("11906", "16838")
    assert size.get(w("orient")) in (None, "portrait")


def test_margins_are_37_35_28_26_mm_and_the_type_area_156_mm_wide(pkg):
    margins = pkg.sect.find("w:pgMar", NS)
    for side, expected in (("top", 37), ("bottom", 35), ("left", 28), ("right", 26)):
        assert abs(mm(margins.get(w(side))) - expected) <= 0.5, side
    assert abs(210 - mm(margins.get(w("left"))) - mm(margins.get(w("right"))) - 156) <= 0.5


def test_grid_is_lines_only_at_579_twips_giving_22_lines(pkg):
    grid = pkg.sect.find("w:docGrid", NS)
    assert (grid.get(w("type")), grid.get(w("linePitch"))) == ("lines", "579")
    type_area_pt = (297 - 37 - 35) / 25.4 * 72
    assert round(type_area_pt / (579 / 20)) == 22
    assert pkg.style_value("Normal", "w:pPr/w:spacing", "line") == "579"


def test_language_is_tagged_simplified_chinese(pkg):
    assert pkg.styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS).get(w("eastAsia")) == "zh-CN"
    for style in pkg.styles.findall("w:style[@w:type='paragraph']", NS):
        lang = style.find("w:rPr/w:lang", NS)
        assert lang is None or lang.get(w("eastAsia")) == "zh-CN", style.get(w("styleId"))
    assert pkg.settings.find("w:themeFontLang", NS).get(w("eastAsia")) == "zh-CN"
    assert all(lang.get(w("eastAsia")) in (None, "zh-CN") for lang in pkg.document.iter(w("lang")))


def test_no_theme_fonts_override_the_named_faces(pkg):
    for fonts in pkg.styles.iter(w("rFonts")):
        assert not any(k.endswith("Theme") for k in fonts.attrib), etree.tostring(fonts)


# (kind, style, East Asian face, size in half-points or None when the template leaves it to the text)
STYLES = [
    *[("reply-letter", *s) for s in (
        ("Normal", "仿宋_GB2312", "32"), ("BodyText", "仿宋_GB2312", "32"), ("DocTitle", "方正小标宋简体", "44"),
        ("Heading1Gw", "黑体", "32"), ("Heading2Gw", "楷体_GB2312", "32"), ("Addressee", "仿宋_GB2312", "32"),
        ("Signature", "仿宋_GB2312", "32"), ("Note", "仿宋_GB2312", "32"), ("Copies", "仿宋_GB2312", "28"),
        ("PageNumberOdd", "宋体", "28"), ("PageNumberEven", "宋体", "28"), ("IssuerMark", "方正小标宋简体", None),
        ("ClassMark", "黑体", "32"),
    )],
    *[("co-handling-opinion", *s) for s in (
        ("Normal", "仿宋_GB2312", "32"), ("BodyText", "仿宋_GB2312", "32"), ("Addressee", "仿宋_GB2312", "32"),
        ("DocTitle", "方正小标宋简体", "44"), ("Heading1Gw", "黑体", "32"), ("Signature", "仿宋_GB2312", "32"),
        ("Note", "仿宋_GB2312", "32"), ("Copies", "仿宋_GB2312", "28"), ("PageNumberOdd", "宋体", "28"),
        ("IssuerMark", "方正小标宋简体", None),
    )],
    *[("survey-form", *s) for s in (
        ("DocTitle", "方正小标宋简体", "44"), ("TableText", "仿宋_GB2312", "28"), ("TableTextCenter", "仿宋_GB2312", "28"),
        ("SurveyNote", "仿宋_GB2312", "28"),
    )],
    *[("assignment-list", *s) for s in (
        ("DocTitle", "方正小标宋简体", "44"), ("BodyText", "仿宋_GB2312", "32"), ("ListText", "仿宋_GB2312", "21"),
        ("ListHead", "黑体", "21"), ("ListGroup", "黑体", "21"), ("PageNumberOdd", "宋体", "28"),
    )],
    *[("assignment-notice", *s) for s in (
        ("DocTitle", "方正小标宋简体", "44"), ("Addressee", "仿宋_GB2312", "32"), ("Heading1Gw", "黑体", "32"),
        ("Signature", "仿宋_GB2312", "32"), ("ListText", "仿宋_GB2312", "21"), ("IssuerMark", "方正小标宋简体", None),
    )],
    *[("assignment-speech", *s) for s in (
        ("DocTitle", "方正小标宋简体", "44"), ("SpeechSpeaker", "楷体_GB2312", "32"), ("Addressee", "仿宋_GB2312", "32"),
        ("BodyText", "仿宋_GB2312", "32"), ("Heading1Gw", "黑体", "32"), ("Heading2Gw", "楷体_GB2312", "32"),
        ("PageNumberOdd", "宋体", "28"),
    )],
    *[("annual-summary", *s) for s in (("DocTitle", "方正小标宋简体", None), ("BodyText", "仿宋_GB2312", None))],
    *[("review-opinion", *s) for s in (
        ("Normal", "仿宋_GB2312", "32"), ("BodyText", "仿宋_GB2312", "32"), ("Addressee", "仿宋_GB2312", "32"),
        ("BodyTextKeep", "仿宋_GB2312", "32"), ("Signature", "仿宋_GB2312", "32"), ("DocTitle", "方正小标宋简体", "44"),
        ("PageNumberOdd", "宋体", "28"), ("IssuerMarkDoc", "方正小标宋简体", "72"),
    )],
]


@pytest.mark.parametrize("kind, style_id, face, half_points", STYLES)
def test_styles_name_the_official_east_asian_faces_and_sizes(packages, kind, style_id, face, half_points):
    pkg = next(package for (of, _), package in packages.items() if of == kind)
    assert pkg.style_value(style_id, "w:rPr/w:rFonts", "eastAsia") == face
    assert pkg.style_value(style_id, "w:rPr/w:rFonts", "ascii") == face
    if half_points:
        assert pkg.style_value(style_id, "w:rPr/w:sz", "val") == half_points
