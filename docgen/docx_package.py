"""The .docx zip, member by member: a member's compressed bytes are kept as they are, so a package
that changes a few parts deflates only those and copies the others.

It knows zip and nothing of Word: the engine says which members to keep and which to replace.
"""

from __future__ import annotations

import io
import struct
import time
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

# Deflate level of the parts a render writes, chosen by measurement: on the parts a render makes
# of the one-page reply letter (document.xml, header, core properties: 7.5 kB) and of the annual
# summary (24 kB), level 1 took 0.27 and 0.45 ms, zlib's default 6 took 0.39 and 0.91 ms, and
# level 1's output was 140 and 470 bytes larger (level 3 was no faster than 1 and saved a third of that).
DEFLATE_LEVEL = 1

_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
_CENTRAL_HEADER = struct.Struct("<4s4B4HL2L5H2L")
_END_OF_CENTRAL_DIRECTORY = struct.Struct("<4s4H2LH")
_VERSION = 20  # 2.0: deflate
_UTF8_NAME = 0x800


@dataclass(frozen=True)
class Member:
    """One zip member, ready to be written: its local header and data, and its central directory
    record up to the offset of that header (which depends on where it is written)."""

    name: str
    local: bytes
    central: bytes
    name_bytes: bytes


def _dos_time(moment: tuple[int, int, int, int, int, int]) -> tuple[int, int]:
    year, month, day, hour, minute, second = moment
    return (hour << 11) | (minute << 5) | (second // 2), ((year - 1980) << 9) | (month << 5) | day


def _member(name: str, method: int, crc: int, compressed: bytes, size: int,
            moment: tuple[int, int, int, int, int, int]) -> Member:
    encoded = name.encode("utf-8")
    flags = 0 if encoded.isascii() else _UTF8_NAME
    dos_time, dos_date = _dos_time(moment)
    local = _LOCAL_HEADER.pack(b"PK\x03\x04", _VERSION, 0, flags, method, dos_time, dos_date, crc,
                               len(compressed), size, len(encoded), 0) + encoded + compressed
    central = _CENTRAL_HEADER.pack(b"PK\x01\x02", _VERSION, 0, _VERSION, 0, flags, method, dos_time, dos_date, crc,
                                   len(compressed), size, len(encoded), 0, 0, 0, 0, 0, 0)[:-4]
    return Member(name, local, central, encoded)


def deflated(name: str, content: bytes, level: int = DEFLATE_LEVEL) -> Member:
    """A member holding ``content``, deflated now."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, -zlib.MAX_WBITS)
    compressed = compressor.compress(content) + compressor.flush()
    return _member(name, zipfile.ZIP_DEFLATED, zlib.crc32(content), compressed, len(content), time.localtime()[:6])


def stored(name: str, content: bytes) -> Member:
    """A member holding ``content`` as it is: for what is compressed already (PNG, JPEG), which
    deflate would only slow down."""
    return _member(name, zipfile.ZIP_STORED, zlib.crc32(content), content, len(content), time.localtime()[:6])


def read_members(package: bytes) -> dict[str, Member]:
    """Every member of the zip ``package``, in its order, with its compressed bytes as they are."""
    found = {}
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        for info in archive.infolist():
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise ValueError(f"{info.filename}: unsupported zip compression {info.compress_type}")
            header = package[info.header_offset:info.header_offset + _LOCAL_HEADER.size]
            name_length, extra_length = struct.unpack("<2H", header[26:30])
            start = info.header_offset + _LOCAL_HEADER.size + name_length + extra_length
            compressed = package[start:start + info.compress_size]
            found[info.filename] = _member(info.filename, info.compress_type, info.CRC, compressed, info.file_size,
                                           info.date_time)
    return found


def write(members: Iterable[Member]) -> bytes:
    """The zip of ``members``, in the order given."""
    chunks: list[bytes] = []
    directory: list[bytes] = []
    offset = 0
    for member in members:
        chunks.append(member.local)
        directory.append(member.central + struct.pack("<L", offset) + member.name_bytes)
        offset += len(member.local)
    central = b"".join(directory)
    end = _END_OF_CENTRAL_DIRECTORY.pack(b"PK\x05\x06", 0, 0, len(directory), len(directory), len(central), offset, 0)
    return b"".join(chunks) + central + end

