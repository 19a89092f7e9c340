"""Turn uploaded bytes into a table of cells, whatever the file claims to be.

The real format is read from the bytes, never from the name: an Excel workbook (.xlsx, a ZIP
with the Office Open XML parts) or CSV text (UTF-8 with or without BOM, UTF-16 as Excel's
"Unicode text", or Windows-1252; ``,`` ``;`` or tab delimited as Excel writes them in different
locales). Anything else (a PDF, an image, an old .xls, an empty or oversized file) is refused
with an :class:`AnswerFileError` that says what the file really is.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from saferspaces.core.answers_io.errors import AnswerFileError
from saferspaces.core.filetypes import signature_of

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_UNZIPPED_FACTOR = 20  # a workbook may unzip to at most 20 times the byte limit
DELIMITERS = (",", ";", "\t")
Cell = object

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SEP_LINE = re.compile(r"^sep=(.)\s*$")


@dataclass(frozen=True)
class Table:
    """Cells of one sheet: ``header`` names and ``rows`` of (spreadsheet row, values)."""

    format: str  # xlsx | csv
    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[Cell, ...]], ...]
    sheet: str | None = None
    encoding: str | None = None
    delimiter: str | None = None


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} kB"


def _refuse(filename: str, message: str) -> AnswerFileError:
    return AnswerFileError(filename=filename, message=message)


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

    Raises :class:`AnswerFileError` for an empty, oversized or non-tabular file.
    """
    if len(content) > max_bytes:
        raise _refuse(
            filename, f"the file is {_size(len(content))}; the limit is {_size(max_bytes)}"
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
    if content.startswith(b"PK\x03\x04"):
        return _xlsx(filename, content, max_bytes, wanted)
    return _csv(filename, content)


# --- Excel ----------------------------------------------------------------------------------


def _zip_kind(names: set[str], archive: zipfile.ZipFile) -> str | None:
    if "xl/workbook.xml" in names and "[Content_Types].xml" in names:
        return None
    if "mimetype" in names:
        mimetype = archive.read("mimetype").decode("ascii", "replace")
        if "spreadsheet" in mimetype:
            return "an OpenDocument spreadsheet (.ods); save it as .xlsx or .csv"
        return "an OpenDocument file"
    if "word/document.xml" in names:
        return "a Word document"
    if "ppt/presentation.xml" in names:
        return "a PowerPoint presentation"
    return "a ZIP archive"


def _xlsx(
    filename: str,
    content: bytes,
    max_bytes: int,
    wanted: Callable[[Sequence[str]], bool] | None,
) -> Table:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            kind = _zip_kind(names, archive)
            unzipped = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _refuse(
            filename, "the file looks like an Excel workbook but is damaged or incomplete"
        ) from None
    if kind is not None:
        raise _not_a_table(filename, kind)
    if unzipped > max_bytes * MAX_UNZIPPED_FACTOR:
        raise _refuse(filename, "the workbook is too large once unpacked")
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged workbook
        raise _refuse(
            filename, f"the Excel workbook cannot be read ({type(exc).__name__}); is it damaged?"
        ) from None
    try:
        chosen = None
        first = None
        for ws in wb.worksheets:
            if getattr(ws, "sheet_state", "visible") != "visible" and first is not None:
                continue
            ws.reset_dimensions()  # some exporters write a wrong dimension
            rows = ws.iter_rows(values_only=True)
            header_row = next(rows, None)
            header = _header(header_row or ())
            if first is None:
                first = (ws, header)
            if wanted is None or wanted(header):
                chosen = (ws, header)
                break
        ws, header = chosen or first or (None, ())
        if ws is None:
            raise _refuse(filename, "the workbook has no sheet")
        out: list[tuple[int, tuple[Cell, ...]]] = []
        for i, values in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
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
        except UnicodeDecodeError:
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


def _delimiter(line: str) -> str:
    best = ","
    best_n = 0
    for d in DELIMITERS:
        n = len(next(csv.reader([line], delimiter=d), []))
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
    if m := _SEP_LINE.match(first.rstrip("\r")):  # Excel's "sep=;" directive line
        delimiter = m.group(1)
        text = rest
    if delimiter is None:
        head = next((line for line in text.split("\n") if line.strip()), "")
        delimiter = _delimiter(head.rstrip("\r"))
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise _refuse(filename, f"the CSV text cannot be read: {exc}") from None
    skipped = 0
    while records and not any(c.strip() for c in records[0]):
        records.pop(0)  # leading blank lines
        skipped += 1
    if not records:
        raise _refuse(filename, "the file is empty")
    header = _header(records[0])
    rows = tuple(
        (i, tuple(_clean(c) for c in record))
        for i, record in enumerate(records[1:], start=2 + skipped)
    )
    return Table("csv", header, rows, encoding=encoding, delimiter=delimiter)
