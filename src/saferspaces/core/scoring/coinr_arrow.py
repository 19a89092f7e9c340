"""The iData reader for big tables: pyarrow's CSV reader and numbers parsed column by column.

:func:`data_arrow_read` gives exactly what the Python reader of :mod:`.coinr_io` gives for a
valid file: the same units, names, groups and times, and the same double for every cell. It
reads the records with pyarrow (which splits a CSV text as the csv module does, quoted line
breaks included) and parses a column of numbers at once: pyarrow turns a decimal text into the
nearest double, as Python's ``float`` does, and reads nothing Python would not. The cells it
cannot read (missing markers, cells padded with spaces, ``1_000``) are read by the Python
reader's own rule, one by one. A text pyarrow reads as NaN or infinity (``NAN``, ``1e999``) is
left to that rule too.

For anything else it returns None: a problem of any kind (a cell that is not a number, a row of
the wrong length, a unit twice, bytes that are not UTF-8, a line or a cell over the limits),
and whatever it does not read the same way for certain (a header broken over two lines). The
Python reader then reads the file and names every problem with its row and column. Tests hold
the two readers equal on generated files (``tests/core/scoring/test_coinr_io_big.py``).
"""

from __future__ import annotations

import csv
import io
import math
from typing import TYPE_CHECKING, Any

from saferspaces.core.limits import INDEX_TABLE_CELLS_MAX, LINE_MAX_CHARS

from .coinr_io import MISSING, MetaTable, _number, _records, header_problems
from .data import Dataset, dataset_build
from .errors import DataError

if TYPE_CHECKING:
    import numpy as np


def data_arrow_read(
    *,
    content: bytes,
    src: str,
    meta: MetaTable,
    max_line: int = LINE_MAX_CHARS,
    max_cells: int = INDEX_TABLE_CELLS_MAX,
) -> Dataset | None:
    """The data of the iData file ``content``, or None when the Python reader must read it.

    pyarrow first reads the columns of numbers as numbers (with the missing markers as nulls),
    in one pass on every core; when that fails, or leaves a doubt (a NaN or an infinity read
    from a text, a row without a unit code), it reads every cell as text, and the numbers are
    parsed column by column.
    """
    raw_header = _first_record(content)
    longest = _longest_line(content)
    if raw_header is None or longest > max_line:
        return None
    header = [h.strip() for h in raw_header]
    if header_problems(header=header, meta=meta, src=src):
        return None
    if len(header) * (content.count(b"\n") + content.count(b"\r") + 1) > max_cells:
        # perhaps more cells than allowed: the Python reader's refusal, with its line, comes
        # from splitting the records alone, before pyarrow holds them all
        _records_count(content, src, max_cells)
    numeric = {"Time", *meta.framework.indicators, *meta.denominators}
    # a number longer than the csv module's field limit would be read here, refused there
    typed = [raw for raw, h in zip(raw_header, header, strict=True) if h in numeric]
    for numbers in (typed, []) if longest <= csv.field_size_limit() else ([],):
        table = _table(content, raw_header, numbers)
        if table is None:
            continue
        if (table.num_rows + 1) * len(header) > max_cells:
            return None
        try:
            return _dataset(table, header, meta, src)
        except _Untyped:
            continue
    return None


class _Untyped(Exception):
    """A table read with typed numbers leaves a doubt: read every cell as text."""


def _dataset(table: Any, header: list[str], meta: MetaTable, src: str) -> Dataset | None:
    import numpy as np
    import pyarrow as pa

    strings = [k for k in range(len(header)) if pa.types.is_string(table.column(k).type)]
    if any(_longest(table.column(k)) > csv.field_size_limit() for k in strings):
        return None  # the csv module refuses such a cell
    col = {h: k for k, h in enumerate(header)}
    codes = table.column(col["uCode"]).to_pylist()
    blank = [i for i, u in enumerate(codes) if not u.strip()]
    if blank:  # rows of empty cells are skipped; an empty unit code is a problem
        if len(strings) < len(header):
            raise _Untyped  # a number read as null may have been "" or "NA"
        rows = (table.slice(i, 1).to_pylist()[0].values() for i in blank)
        if not all(all(not c.strip() for c in row) for row in rows):
            return None
        keep = np.ones(table.num_rows, dtype=bool)
        keep[blank] = False
        table = table.filter(keep)
        codes = table.column(col["uCode"]).to_pylist()
    units = [u.strip() for u in codes]
    if not units:
        return None
    fw = meta.framework
    blocks = []
    for codes_ in (list(fw.indicators), list(meta.denominators), ["Time"] if "Time" in col else []):
        block = np.empty((len(units), len(codes_)))
        for j, code in enumerate(codes_):
            numbers = _numbers(table.column(col[code]))
            if numbers is None:
                return None
            block[:, j] = numbers
        blocks.append(block)
    values, dens, time_block = blocks
    times = time_block[:, 0] if "Time" in col else None
    has_panel = times is not None and len(set(zip(units, times.tolist(), strict=True))) != len(
        set(units)
    )
    keys = (
        list(zip(units, times.tolist(), strict=True)) if has_panel and times is not None else units
    )
    if len(set(keys)) != len(keys) or bool(np.isnan(values).all(axis=0).any()):
        return None  # a unit twice, an indicator without data: the Python reader says where
    groups = {}
    for g in meta.groups:
        cells = [c.strip() or None for c in table.column(col[g]).to_pylist()]
        groups[g] = tuple(None if v in MISSING else v for v in cells)
    names = None
    if "uName" in col:
        names = tuple(c.strip() for c in table.column(col["uName"]).to_pylist())
    try:
        return dataset_build(
            units=units,
            codes=list(fw.indicators),
            values=values,
            groups=groups,
            denominators={d: dens[:, j] for j, d in enumerate(meta.denominators)},
            names=names,
            times=times if has_panel else None,
            source=src,
        )
    except DataError:
        return None


def _records_count(content: bytes, src: str, max_cells: int) -> int:
    """Go through the records as the Python reader does, without reading numbers: a table over
    ``max_cells`` is refused there (DataError), as fast as the csv module splits it."""
    return sum(1 for _ in _records(content, src, max_cells))


def _first_record(content: bytes) -> list[str] | None:
    """The header's cells, when the first line holds all of it (else None)."""
    ends = [i for i in (content.find(b"\n"), content.find(b"\r")) if i >= 0]
    first = content[: min(ends)] if ends else content
    if not first or first.count(b'"') % 2:  # empty, or a quoted line break in the header
        return None
    try:
        text = first.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    return next(csv.reader(io.StringIO(text, newline="")), None)


def _longest_line(content: bytes) -> int:
    """The length of the longest line, its end included, in bytes (at least its characters)."""
    import numpy as np

    longest, start = 0, 0  # start: where the current line starts
    for offset in range(0, len(content), _WINDOW_BYTES):  # a window at a time: little memory
        count = min(_WINDOW_BYTES, len(content) - offset)
        window = np.frombuffer(content, dtype=np.uint8, count=count, offset=offset)
        ends = np.flatnonzero(window == 10) + offset
        if len(ends):
            longest = max(longest, int(ends[0]) + 1 - start, int(np.diff(ends).max(initial=0)))
            start = int(ends[-1]) + 1
    return max(longest, len(content) - start)


def _table(content: bytes, names: list[str], numbers: list[str]) -> Any:
    """The cells of the file (pyarrow): the columns ``numbers`` as doubles, with the missing
    markers as nulls, the others as text; None when pyarrow cannot read it so."""
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    types = {name: pa.float64() if name in numbers else pa.string() for name in names}
    try:
        table = pa_csv.read_csv(
            pa.BufferReader(content),
            read_options=pa_csv.ReadOptions(use_threads=True),
            parse_options=pa_csv.ParseOptions(newlines_in_values=True, ignore_empty_lines=True),
            convert_options=pa_csv.ConvertOptions(
                column_types=types, null_values=list(MISSING), strings_can_be_null=False
            ),
        )
    except (pa.ArrowException, ValueError):
        return None
    return table if table.column_names == names else None


def _longest(column: Any) -> int:
    import pyarrow.compute as pc

    longest = pc.max(pc.binary_length(column)).as_py()
    return int(longest or 0)


def _numbers(column: Any) -> np.ndarray | None:
    """The numbers of one column as the Python reader parses them; None if a cell is not one."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if pa.types.is_floating(column.type):  # read as numbers, a missing marker as null
        values = column.to_numpy()  # a null is NaN here
        if np.isinf(values).any() or pc.any(pc.is_nan(column)).as_py():
            raise _Untyped  # "NAN", "1e999": the Python reader's rule refuses them
        return np.asarray(values, dtype=np.float64)
    missing = pc.is_in(column, value_set=pa.array(MISSING))
    try:
        parsed = pc.cast(pc.if_else(missing, pa.scalar(None, pa.string()), column), pa.float64())
        values = parsed.to_numpy()  # a missing cell is null: NaN here
        unread = np.isinf(values) | (np.isnan(values) & ~_numpy(missing))
    except pa.ArrowInvalid:  # some cells are not decimal numbers as pyarrow reads them
        values = np.full(len(column), math.nan)
        unread = ~_numpy(missing)
        plain = _numpy(pc.match_substring_regex(column, _PLAIN_NUMBER)) & unread
        if plain.any():
            try:
                parsed = pc.cast(pc.filter(column, pa.array(plain)), pa.float64())
            except pa.ArrowInvalid:
                return None
            values[plain] = parsed.to_numpy()
        unread &= ~plain | ~np.isfinite(values)
    if unread.any():  # read by the Python reader's rule, one cell at a time
        at = np.flatnonzero(unread)
        for i, cell in zip(at.tolist(), pc.take(column, pa.array(at)).to_pylist(), strict=True):
            v = _number(cell)
            if v is None:
                return None
            values[i] = v
    return values


#: how much of the file :func:`_longest_line` looks at at once
_WINDOW_BYTES = 16 * 1024 * 1024
#: decimal numbers pyarrow reads (and reads as Python does): digits, a point, an exponent
_PLAIN_NUMBER = r"^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$"


def _numpy(mask: Any) -> np.ndarray:
    import numpy as np

    return np.asarray(mask.to_numpy(zero_copy_only=False), dtype=bool)
