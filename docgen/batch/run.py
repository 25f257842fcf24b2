"""Running a batch: check every case once, render the valid ones, and put them into one file."""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any, Literal

from .. import pdf, service
from ..kinds import get_kind
from ..kinds.common import item_label
from ..profile import Profile, load_profile
from .cases import located
from .errors import MAX_CASES, BatchEmpty, BatchInvalid, BatchTooLarge
from .joined import MergedPdf, concurrency, merged_pdf
from .output import ZIP_MEDIA_TYPE, zipped
from .parallel import render_forked, worker_count

Output = Literal["zip", "pdf"]
Progress = Callable[[int, int], None]


@dataclass
class BatchResult:
    content: bytes
    media_type: str
    filename: str  # Chinese, e.g. 答复函-批量-12件.zip
    report: list[dict[str, Any]]  # one entry per case, in input order
    total: int
    rendered: int
    invalid: int

    @property
    def summary(self) -> str:
        """``rendered=N; invalid=M`` (the X-Docgen-Batch header)."""
        return f"rendered={self.rendered}; invalid={self.invalid}"


def run_batch(
    kind: str,
    cases: list[Any],
    *,
    output: Output,
    document_format: service.Format = "docx",
    strict: bool = False,
    profile: Profile | None = None,
    converter: service.Converter | None = None,
    draft: bool = False,
    origins: list[str | None] | None = None,
    progress: Progress | None = None,
    workers: int = 1,
) -> BatchResult:
    """Check every case of ``kind``, then render the valid ones into one file.

    ``output="zip"``: a .zip with one document per valid case (``document_format`` docx or
    pdf), named by item number (``第123号建议-关于…的答复.docx``; kinds without an item number
    use the case's position, ``001-…``), plus ``报告.json``. ``output="pdf"``: one merged PDF
    with an outline entry per document.

    At most :data:`MAX_CASES` (500) cases; more raise :class:`BatchTooLarge`, none raise
    :class:`BatchEmpty`. With ``strict``, any case with errors raises :class:`BatchInvalid`
    (carrying the report) before anything is rendered; without it the invalid cases are listed
    in the report and the others rendered. A batch where no case is valid always raises
    :class:`BatchInvalid`. PDF needs ``converter``: the .docx are rendered in the calling
    thread and converted concurrently, up to the pool's number of workers (for a merged PDF,
    joined into a few documents first, see :mod:`.joined`); a conversion error fails the whole
    batch (the pool has already retried it once).

    ``origins`` (e.g. the spreadsheet rows of each case) go into the report; a finding about a
    case read from a table also gets ``where``, the sheet row and column it was read from. ``progress`` is
    called with ``(0, total)`` once the checks are done and ``(done, total)`` after each
    document, ``total`` being the number of documents to render; always from the calling thread.

    ``workers`` > 1 renders a .zip of .docx documents in that many forked processes (see
    :mod:`.parallel`), with the same result; only for a caller that is single-threaded (the
    CLI), never a server's thread. It falls back to this thread when the process has other
    threads or the documents are few; PDF documents and the merged PDF are always rendered here,
    as LibreOffice, not the rendering, is what they wait for.

    Each report entry: ``index`` (0-based position in ``cases``), ``item`` (``第123号建议`` when
    known, else null), ``origin`` (when given), ``ok``, ``filename`` (the zip entry, or null),
    ``pages`` (``[first, last]`` in the merged PDF, 1-based, or null) and ``findings``.
    """
    if output not in ("zip", "pdf"):
        raise ValueError(f"output must be 'zip' or 'pdf', not {output!r}")
    plan = check_cases(kind, cases, strict=strict, profile=profile, origins=origins)
    fmt = plan.document_format(output, document_format)
    if (fmt == "pdf" or output == "pdf") and converter is None:
        raise ValueError("PDF output needs a converter (docgen.converter.ConverterPool)")
    total = len(plan.valid)
    if progress:
        progress(0, total)
    documents: dict[int, service.RenderedDocument] = {}
    with contextlib.ExitStack() as stack:
        # A merged PDF's documents are converted in runs while the next ones are rendered.
        merging = stack.enter_context(MergedPdf(plan.valid, converter, draft=draft)) if output == "pdf" and converter is not None else None

        def keep(index: int, document: service.RenderedDocument) -> None:
            documents[index] = document
            if merging is not None:
                merging.add(index, document)
            if progress:
                progress(len(documents), total)

        render_documents(plan, plan.valid, fmt, converter=converter, draft=draft, on_document=keep,
                         workers=workers if output == "zip" else 1)
        return assemble(plan, output, documents, converter=converter, draft=draft, merging=merging)


@dataclass
class BatchPlan:
    """A batch after its checks: the report (one entry per case) and the valid cases, each parsed
    and checked once, by their position in the input."""

    kind: str
    report: list[dict[str, Any]]
    checked: dict[int, service.CheckResult]

    @property
    def valid(self) -> list[int]:
        return list(self.checked)

    @staticmethod
    def document_format(output: Output, document_format: str) -> service.Format:
        """The format each document is rendered in: .docx for a merged PDF (converted when the
        documents are assembled, see :mod:`.joined`), else ``document_format``."""
        if document_format not in ("docx", "pdf"):
            raise ValueError(f"document_format must be 'docx' or 'pdf', not {document_format!r}")
        return "docx" if output == "pdf" else document_format  # type: ignore[return-value]


def check_cases(
    kind: str,
    cases: list[Any],
    *,
    strict: bool = False,
    profile: Profile | None = None,
    origins: list[str | None] | None = None,
) -> BatchPlan:
    """Check every case once; raise as :func:`run_batch` describes when nothing may be rendered."""
    get_kind(kind)
    if not isinstance(cases, list):
        raise TypeError("cases must be a list")
    if len(cases) > MAX_CASES:
        raise BatchTooLarge(len(cases))
    if not cases:
        raise BatchEmpty()
    profile = profile or load_profile()
    report: list[dict[str, Any]] = []
    checked: dict[int, service.CheckResult] = {}
    for index, data in enumerate(cases):
        result = service.check(kind, data, profile)
        entry: dict[str, Any] = {"index": index, "item": _item_of(result.case, data)}
        origin = origins[index] if origins is not None and index < len(origins) else None
        if origin:
            entry["origin"] = str(origin)
        entry.update(ok=result.ok, filename=None, pages=None, findings=[located(f, origin) for f in result.findings])
        report.append(entry)
        if result.ok:
            checked[index] = result
    if not checked or (strict and len(checked) < len(report)):
        raise BatchInvalid(kind, report, strict=strict)
    return BatchPlan(kind, report, checked)


def render_documents(
    plan: BatchPlan,
    indices: list[int],
    fmt: service.Format,
    *,
    converter: service.Converter | None = None,
    draft: bool = False,
    on_document: Callable[[int, service.RenderedDocument], None],
    workers: int = 1,
) -> None:
    """Render the valid cases at ``indices``, calling ``on_document(index, document)`` in the
    calling thread as each one is ready (not necessarily in order). An exception raised by
    ``on_document`` stops the rest. ``workers``: see :func:`run_batch` (.docx only)."""
    def docx(index: int) -> service.RenderedDocument:
        return service.render_checked(plan.checked[index])

    if fmt == "docx":
        processes = worker_count(workers, len(indices))
        if processes > 1:
            render_forked(docx, indices, processes, on_document)
            return
        for index in indices:
            on_document(index, docx(index))
        return
    if converter is None:
        raise ValueError("PDF output needs a converter (docgen.converter.ConverterPool)")
    if draft:
        service.draft_watermark(converter)  # converted once, before the threads race for it
    found = get_kind(plan.kind)
    _convert_all(docx, lambda index: found.properties(plan.checked[index].case), indices, converter, draft, on_document)


def assemble(
    plan: BatchPlan,
    output: Output,
    documents: dict[int, service.RenderedDocument],
    *,
    converter: service.Converter | None = None,
    draft: bool = False,
    merging: MergedPdf | None = None,
) -> BatchResult:
    """The batch's one file from its documents (every valid case's), and the report's file names
    or pages filled in. A merged PDF converts the .docx documents among them (``converter``;
    ``draft`` lays the 草稿 watermark on their pages), or takes them from ``merging``, which has
    been given them as they were rendered."""
    found = get_kind(plan.kind)
    report = plan.report
    if output == "zip":
        content = zipped(found.name, report, documents)
        media_type, extension = ZIP_MEDIA_TYPE, "zip"
    else:
        if merging is not None:
            content = merging.result(report)
        elif converter is not None:
            content = merged_pdf(report, documents, converter, draft=draft)
        else:
            raise ValueError("PDF output needs a converter (docgen.converter.ConverterPool)")
        media_type, extension = pdf.PDF_MEDIA_TYPE, "pdf"
    return BatchResult(
        content=content,
        media_type=media_type,
        filename=f"{found.title}-批量-{len(documents)}件.{extension}",
        report=report,
        total=len(report),
        rendered=len(documents),
        invalid=len(report) - len(documents),
    )


def _item_of(case: Any, data: Any) -> str | None:
    """第123号建议, from the parsed case or, for a case that did not parse, from its raw data."""
    source = getattr(case, "source", None) if case is not None else None
    number = getattr(case, "item_number", None) if case is not None else None
    if case is None and isinstance(data, dict):
        source, number = data.get("source"), data.get("item_number")
    if source in ("建议", "提案") and isinstance(number, int) and not isinstance(number, bool) and 0 < number < 10**6:
        return item_label(source, number)
    return None


def _convert_all(
    docx: Callable[[int], service.RenderedDocument],
    properties: Callable[[int], Any],
    indices: list[int],
    converter: service.Converter,
    draft: bool,
    on_document: Callable[[int, service.RenderedDocument], None],
) -> None:
    """Render each .docx in this thread (templates and charts are not shared across threads) and
    convert them to PDF on up to the pool's number of threads, since conversion waits on
    LibreOffice. ``on_document`` runs in this thread; the first error cancels the rest."""
    with ThreadPoolExecutor(concurrency(converter), thread_name_prefix="docgen-batch") as executor:
        pending: dict[Future[bytes], tuple[int, service.RenderedDocument]] = {}

        def collect(block: bool) -> None:
            finished, _ = wait(pending, timeout=None if block else 0, return_when=FIRST_COMPLETED)
            for future in finished:
                index, source = pending.pop(future)
                stem = source.filename.rpartition(".")[0]
                on_document(index, service.RenderedDocument(
                    future.result(), f"{stem}.pdf", pdf.PDF_MEDIA_TYPE, source.findings
                ))

        try:
            for index in indices:
                source = docx(index)
                # Each conversion runs in a copy of this thread's context, so the request's deadline
                # (docgen.converter.deadline) covers the batch's conversions too.
                future = executor.submit(
                    contextvars.copy_context().run,
                    service.to_pdf, source.content, properties(index), converter, draft=draft,
                )
                pending[future] = (index, source)
                collect(block=False)
            while pending:
                collect(block=True)
        except BaseException:
            for future in pending:
                future.cancel()
            raise
