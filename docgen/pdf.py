"""PDF post-processing with pypdf: metadata, the 草稿 (draft) watermark, merging documents.

pypdf is imported by the functions that read or write a PDF, not with this module: it takes a
tenth of a second, which a command that writes no PDF (``docgen batch … -o letters.zip``)
should not pay."""

from __future__ import annotations

import datetime as dt
import io
import itertools
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from .engine import DocumentProperties

if TYPE_CHECKING:
    from pypdf import PageObject

PDF_MEDIA_TYPE = "application/pdf"

# The watermark template puts 草稿 centred on the first line of the type area; these place it.
WATERMARK_TOP_MARGIN_PT = 37 / 25.4 * 72
WATERMARK_LINE_PT = 160


def _pdf_date(moment: dt.datetime) -> str:
    moment = moment.astimezone()
    offset = moment.strftime("%z") or "+0000"
    return moment.strftime("D:%Y%m%d%H%M%S") + f"{offset[:3]}'{offset[3:]}'"


def finish(
    pdf: bytes,
    properties: DocumentProperties,
    *,
    created: dt.datetime | None = None,
    watermark: bytes | None = None,
) -> bytes:
    """Set the metadata (title, author, subject, keywords, dates, language zh-CN) and, when
    ``watermark`` (a one-page PDF) is given, lay it diagonally under every page.

    The metadata goes in as an incremental update appended to the file (see
    :func:`_append_update`), so LibreOffice's pages, fonts and streams are neither parsed nor
    written again; only a draft, whose pages get the stamp, is rewritten by pypdf first."""
    if watermark is not None:
        pdf = stamp(pdf, watermark)
    moment = _pdf_date(created or dt.datetime.now(dt.timezone.utc))
    return _append_update(pdf, {
        "/Title": properties.title,
        "/Author": properties.author,
        "/Subject": properties.subject,
        "/Keywords": properties.keywords,
        "/Creator": "docgen",
        "/Producer": "docgen (LibreOffice, pypdf)",
        "/CreationDate": moment,
        "/ModDate": moment,
    }, language="zh-CN")


def _append_update(pdf: bytes, info: dict[str, str], *, language: str) -> bytes:
    """``pdf`` followed by an incremental update (PDF 32000-1, 7.5.6): a new document information
    dictionary holding ``info``, the catalogue again with ``/Lang`` set, their cross-reference
    section, and a trailer whose ``/Prev`` points back to the original one. Readers take the
    newest trailer, so the new dictionary and catalogue replace the old ones; nothing else of the
    file is read beyond its trailer and catalogue, nor written again."""
    from pypdf import PdfReader
    from pypdf.generic import DictionaryObject, IndirectObject, NameObject, NumberObject, TextStringObject

    reader = PdfReader(io.BytesIO(pdf))
    trailer = reader.trailer
    catalogue = trailer["/Root"]
    root = catalogue.indirect_reference
    info_number = int(trailer["/Size"])
    updated_catalogue = DictionaryObject(catalogue)
    updated_catalogue[NameObject("/Lang")] = TextStringObject(language)
    information = DictionaryObject({NameObject(key): TextStringObject(value) for key, value in info.items()})

    out = io.BytesIO()
    out.write(pdf if pdf.endswith(b"\n") else pdf + b"\n")
    entries = []
    for number, generation, body in ((root.idnum, root.generation, updated_catalogue), (info_number, 0, information)):
        entries.append((number, generation, out.tell()))
        out.write(f"{number} {generation} obj\n".encode())
        body.write_to_stream(out)
        out.write(b"\nendobj\n")
    cross_reference = out.tell()
    out.write(b"xref\n0 1\n0000000000 65535 f \n")  # the head of the free list, as in every section
    for number, generation, offset in sorted(entries):
        out.write(f"{number} 1\n{offset:010d} {generation:05d} n \n".encode())
    new_trailer = DictionaryObject({
        NameObject("/Size"): NumberObject(info_number + 1),
        NameObject("/Root"): root,
        NameObject("/Info"): IndirectObject(info_number, 0, reader),
        NameObject("/Prev"): NumberObject(_last_cross_reference(pdf)),
    })
    if "/ID" in trailer:
        new_trailer[NameObject("/ID")] = trailer.raw_get("/ID")
    out.write(b"trailer\n")
    new_trailer.write_to_stream(out)
    out.write(f"\nstartxref\n{cross_reference}\n%%EOF\n".encode())
    return out.getvalue()


def _last_cross_reference(pdf: bytes) -> int:
    """The byte offset the file's last ``startxref`` gives."""
    return int(pdf[pdf.rindex(b"startxref") + len(b"startxref"):].split(None, 1)[0])


def _stamp_diagonally(page: PageObject, stamp: PageObject) -> None:
    """Rotate the stamp's text 45° about the page centre and draw it beneath the page content."""
    from pypdf import Transformation

    width, height = float(page.mediabox.width), float(page.mediabox.height)
    text_x = float(stamp.mediabox.width) / 2
    text_y = float(stamp.mediabox.height) - WATERMARK_TOP_MARGIN_PT - WATERMARK_LINE_PT / 2
    placement = (
        Transformation()
        .translate(-text_x, -text_y)
        .rotate(45)
        .translate(width / 2, height / 2)
    )
    page.merge_transformed_page(stamp, placement, over=False)


def stamp(pdf: bytes, watermark: bytes) -> bytes:
    """Lay ``watermark`` (a one-page PDF) diagonally under every page (the PDF is rewritten whole)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    mark = PdfReader(io.BytesIO(watermark)).pages[0]
    for page in writer.pages:
        _stamp_diagonally(page, mark)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def marks(pdf: bytes) -> tuple[dict[str, int], int]:
    """The page (0-based) of each named destination (by its name without the leading slash of a
    PDF name), and the number of pages."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    pages = {}
    for name, destination in reader.named_destinations.items():
        number = reader.get_destination_page_number(destination)
        if number is not None and number >= 0:
            pages[str(name).removeprefix("/")] = number
    return pages, len(reader.pages)


def merge(
    pdfs: Iterable[bytes], outline: Iterable[str] | None = None, *, starts: Iterable[Sequence[int]] | None = None
) -> bytes:
    """Concatenate PDFs into one, with an outline entry per document when titles are given.

    A PDF may hold several documents: ``starts`` gives, for each PDF, the pages (0-based) where
    its documents begin (by default each PDF is one document), and the titles go to them in
    order. Named destinations of the parts are not kept."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    writer = PdfWriter()
    titles = iter(outline) if outline is not None else None
    for pdf, firsts in zip(pdfs, starts if starts is not None else itertools.repeat((0,))):
        offset = len(writer.pages)
        reader = PdfReader(io.BytesIO(pdf))
        names = reader.root_object.get("/Names")
        if names is not None:
            names.get_object().pop(NameObject("/Dests"), None)
        reader.root_object.pop(NameObject("/Dests"), None)
        writer.append(reader)
        for first in firsts:
            title = next(titles, None) if titles is not None else None
            if title is not None:
                writer.add_outline_item(title=title, page_number=offset + first)
    writer._root_object[NameObject("/Lang")] = TextStringObject("zh-CN")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
