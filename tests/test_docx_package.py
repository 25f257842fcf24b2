"""The zip writer behind the engine: members copied as they are, or made anew, read back by zipfile."""

from __future__ import annotations

import io
import zipfile

from docgen import docx_package


def zip_of(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


def contents(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        return {info.filename: archive.read(info) for info in archive.infolist()}


def test_members_copied_as_they_are_read_back_the_same_in_the_same_order():
    files = {"[Content_Types].xml": b"<Types/>", "word/document.xml": "<w:t>公文</w:t>".encode() * 500, "empty": b""}
    assert contents(docx_package.write(docx_package.read_members(zip_of(files)).values())) == files


def test_copied_members_keep_their_compressed_bytes():
    original = zip_of({"a.xml": b"<a/>" * 1000, "b.xml": b"<b/>"})
    members = docx_package.read_members(original)
    again = docx_package.read_members(docx_package.write(members.values()))
    assert [member.local for member in again.values()] == [member.local for member in members.values()]
    assert original.startswith(members["a.xml"].local)


def test_new_members_deflated_or_stored_with_names_in_any_script_are_read_back():
    members = [docx_package.deflated("word/图表.xml", b"<c/>" * 300), docx_package.stored("word/media/image1.png", b"\x89PNG" + bytes(range(256)))]
    assert contents(docx_package.write(members)) == {"word/图表.xml": b"<c/>" * 300, "word/media/image1.png": b"\x89PNG" + bytes(range(256))}
    with zipfile.ZipFile(io.BytesIO(docx_package.write(members))) as archive:
        assert [info.compress_type for info in archive.infolist()] == [zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED]
