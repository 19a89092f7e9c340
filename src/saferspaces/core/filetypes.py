"""Recognise an uploaded file by its first bytes, and refuse one that is not what its name says."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

# kind -> (extensions, media type)
KINDS: dict[str, tuple[tuple[str, ...], str]] = {
    "pdf": ((".pdf",), "application/pdf"),
    "png": ((".png",), "image/png"),
    "jpeg": ((".jpg", ".jpeg"), "image/jpeg"),
    "xlsx": ((".xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "docx": ((".docx",), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "ods": ((".ods",), "application/vnd.oasis.opendocument.spreadsheet"),
    "odt": ((".odt",), "application/vnd.oasis.opendocument.text"),
    "csv": ((".csv",), "text/csv"),
    "txt": ((".txt",), "text/plain"),
}
EVIDENCE_KINDS = tuple(KINDS)

#: leading bytes -> (kind, what people call such a file); the one table of file signatures,
#: also used by the answer-file reader to say what an uploaded non-table is
SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF", "pdf", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "png", "a PNG image"),
    (b"\xff\xd8\xff", "jpeg", "a JPEG image"),
    (b"GIF87a", "gif", "a GIF image"),
    (b"GIF89a", "gif", "a GIF image"),
    (b"II*\x00", "tiff", "a TIFF image"),
    (b"MM\x00*", "tiff", "a TIFF image"),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "ole",
        "an old Excel 97-2003 (.xls) or other Office 97 file",
    ),
    (b"\x1f\x8b", "gzip", "a gzip archive"),
    (b"Rar!", "rar", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "7z", "a 7-Zip archive"),
    (b"{\\rtf", "rtf", "a rich-text (RTF) document"),
)


def signature_of(head: bytes) -> tuple[str, str] | None:
    """(kind, description) of a file whose first bytes carry a known signature."""
    return next(((kind, what) for magic, kind, what in SIGNATURES if head.startswith(magic)), None)


class FileTypeError(ValueError):
    """The file is empty, of a type not accepted, or not what its name says."""


@dataclass(frozen=True)
class FileType:
    kind: str
    media_type: str


def _sniff(head: bytes) -> str | None:
    signature = signature_of(head)
    if signature is not None:
        return signature[0]
    if head.startswith(b"PK\x03\x04"):
        if b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet" in head[:200]:
            return "ods"
        if b"mimetypeapplication/vnd.oasis.opendocument.text" in head[:200]:
            return "odt"
        if b"xl/" in head or b"[Content_Types].xml" in head:
            return "docx" if b"word/" in head else "xlsx"
        return "zip"
    if b"\x00" in head:
        return None
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 4:  # not a character cut at the end of the sample
            try:
                head.decode("cp1252")
            except UnicodeDecodeError:
                return None
    return "text"


def filetype_detect(*, name: str, head: bytes, allowed: tuple[str, ...]) -> FileType:
    """The type of a file from its name and first bytes (give at least 4 KB).

    Raises :class:`FileTypeError` with a message for the person who uploaded it.
    """
    ext = PurePath(name).suffix.lower()
    by_ext = next((k for k, (exts, _) in KINDS.items() if ext in exts), None)
    if by_ext is None or by_ext not in allowed:
        shown = ", ".join(e for k in allowed for e in KINDS[k][0])
        raise FileTypeError(f"files of type {ext or '(none)'} are not accepted; use: {shown}")
    if not head:
        raise FileTypeError("the file is empty")
    found = _sniff(head)
    if found == "text" and by_ext in ("csv", "txt"):
        return FileType(by_ext, KINDS[by_ext][1])
    if found == "zip" and by_ext in ("xlsx", "docx"):
        found = by_ext  # OOXML parts may come later in the archive
    if found != by_ext:
        signature = signature_of(head)
        what = (
            signature[1]
            if signature is not None
            else "a text file"
            if found == "text"
            else f"a {found.upper()} file"
            if found
            else None
        )
        raise FileTypeError(
            f"the file is named {ext} but its content is " + (what if what else "not of that type")
        )
    return FileType(by_ext, KINDS[by_ext][1])
