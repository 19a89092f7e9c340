"""Turn uploaded bytes into a table of cells, whatever the file claims to be.

The real format is read from the bytes, never from the name: an Excel workbook (.xlsx, a ZIP
with the Office Open XML parts) or CSV text (UTF-8 with or without BOM, UTF-16 as Excel's
"Unicode text", or Windows-1252; ``,`` ``;`` or tab delimited as Excel writes them in different
locales). Anything else (a PDF, an image, an old .xls, an empty or oversized file) is refused
with an :class:`AnswerFileError` that says what the file really is.
"""

from __future__ import annotations

import csv
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from saferspaces.core.answers_io.errors import AnswerFileError
from saferspaces.core.filetypes import signature_of
from saferspaces.core.limits import ANSWERS_FILE_MAX_BYTES, InputError
from saferspaces.core.safeload.sheets import sheet_header, sheet_rows, workbook_open
from saferspaces.core.safeload.text import byte_place, csv_records, size_text
from saferspaces.core.safeload.zipcheck import zip_check, zip_open
from saferspaces.core.spreadsheets import text_csv_unguard

DEFAULT_MAX_BYTES = ANSWERS_FILE_MAX_BYTES
DELIMITERS = (",", ";", "\t")
Cell = object

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SEP_LINE = re.compile(r"^sep=(.)\s*$")
_NON_ASCII_TEXT = re.compile(r"[^\x00-\x7f\ufffd]")


@dataclass(frozen=True)
class Table:
    """Cells of one sheet: ``header`` names and ``rows`` of (spreadsheet row, values)."""

    format: str  # xlsx | csv
    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[Cell, ...]], ...]
    sheet: str | None = None
    encoding: str | None = None
    delimiter: str | None = None


def _refuse(filename: str, message: str) -> AnswerFileError:
    return AnswerFileError(filename=filename, message=message)


def _refused_input(filename: str, error: InputError) -> AnswerFileError:
    """The bounded readers' error, its place (sheet, row, line, column) before the reason."""
    return _refuse(filename, f"{error.place}: {error.message}" if error.place else error.message)


def _not_a_table(filename: str, what: str) -> AnswerFileError:
    return _refuse(
        filename,
        f"this is not a CSV or Excel (.xlsx) file: it is {what}. "
        "Upload the answers template saved as .xlsx or .csv.",
    )


def table_read(
    *,
    filename: str,
    content: bytes,
    max_bytes: int = DEFAULT_MAX_BYTES,
    wanted: Callable[[Sequence[str]], bool] | None = None,
) -> Table:
    """The table held by ``content``; ``wanted`` picks the sheet of a workbook by its header.

    Raises :class:`AnswerFileError` for an empty, oversized, damaged or non-tabular file, and
    for one beyond the limits of :mod:`saferspaces.core.limits`, naming the sheet and row or
    the line and column of the problem.
    """
    if len(content) > max_bytes:
        raise _refuse(
            filename, f"the file is {size_text(len(content))}; the limit is {size_text(max_bytes)}"
        )
    if not content.strip(b" \t\r\n\x00") or content in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        raise _refuse(filename, "the file is empty")
    signature = signature_of(content)
    if signature is not None:
        kind, what = signature
        if kind == "ole":
            raise _refuse(
                filename,
                f"this is {what}, which cannot be read. "
                "Open it in Excel or LibreOffice and save it as .xlsx or .csv.",
            )
        raise _not_a_table(filename, what)
    try:
        if content.startswith(b"PK\x03\x04"):
            return _xlsx(filename, content, wanted)
        return _csv(filename, content)
    except InputError as error:
        raise _refused_input(filename, error) from None


# --- Excel ----------------------------------------------------------------------------------


def _zip_kind(names: set[str], archive: zipfile.ZipFile) -> str | None:
    if "xl/workbook.xml" in names and "[Content_Types].xml" in names:
        return None
    if "mimetype" in names:
        mimetype = archive.read("mimetype")[:200].decode("ascii", "replace")
        if "spreadsheet" in mimetype:
            return "an OpenDocument spreadsheet (.ods); save it as .xlsx or .csv"
        return "an OpenDocument file"
    if "word/document.xml" in names:
        return "a Word document"
    if "ppt/presentation.xml" in names:
        return "a PowerPoint presentation"
    return "a ZIP archive"


def _xlsx(filename: str, content: bytes, wanted: Callable[[Sequence[str]], bool] | None) -> Table:
    try:
        archive = zip_open(content=content, where="")
    except InputError:
        raise _refuse(
            filename, "the file looks like an Excel workbook but is damaged or incomplete"
        ) from None
    with archive:
        zip_check(content=content, where="")
        kind = _zip_kind(set(archive.namelist()), archive)
    if kind is not None:
        raise _not_a_table(filename, kind)
    wb = workbook_open(content=content, where="", checked=True)
    try:
        chosen = None
        first = None
        for ws in wb.worksheets:
            if getattr(ws, "sheet_state", "visible") != "visible" and first is not None:
                continue
            header = _header(sheet_header(ws, where=f"sheet {ws.title}"))
            if first is None:
                first = (ws, header)
            if wanted is None or wanted(header):
                chosen = (ws, header)
                break
        ws, header = chosen or first or (None, ())
        if ws is None:
            raise _refuse(filename, "the workbook has no sheet")
        out = []
        for i, values in sheet_rows(ws, where=f"sheet {ws.title}", width=len(header)):
            if any(v is not None for v in values):  # a gap of missing rows holds no cell
                out.append((i, tuple(_clean(v) for v in values)))
        return Table("xlsx", header, tuple(out), sheet=ws.title)
    finally:
        wb.close()


def _header(values: Sequence[Cell]) -> tuple[str, ...]:
    names = [str(v).replace("\ufeff", "").strip() if v is not None else "" for v in values]
    while names and not names[-1]:
        names.pop()
    return tuple(names)


def _clean(value: Cell) -> Cell:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


# --- CSV ------------------------------------------------------------------------------------


def _decode(filename: str, content: bytes) -> tuple[str, str]:
    if content.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    elif content.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    else:
        if _CONTROL_BYTES.search(content[:65536]):
            raise _not_a_table(filename, "a binary file")
        candidates = ["utf-8", "cp1252"]
    for encoding in candidates:
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError as error:
            if encoding.startswith("utf-8") and _mostly_utf8(content):
                line, column = byte_place(content, error.start)
                raise _refuse(
                    filename,
                    f"line {line}, column {column}: byte 0x{content[error.start]:02X} is not "
                    "UTF-8, yet the rest of the file is: it mixes two encodings. Save it again "
                    "from Excel as 'CSV UTF-8', or as .xlsx",
                ) from None
            if encoding == "utf-16":
                raise _refuse(
                    filename,
                    f"the text is not valid UTF-16 (byte {error.start + 1} of the file); "
                    "save it again from Excel as 'CSV UTF-8', or as .xlsx",
                ) from None
            continue
        if _CONTROL.search(text[:65536]):
            raise _not_a_table(filename, "a binary file")
        return text, encoding
    if len(candidates) == 1:
        raise _refuse(filename, f"the text is not valid {candidates[0].upper()}")
    raise _refuse(
        filename,
        "the file is neither text in UTF-8 nor in Windows-1252; "
        "save it from Excel as 'CSV UTF-8' or as .xlsx",
    )


def _mostly_utf8(content: bytes) -> bool:
    """Whether non-ASCII text in ``content`` is UTF-8 at least once (so a bad byte is a mix-up,
    not a Windows-1252 file)."""
    return _NON_ASCII_TEXT.search(content.decode("utf-8", "replace")) is not None


def _delimiter(line: str) -> str:
    best = ","
    best_n = 0
    for d in DELIMITERS:
        try:
            n = len(next(csv.reader([line], delimiter=d), []))
        except csv.Error:  # an oversized cell: the parse proper reports it with its line
            n = 0
        if n > best_n:
            best, best_n = d, n
    return best


def _csv(filename: str, content: bytes) -> Table:
    text, encoding = _decode(filename, content)
    stripped = text.lstrip()
    if stripped.startswith(("<?xml", "<html", "<!DOCTYPE", "<HTML", "<!doctype")):
        raise _not_a_table(filename, "an HTML or XML document")
    if stripped.startswith(("{", "[")) and stripped.rstrip().endswith(("}", "]")):
        raise _not_a_table(filename, "a JSON document")
    first, _, rest = text.partition("\n")
    delimiter = None
    offset = 0
    if m := _SEP_LINE.match(first.rstrip("\r")):  # Excel's "sep=;" directive line
        delimiter = m.group(1)
        text = rest
        offset = 1
    if delimiter is None:
        head = next((line for line in _head_lines(text) if line.strip()), "")
        delimiter = _delimiter(head.rstrip("\r"))
    records = [
        record
        for _line, record in csv_records(
            text=text, delimiter=delimiter, where="", first_line=1 + offset
        )
    ]
    skipped = 0
    while records and not any(c.strip() for c in records[0]):
        records.pop(0)  # leading blank lines
        skipped += 1
    if not records:
        raise _refuse(filename, "the file is empty")
    header = _header(records[0])
    rows = tuple(
        (i, tuple(_clean(text_csv_unguard(text=c)) for c in record))
        for i, record in enumerate(records[1:], start=2 + skipped)
    )
    return Table("csv", header, rows, encoding=encoding, delimiter=delimiter)


def _head_lines(text: str) -> Iterator[str]:
    """The first lines of ``text``, without splitting the whole of it."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end == -1 else end
        yield text[start:end]
        start = end + 1
