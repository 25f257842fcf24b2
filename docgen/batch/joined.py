"""A batch's merged PDF from its rendered documents, converted a few at a time.

LibreOffice embeds a subset of every font in each PDF it writes, so documents converted one by
one carry the same CJK faces again and again. Here consecutive .docx documents are joined into
one (:mod:`docgen.docx_join`) of up to :data:`DOCUMENTS_PER_CONVERSION` (or about 100 pages),
at least as many as the pool has workers, each converted in one go with the fonts it uses embedded once, as soon as its
documents are rendered; a bookmark at each document's start, exported as a named destination,
tells on which page it begins. Documents that cannot be joined (parts that differ, e.g. pictures
of their own), a joined document whose starts cannot all be found, and PDFs already converted
(a job stored before) go in one by one as before.
"""

from __future__ import annotations

import contextvars
import logging
import math
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType
from typing import Any

from .. import docx_join, pdf, service

log = logging.getLogger(__name__)

# A joined document's size: at most this many documents, and it ends after the document that
# brings its bodies' XML past this many bytes (about 100 pages, a few seconds of LibreOffice,
# well within a conversion's timeout).
DOCUMENTS_PER_CONVERSION = 32
BODY_BYTES_PER_CONVERSION = 512_000

Converted = tuple[bytes, tuple[int, ...], int]  # a PDF, the page where each of its documents begins, its pages


def concurrency(converter: Any) -> int:
    """How many conversions to run at once: the pool's number of workers (1 to 8)."""
    workers = getattr(getattr(converter, "settings", None), "workers", 1)
    return max(1, min(int(workers) if isinstance(workers, int) else 1, 8))


class MergedPdf:
    """The merged PDF of the documents at ``order`` (case indices, in report order), built while
    they arrive: a run of consecutive documents is converted once all of them are there. Use it as
    a context manager, so that conversions still running stop being waited for on an error."""

    def __init__(self, order: list[int], converter: service.Converter, *, draft: bool = False):
        self.order, self.converter, self.draft = order, converter, draft
        workers = concurrency(converter)
        runs = workers * math.ceil(len(order) / (workers * DOCUMENTS_PER_CONVERSION))  # every worker busy to the end
        self.run_length = max(1, math.ceil(len(order) / max(runs, 1)))
        self.documents: dict[int, service.RenderedDocument] = {}
        self.placed = 0  # how many documents of ``order`` are in a run
        self.run: list[int] = []
        self.run_size = 0
        self.runs: list[tuple[list[int], Future[Converted]]] = []
        self.executor = ThreadPoolExecutor(workers, thread_name_prefix="docgen-merge")

    def __enter__(self) -> MergedPdf:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        self.executor.shutdown(wait=error is None, cancel_futures=True)

    def add(self, index: int, document: service.RenderedDocument) -> None:
        """A document (.docx, or a PDF already converted) is ready. Runs are cut in ``order``, at
        :attr:`run_length` documents or :data:`BODY_BYTES_PER_CONVERSION`, and each is converted
        as soon as it is cut."""
        self.documents.setdefault(index, document)
        while self.placed < len(self.order) and self.order[self.placed] in self.documents:
            placed = self.order[self.placed]
            self.placed += 1
            self.run.append(placed)
            self.run_size += docx_join.body_size(self.documents[placed].content)
            if len(self.run) >= self.run_length or self.run_size >= BODY_BYTES_PER_CONVERSION or self.placed == len(self.order):
                documents = [self.documents[i] for i in self.run]
                # Each conversion runs in a copy of this thread's context, so the request's
                # deadline (docgen.converter.deadline) covers it too.
                future = self.executor.submit(contextvars.copy_context().run, self._converted, documents)
                self.runs.append((self.run, future))
                self.run, self.run_size = [], 0

    def result(self, report: list[dict[str, Any]]) -> bytes:
        """The merged PDF once every document is converted, with an outline entry per document
        titled by its file name; each report entry's ``pages`` becomes ``[first, last]`` (1-based)."""
        if self.placed < len(self.order):
            raise ValueError(f"documents missing from the merged PDF: {self.order[self.placed:][:5]}")
        pieces = [future.result() for _, future in self.runs]
        firsts, offset = [], 0
        for _, starts, pages in pieces:
            firsts += [offset + start for start in starts]
            offset += pages
        place = dict(zip(self.order, zip(firsts, [*firsts[1:], offset])))
        for entry in report:
            if entry["index"] in place:
                first, after = place[entry["index"]]
                entry["pages"] = [first + 1, after]
        titles = [self.documents[index].filename.rpartition(".")[0] for index in self.order]
        return pdf.merge([content for content, _, _ in pieces], titles, starts=[starts for _, starts, _ in pieces])

    def _converted(self, documents: list[service.RenderedDocument]) -> Converted:
        return self._joined(documents) or self._one_by_one(documents)

    def _finished(self, content: bytes) -> bytes:
        """A converted PDF with the 草稿 watermark on every page of a draft."""
        return pdf.stamp(content, service.draft_watermark(self.converter)) if self.draft else content

    def _joined(self, documents: list[service.RenderedDocument]) -> Converted | None:
        """The documents joined and converted at once; None when they cannot be."""
        if len(documents) < 2 or any(document.media_type == pdf.PDF_MEDIA_TYPE for document in documents):
            return None
        try:
            joined = docx_join.join([document.content for document in documents])
        except docx_join.NotJoinable as exc:
            log.info("batch documents converted one by one: %s", exc)
            return None
        content = self.converter.convert(joined, marks=True)
        destinations, pages = pdf.marks(content)
        starts = [destinations.get(docx_join.start_mark(position)) for position in range(len(documents))]
        if not _in_order(starts):
            log.warning("the start of each joined document was not found: converted one by one")
            return None
        return self._finished(content), tuple(start for start in starts if start is not None), pages

    def _one_by_one(self, documents: list[service.RenderedDocument]) -> Converted:
        """Each document converted alone (a PDF, finished when it was stored, taken as it is), and
        the PDFs concatenated."""
        parts = [document.content if document.media_type == pdf.PDF_MEDIA_TYPE
                 else self._finished(self.converter.convert(document.content)) for document in documents]
        counts = [pdf.marks(part)[1] for part in parts]
        starts = tuple(sum(counts[:position]) for position in range(len(parts)))
        return pdf.merge(parts), starts, sum(counts)


def merged_pdf(
    report: list[dict[str, Any]],
    documents: dict[int, service.RenderedDocument],
    converter: service.Converter,
    *,
    draft: bool = False,
) -> bytes:
    """One PDF of ``documents`` (by case index: .docx, or PDFs already converted) in report order,
    as :class:`MergedPdf` makes it."""
    order = [entry["index"] for entry in report if entry["index"] in documents]
    with MergedPdf(order, converter, draft=draft) as merging:
        for index in order:
            merging.add(index, documents[index])
        return merging.result(report)


def _in_order(starts: list[int | None]) -> bool:
    """Every document's start found, the first on the first page, each after the one before."""
    if any(start is None for start in starts) or starts[0] != 0:
        return False
    return all(earlier < later for earlier, later in zip(starts, starts[1:]))  # type: ignore[operator]
