"""A batch's merged PDF from its rendered documents, converted a few at a time.

LibreOffice embeds a subset of every font in each PDF it writes, so documents converted one by
one carry the same CJK faces again and again. Here the .docx documents are joined into a few
documents (:mod:`docgen.docx_join`), as many at once as the pool has workers, each converted in
one go with the fonts it uses embedded once; a bookmark at each document's start, exported as a
named destination, tells on which page it begins. Documents that cannot be joined (parts that
differ, e.g. pictures of their own), and a joined document whose starts cannot all be found, are
converted one by one as before.
"""

from __future__ import annotations

import contextvars
import logging
import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from .. import docx_join, pdf, service

log = logging.getLogger(__name__)

DOCUMENTS_PER_CONVERSION = 32  # a joined document's size: a few seconds of LibreOffice, well within its timeout


@dataclass
class _Piece:
    """Consecutive documents converted together, or one PDF already converted."""

    documents: list[service.RenderedDocument]
    pdf: bytes = b""
    starts: tuple[int, ...] = ()  # the 0-based page where each document begins in ``pdf``
    pages: int = 0


def concurrency(converter: Any) -> int:
    """How many conversions to run at once: the pool's number of workers (1 to 8)."""
    workers = getattr(getattr(converter, "settings", None), "workers", 1)
    return max(1, min(int(workers) if isinstance(workers, int) else 1, 8))


def merged_pdf(
    report: list[dict[str, Any]],
    documents: dict[int, service.RenderedDocument],
    converter: service.Converter | None,
    *,
    draft: bool = False,
) -> bytes:
    """One PDF of the ``documents`` (.docx, or PDFs already converted) in report order, with an
    outline entry per document titled by its file name; each report entry's ``pages`` is set to
    ``[first, last]`` (1-based)."""
    entries = [entry for entry in report if entry["index"] in documents]
    ordered = [documents[entry["index"]] for entry in entries]
    if any(document.media_type != pdf.PDF_MEDIA_TYPE for document in ordered) and converter is None:
        raise ValueError("PDF output needs a converter (docgen.converter.ConverterPool)")
    watermark = service.draft_watermark(converter) if draft and converter is not None else None
    pieces = _pieces(ordered, concurrency(converter))

    def convert(piece: _Piece) -> None:
        assert converter is not None
        piece.pdf, piece.starts, piece.pages = _converted(piece.documents, converter)
        if watermark is not None:
            piece.pdf = pdf.stamp(piece.pdf, watermark)

    todo = [piece for piece in pieces if not piece.pdf]
    with ThreadPoolExecutor(concurrency(converter), thread_name_prefix="docgen-merge") as executor:
        # Each conversion runs in a copy of this thread's context, so the request's deadline
        # (docgen.converter.deadline) covers them too.
        futures = [executor.submit(contextvars.copy_context().run, convert, piece) for piece in todo]
        try:
            for future in futures:
                future.result()
        except BaseException:
            for future in futures:
                future.cancel()
            raise
    firsts: list[int] = []
    offset = 0
    for piece in pieces:
        firsts += [offset + start for start in piece.starts]
        offset += piece.pages
    for entry, first, after in zip(entries, firsts, [*firsts[1:], offset]):
        entry["pages"] = [first + 1, after]
    titles = [document.filename.rpartition(".")[0] for document in ordered]
    return pdf.merge([piece.pdf for piece in pieces], titles, starts=[piece.starts for piece in pieces])


def _pieces(ordered: list[service.RenderedDocument], workers: int) -> list[_Piece]:
    """Runs of .docx documents cut into at least ``workers`` joined documents (when there are that
    many), of similar sizes; a PDF document is a piece of its own."""
    pieces: list[_Piece] = []
    run: list[service.RenderedDocument] = []

    def cut() -> None:
        if not run:
            return
        count = max(min(workers, len(run)), math.ceil(len(run) / DOCUMENTS_PER_CONVERSION))
        count = math.ceil(count / workers) * workers if count > workers else count
        share = sum(len(d.content) for d in run) / count
        piece: list[service.RenderedDocument] = []
        size, made = 0, 0
        for position, document in enumerate(run):
            piece.append(document)
            size += len(document.content)
            left = len(run) - position - 1
            if made < count - 1 and (size >= share * (made + 1) or left == count - made - 1):
                pieces.append(_Piece(piece))
                piece, made = [], made + 1
        if piece:
            pieces.append(_Piece(piece))
        run.clear()

    for document in ordered:
        if document.media_type == pdf.PDF_MEDIA_TYPE:
            cut()
            pieces.append(_Piece([document], document.content, (0,), pdf.marks(document.content)[1]))
        else:
            run.append(document)
    cut()
    return pieces


def _converted(documents: list[service.RenderedDocument], converter: service.Converter) -> tuple[bytes, tuple[int, ...], int]:
    """The PDF of ``documents``, the page where each begins, and its number of pages: joined and
    converted once when they can be, else converted one by one and concatenated."""
    if len(documents) > 1:
        try:
            joined = docx_join.join([document.content for document in documents])
        except docx_join.NotJoinable as exc:
            log.info("batch documents converted one by one: %s", exc)
        else:
            content = converter.convert(joined, marks=True)
            destinations, count = pdf.marks(content)
            starts = [destinations.get(docx_join.start_mark(position)) for position in range(len(documents))]
            if _in_order(starts):
                return content, tuple(start for start in starts if start is not None), count
            log.warning("the start of each joined document was not found: converted one by one")
    parts = [converter.convert(document.content) for document in documents]
    counts = [pdf.marks(part)[1] for part in parts]
    starts = tuple(sum(counts[:position]) for position in range(len(parts)))
    return pdf.merge(parts), starts, sum(counts)


def _in_order(starts: list[int | None]) -> bool:
    """Every document's start found, the first on the first page, each after the one before."""
    if any(start is None for start in starts) or starts[0] != 0:
        return False
    return all(earlier < later for earlier, later in zip(starts, starts[1:]))  # type: ignore[operator]
