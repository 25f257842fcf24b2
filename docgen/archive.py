"""Opening uploaded zip archives (.xlsx, .docx) without letting a small file eat the machine.

:class:`GuardedZipFile` is a :class:`zipfile.ZipFile` that refuses, before anything is inflated,
an archive with too many entries, whose members declare more than the total size allowed, or
whose members are compressed beyond a plausible ratio; and then counts, while streaming, the
bytes every member really inflates to, so that an archive whose directory lies is stopped too.
The errors carry the file, the member, the limit and what was found; their messages are Chinese.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass
from typing import IO, Any, BinaryIO

from .errors import DocgenError

# Below this many inflated bytes a member's compression ratio is not judged: small XML parts
# (an empty sheet, styles) compress far better than any document content.
RATIO_FLOOR_BYTES = 1024 * 1024


@dataclass(frozen=True)
class ArchiveLimits:
    max_entries: int = 1000
    max_bytes: int = 100 * 1024 * 1024  # all members together, inflated
    max_ratio: float = 100.0  # inflated ÷ compressed, for each member past RATIO_FLOOR_BYTES


class ArchiveRefused(DocgenError):
    """The archive is beyond a limit. ``limit`` and ``found`` are in the unit of ``what``."""

    code = "archive_refused"

    def __init__(self, message: str, *, filename: str, what: str, limit: float, found: float, member: str | None = None):
        super().__init__(message)
        self.filename, self.what, self.limit, self.found, self.member = filename, what, limit, found, member


class ArchiveTooLarge(ArchiveRefused):
    code = "archive_too_large"


class ArchiveUnreadable(DocgenError):
    """Not a zip archive at all, or a damaged one."""

    code = "archive_unreadable"

    def __init__(self, filename: str, reason: str):
        super().__init__(f"{filename} 无法打开：不是有效的 .xlsx/.docx 文件（{reason}）")
        self.filename, self.reason = filename, reason


def _mb(size: float) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


class GuardedZipFile(zipfile.ZipFile):
    """A read-only zip archive under :class:`ArchiveLimits`; ``filename`` names it in errors."""

    def __init__(self, file: str | BinaryIO | bytes, filename: str, limits: ArchiveLimits | None = None):
        self.label = filename
        self.limits = limits or ArchiveLimits()
        self.inflated = 0  # bytes inflated so far, all members together
        source = io.BytesIO(file) if isinstance(file, bytes) else file
        try:
            super().__init__(source)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
            raise ArchiveUnreadable(filename, str(exc) or type(exc).__name__) from exc
        self._check_directory()

    def _check_directory(self) -> None:
        entries = self.infolist()
        if len(entries) > self.limits.max_entries:
            raise ArchiveTooLarge(
                f"{self.label} 含 {len(entries)} 个文件，超过上限 {self.limits.max_entries} 个，已拒绝",
                filename=self.label, what="entries", limit=self.limits.max_entries, found=len(entries),
            )
        declared = sum(info.file_size for info in entries)
        if declared > self.limits.max_bytes:
            raise ArchiveTooLarge(
                f"{self.label} 解压后有 {_mb(declared)}，超过上限 {_mb(self.limits.max_bytes)}，已拒绝",
                filename=self.label, what="bytes", limit=self.limits.max_bytes, found=declared,
            )
        for info in entries:
            self._check_ratio(info, info.file_size)

    def _check_ratio(self, info: zipfile.ZipInfo, inflated: int) -> None:
        if inflated <= RATIO_FLOOR_BYTES:
            return
        ratio = inflated / max(info.compress_size, 1)
        if ratio > self.limits.max_ratio:
            raise ArchiveTooLarge(
                f"{self.label} 中的 {info.filename} 压缩比达 {ratio:.0f}:1，超过上限 {self.limits.max_ratio:g}:1，"
                "疑为压缩炸弹，已拒绝",
                filename=self.label, what="ratio", limit=self.limits.max_ratio, found=ratio, member=info.filename,
            )

    def _count(self, info: zipfile.ZipInfo, member_total: int, size: int) -> None:
        self.inflated += size
        if self.inflated > self.limits.max_bytes:
            raise ArchiveTooLarge(
                f"{self.label} 解压后超过上限 {_mb(self.limits.max_bytes)}（读到 {info.filename} 时），已拒绝",
                filename=self.label, what="bytes", limit=self.limits.max_bytes, found=self.inflated,
                member=info.filename,
            )
        self._check_ratio(info, member_total)

    def open(self, name: str | zipfile.ZipInfo, mode: str = "r", pwd: bytes | None = None, **kwargs: Any) -> IO[bytes]:  # type: ignore[override]
        stream = super().open(name, mode, pwd, **kwargs)  # type: ignore[arg-type]
        if mode != "r":
            return stream
        info = name if isinstance(name, zipfile.ZipInfo) else self.getinfo(name)
        return io.BufferedReader(_CountingReader(stream, self, info))


class _CountingReader(io.RawIOBase):
    """Reads one member, counting what it inflates to against the archive's limits."""

    def __init__(self, inner: IO[bytes], archive: GuardedZipFile, info: zipfile.ZipInfo):
        self._inner, self._archive, self._info = inner, archive, info
        self._read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        try:
            data = self._inner.read(len(buffer))
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:  # e.g. a CRC or length that lies
            raise ArchiveUnreadable(self._archive.label, f"{self._info.filename}：{exc}") from exc
        self._read += len(data)
        self._archive._count(self._info, self._read, len(data))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._inner.close()
        super().close()
