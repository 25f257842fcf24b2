"""The reply letters through the real LibreOffice: they open, come out A4, show their text,
and embed the mapped faces (FangSong body, bold Song title), not a fallback."""

from __future__ import annotations


import pytest
from pypdf import PdfReader

from conftest import load_case, valid_samples
from docfacts import fonts_of, is_embedded, squash

SAMPLES = {p.stem: p for p in valid_samples("reply-letter")}
A4 = (595.28, 841.89)


@pytest.fixture(params=sorted(SAMPLES))
def pdf(request, reply_letter_pdfs):
    path = reply_letter_pdfs[request.param]
    assert path.exists(), f"LibreOffice did not convert {request.param}"
    return PdfReader(path), load_case(SAMPLES[request.param])


def test_libreoffice_opens_every_letter_and_pages_are_a4(pdf):
    reader, _ = pdf
    assert len(reader.pages) >= 1
    for page in reader.pages:
        box = page.mediabox
        assert abs(float(box.width) - A4[0]) < 1 and abs(float(box.height) - A4[1]) < 1


def test_pdf_shows_the_letters_text(pdf):
    reader, case = pdf
    text = squash("".join(page.extract_text() for page in reader.pages))
    for expected in (f"第{case['item_number']}号{case['source']}的答复", case["lead_author"], case["item_title"],
                     case["handling_unit"], case["contact"]["phone"], "抄送："):
        assert squash(expected) in text, expected
    assert squash(reader.pages[0].extract_text()).startswith(case["result_class"])


def test_every_font_is_embedded(pdf):
    reader, _ = pdf
    fonts = fonts_of(reader)
    assert fonts
    for name, font in fonts.items():
        assert is_embedded(font), name


def test_body_title_and_headings_use_the_mapped_faces_not_a_fallback(pdf):
    reader, _ = pdf
    names = set(fonts_of(reader))
    assert "FandolFang-Regular" in names  # 仿宋_GB2312 body
    assert "FandolSong-Bold" in names  # 方正小标宋简体 title
    assert any(n.startswith("NotoSansCJK") for n in names)  # 黑体 headings and class mark


def test_signer_name_is_set_in_kai(reply_letter_pdfs):
    reader = PdfReader(reply_letter_pdfs["c-proposal-metro-line"])
    assert "FandolKai-Regular" in fonts_of(reader)


def test_page_one_has_no_page_number_and_later_pages_do(reply_letter_pdfs):
    reader = PdfReader(reply_letter_pdfs["b-suggestion-elevators"])
    assert len(reader.pages) >= 2
    assert "—1—" not in squash(reader.pages[0].extract_text())
    assert "—2—" in squash(reader.pages[1].extract_text())
