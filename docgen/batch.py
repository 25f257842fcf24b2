"""Batches: many cases of one kind rendered into one .zip (a document per case) or one merged PDF.

Cases come as a JSON list, or, for the reply letter, as a spreadsheet (.xlsx, or .csv in UTF-8
or GB18030) with one case per row and flat columns headed in Chinese or English (see
``REPLY_LETTER_COLUMNS`` and ``samples/batch/答复函批量模板.xlsx``).

Invalid cases are never skipped silently: every case gets an entry in the report (its findings,
and where its document went), the report travels inside the zip as ``报告.json``, and
``strict`` turns any error into a refusal of the whole batch. Everything is built in memory,
so a failed batch leaves no half-written output.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pypdf import PdfReader

from . import pdf, service
from .errors import DocgenError
from .findings import Finding, Severity, error
from .kinds import get_kind
from .kinds.common import item_label
from .ledger import CellError, cell_bool, decode_csv, cell_date, cell_integer, cell_text, cell_units, header_key
from .profile import Profile, load_profile

MAX_CASES = 500  # cases in one batch; more are refused (HTTP 413) — split the batch
REPORT_NAME = "报告.json"
ZIP_MEDIA_TYPE = "application/zip"
TABLE_KINDS = ("reply-letter",)  # kinds whose cases may come as spreadsheet rows

Output = Literal["zip", "pdf"]
Progress = Callable[[int, int], None]


# --- errors -------------------------------------------------------------------------------


class BatchInvalid(DocgenError):
    """Nothing was rendered: ``strict`` and some case has errors, or no case at all is valid.

    ``report`` has one entry per case (see :func:`run_batch`)."""

    code = "batch_invalid"

    def __init__(self, kind: str, report: list[dict[str, Any]], *, strict: bool):
        invalid = sum(1 for entry in report if not entry["ok"])
        if invalid == len(report):
            message = f"全部 {len(report)} 件均未通过检查，未生成任何文书"
        else:
            message = f"{len(report)} 件中有 {invalid} 件未通过检查；严格模式下整批不生成"
        super().__init__(message)
        self.kind = kind
        self.report = report
        self.strict = strict

    @property
    def findings(self) -> list[Finding]:
        """Every invalid case's findings in one list; paths and messages name the case."""
        return flat_findings(self.report)


class BatchTooLarge(DocgenError):
    code = "batch_too_large"

    def __init__(self, count: int):
        super().__init__(f"一次最多批量生成 {MAX_CASES} 件，收到 {count} 件，请分批提交")
        self.count = count


class BatchEmpty(DocgenError):
    code = "batch_empty"

    def __init__(self) -> None:
        super().__init__("案件列表是空的，没有可生成的文书")


class BatchInputError(DocgenError):
    """The cases file cannot be used; ``findings`` name the sheet, row, column, value and reason."""

    code = "batch_input"

    def __init__(self, findings: list[Finding]):
        super().__init__(findings[0].message if findings else "批量案件文件无法读取")
        self.findings = findings


class BatchUnreadable(BatchInputError):
    """The file as a whole: not a spreadsheet, wrong encoding, a required column missing, …"""

    code = "batch_unreadable"


class BatchBadValues(BatchInputError):
    """The file was read, but some cells are not valid (a bad date, an empty required cell, …)."""

    code = "batch_bad_values"


# --- the result ---------------------------------------------------------------------------


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


def flat_findings(report: list[dict[str, Any]]) -> list[Finding]:
    """The invalid cases' findings with ``cases[i].`` paths and the case named in each message."""
    out = []
    for entry in report:
        if entry["ok"]:
            continue
        who = case_name(entry)
        for f in entry["findings"]:
            path = f"cases[{entry['index']}]" + ("" if f["path"] == "$" else f".{f['path']}")
            out.append(Finding(f["code"], Severity(f["severity"]), path, f"{who}：{f['message']}"))
    return out


def case_name(entry: dict[str, Any]) -> str:
    """第3件（工作表“答复函”第4行，第8号建议） — how messages name a case."""
    extra = [x for x in (entry.get("origin"), entry.get("item")) if x]
    return f"第{entry['index'] + 1}件" + (f"（{'，'.join(extra)}）" if extra else "")


# --- running a batch ------------------------------------------------------------------------


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
    thread and converted concurrently, up to the pool's number of workers; a conversion error
    fails the whole batch (the pool has already retried it once).

    ``origins`` (e.g. the spreadsheet row of each case) go into the report. ``progress`` is
    called with ``(0, total)`` once the checks are done and ``(done, total)`` after each
    document, ``total`` being the number of documents to render; always from the calling thread.

    Each report entry: ``index`` (0-based position in ``cases``), ``item`` (``第123号建议`` when
    known, else null), ``origin`` (when given), ``ok``, ``filename`` (the zip entry, or null),
    ``pages`` (``[first, last]`` in the merged PDF, 1-based, or null) and ``findings``.
    """
    found = get_kind(kind)
    if output not in ("zip", "pdf"):
        raise ValueError(f"output must be 'zip' or 'pdf', not {output!r}")
    if document_format not in ("docx", "pdf"):
        raise ValueError(f"document_format must be 'docx' or 'pdf', not {document_format!r}")
    if not isinstance(cases, list):
        raise TypeError("cases must be a list")
    if len(cases) > MAX_CASES:
        raise BatchTooLarge(len(cases))
    if not cases:
        raise BatchEmpty()
    profile = profile or load_profile()
    fmt: service.Format = "pdf" if output == "pdf" else document_format
    if fmt == "pdf" and converter is None:
        raise ValueError("PDF output needs a converter (docgen.converter.ConverterPool)")

    report: list[dict[str, Any]] = []
    parsed: dict[int, Any] = {}
    for index, data in enumerate(cases):
        result = service.check(kind, data, profile)
        entry: dict[str, Any] = {"index": index, "item": _item_of(result.case, data)}
        if origins is not None and index < len(origins) and origins[index]:
            entry["origin"] = origins[index]
        entry.update(ok=result.ok, filename=None, pages=None, findings=[f.to_dict() for f in result.findings])
        report.append(entry)
        if result.ok:
            parsed[index] = result.case
    valid = list(parsed)
    if not valid or (strict and len(valid) < len(report)):
        raise BatchInvalid(kind, report, strict=strict)

    total = len(valid)
    if progress:
        progress(0, total)

    def docx(index: int) -> service.RenderedDocument:
        return service.render(kind, cases[index], profile)

    def advance(done: int) -> None:
        if progress:
            progress(done, total)

    if fmt == "docx":
        documents = {}
        for index in valid:
            documents[index] = docx(index)
            advance(len(documents))
    else:
        if draft:
            service.draft_watermark(converter)  # converted once, before the threads race for it
        documents = _convert_all(
            docx, lambda index: found.properties(parsed[index]), valid, converter, draft, advance  # type: ignore[arg-type]
        )

    invalid = len(report) - total
    if output == "zip":
        content = _zip(found.name, report, documents)
        media_type, extension = ZIP_MEDIA_TYPE, "zip"
    else:
        content = _merged(report, documents)
        media_type, extension = pdf.PDF_MEDIA_TYPE, "pdf"
    return BatchResult(
        content=content,
        media_type=media_type,
        filename=f"{found.title}-批量-{total}件.{extension}",
        report=report,
        total=len(report),
        rendered=total,
        invalid=invalid,
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


def _concurrency(converter: Any) -> int:
    workers = getattr(getattr(converter, "settings", None), "workers", 1)
    return max(1, min(int(workers) if isinstance(workers, int) else 1, 8))


def _convert_all(
    docx: Callable[[int], service.RenderedDocument],
    properties: Callable[[int], Any],
    indices: list[int],
    converter: service.Converter,
    draft: bool,
    advance: Callable[[int], None],
) -> dict[int, service.RenderedDocument]:
    """Render each .docx in this thread (templates and charts are not shared across threads) and
    convert them to PDF on up to the pool's number of threads, since conversion waits on
    LibreOffice. ``advance(done)`` runs in this thread; the first error cancels the rest."""
    documents: dict[int, service.RenderedDocument] = {}
    with ThreadPoolExecutor(_concurrency(converter), thread_name_prefix="docgen-batch") as executor:
        pending: dict[Future[bytes], tuple[int, service.RenderedDocument]] = {}

        def collect(block: bool) -> None:
            finished, _ = wait(pending, timeout=None if block else 0, return_when=FIRST_COMPLETED)
            for future in finished:
                index, source = pending.pop(future)
                stem = source.filename.rpartition(".")[0]
                documents[index] = service.RenderedDocument(
                    future.result(), f"{stem}.pdf", pdf.PDF_MEDIA_TYPE, source.findings
                )
                advance(len(documents))

        try:
            for index in indices:
                source = docx(index)
                future = executor.submit(service.to_pdf, source.content, properties(index), converter, draft=draft)
                pending[future] = (index, source)
                collect(block=False)
            while pending:
                collect(block=True)
        except BaseException:
            for future in pending:
                future.cancel()
            raise
    return documents


_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def _safe_name(name: str, limit: int = 120) -> str:
    """A file name that every zip tool and file system accepts."""
    name = _UNSAFE.sub("_", name).strip(" .") or "文书"
    return name[:limit]


def _zip(kind: str, report: list[dict[str, Any]], documents: dict[int, service.RenderedDocument]) -> bytes:
    used: set[str] = {REPORT_NAME}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in report:
            document = documents.get(entry["index"])
            if document is None:
                continue
            stem, dot, extension = document.filename.rpartition(".")
            prefix = entry["item"] or f"{entry['index'] + 1:03d}"
            base = _safe_name(f"{prefix}-{stem}")
            name, copy = f"{base}.{extension}", 2
            while name in used:
                name, copy = f"{base}（{copy}）.{extension}", copy + 1
            used.add(name)
            entry["filename"] = name
            # .docx is itself a deflated zip: storing it saves time and loses nothing.
            method = zipfile.ZIP_STORED if extension == "docx" else zipfile.ZIP_DEFLATED
            archive.writestr(_zip_info(name, method), document.content)
        body = {
            "kind": kind,
            "total": len(report),
            "rendered": len(documents),
            "invalid": len(report) - len(documents),
            "cases": report,
        }
        archive.writestr(
            _zip_info(REPORT_NAME, zipfile.ZIP_DEFLATED),
            json.dumps(body, ensure_ascii=False, indent=2).encode("utf-8"),
        )
    return buffer.getvalue()


def _zip_info(name: str, method: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=dt.datetime.now().timetuple()[:6])
    info.compress_type = method
    info.external_attr = 0o644 << 16
    return info


def _merged(report: list[dict[str, Any]], documents: dict[int, service.RenderedDocument]) -> bytes:
    parts, titles = [], []
    page = 1
    for entry in report:
        document = documents.get(entry["index"])
        if document is None:
            continue
        count = len(PdfReader(io.BytesIO(document.content)).pages)
        entry["pages"] = [page, page + count - 1]
        page += count
        parts.append(document.content)
        titles.append(document.filename.rpartition(".")[0])
    return pdf.merge(parts, outline=titles)


def report_header(report: list[dict[str, Any]], limit: int = 6000) -> str:
    """The invalid cases' findings as percent-encoded compact JSON, at most ``limit`` characters.

    ``{"invalid": M, "cases": [{"index", "item", "origin"?, "findings": [{"code", "severity",
    "path", "message"}]}], "truncated": false}``. Past the limit the messages are dropped
    first; then cases are left off and ``truncated`` is true with a Chinese ``note``.
    """
    from urllib.parse import quote

    bad = [e for e in report if not e["ok"]]

    def entry(e: dict[str, Any], messages: bool) -> dict[str, Any]:
        out = {k: e[k] for k in ("index", "item", "origin") if e.get(k) is not None}
        out["findings"] = [
            f if messages else {"code": f["code"], "severity": f["severity"], "path": f["path"]}
            for f in e["findings"]
        ]
        return out

    def encode(body: dict[str, Any]) -> str:
        return quote(json.dumps(body, ensure_ascii=False, separators=(",", ":")), safe="")

    for messages in (True, False):
        encoded = encode({"invalid": len(bad), "cases": [entry(e, messages) for e in bad], "truncated": False})
        if len(encoded) <= limit:
            return encoded
    note = "报告过长已截断：完整报告见 zip 输出中的 报告.json，或批量任务接口的 report"
    kept: list[dict[str, Any]] = []
    encoded = encode({"invalid": len(bad), "cases": [], "truncated": True, "omitted": len(bad), "note": note})
    for e in bad:
        attempt = encode({
            "invalid": len(bad), "cases": [*kept, entry(e, False)], "truncated": True,
            "omitted": len(bad) - len(kept) - 1, "note": note,
        })
        if len(attempt) > limit:
            break
        kept.append(entry(e, False))
        encoded = attempt
    return encoded


# --- cases from files -------------------------------------------------------------------------


@dataclass
class LoadedCases:
    cases: list[Any]
    origins: list[str | None] = field(default_factory=list)  # where each case came from (row), if known


def load_cases(kind: str, filename: str, content: bytes) -> LoadedCases:
    """Cases from an uploaded file: .json (a list, or ``{"cases": [...]}``) for any kind; for
    the reply letter also .xlsx / .csv (see :func:`cases_from_table`). Raises
    :class:`BatchUnreadable`, :class:`BatchBadValues` or :class:`BatchTooLarge`."""
    get_kind(kind)
    suffix = Path(filename).suffix.lower()
    if suffix == ".json" or (suffix not in _TABLE_SUFFIXES and content.lstrip()[:1] in (b"[", b"{")):
        return LoadedCases(cases_from_json(filename, content))
    rows = read_table(kind, filename, content)
    return LoadedCases([r.case for r in rows], [r.where for r in rows])


def cases_from_json(filename: str, content: bytes) -> list[Any]:
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise BatchUnreadable([error("batch.bad_json", "cases", f"cases：“{filename}”不是 UTF-8 编码的 JSON 文件")]) from exc
    except json.JSONDecodeError as exc:
        raise BatchUnreadable([error(
            "batch.bad_json", "cases", f"cases：“{filename}”不是有效的 JSON：第{exc.lineno}行第{exc.colno}列，{exc.msg}",
        )]) from exc
    except (ValueError, RecursionError) as exc:
        raise BatchUnreadable([error("batch.bad_json", "cases", f"cases：“{filename}”的 JSON 无法处理：{str(exc)[:100]}")]) from exc
    if isinstance(data, dict) and isinstance(data.get("cases"), list):
        data = data["cases"]
    if not isinstance(data, list):
        raise BatchUnreadable([error(
            "batch.bad_json", "cases", f"cases：“{filename}”应为案件的列表，或含 cases 列表的对象",
        )])
    if len(data) > MAX_CASES:
        raise BatchTooLarge(len(data))
    return data


def cases_from_table(kind: str, filename: str, content: bytes) -> list[dict[str, Any]]:
    """Reply-letter cases from an .xlsx or .csv (UTF-8 or GB18030): one case per row, one point
    per row, columns headed in Chinese or English (:data:`REPLY_LETTER_COLUMNS`).

    Raises :class:`BatchUnreadable` (not a spreadsheet, bad encoding, missing or unknown
    column, no rows; other kinds take JSON only), :class:`BatchBadValues` (cells that cannot
    be converted, required cells left empty: each finding names sheet, row, column, value and
    reason) or :class:`BatchTooLarge`.
    """
    return [row.case for row in read_table(kind, filename, content)]


@dataclass
class TableRow:
    case: dict[str, Any]
    where: str  # 工作表“答复函”第3行 / CSV 文件第3行


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # the header in the template
    aliases: tuple[str, ...] = ()
    required: bool = False
    note: str = ""  # how to fill it (the template's 填写说明)


REPLY_LETTER_COLUMNS: tuple[Column, ...] = (
    Column("source", "来源", ("类型", "建议提案", "件别"), True, "建议 或 提案"),
    Column("level", "层级", ("session.level", "级别", "行政层级"), True, "市、区、县或地名，如 市、西湖区"),
    Column("term", "届次", ("session.term", "届"), True, "第几届，如 15 或 十五"),
    Column("session", "会议次数", ("session.session", "次会议", "会次"), True, "第几次会议，如 3 或 三"),
    Column("item_number", "编号", ("建议编号", "提案编号", "案号"), True, "第N号的 N，如 123"),
    Column("item_title", "标题", ("建议标题", "提案标题", "案由", "题目"), True, "如 关于加快推进既有住宅加装电梯工作的建议"),
    Column("lead_author", "领衔人", ("领衔代表", "第一提案人", "提出人"), True, "只写姓名，称谓自动添加"),
    Column("co_authors", "联名人", ("联名代表", "联名委员", "附议人"), False, "多人用顿号分隔"),
    Column("handling_unit", "主办单位", ("承办单位",), True, "答复单位全称"),
    Column("self_reference", "自称", (), False, "正文中的自称，如 我局；不填为“我单位”"),
    Column("document_number", "发文字号", ("文号",), False, "如 江建复〔2024〕37号"),
    Column("result_class", "办理结果", ("办理结果分类", "结果分类", "分类标识"), True, "A、B、C（ABCD 方案另有 D）"),
    Column("topic", "所提问题", ("问题",), True, "如 关于简化加装电梯审批程序"),
    Column("answer", "答复内容", ("答复", "办理情况"), True, "可分段（单元格内换行）"),
    Column("measures", "措施", ("承诺措施", "下一步措施"), False,
           "多项用分号分隔，时限写在括号里：措施一（2025-06-30）；措施二（2025-12-31）。B类每项须有时限"),
    Column("reason", "原因", ("原因说明",), False, "C类必填：暂不能解决或留作参考的原因"),
    Column("contact_name", "联系人", ("contact", "contact.name"), True, ""),
    Column("phone", "联系电话", ("contact_phone", "contact.phone", "电话"), True, "如 0571-87001234"),
    Column("leader", "分管领导", ("contact.leader",), False, "可选"),
    Column("assigned_on", "交办日期", ("交办时间",), True, "如 2024-03-20"),
    Column("replied_on", "答复日期", ("答复时间", "办复日期"), True, "如 2024-06-18"),
    Column("complex", "情况复杂", ("复杂件",), False, "是/否；复杂事项办理期限为6个月"),
    Column("disclosure", "公开属性", ("公开方式",), False, "主动公开、依申请公开或不予公开；不填为主动公开"),
    Column("co_handlers", "会办单位意见", ("会办意见", "会办单位"), False, "单位：意见；单位：意见"),
    Column("signer", "签发人", (), False, "可选"),
    Column("handler_is_government", "主办单位为政府部门", ("政府部门",), False, "是/否；是则抄送政府办公室，不填为是"),
    Column("copies", "抄送", ("抄送单位",), False, "多个用顿号分隔；不填按来源自动生成"),
)
_COLUMN_BY_KEY = {c.key: c for c in REPLY_LETTER_COLUMNS}
_HEADERS: dict[str, str] = {}
for _c in REPLY_LETTER_COLUMNS:
    for _name in (_c.key, _c.label, *_c.aliases):
        _HEADERS[header_key(_name)] = _c.key
IGNORED_HEADERS = frozenset(header_key(h) for h in ("序号", "备注", "说明"))  # clerks' own columns
_TABLE_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".xls")


def read_table(kind: str, filename: str, content: bytes) -> list[TableRow]:
    """The rows of a cases spreadsheet as case JSON with where each came from (see :func:`cases_from_table`)."""
    found = get_kind(kind)
    if kind not in TABLE_KINDS:
        raise BatchUnreadable([error(
            "batch.kind_not_tabular", "cases",
            f"cases：“{found.title}”（{kind}）的批量案件只接受 JSON（.json 文件或请求中的 cases 列表）；"
            f"表格（.xlsx/.csv）目前只支持答复函（reply-letter）",
        )])
    suffix = Path(filename).suffix.lower()
    if not content.strip():
        raise BatchUnreadable([error("batch.empty", "cases", f"cases：文件“{filename}”是空的")])
    if suffix == ".xls" or content.startswith(b"\xd0\xcf\x11\xe0"):
        raise BatchUnreadable([error(
            "batch.not_a_spreadsheet", "cases",
            f"cases：“{filename}”是旧版 Excel 格式（.xls），请在 Excel 中另存为 .xlsx 后上传",
        )])
    if suffix in (".xlsx", ".xlsm") or (suffix != ".csv" and content.startswith(b"PK")):
        place, header, body = _xlsx_rows(filename, content)
    elif suffix == ".csv":
        place, header, body = _csv_rows(filename, content)
    else:
        raise BatchUnreadable([error(
            "batch.not_a_spreadsheet", "cases",
            f"cases：不支持的文件“{filename}”，请上传 .xlsx、.csv（UTF-8 或 GB18030）或 .json 文件",
        )])
    return _table_rows(place, header, body)


def _xlsx_rows(filename: str, content: bytes) -> tuple[str, list[Any], Iterator[tuple[int, list[Any]]]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        title = sheet.title
        workbook.close()
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, IndexError, TypeError) as exc:
        raise BatchUnreadable([error(
            "batch.not_a_spreadsheet", "cases",
            f"cases：“{filename}”不是有效的 Excel 工作簿（.xlsx），无法读取（{type(exc).__name__}）",
        )]) from exc
    start = _header_row(rows)
    header = rows[start] if rows else []
    return f"工作表“{title}”", header, ((n + 1, r) for n, r in enumerate(rows) if n > start)


def _csv_rows(filename: str, content: bytes) -> tuple[str, list[Any], Iterator[tuple[int, list[Any]]]]:
    text = decode_csv(content)
    if text is None:
        raise BatchUnreadable([error(
            "batch.encoding", "cases", f"cases：“{filename}”既不是 UTF-8 也不是 GB18030 编码的 CSV 文件",
        )])
    first = text.split("\n", 1)[0]
    dialect = "excel-tab" if "\t" in first and "," not in first else "excel"
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), dialect))
    except csv.Error as exc:
        raise BatchUnreadable([error("batch.not_a_spreadsheet", "cases", f"cases：“{filename}”不是有效的 CSV 文件：{exc}")]) from exc
    start = _header_row(rows)
    header = rows[start] if rows else []
    return "CSV 文件", header, ((n + 1, r) for n, r in enumerate(rows) if n > start)


def _header_row(rows: list[list[Any]]) -> int:
    """The header is the first of the top ten rows with three known column names (a title row
    above it is allowed); row 1 when none has."""
    for n, row in enumerate(rows[:10]):
        if sum(1 for cell in row if cell is not None and header_key(cell) in _HEADERS) >= 3:
            return n
    return 0


def _table_rows(place: str, header: list[Any], body: Iterable[tuple[int, list[Any]]]) -> list[TableRow]:
    keys: dict[int, str] = {}
    written: dict[str, str] = {}
    problems: list[Finding] = []
    for index, name in enumerate(header):
        if name is None or str(name).strip() == "":
            continue
        normal = header_key(name)
        key = _HEADERS.get(normal)
        label = str(name).strip()
        if key is None:
            if normal not in IGNORED_HEADERS:
                problems.append(error(
                    "batch.unknown_column", "cases",
                    f"cases：{place}第{_column_letter(index)}列的表头“{label}”不认识。"
                    f"可用的列：{'、'.join(c.label for c in REPLY_LETTER_COLUMNS)}（或对应英文列名）；"
                    "不需要的列请删除",
                ))
        elif key in written:
            problems.append(error(
                "batch.duplicate_column", "cases",
                f"cases：{place}的“{written[key]}”和“{label}”是同一列（{_COLUMN_BY_KEY[key].label}），请只保留一列",
            ))
        else:
            keys[index], written[key] = key, label
    missing = [c.label for c in REPLY_LETTER_COLUMNS if c.required and c.key not in written]
    if missing:
        problems.insert(0, error(
            "batch.missing_column", "cases",
            f"cases：{place}缺少必需的列：{'、'.join(missing)}（表头应在第1行，可参照 答复函批量模板.xlsx）",
        ))
    if problems:
        raise BatchUnreadable(problems)

    filled = [(n, cells) for n, cells in body if any(c is not None and str(c).strip() != "" for c in cells)]
    if len(filled) > MAX_CASES:
        raise BatchTooLarge(len(filled))
    rows: list[TableRow] = []
    bad: list[Finding] = []
    for number, cells in filled:
        where = f"{place}第{number}行"
        values = {key: cells[i] if i < len(cells) else None for i, key in keys.items()}
        case, findings = _reply_letter_case(values, where, written, len(rows))
        bad += findings
        rows.append(TableRow(case, where))
    if not rows:
        raise BatchUnreadable([error("batch.empty", "cases", f"cases：{place}只有表头，没有任何数据行")])
    if bad:
        raise BatchBadValues(bad)
    return rows


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --- cell converters (the ledger's, plus those the reply letter needs) ---------------------

_CHINESE_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _small_number(value: Any) -> int:
    """15, "15", "十五", "第十五届", "三次" → int (1–99)."""
    text = re.sub(r"^第|[届次]$|会议$", "", cell_text(value)).strip()
    text = re.sub(r"[届次]$", "", text)
    if re.fullmatch(r"\d{1,2}", text) and int(text) > 0:
        return int(text)
    match = re.fullmatch(r"([一二三四五六七八九])?(十)?([一二三四五六七八九])?", text)
    if text and match and (match.group(2) or (match.group(1) and not match.group(3))):
        tens, ten, ones = match.groups()
        if ten:
            return _CHINESE_DIGITS.get(tens or "一") * 10 + (_CHINESE_DIGITS[ones] if ones else 0)
        return _CHINESE_DIGITS[tens]
    raise CellError("应为数字，如 15 或 十五")


def _source(value: Any) -> str:
    text = cell_text(value).replace("人大代表", "").replace("政协委员", "").replace("代表", "").replace("委员", "")
    text = {"议": "建议", "案": "提案"}.get(text, text)
    if text not in ("建议", "提案"):
        raise CellError("应为“建议”或“提案”")
    return text


def _result_class(value: Any) -> str:
    text = cell_text(value).upper().removesuffix("类").strip()
    if not re.fullmatch(r"[A-Z]", text):
        raise CellError("应为一个字母，如 A、B、C")
    return text


def _iso_date(value: Any) -> str:
    date = cell_date(value)
    if date is None:
        raise CellError("不能为空")
    return date.isoformat()


def _disclosure(value: Any) -> str:
    text = cell_text(value)
    if text not in ("主动公开", "依申请公开", "不予公开"):
        raise CellError("应为主动公开、依申请公开或不予公开之一")
    return text


_DEADLINE = re.compile(
    r"^(?P<content>.*?)\s*[（(]\s*(?:完成时限|时限|截至|截止|于)?[:：]?\s*(?P<date>\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?)"
    r"\s*(?:前|之前|以前)?\s*[）)]\s*[。.]?$",
    re.S,
)
_LOOKS_DATED = re.compile(r"[（(][^（()）]*\d{4}\s*[-/.年][^（()）]*[）)]\s*[。.]?$")


def _measures(value: Any) -> list[dict[str, str]]:
    """``措施一（2025-06-30）；措施二（2025年12月31日前）；措施三`` → [{content, deadline?}, …]."""
    out = []
    for item in re.split(r"[；;\n]+", cell_text(value)):
        item = item.strip()
        if not item:
            continue
        match = _DEADLINE.match(item)
        if match:
            try:
                deadline = cell_date(re.sub(r"\s+", "", match.group("date")))
            except CellError:
                raise CellError(f"中措施“{item[:30]}”的完成时限不是有效日期，应写成 2025-06-30 或 2025年6月30日") from None
            content = match.group("content").strip().rstrip("，,")
            if not content:
                raise CellError(f"中“{item[:30]}”只有时限，没有措施内容")
            out.append({"content": content, "deadline": deadline.isoformat()})
        elif _LOOKS_DATED.search(item):
            raise CellError(f"中措施“{item[:30]}”的完成时限写法不对，应写成（2025-06-30）或（2025年6月30日）")
        else:
            out.append({"content": item})
    return out


_UNIT_END = re.compile(r"(局|委|办|厅|院|会|中心|公司|集团|部|处|所|站|队|行|社|府|室|馆|署|团|校)$")
_OPINION = re.compile(r"^\s*([^：:，,。；;（）()]{2,40}?)\s*[：:]\s*(.*)$", re.S)


def _co_handlers(value: Any) -> list[dict[str, str]]:
    """``单位：意见；单位：意见`` → [{unit, opinion}, …]. A segment without “单位：” continues the
    previous opinion (opinions may contain semicolons) unless it looks like a unit's name alone,
    which then is a co-handler without an opinion (the checks report that)."""
    out: list[dict[str, str]] = []
    for segment in re.split(r"[；;\n]+", cell_text(value)):
        segment = segment.strip()
        if not segment:
            continue
        match = _OPINION.match(segment)
        if match:
            out.append({"unit": match.group(1).strip(), "opinion": match.group(2).strip()})
        elif out and not (len(segment) <= 30 and _UNIT_END.search(segment)):
            out[-1]["opinion"] = f"{out[-1]['opinion']}；{segment}" if out[-1]["opinion"] else segment
        else:
            out.append({"unit": segment, "opinion": ""})
    return out


_CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "source": _source,
    "term": _small_number,
    "session": _small_number,
    "item_number": cell_integer,
    "result_class": _result_class,
    "assigned_on": _iso_date,
    "replied_on": _iso_date,
    "complex": cell_bool,
    "handler_is_government": cell_bool,
    "disclosure": _disclosure,
    "co_authors": cell_units,
    "copies": cell_units,
    "measures": _measures,
    "co_handlers": _co_handlers,
}


def _reply_letter_case(
    values: dict[str, Any], where: str, headers: dict[str, str], index: int
) -> tuple[dict[str, Any], list[Finding]]:
    """One row → the reply-letter case JSON (one point), with a finding per bad or missing cell."""
    converted: dict[str, Any] = {}
    findings: list[Finding] = []
    for key, raw in values.items():
        header = headers.get(key, _COLUMN_BY_KEY[key].label)
        path = f"cases[{index}].{key}"
        if raw is None or cell_text(raw) == "":
            if _COLUMN_BY_KEY[key].required:
                findings.append(error("batch.missing_value", path, f"{path}：{where}“{header}”列不能为空"))
            continue
        try:
            result = _CONVERTERS.get(key, cell_text)(raw)
        except CellError as exc:
            shown = cell_text(raw) if not isinstance(raw, (dt.date, dt.datetime)) else str(raw)
            findings.append(error(
                "batch.bad_value", path, f"{path}：{where}“{header}”列的值“{shown[:40]}”{exc}",
            ))
            continue
        if result not in (None, "", []):
            converted[key] = result
    if findings:
        return {}, findings
    case: dict[str, Any] = {
        "source": converted["source"],
        "session": {"level": converted["level"], "term": converted["term"], "session": converted["session"]},
        "item_number": converted["item_number"],
        "item_title": converted["item_title"],
        "lead_author": converted["lead_author"],
    }
    for key in ("co_authors", "handling_unit", "self_reference", "document_number", "co_handlers", "result_class"):
        if key in converted:
            case[key] = converted[key]
    point: dict[str, Any] = {"topic": converted["topic"], "answer": converted["answer"]}
    if "measures" in converted:
        point["measures"] = converted["measures"]
    case["points"] = [point]
    if "reason" in converted:
        case["reason"] = converted["reason"]
    contact = {"name": converted["contact_name"], "phone": converted["phone"]}
    if "leader" in converted:
        contact["leader"] = converted["leader"]
    case["contact"] = contact
    for key in ("assigned_on", "replied_on", "complex", "disclosure", "signer", "handler_is_government", "copies"):
        if key in converted:
            case[key] = converted[key]
    return case, findings
