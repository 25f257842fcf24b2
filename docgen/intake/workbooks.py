"""Uploaded workbooks (.xlsx, .ods) checked before python-calamine lays out a sheet.

calamine builds each sheet as a dense grid from A1 to its last filled cell: one cell typed at
XFD1048576 in a 10 KB file asks for billions of cells, and the allocation aborts the whole
process. So every zip-based workbook is first read through :class:`docgen.archive.GuardedZipFile`
(limits on entries, inflated size and compression ratio, counted while streaming), and while its
members stream by, the sheets' extent is counted: the last filled row and column, with the
repeats of .ods. A workbook beyond :class:`SheetLimits`, or one whose XML declares a DTD or
entities (Office files never do), is refused before calamine sees it; the reading stops at the
first limit crossed. The limits come from the settings (``sheet_max_rows``, ``sheet_max_cells``
and the ``archive_*`` ones).
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field

from ..archive import ArchiveLimits, ArchiveRefused, ArchiveUnreadable, GuardedZipFile

CHUNK = 64 * 1024


@dataclass(frozen=True)
class SheetLimits:
    max_rows: int = 100_000  # the last filled row of any sheet
    max_cells: int = 5_000_000  # its last filled row × its last filled column


@dataclass(frozen=True)
class IntakeLimits:
    """Everything that bounds opening an uploaded workbook."""

    archive: ArchiveLimits = field(default_factory=ArchiveLimits)
    sheet: SheetLimits = field(default_factory=SheetLimits)


class WorkbookRefused(ValueError):
    """The workbook cannot be opened safely; the message says why in Chinese, naming the file.
    ``too_large`` tells a workbook beyond a limit from a damaged or suspicious one."""

    def __init__(self, message: str, *, too_large: bool):
        super().__init__(message)
        self.too_large = too_large


_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.I)
_COLUMN = {chr(65 + i): i + 1 for i in range(26)}


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.decode("ascii"):
        number = number * 26 + _COLUMN[letter]
    return number


def _within(filename: str, sheet: str, limits: SheetLimits, rows: int, columns: int, what: str = "有数据的区域") -> None:
    if rows > limits.max_rows or rows * columns > limits.max_cells:
        raise WorkbookRefused(
            f"“{filename}”的工作表（{sheet}）{what}达{rows}行×{columns}列，"
            f"超过上限（{limits.max_rows}行、{limits.max_cells}个单元格），已拒绝；"
            "请删去表格右侧和下方多余的内容，或分成几个文件上传",
            too_large=True,
        )


class _Extent(ABC):
    """The filled extent of a sheet's XML, counted token by token as it streams by."""

    def __init__(self, filename: str, member: str, limits: SheetLimits):
        self.filename, self.member, self.limits = filename, member, limits
        self.rows = self.columns = 0

    def grow(self, rows: int, columns: int) -> None:
        self.rows, self.columns = max(self.rows, rows), max(self.columns, columns)
        _within(self.filename, self.member, self.limits, self.rows, self.columns)

    @abstractmethod
    def feed(self, text: bytes) -> None:
        """Count the tokens of ``text``, a piece of the member that ends between two tags."""


class _XlsxSheet(_Extent):
    """SpreadsheetML: the declared ``<dimension>`` and every ``<c r="…">`` that holds something."""

    DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*\bref="[A-Z]{1,3}\d+:([A-Z]{1,3})(\d{1,7})"')
    CELL = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,3})(\d{1,7})"[^>]*?(/?)>')

    def feed(self, text: bytes) -> None:
        for match in self.DIMENSION.finditer(text):
            _within(self.filename, self.member, self.limits, int(match[2]), _column_number(match[1]), "声明的范围")
        for match in self.CELL.finditer(text):
            if not match[3]:  # <c r="XFD9" s="1"/> is formatting only: calamine leaves it out
                self.grow(int(match[2]), _column_number(match[1]))


class _OdsContent(_Extent):
    """OpenDocument: rows and cells with their repeats; a cell with a value type holds something."""

    TOKEN = re.compile(
        rb"<table:table\b|<table:table-row\b([^>]*)>|</table:table-row>|<table:(?:covered-)?table-cell\b([^>]*?)/?>"
    )
    ROWS_REPEATED = re.compile(rb'table:number-rows-repeated="(\d+)"')
    COLUMNS_REPEATED = re.compile(rb'table:number-columns-repeated="(\d+)"')

    def __init__(self, filename: str, member: str, limits: SheetLimits):
        super().__init__(filename, member, limits)
        self.row = self.column = self.filled = self.repeat = 0

    def feed(self, text: bytes) -> None:
        for match in self.TOKEN.finditer(text):
            token = match[0]
            if token.startswith(b"<table:table-row"):
                repeat = self.ROWS_REPEATED.search(match[1] or b"")
                self.repeat, self.column, self.filled = int(repeat[1]) if repeat else 1, 0, 0
            elif token == b"</table:table-row>":
                if self.filled:
                    self.grow(self.row + self.repeat, self.filled)
                self.row += self.repeat
            elif token == b"<table:table":
                self.row = 0
            else:
                attributes = match[2] or b""
                repeat = self.COLUMNS_REPEATED.search(attributes)
                self.column += int(repeat[1]) if repeat else 1
                if b"office:value-type=" in attributes:
                    self.filled = self.column


def check_sheet_size(filename: str, sheet: str, rows: int, columns: int, limits: IntakeLimits | None = None) -> None:
    """A sheet calamine has read, of ``rows`` × ``columns`` from A1, is within the limits before it
    becomes Python rows (the only check an .xls gets); raises :class:`WorkbookRefused`."""
    _within(filename, sheet, (limits or IntakeLimits()).sheet, rows, columns)


def _extent_of(filename: str, member: str, limits: SheetLimits) -> _Extent | None:
    if re.fullmatch(r"xl/worksheets/[^/]+\.xml", member):
        return _XlsxSheet(filename, member, limits)
    if member == "content.xml":
        return _OdsContent(filename, member, limits)
    return None


def check_workbook(filename: str, content: bytes, limits: IntakeLimits | None = None) -> None:
    """Read every member of a zip-based workbook under ``limits``; raises :class:`WorkbookRefused`."""
    limits = limits or IntakeLimits()
    try:
        with GuardedZipFile(content, filename, limits.archive) as archive:
            for info in archive.infolist():
                if info.is_dir():
                    continue
                extent = _extent_of(filename, info.filename, limits.sheet)
                with archive.open(info) as stream:
                    carried = b""
                    while chunk := stream.read(CHUNK):
                        text = carried + chunk
                        cut = text.rfind(b"<")  # a tag cut by the chunk's end is read with the next one
                        cut = len(text) if cut < 0 else cut
                        if info.filename.endswith(".xml") and _DTD.search(text):
                            raise WorkbookRefused(
                                f"“{filename}”中的 {info.filename} 含有 DTD 或实体声明，Office 文件不会这样写，已拒绝",
                                too_large=False,
                            )
                        if extent is not None:
                            extent.feed(text[:cut])
                        carried = text[cut:][-4096:]
                    if extent is not None:
                        extent.feed(carried)
    except ArchiveRefused as exc:
        raise WorkbookRefused(f"“{filename}”{exc.message.removeprefix(filename).strip()}", too_large=True) from exc
    except ArchiveUnreadable as exc:
        raise WorkbookRefused(f"“{filename}”不是有效的 Excel 工作簿或 .ods 表格，无法打开（{exc.reason}）",
                              too_large=False) from exc
