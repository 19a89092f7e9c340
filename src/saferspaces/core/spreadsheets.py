"""The one place where the product writes CSV and XLSX files, so that no cell is ever a live formula.

A spreadsheet program runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in some
programs, one that starts with a tab or a carriage return) as a formula: a respondent's comment
``=HYPERLINK("http://evil.example", "Click")`` would become a link, ``=1+1`` a sum (CSV or formula
injection, OWASP). Every CSV and XLSX writer of the product goes through this module, and a test
(``tests/test_no_live_formula.py``) fails if any other module of the product creates a CSV writer
or an openpyxl workbook.

The guard, as OWASP's CSV-injection guidance recommends:

- **Text is neutralised, numbers are not.** Only text values are looked at. A text is *at risk*
  when it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, or with one of
  ``= + - @`` (or their full-width forms ``＝ ＋ － ＠``, which Excel in East-Asian locales reads as
  the same) after leading white space or invisible characters. A text that is a plain decimal
  number (``-3.2``, ``+5``, ``-1e-3``) is not at risk: a spreadsheet reads it as that number.
  Real numbers (``int``, ``float``, ``Decimal``) are never changed.
- **CSV**: a text at risk is written with a single quote in front (``'=1+1``): spreadsheets
  show it as text, and readers of the product's own files (the answers reader) drop the quote.
- **XLSX**: every text is a text cell, never a formula (openpyxl would otherwise store a string
  starting with ``=`` as a formula), and a text at risk also gets Excel's "quote prefix" and the
  text number format (``@``), so that editing the cell in Excel or LibreOffice keeps it text. The
  value itself is unchanged, except what XML and Excel cannot hold: a carriage return becomes a
  line feed (as any XML reader would read it), other control characters than tab and line feed
  become U+FFFD, a text longer than Excel's 32,767 characters per cell is cut with an ellipsis,
  and a float that is not finite is an empty cell.

Parquet files are not spreadsheets: they keep typed raw values (``docs/exports.md``).
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:  # openpyxl is imported when a workbook is made, not by every CSV writer
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet

#: the characters that make a spreadsheet read a cell as a formula when they come first
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
#: the same signs in their full-width forms (U+FF1D, U+FF0B, U+FF0D, U+FF20)
FULL_WIDTH_TRIGGERS = ("\uff1d", "\uff0b", "\uff0d", "\uff20")
#: what a text at risk gets in front of it in a CSV file
QUOTE = "'"
#: the most characters Excel keeps in one cell
XLSX_CELL_MAX_CHARS = 32_767
TEXT_FORMAT = "@"

_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"  # zero-width spaces and joiners, byte-order mark
#: white space as Python's ``\s`` and ``str.isspace`` read it (the last one is U+3000)
_SPACES = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())
#: the zero of every run of ten decimal digits that Python's ``\d`` reads (``str.isdecimal``,
#: Unicode 14 of Python 3.11: a test checks them against the running Python's)
DIGIT_ZEROS = (
    0x30, 0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66,
    0xDE6, 0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90,
    0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0,
    0xFF10, 0x104A0, 0x10D30, 0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0,
    0x11650, 0x116C0, 0x11730, 0x118E0, 0x11950, 0x11C50, 0x11D50, 0x11DA0, 0x16A60, 0x16AC0,
    0x16B50, 0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E950, 0x1FBF0,
)  # fmt: skip
_DIGITS = "".join(chr(zero + k) for zero in DIGIT_ZEROS for k in range(10))
# The rule's two patterns, written once with explicit character classes (no ``\s`` or ``\d``,
# whose meaning depends on the regex engine and its locale), so that the same text is the
# Python pattern and PostgreSQL's (``postgres_guard_patterns``). The sign "-" comes last in its
# class: a literal hyphen in both engines.
_SIGN_CLASS = "[=+@" + "".join(FULL_WIDTH_TRIGGERS) + "-]"
_RISK_PATTERN = f"[\t\r]|[{_SPACES}{_INVISIBLE}]*{_SIGN_CLASS}"
_D = f"[{_DIGITS}]"
_NUMBER_PATTERN = f"[+-]?(?:{_D}+(?:[.,]{_D}*)?|[.,]{_D}+)(?:[eE][+-]?{_D}+)?"
_RISK = re.compile(_RISK_PATTERN)
_NUMBER = re.compile(_NUMBER_PATTERN)
# first characters worth a closer look: the triggers, any white space, the invisible characters
_SUSPECT = frozenset(FORMULA_TRIGGERS + FULL_WIDTH_TRIGGERS + tuple(_INVISIBLE) + tuple(_SPACES))
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def text_formula_risk(*, text: str) -> bool:
    """Whether a spreadsheet could read ``text`` as a formula (see the module's docstring)."""
    return _risky(text)


def _risky(text: str) -> bool:
    return (
        text[:1] in _SUSPECT and _RISK.match(text) is not None and _NUMBER.fullmatch(text) is None
    )


def postgres_guard_patterns() -> tuple[str, str, tuple[int, ...]]:
    """The guard's rule for CSV written by PostgreSQL (``exports.answers_copy`` writes the SQL):
    a text is at risk when it matches the first regular expression (``~``) and not the second
    (a plain number), and gets the :data:`QUOTE` in front when it is at risk or is quotes in
    front of a text at risk, exactly as :func:`text_csv_safe`. The third item lists the ASCII
    characters a text that gets the quote can start with (a text starting with any other ASCII
    character never does: the patterns need not be tried)."""
    leads = tuple(sorted(ord(c) for c in _SUSPECT | {QUOTE} if ord(c) < 128))
    return f"^(?:{_RISK_PATTERN})", f"^(?:{_NUMBER_PATTERN})$", leads


def _quoted(text: str) -> bool:
    """Whether a CSV cell of ``text`` gets a quote in front: it is at risk, or it is already a
    quote (or several) in front of a text at risk, so that reading back removes exactly one."""
    return _risky(text.lstrip(QUOTE)) if text[:1] == QUOTE else _risky(text)


def text_csv_safe(*, text: str) -> str:
    """``text`` as a CSV cell: with a single quote in front when it is at risk."""
    return QUOTE + text if _quoted(text) else text


def text_csv_unguard(*, text: str) -> str:
    """The text a CSV cell written by :func:`text_csv_safe` holds: the guard's quote removed.

    The guard is reversible: ``text_csv_unguard(text=text_csv_safe(text=t)) == t`` for every
    ``t`` (a text the person typed with a quote of their own in front keeps it)."""
    return text[1:] if text[:1] == QUOTE and _quoted(text[1:]) else text


def _csv_cell(value: Any) -> Any:
    if isinstance(value, str):
        return QUOTE + value if _quoted(value) else value
    if value is None or isinstance(value, int | float | Decimal):
        return value  # the csv module writes numbers as their shortest round-trip text
    return text_csv_safe(text=str(value))  # dates, lazy translations, anything else: as text


_PLAIN_TYPES = frozenset((int, float, bool, Decimal, type(None)))  # written as they are


def _csv_row(row: Iterable[Any]) -> list[Any]:
    """One row's cells for the csv module (the hot loop of a million-row export: kept inline)."""
    out = list(row)
    for j, v in enumerate(out):
        kind = v.__class__
        if kind is str:
            first = v[:1]
            if (first in _SUSPECT and _risky(v)) or (first == QUOTE and _quoted(v)):
                out[j] = QUOTE + v
        elif kind not in _PLAIN_TYPES:  # dates, lazy translations, str subclasses: as text
            out[j] = _csv_cell(v)
    return out


class CsvWriter:
    """A ``csv.writer`` whose every text cell is guarded; numbers and empty cells pass as they are."""

    def __init__(self, out: IO[str], *, delimiter: str, lineterminator: str) -> None:
        self._writer = csv.writer(out, delimiter=delimiter, lineterminator=lineterminator)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow(_csv_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        self._writer.writerows(map(_csv_row, rows))


def csv_writer_open(
    *, out: IO[str], delimiter: str = ",", lineterminator: str = "\r\n"
) -> CsvWriter:
    """The product's CSV writer on the text stream ``out`` (open it with ``newline=""``)."""
    return CsvWriter(out, delimiter=delimiter, lineterminator=lineterminator)


_NUMBER_CHARS = "0123456789.+-eEinfaNA"  # what a number's text is made of


class _Lines(list[str]):
    """A file for ``csv.writer`` that keeps each row's text (the writer writes a row at once)."""

    def write(self, text: str) -> None:
        self.append(text)


def csv_table_write(
    *,
    out: IO[str],
    header: Sequence[Any],
    texts: Sequence[Sequence[Any]],
    numbers: Any,
    missing: str = "NA",
    delimiter: str = ",",
    lineterminator: str = "\r\n",
) -> None:
    """A table of text columns followed by number columns, for tables of millions of numbers.

    Writes the same bytes as :func:`csv_writer_open` writing ``header``, then for each row ``i``
    the cells ``texts[i]`` followed by ``numbers[i]`` (a 2-D float array), each number as
    ``missing`` when it is NaN and as Python writes it otherwise (``repr``: the shortest text
    that reads back to the same double). The text cells go through the guard and the csv
    module; the numbers are formatted by pyarrow, block by block, about three times faster than
    Python: pyarrow finds the same shortest digits, and the numbers it would lay out otherwise
    than Python (whole numbers, below 1e-4, from 1e10 on) are finished or written by Python.
    """
    import numpy as np

    matrix = np.asarray(numbers, dtype=np.float64)
    lines = _Lines()
    # the csv module quotes a cell holding a character of the line terminator: give it the real one
    writer = csv.writer(lines, delimiter=delimiter, lineterminator=lineterminator)
    cut = len(lineterminator)
    if matrix.ndim != 2 or matrix.shape[0] != len(texts) or matrix.shape[1] == 0 or not cut:
        raise ValueError("numbers must be a 2-D array with one row per row of texts")
    if delimiter in _NUMBER_CHARS or delimiter == QUOTE:
        raise ValueError(f"{delimiter!r} cannot separate numbers")
    if any(ch in missing for ch in (delimiter, '"', "\r", "\n")):
        raise ValueError(f"{missing!r} cannot stand for a missing number without quotes")
    writer.writerow(_csv_row(header))
    out.write(lines.pop())
    n, k = matrix.shape
    step = max(1, 1_000_000 // k)
    for start in range(0, n, step):
        block = _float_rows(matrix[start : start + step], missing, delimiter)
        parts = []
        for i, body in enumerate(block, start=start):
            lead = texts[i]
            if lead:  # the cells, then an empty one: the line ends with the delimiter
                writer.writerow(_csv_row([*lead, ""]))
                parts.append(lines.pop()[:-cut] + body + lineterminator)
            else:  # the csv module writes a row of one empty cell as ""
                parts.append((body or '""') + lineterminator)
        out.write("".join(parts))


def _float_rows(block: Any, missing: str, delimiter: str) -> list[str]:
    """Each row of the float matrix ``block`` as its numbers' texts joined by ``delimiter``."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    x = np.ascontiguousarray(block).ravel()
    text = pc.cast(pa.array(x), pa.string())
    size = np.abs(x)
    with np.errstate(invalid="ignore"):
        # pyarrow writes a whole number without ".0" ("12", "0", "-0"): add it
        whole = (x == np.trunc(x)) & (size < 1e10)
        # pyarrow lays these out otherwise than Python ("0.00001" for 1e-05, "1e+10" for
        # 10000000000.0); NaN is missing; "-inf" is text a spreadsheet could take for a
        # formula: Python writes them, through the guard
        other = np.isnan(x) | ((size < 1e-4) & (x != 0)) | (size >= 1e10)
    if whole.any():
        joined = pc.binary_join_element_wise(pc.filter(text, pa.array(whole)), ".0", "")
        text = pc.replace_with_mask(text, pa.array(whole), joined)
    if other.any():
        at = np.flatnonzero(other)
        fixed = [text_csv_safe(text=missing if v != v else repr(v)) for v in x[at].tolist()]
        text = pc.replace_with_mask(text, pa.array(other), pa.array(fixed, pa.string()))
    rows, k = block.shape
    offsets = pa.array(np.arange(0, rows * k + 1, k, dtype=np.int32))
    return list(pc.binary_join(pa.ListArray.from_arrays(offsets, text), delimiter).to_pylist())


def _xlsx_text(text: str) -> str:
    if "\r" in text:  # XML reads a carriage return as a line feed: say so before writing
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _XML_ILLEGAL.search(text):
        text = _XML_ILLEGAL.sub("\ufffd", text)
    if len(text) > XLSX_CELL_MAX_CHARS:
        text = text[: XLSX_CELL_MAX_CHARS - 1] + "\u2026"
    return text


def _xlsx_value(value: Any) -> Any:
    """A value openpyxl can store without a formula: texts cleaned, non-finite floats empty."""
    if isinstance(value, str):
        return _xlsx_text(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, int | float | Decimal):
        return value
    if hasattr(value, "isoformat"):  # dates and times: openpyxl stores them as dates
        return value
    return _xlsx_text(str(value))


def _protect(cell: Cell) -> None:  # a normal or a write-only cell
    """A text cell stays text: never a formula, and quote-prefixed when it is at risk."""
    if cell.data_type == "f" or (cell.data_type == "s" and isinstance(cell.value, str)):
        cell.data_type = "s"
        if _risky(str(cell.value)):
            cell.quotePrefix = True
            cell.number_format = TEXT_FORMAT


class Sheet:
    """One worksheet of a :class:`Workbook`. Cell values go through :meth:`append` and
    :meth:`cell`; ``layout`` gives the openpyxl worksheet for widths, fonts, frozen panes and
    validations (only in a normal workbook; :meth:`Workbook.save` protects every cell again)."""

    def __init__(self, worksheet: Any, *, write_only: bool) -> None:
        self._ws = worksheet
        self._write_only = write_only

    @property
    def layout(self) -> Worksheet:
        if self._write_only:
            raise TypeError("a write-only sheet has no layout: use a normal workbook")
        ws: Worksheet = self._ws
        return ws

    @property
    def max_row(self) -> int:
        return int(self.layout.max_row)

    def append(self, row: Sequence[Any]) -> None:
        """Add ``row`` below the last one."""
        if self._write_only:
            self._ws.append([self._write_only_cell(v) for v in row])
            return
        ws = self.layout
        ws.append([_xlsx_value(v) for v in row])
        if row:
            for cell in ws[ws.max_row]:
                _protect(cell)

    def _write_only_cell(self, value: Any) -> Any:
        value = _xlsx_value(value)
        if not isinstance(value, str) or value[:1] not in _SUSPECT:
            return value
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(self._ws, value=value)
        _protect(cell)
        return cell

    def cell(self, *, row: int, column: int, value: Any) -> Cell:
        """Set one cell (1-based) of a normal workbook and return it (for its style)."""
        cell: Cell = self.layout.cell(row=row, column=column, value=_xlsx_value(value))
        _protect(cell)
        return cell


class Workbook:
    """An XLSX workbook of the product: see :func:`workbook_create`."""

    def __init__(self, *, write_only: bool) -> None:
        from openpyxl import Workbook as OpenpyxlWorkbook

        self._wb = OpenpyxlWorkbook(write_only=write_only)
        self._write_only = write_only
        self._first = not write_only  # a normal workbook starts with one empty sheet

    def sheet(self, *, title: str) -> Sheet:
        """A new sheet named ``title`` (the normal workbook's first sheet is reused)."""
        if self._first:
            self._first = False
            ws = self._wb.active
            assert ws is not None
            ws.title = title
        else:
            ws = self._wb.create_sheet(title=title)
        return Sheet(ws, write_only=self._write_only)

    def save(self, *, out: IO[bytes]) -> None:
        """Write the workbook to ``out``; in a normal workbook every cell is checked once more."""
        if not self._write_only:
            for ws in self._wb.worksheets:
                for row in ws.iter_rows():
                    for cell in row:
                        _protect(cell)
        self._wb.save(out)


def workbook_create(*, write_only: bool = False) -> Workbook:
    """A new XLSX workbook. ``write_only`` streams rows (bounded memory, no layout)."""
    return Workbook(write_only=write_only)
