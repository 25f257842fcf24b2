"""A merged PDF is converted a few documents at a time, joined into one .docx each (issue 16), and
that changes no document: for a batch mixing 1–6-page letters, letters with the survey form,
several addressees and long titles, each document's pages in the merged PDF have the same count,
the same characters at the same places and the same fonts as that document converted alone; the
outline and the report's pages point at each document's first page; the file is far smaller."""

from __future__ import annotations

import copy
import io
import re
import zipfile

import pdfplumber
import pytest
from lxml import etree
from pypdf import PdfReader

import docgen
from conftest import SAMPLES, load_case
from docgen import docx_join
from docgen.batch import run_batch
from docgen.batch.joined import merged_pdf
from docgen.service import DOCX_MEDIA_TYPE

KIND = "reply-letter"
W = docx_join.W


def letter(stem: str, **changes) -> dict:
    return {**load_case(SAMPLES / KIND / f"{stem}.json"), **changes}


def with_points(count: int) -> dict:
    case = letter("b-suggestion-elevators", item_number=300 + count)
    point = case["points"][0]
    case["points"] = [dict(copy.deepcopy(point), topic=f"关于第{n + 1}个方面的问题") for n in range(count)]
    return case


def mixed_cases() -> list[dict]:
    long_title = "关于进一步加强和改进城市轨道交通线网规划建设与沿线公共服务设施配套衔接工作的提案"
    return [
        letter("a-suggestion-bus-shelter"),                                   # one page
        with_points(3),
        letter("a-suggestion-bus-shelter", item_number=57, with_survey_form=True),
        letter("c-proposal-metro-line", item_title=long_title),
        with_points(7),
        letter("b-suggestion-elevators", co_authors=["李建国", "陈晓明", "王芳", "赵强", "孙丽", "周杰", "吴敏"]),
        {"source": "建议"},                                                     # invalid: reported, not rendered
        letter("b-suggestion-elevators", item_number=124, with_survey_form=True),
        letter("a-suggestion-school-crossing"),
        with_points(1),
    ]


def page_facts(pdf, number: int) -> dict:
    """One page's characters (text, place, face without its subset prefix) and its fonts."""
    chars = pdf.pages[number].chars
    return {"text": [c["text"] for c in chars], "fonts": [c["fontname"].split("+", 1)[-1] for c in chars],
            "places": [(c["x0"], c["top"]) for c in chars]}


def assert_same_page(merged, number: int, alone, own_number: int) -> None:
    """The same characters in the same faces on the same lines, each within 0.5 pt of its place
    along its line: LibreOffice writes glyph advances rounded per font subset, which moves a
    character by a few hundredths of a point, up to 0.25 pt at a line's end (measured)."""
    got, expected = page_facts(merged, number), page_facts(alone, own_number)
    assert got["text"] == expected["text"] and got["fonts"] == expected["fonts"], (number, own_number)
    pairs = list(zip(got["places"], expected["places"]))
    assert all(abs(y - v) < 0.01 for (_, y), (_, v) in pairs), (number, own_number)
    assert all(abs(x - u) <= 0.5 for (x, _), (u, _) in pairs), (number, own_number)


@pytest.fixture(scope="module")
def batch(pool):
    cases = mixed_cases()
    result = run_batch(KIND, cases, output="pdf", converter=pool)
    alone = {entry["index"]: docgen.render(KIND, cases[entry["index"]], fmt="pdf", converter=pool).content
             for entry in result.report if entry["ok"]}
    return result, alone


def test_each_document_has_the_same_pages_text_and_fonts_as_converted_alone(batch):
    result, alone = batch
    counts = {index: len(PdfReader(io.BytesIO(content)).pages) for index, content in alone.items()}
    assert min(counts.values()) == 1 and max(counts.values()) >= 6
    merged = pdfplumber.open(io.BytesIO(result.content))
    assert len(merged.pages) == sum(counts.values())
    for entry in result.report:
        if not entry["ok"]:
            continue
        first, last = entry["pages"]
        assert last - first + 1 == counts[entry["index"]], entry
        own = pdfplumber.open(io.BytesIO(alone[entry["index"]]))
        for number in range(counts[entry["index"]]):
            assert_same_page(merged, first - 1 + number, own, number)


def test_every_font_of_the_merged_pdf_is_embedded_as_in_the_parts(batch):
    result, alone = batch
    from docfacts import fonts_of, is_embedded

    merged = fonts_of(PdfReader(io.BytesIO(result.content)))
    parts = {}
    for content in alone.values():
        parts.update(fonts_of(PdfReader(io.BytesIO(content))))
    assert sorted(merged) == sorted(parts)
    assert all(is_embedded(font) for font in merged.values())


def test_outline_and_report_pages_point_at_each_documents_first_page(batch):
    result, alone = batch
    reader = PdfReader(io.BytesIO(result.content))
    valid = [entry for entry in result.report if entry["ok"]]
    expected_titles = [docgen.render(KIND, mixed_cases()[e["index"]]).filename.removesuffix(".docx") for e in valid]
    assert [item.title for item in reader.outline] == expected_titles
    assert [reader.get_destination_page_number(item) + 1 for item in reader.outline] == [e["pages"][0] for e in valid]
    ends = [e["pages"][1] for e in valid]
    assert [e["pages"][0] for e in valid[1:]] == [end + 1 for end in ends[:-1]] and ends[-1] == len(reader.pages)
    invalid = [entry for entry in result.report if not entry["ok"]]
    assert [entry["pages"] for entry in invalid] == [None]
    assert reader.named_destinations == {}  # the start marks are gone
    assert reader.trailer["/Root"]["/Lang"] == "zh-CN"


def test_the_merged_file_is_far_smaller_than_its_parts(batch):
    result, alone = batch
    assert len(result.content) * 2 < sum(len(content) for content in alone.values())


def test_a_draft_merged_pdf_has_the_watermark_on_every_page(pool):
    cases = [letter("a-suggestion-bus-shelter"), letter("b-suggestion-elevators")]
    draft = PdfReader(io.BytesIO(run_batch(KIND, cases, output="pdf", converter=pool, draft=True).content))
    plain = PdfReader(io.BytesIO(run_batch(KIND, cases, output="pdf", converter=pool).content))
    assert len(draft.pages) == len(plain.pages) >= 3
    assert all("草稿" in re.sub(r"\s+", "", page.extract_text()) for page in draft.pages)
    assert all("草稿" not in page.extract_text() for page in plain.pages)


def test_documents_that_cannot_be_joined_are_converted_one_by_one(pool):
    """A reply letter and a co-handling opinion have different styles: no joining, same pages."""
    letter_docx = docgen.render(KIND, letter("a-suggestion-school-crossing"))
    form_docx = docgen.render("co-handling-opinion", load_case(sorted((SAMPLES / "co-handling-opinion").glob("*.json"))[0]))
    with pytest.raises(docx_join.NotJoinable):
        docx_join.join([letter_docx.content, form_docx.content])
    report = [{"index": 0, "pages": None}, {"index": 1, "pages": None}]
    merged = pdfplumber.open(io.BytesIO(merged_pdf(report, {0: letter_docx, 1: form_docx}, pool)))
    letter_alone = pdfplumber.open(io.BytesIO(pool.convert(letter_docx.content)))
    form_alone = pdfplumber.open(io.BytesIO(pool.convert(form_docx.content)))
    assert [entry["pages"] for entry in report] == [[1, len(letter_alone.pages)], [len(letter_alone.pages) + 1, len(merged.pages)]]
    for number in range(len(letter_alone.pages)):
        assert_same_page(merged, number, letter_alone, number)
    for number in range(len(form_alone.pages)):
        assert_same_page(merged, len(letter_alone.pages) + number, form_alone, number)


def test_stored_pdf_documents_are_merged_as_they_are(pool):
    """A job stored before documents were kept as .docx: its PDFs go into the merged file as they are."""
    one = docgen.render(KIND, letter("a-suggestion-bus-shelter"), fmt="pdf", converter=pool)
    two = docgen.render(KIND, letter("b-suggestion-elevators"))
    report = [{"index": 0, "pages": None}, {"index": 1, "pages": None}]
    merged = PdfReader(io.BytesIO(merged_pdf(report, {0: one, 1: two}, pool)))
    assert report[0]["pages"] == [1, 1] and report[1]["pages"][0] == 2 and report[1]["pages"][1] == len(merged.pages)


# --- joining .docx ------------------------------------------------------------------------------


def document_xml(content: bytes) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        return etree.fromstring(package.read("word/document.xml"))


def test_joined_documents_each_begin_a_section_numbered_from_one_with_a_start_mark():
    parts = [docgen.render(KIND, case).content for case in (letter("a-suggestion-bus-shelter"), with_points(2),
                                                             letter("c-proposal-metro-line", with_survey_form=True))]
    joined = docx_join.join(parts)
    root = document_xml(joined)
    sections = root.findall(f".//{{{W}}}sectPr")
    assert len(sections) == 3
    assert [s.find(f"{{{W}}}pgNumType").get(f"{{{W}}}start") for s in sections] == ["1", "1", "1"]
    marks = [b.get(f"{{{W}}}name") for b in root.iter(f"{{{W}}}bookmarkStart")]
    assert marks == [docx_join.start_mark(n) for n in range(3)]
    ids = [b.get(f"{{{W}}}id") for b in root.iter(f"{{{W}}}bookmarkStart")]
    assert len(set(ids)) == len(ids)
    with zipfile.ZipFile(io.BytesIO(joined)) as package:
        headers = [name for name in package.namelist() if re.fullmatch(r"word/header\d+\.xml", name)]
        first_headers = {s.find(f"{{{W}}}headerReference[@{{{W}}}type='first']").get(f"{{{docx_join.R}}}id") for s in sections}
        assert len(first_headers) == 3 and len(headers) == 5  # each letter's own first-page header (its number)
        rels = package.read("word/_rels/document.xml.rels").decode()
        assert all(f'Id="{rel}"' in rels for rel in first_headers)
        assert all(f"/{name}" in package.read("[Content_Types].xml").decode() for name in headers)


def test_the_frame_at_the_end_of_a_letter_stays_in_its_section():
    """The 抄送 block (a frame at the page's bottom) moves before the paragraph ending the section,
    which anchors it, as LibreOffice anchors it in the letter alone."""
    parts = [docgen.render(KIND, letter(stem)).content for stem in ("a-suggestion-bus-shelter", "b-suggestion-elevators")]
    body = document_xml(docx_join.join(parts)).find(f"{{{W}}}body")
    paragraphs = list(body.iter(f"{{{W}}}p"))
    ending = next(p for p in paragraphs if p.find(f"{{{W}}}pPr/{{{W}}}sectPr") is not None)
    before = paragraphs[paragraphs.index(ending) - 1]
    assert before.find(f"{{{W}}}pPr/{{{W}}}framePr") is not None
    assert "".join(before.itertext()).startswith("抄送")
    assert ending.find(f"{{{W}}}pPr/{{{W}}}framePr") is None


def changed(docx: bytes, name: str, change) -> bytes:
    """``docx`` with its member ``name`` replaced by ``change(content)`` (b"" when it has none)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            target.writestr(info, change(source.read(info)) if info.filename == name else source.read(info))
        if name not in source.namelist():
            target.writestr(name, change(b""))
    return buffer.getvalue()


def test_documents_with_parts_of_their_own_cannot_be_joined():
    base = docgen.render(KIND, letter("a-suggestion-bus-shelter")).content
    other = changed(base, "word/styles.xml", lambda content: content.replace(
        b"</w:styles>", b'<w:style w:type="paragraph" w:styleId="Other"/></w:styles>'))
    with pytest.raises(docx_join.NotJoinable, match="styles"):
        docx_join.join([base, other])
    with pytest.raises(docx_join.NotJoinable):
        docx_join.join([base, b"not a zip"])


def test_documents_counting_their_pages_or_with_numbered_lists_cannot_be_joined():
    base = docgen.render(KIND, letter("a-suggestion-bus-shelter")).content
    counting = changed(base, "word/footer1.xml", lambda content: content.replace(b" PAGE ", b" NUMPAGES "))
    with pytest.raises(docx_join.NotJoinable, match="NUMPAGES"):
        docx_join.join([base, counting])
    with pytest.raises(docx_join.NotJoinable, match="numbered"):
        docx_join.join([changed(base, "word/numbering.xml", lambda _: b"<w:numbering/>")] * 2)


def test_a_merged_pdf_job_stores_docx_documents_resumes_and_converts_them_when_assembling(pool, tmp_path):
    from docgen.jobs import JobSpec, JobStore, job_request, run_job
    from docgen.profile import load_profile
    from docgen.web.batch import error_body

    store = JobStore(tmp_path)
    cases = [letter("a-suggestion-bus-shelter"), letter("b-suggestion-elevators"), letter("c-proposal-metro-line")]
    job_id = store.create(JobSpec(KIND, "pdf", "docx", False, False, len(cases)), job_request(cases, None)).id
    # Stopped after its first document, as a server killed then would leave it.
    run_job(store, job_id, profile=load_profile(), converter=pool, describe=error_body, carry_on=lambda: False)
    stored = store.documents(job_id)
    assert [d.media_type for d in stored] == [DOCX_MEDIA_TYPE] and store.get(job_id).state == "running"
    run_job(store, job_id, profile=load_profile(), converter=pool, describe=error_body, carry_on=lambda: True)
    job = store.get(job_id)
    assert job.state == "done", job
    merged = PdfReader(io.BytesIO(store.result(job_id)))
    alone = [len(PdfReader(io.BytesIO(docgen.render(KIND, case, fmt="pdf", converter=pool).content)).pages) for case in cases]
    assert len(merged.pages) == sum(alone)
    assert [entry["pages"][0] for entry in job.report] == [1, 1 + alone[0], 1 + alone[0] + alone[1]]


class _Blank:
    """Two workers that turn anything into one blank page (no start marks: runs go one by one)."""

    class settings:
        workers = 2

    def convert(self, docx: bytes, *, marks: bool = False) -> bytes:
        from pypdf import PdfWriter

        writer = PdfWriter()
        writer.add_blank_page(595, 842)
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()


def test_runs_keep_the_order_keep_every_worker_busy_and_end_at_the_size_bound(monkeypatch):
    from docgen.batch import joined

    small = docgen.render(KIND, letter("a-suggestion-bus-shelter"))
    order = list(range(70))
    with joined.MergedPdf(order, _Blank()) as merging:
        for index in reversed(order):  # in any order: runs are cut in report order
            merging.add(index, small)
        report = [{"index": index, "pages": None} for index in order]
        merging.result(report)
    runs = [run for run, _ in merging.runs]
    assert [index for run in runs for index in run] == order
    assert len(runs) % 2 == 0 and max(map(len, runs)) <= joined.DOCUMENTS_PER_CONVERSION
    assert [entry["pages"] for entry in report] == [[n + 1, n + 1] for n in order]

    monkeypatch.setattr(joined, "BODY_BYTES_PER_CONVERSION", 3 * docx_join.body_size(small.content))
    with joined.MergedPdf(order[:10], _Blank()) as merging:
        for index in order[:10]:
            merging.add(index, small)
    assert [len(run) for run, _ in merging.runs] == [3, 3, 3, 1]  # runs of 5, each ended at 3


def test_each_joined_document_begins_on_a_new_page_whatever_its_section_says():
    base = docgen.render(KIND, letter("a-suggestion-bus-shelter")).content
    continuous = changed(base, "word/document.xml",
                         lambda content: content.replace(b"<w:pgSz ", b'<w:type w:val="continuous"/><w:pgSz '))
    root = document_xml(docx_join.join([base, continuous]))
    assert root.findall(f".//{{{W}}}sectPr/{{{W}}}type") == []
