"""Files and text tables read within bounds: size before reading, the true place of a bad byte,
line length and quoting while a CSV text is parsed."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

from saferspaces.core.limits import (
    LINE_MAX_CHARS,
    MB,
    TABLE_CELLS_MAX,
    InputError,
    LimitExceeded,
)


def size_text(n: int) -> str:
    """``5 MB``, ``1.5 MB``, ``300 kB``: a size as people read it."""
    if n >= MB:
        value = n / MB
        return f"{value:.0f} MB" if value == int(value) else f"{value:.1f} MB"
    return f"{n / 1024:.0f} kB"


def file_read(*, path: Path | str, max_bytes: int, where: str | None = None) -> bytes:
    """The bytes of ``path``, refused before reading when it is larger than ``max_bytes``.

    The size is checked on the file system first, then again while reading (a pipe or a file
    that grows has no size to trust). ``OSError`` propagates for the caller to report.
    """
    name = where or str(path)
    with open(path, "rb") as fh:
        size = Path(path).stat().st_size
        if size > max_bytes:
            raise LimitExceeded(
                f"the file is {size_text(size)}; the limit is {size_text(max_bytes)}", where=name
            )
        content = fh.read(max_bytes + 1)
    if len(content) > max_bytes:
        raise LimitExceeded(f"the file is larger than {size_text(max_bytes)}", where=name)
    return content


def byte_place(content: bytes, position: int) -> tuple[int, int]:
    """(line, column) of the byte at ``position``, both 1-based, columns in characters."""
    line_start = content.rfind(b"\n", 0, position) + 1
    line = content.count(b"\n", 0, position) + 1
    column = len(content[line_start:position].decode("utf-8", "replace")) + 1
    return line, column


def text_decode(*, content: bytes, where: str, encoding: str = "utf-8-sig") -> str:
    """``content`` decoded; a bad byte is reported with its true line and column."""
    try:
        return content.decode(encoding)
    except UnicodeDecodeError as error:
        line, column = byte_place(content, error.start)
        shown = encoding.upper().replace("-SIG", "")
        raise InputError(
            f"byte 0x{content[error.start]:02X} is not valid {shown} text; "
            f"save the file as {shown}",
            where=where,
            line=line,
            column=column,
        ) from None


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


def _lines(
    text: str, where: str, max_chars: int, position: list[int], first_line: int
) -> Iterator[str]:
    """The physical lines of ``text``; ``position[0]`` is the number of the last one given.

    Split as ``io.StringIO(text, newline="")`` splits them (at ``\n``, ``\r`` and ``\r\n``),
    one at a time: a StringIO would first copy the text at four bytes a character.
    """
    for number, match in enumerate(_LINE.finditer(text), start=first_line):
        line = match.group()
        position[0] = number
        if len(line) > max_chars:
            raise LimitExceeded(
                f"the line is {len(line):,} characters long; the limit is {max_chars:,}",
                where=where,
                line=number,
            )
        yield line


def csv_records(
    *,
    text: str,
    delimiter: str,
    where: str,
    max_line: int = LINE_MAX_CHARS,
    max_cells: int = TABLE_CELLS_MAX,
    first_line: int = 1,
    strict: bool = True,
) -> Iterator[tuple[int, list[str]]]:
    """(first line, cells) of each record of a CSV text, in strict mode unless ``strict=False``.

    A quote left open at the end of the file (a file cut short), a character after a closing
    quote (both in strict mode only: otherwise the csv module reads them as a spreadsheet
    would), a line longer than ``max_line`` or a cell longer than the csv module's field limit
    raise :class:`InputError` with the line; more than ``max_cells`` cells in all raise
    :class:`LimitExceeded`. ``first_line`` is the number of the text's first line in its file.
    """
    position = [first_line - 1]
    reader = csv.reader(
        _lines(text, where, max_line, position, first_line), delimiter=delimiter, strict=strict
    )
    cells = 0
    start = first_line
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise _csv_problem(str(error), where, start, position[0]) from None
        cells += len(record)
        if cells > max_cells:
            raise LimitExceeded(
                f"the table holds more than {max_cells:,} cells; split it into smaller files",
                where=where,
                line=position[0],
            )
        yield start, record
        start = position[0] + 1


def _csv_problem(message: str, where: str, start: int, line: int) -> InputError:
    if "unexpected end of data" in message:
        return InputError(
            f"the file ends inside a quoted cell that starts on line {start}: "
            "it may have been cut short; save or download it again",
            where=where,
            line=line,
        )
    if "field larger than field limit" in message:
        return LimitExceeded(
            f"a cell is longer than {csv.field_size_limit():,} characters",
            where=where,
            line=line,
        )
    if "expected after" in message:
        return InputError(
            f"a quoted cell is followed by other characters ({message}); "
            "put the whole cell in quotes and double the quotes inside it",
            where=where,
            line=line,
        )
    return InputError(f"the CSV text cannot be read: {message}", where=where, line=line)
