"""Layout and content facts of the rendered reply letters, read from the .docx XML (GB/T 9704-2012)."""

from __future__ import annotations

import pytest

from conftest import load_case, open_docx, valid_samples
from docfacts import NS, Package, red_double_rules, w

SAMPLES = {p.stem: p for p in valid_samples("reply-letter")}
OFFICIAL_FACES = {"方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312", "宋体"}


@pytest.fixture(scope="module")
def packages(reply_letters):
    return {stem: Package(data) for stem, data in reply_letters.items()}


@pytest.fixture(params=sorted(SAMPLES))
def sample(request, packages):
    return packages[request.param], load_case(SAMPLES[request.param])


def test_every_run_with_its_own_fonts_names_an_official_east_asian_face(sample):
    pkg, _ = sample
    for fonts in pkg.document.iter(w("rFonts")):
        assert fonts.get(w("eastAsia")) in OFFICIAL_FACES


def test_class_mark_is_the_result_class_top_right_of_page_one(sample):
    pkg, case = sample
    header = pkg.part_for("header", "first")
    first = pkg.paragraphs(header)[0]
    assert first == ("ClassMark", case["result_class"])
    assert pkg.style_value("ClassMark", "w:pPr/w:jc", "val") == "right"
    assert pkg.sect.find("w:titlePg", NS) is not None
    for kind in ("default", "even"):
        assert case["result_class"] not in "".join(t for _, t in pkg.paragraphs(pkg.part_for("header", kind)))


def test_page_numbers_are_em_dashed_odd_right_even_left_none_on_page_one(sample):
    pkg, _ = sample
    assert pkg.settings.find("w:evenAndOddHeaders", NS) is not None
    for kind, style, side in (("default", "PageNumberOdd", "right"), ("even", "PageNumberEven", "left")):
        footer = pkg.part_for("footer", kind)
        instr = "".join(i.text for i in footer.iter(w("instrText")))
        assert instr.strip() == "PAGE"
        (style_id, text), = pkg.paragraphs(footer)
        assert style_id == style and text == "— 1 —"
        assert pkg.style_value(style, "w:pPr/w:jc", "val") == side
    first = pkg.part_for("footer", "first")
    assert not list(first.iter(w("instrText")))


def test_letterhead_prints_the_unit_in_red_between_red_double_lines(packages):
    pkg = packages["b-suggestion-elevators"]
    header = pkg.part_for("header", "first")
    assert ("IssuerMark", "江州市住房和城乡建设局") in pkg.paragraphs(header)
    assert pkg.style_value("IssuerMark", "w:rPr/w:color", "val") == "FF0000"
    assert len(red_double_rules(header)) == 1
    assert len(red_double_rules(pkg.part_for("footer", "first"))) == 1
    ((top, bottom),) = red_double_rules(header)
    assert top > bottom  # thick over thin under the letterhead
    ((top, bottom),) = red_double_rules(pkg.part_for("footer", "first"))
    assert top < bottom  # thin over thick at the foot


def test_letterhead_can_be_switched_off_for_preprinted_letter_paper(packages):
    pkg = packages["abcd-proposal-elderly-canteens"]  # "letterhead": false
    header = pkg.part_for("header", "first")
    assert "安平县民政局" not in "".join(t for _, t in pkg.paragraphs(header))
    assert "IssuerMarkBlank" in [s for s, _ in pkg.paragraphs(header)]  # space kept for the printed head
    assert red_double_rules(header) == [] and red_double_rules(pkg.part_for("footer", "first")) == []


def test_document_number_and_signer_are_under_the_letterhead(packages):
    header = packages["c-proposal-metro-line"].part_for("header", "first")
    texts = [t for _, t in packages["c-proposal-metro-line"].paragraphs(header)]
    assert "江发改复〔2024〕18号签发人：吴建华" in texts
    header = packages["b-suggestion-elevators"].part_for("header", "first")
    assert ("DocNumber", "江建复〔2024〕37号") in packages["b-suggestion-elevators"].paragraphs(header)


def test_required_parts_are_present_in_order(sample):
    pkg, case = sample
    paragraphs = [(s, t) for s, t in pkg.paragraphs() if t]
    texts = [t for _, t in paragraphs]
    source, n = case["source"], case["item_number"]
    suffix = "代表" if source == "建议" else "委员"

    title = "".join(pkg.texts("DocTitle"))
    assert title.startswith("关于") and title.endswith(f"第{n}号{source}的答复")
    (addressee,) = pkg.texts("Addressee")
    assert addressee.startswith(case["lead_author"]) and addressee.endswith(f"{suffix}：")
    opening = pkg.texts("BodyText")[0]
    assert f"《{case['item_title']}》（第{n}号）收悉" in opening

    headings = pkg.texts("Heading1Gw")
    for point in case["points"]:
        assert any(h.endswith(point["topic"]) for h in headings)
    for co in case.get("co_handlers", []):
        assert any(t.startswith(f"{co['unit']}：") and co["opinion"][:10] in t for t in texts)
    if case.get("reason"):
        assert case["reason"].splitlines()[0] in texts
    for point in case["points"]:
        for m in point.get("measures", []):
            if m.get("deadline"):
                y, mo, d = (int(x) for x in m["deadline"].split("-"))
                assert any(m["content"][:8] in t and f"{y}年{mo}月{d}日前完成" in t for t in texts)

    closing = pkg.texts("BodyTextKeep")[-1]  # lines introducing a list are kept with it too
    assert "感谢" in closing
    unit, date = [t.strip() for t in pkg.texts("Signature") or pkg.texts("SignatureLong")]
    y, mo, d = (int(x) for x in case["replied_on"].split("-"))
    assert (unit, date) == (case["handling_unit"], f"{y}年{mo}月{d}日")
    notes = pkg.texts("Note")
    assert f"（此件{case.get('disclosure', '主动公开')}）" in notes
    assert any(case["contact"]["name"] in t and case["contact"]["phone"] in t for t in notes)
    (copies,) = pkg.texts("Copies")
    assert copies.startswith("抄送：") and copies.endswith("。")
    assert ("提案委员会" if source == "提案" else "代表工作委员会") in copies

    positions = [texts.index(x) for x in (pkg.texts("DocTitle")[0], addressee, opening, closing, notes[-1], copies)]
    assert positions == sorted(positions)


def test_signature_is_centred_over_a_date_four_characters_from_the_right(packages):
    pkg = packages["b-suggestion-elevators"]
    tab = pkg.style("Signature").find("w:pPr/w:tabs/w:tab", NS)
    assert tab.get(w("val")) == "center"
    type_area = 11906 - 1587 - 1474
    date_width = 7 * 320  # 2024年6月18日 is 7 em at 16 pt
    right_space = type_area - (int(tab.get(w("pos"))) + date_width / 2)
    assert abs(right_space - 4 * 320) <= 160  # four characters, give or take half a character


def test_a_line_introducing_measures_stays_with_them(packages):
    pkg = packages["b-suggestion-elevators"]
    kept = pkg.texts("BodyTextKeep")
    assert "下一步，我局将重点做好以下工作：" in kept
    assert pkg.style("BodyTextKeep").find("w:pPr/w:keepNext", NS) is not None


def test_body_paragraphs_are_indented_two_characters(packages):
    pkg = next(iter(packages.values()))
    for style_id in ("BodyText", "Heading1Gw", "Heading2Gw", "Note"):
        assert pkg.style_value(style_id, "w:pPr/w:ind", "firstLineChars") == "200", style_id


def test_document_properties_carry_title_author_and_language(reply_letters):
    props = open_docx(reply_letters["b-suggestion-elevators"]).core_properties
    assert props.title == "关于市十五届人大三次会议第123号建议的答复"
    assert props.author == "江州市住房和城乡建设局"
    assert props.subject == "市十五届人大三次会议第123号建议"
    assert props.language == "zh-CN"


def test_rendered_letters_leave_no_template_tags(sample):
    pkg, _ = sample
    for name in pkg.zip.namelist():
        if name.endswith(".xml"):
            text = pkg.zip.read(name).decode("utf-8")
            assert "{{" not in text and "{%" not in text, name
