"""Files that are not what they say, empty or too large: refused with a clear message."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pytest

from saferspaces.core.answers_io import (
    AnswerFileError,
    answers_read,
    answers_template_csv,
    xlsform_submissions_read,
)

from .helpers import first_edition


def _png() -> bytes:
    """A real 1x1 PNG image (signature, IHDR, IDAT, IEND with their CRCs)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def _pdf() -> bytes:
    """A small but well-formed PDF document with one empty page."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for k, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % k + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def _docx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


def _ods() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")
    return buf.getvalue()


@pytest.mark.parametrize(
    ("filename", "content", "says"),
    [
        ("answers.csv", _png(), "it is a PNG image"),
        ("answers.xlsx", _png(), "it is a PNG image"),
        ("answers.xlsx", _pdf(), "it is a PDF document"),
        ("answers.csv", _pdf(), "it is a PDF document"),
        ("answers.xlsx", _docx(), "it is a Word document"),
        ("answers.xlsx", _ods(), "OpenDocument spreadsheet (.ods)"),
        ("answers.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "97-2003"),
        ("answers.csv", bytes(range(256)) * 4, "binary"),
        ("answers.csv", b"<!DOCTYPE html><html><body>login</body></html>", "HTML"),
        ("answers.xlsx", b"PK\x03\x04broken", "damaged or incomplete"),
        ("answers.csv", b"", "the file is empty"),
        ("answers.csv", b"\xef\xbb\xbf", "the file is empty"),
        ("answers.csv", b"\r\n\r\n  \r\n", "the file is empty"),
    ],
)
def test_refused_with_a_clear_message(filename: str, content: bytes, says: str) -> None:
    for read in (answers_read, xlsform_submissions_read):
        with pytest.raises(AnswerFileError) as info:
            read(filename=filename, content=content, edition=first_edition())
        assert says in info.value.message
        assert info.value.filename == filename
        assert filename in str(info.value)


def test_a_file_over_the_limit_is_refused() -> None:
    ed = first_edition()
    content = answers_template_csv(edition=ed, language="en")
    with pytest.raises(AnswerFileError, match="the limit is 10 kB"):
        answers_read(filename="a.csv", content=content, edition=ed, max_bytes=10 * 1024)
    assert answers_read(filename="a.csv", content=content, edition=ed, max_bytes=len(content))


def test_text_in_neither_utf8_nor_cp1252_is_refused() -> None:
    content = b"code,answer\r\nQOL_P01,1\r\n" + b"\x81\x8d\x8f"
    with pytest.raises(AnswerFileError, match="neither text in UTF-8 nor in Windows-1252"):
        answers_read(filename="a.csv", content=content, edition=first_edition())
