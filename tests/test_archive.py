"""docgen.archive: uploaded .xlsx/.docx archives are opened under limits, and bombs are refused
before they are inflated (within 1 s and 50 MB), or while they are read."""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile

import pytest

from conftest import SAMPLES
from docgen.archive import ArchiveLimits, ArchiveTooLarge, ArchiveUnreadable, GuardedZipFile
from docgen.settings import load_settings

ROW = b'<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>'


def zip_of(members: dict[str, bytes | int]) -> bytes:
    """A zip; an int member is that many bytes of repeated sheet rows, written in chunks."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            if isinstance(content, int):
                chunk = ROW * (1024 * 1024 // len(ROW))
                with archive.open(name, "w", force_zip64=True) as member:
                    for _ in range(content // len(chunk)):
                        member.write(chunk)
            else:
                archive.writestr(name, content)
    return out.getvalue()


@pytest.fixture(scope="module")
def sheet_bomb() -> bytes:
    """Like the issue's: a small .xlsx whose one sheet inflates to about 340 MB of rows."""
    return zip_of({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>",
                   "xl/worksheets/sheet1.xml": 340 * 1024 * 1024})


def refused_quickly_and_lightly(data: bytes, limits: ArchiveLimits | None = None) -> ArchiveTooLarge:
    tracemalloc.start()
    began = time.perf_counter()
    try:
        with pytest.raises(ArchiveTooLarge) as caught:
            with GuardedZipFile(data, "台账.xlsx", limits) as archive:
                for name in archive.namelist():
                    archive.read(name)
        elapsed = time.perf_counter() - began
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < 1.0
    assert peak < 50 * 1024 * 1024
    return caught.value


def test_the_issues_sheet_bomb_is_refused_before_inflating(sheet_bomb):
    assert len(sheet_bomb) < 2 * 1024 * 1024
    refused = refused_quickly_and_lightly(sheet_bomb)
    assert refused.what == "bytes" and refused.found > 300 * 1024 * 1024
    assert "台账.xlsx" in refused.message and "超过上限 100.0 MB" in refused.message


def test_a_sheet_compressed_beyond_the_ratio_is_refused_even_under_the_total():
    bomb = zip_of({"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": 60 * 1024 * 1024})
    refused = refused_quickly_and_lightly(bomb)
    assert refused.what == "ratio" and refused.member == "xl/worksheets/sheet1.xml"
    assert refused.found > refused.limit == 100
    assert "台账.xlsx" in refused.message and "压缩比" in refused.message


def test_an_archive_inflating_past_the_total_is_refused():
    plain = bytes(range(256)) * 4096  # 1 MB that deflate barely shrinks
    data = zip_of({f"xl/media/image{i}.bin": plain for i in range(12)})
    refused = refused_quickly_and_lightly(data, ArchiveLimits(max_bytes=10 * 1024 * 1024))
    assert refused.what == "bytes" and refused.found == 12 * len(plain)
    assert "解压后" in refused.message and "10.0 MB" in refused.message


def test_an_archive_with_too_many_entries_is_refused():
    data = zip_of({f"xl/worksheets/sheet{i}.xml": b"" for i in range(1001)})
    refused = refused_quickly_and_lightly(data)
    assert refused.what == "entries" and refused.found == 1001 and refused.limit == 1000


def test_the_total_is_counted_while_reading_so_rereading_a_member_is_bounded_too():
    data = zip_of({"xl/sharedStrings.xml": bytes(range(256)) * 1024})  # 256 KB
    with GuardedZipFile(data, "台账.xlsx", ArchiveLimits(max_bytes=1024 * 1024)) as archive:
        for _ in range(4):
            archive.read("xl/sharedStrings.xml")
        with pytest.raises(ArchiveTooLarge) as caught:
            with archive.open("xl/sharedStrings.xml") as member:
                while member.read(64 * 1024):
                    pass
    assert caught.value.what == "bytes" and caught.value.member == "xl/sharedStrings.xml"


def test_a_real_workbook_reads_whole_and_is_counted():
    data = (SAMPLES / "annual-summary" / "台账-2024.xlsx").read_bytes()
    with GuardedZipFile(data, "台账-2024.xlsx") as archive:
        total = sum(len(archive.read(name)) for name in archive.namelist())
        assert total == archive.inflated == sum(info.file_size for info in archive.infolist())


def test_what_is_not_a_zip_is_unreadable_and_named():
    with pytest.raises(ArchiveUnreadable) as caught:
        GuardedZipFile(b"name,number\n", "台账.xlsx")
    assert caught.value.code == "archive_unreadable" and "台账.xlsx" in caught.value.message


def test_a_member_whose_checksum_lies_is_unreadable_not_a_crash():
    data = bytearray(zip_of({"word/document.xml": b"<w:document>" + b"x" * 5000 + b"</w:document>"}))
    crc_at = data.index(b"PK\x03\x04") + 14  # the local header's CRC-32
    data[crc_at:crc_at + 4] = b"\0\0\0\0"
    central = data.index(b"PK\x01\x02") + 16
    data[central:central + 4] = b"\0\0\0\0"
    with GuardedZipFile(bytes(data), "答复函.docx") as archive:
        with pytest.raises(ArchiveUnreadable) as caught:
            archive.read("word/document.xml")
    assert "答复函.docx" in caught.value.message and "word/document.xml" in caught.value.message


def test_the_limits_come_from_the_settings(monkeypatch):
    monkeypatch.setenv("DOCGEN_ARCHIVE_MAX_ENTRIES", "5")
    monkeypatch.setenv("DOCGEN_ARCHIVE_MAX_RATIO", "20")
    limits = load_settings().archive_limits()
    assert limits == ArchiveLimits(max_entries=5, max_bytes=100 * 1024 * 1024, max_ratio=20)
    with pytest.raises(ArchiveTooLarge):
        GuardedZipFile(zip_of({f"{i}.xml": b"" for i in range(6)}), "x.xlsx", limits)
