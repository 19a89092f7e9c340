"""Streaming reader for Eurostat's two TSV layouts.

* SDMX 2.1 TSV (the dissemination API): first cell ``freq,unit,iccs,geo\\TIME_PERIOD``, periods
  oldest first.
* Legacy bulk TSV: first cell ``indic_ur,unit,cities\\time``, periods newest first, trailing
  spaces in the header cells.

Both: one row per series, the series key comma-separated in the first cell, one tab-separated
cell per period. A cell is a number, or ``:`` for not available, optionally followed by a space
and status letters (``18.2 e``, ``: u``; since 2025 also a confidentiality status after ``@``,
``: @C``; see :mod:`saferspaces.core.opendata.flags`). The file is read line by line, never whole.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from types import MappingProxyType
from typing import IO, Any

from saferspaces.core.opendata.errors import Location, ParseError, Problem
from saferspaces.core.opendata.flags import (
    FLAG_MEANINGS,
    MISSING_MARKER,
    TSV_CONF_SEPARATOR,
    status_parse,
)
from saferspaces.core.opendata.observation import DataFormat, Observation
from saferspaces.core.opendata.readers.common import (
    ProblemSink,
    ReadStats,
    SeriesFilter,
    TimeFilter,
    geo_dimension,
    lines_read,
)

_CACHE_LIMIT = 4096
#: Eurostat's notation for "less than half of the unit used, and not a real zero"
_LESS_THAN_HALF = "0n"
_Cell = tuple[float | None, tuple[str, ...]]


def tsv_header_parse(
    *, line: str, source: str = ""
) -> tuple[DataFormat, tuple[str, ...], str, list[str]]:
    """Parse a TSV header line into (format, series dimensions, time dimension, periods)."""
    cells = line.rstrip("\r\n").split("\t")
    first = cells[0].strip()
    if "\\" not in first:
        raise ParseError(
            "the first header cell should look like 'dim1,dim2,geo\\TIME_PERIOD' (SDMX 2.1 TSV) "
            f"or 'indic_ur,unit,cities\\time' (legacy bulk TSV), found {first[:60]!r}",
            location=Location(source, line=1, column=1),
        )
    left, _, time_name = first.partition("\\")
    dims = tuple(part.strip().lower() for part in left.split(","))
    if not all(dims):
        raise ParseError(
            f"an empty dimension name in {first!r}", location=Location(source, line=1, column=1)
        )
    time_name = time_name.strip()
    fmt = DataFormat.SDMX_TSV if time_name.upper() == "TIME_PERIOD" else DataFormat.LEGACY_TSV
    if time_name.lower() not in ("time_period", "time"):
        raise ParseError(
            f"the time dimension should be 'TIME_PERIOD' or 'time', found {time_name!r}",
            location=Location(source, line=1, column=1),
        )
    periods = [cell.strip() for cell in cells[1:]]
    problems: list[Problem] = []
    seen: set[str] = set()
    for index, period in enumerate(periods, start=2):
        if not period:
            problems.append(Problem(Location(source, 1, index), "empty time period in the header"))
        elif period in seen:
            problems.append(Problem(Location(source, 1, index), f"time period {period!r} repeats"))
        seen.add(period)
    if not periods:
        problems.append(Problem(Location(source, 1, 2), "the header has no time period columns"))
    if problems:
        raise ParseError("the header is not valid", location=Location(source, 1), problems=problems)
    return fmt, dims, time_name, periods


def tsv_cell_parse(*, text: str) -> tuple[float | None, tuple[str, ...]]:
    """Parse one cell (``"18.2 e"``, ``": u"``, ``": @C"``, ``"0n"``, ``"70.0 "``); raise
    ``ValueError`` if malformed. ``0n`` (less than half the unit, not a real zero) reads as 0
    with the flag ``n``."""
    stripped = text.strip()
    if not stripped:
        raise ValueError("empty cell (Eurostat writes ':' for a value that is not available)")
    number, _, flag_text = stripped.partition(" ")
    flags = status_parse(text=flag_text, separator=TSV_CONF_SEPARATOR)
    if number == MISSING_MARKER:
        return None, flags
    if number == _LESS_THAN_HALF:
        return 0.0, tuple(dict.fromkeys(("n", *flags)))
    try:
        value = float(number)
    except ValueError:
        raise ValueError(f"{stripped!r} is not a number, ':' or a number with flags") from None
    if not math.isfinite(value):
        raise ValueError(f"{stripped!r} is not a finite number")
    return value, flags


def tsv_read(
    *,
    stream: IO[Any],
    dataset: str,
    source: str = "",
    problems: list[Problem] | None = None,
    stats: ReadStats | None = None,
    keep_series: SeriesFilter | None = None,
    keep_time: TimeFilter | None = None,
) -> Iterator[Observation]:
    """Yield every cell of a Eurostat TSV (either layout) as an :class:`Observation`.

    Malformed rows are appended to ``problems`` (and skipped) when a list is given, else the
    first one raises :class:`ParseError` with its line and column. Cells of rows rejected by
    ``keep_series`` or of periods rejected by ``keep_time`` are counted as skipped.
    """
    for row in tsv_rows_read(
        stream=stream,
        dataset=dataset,
        source=source,
        problems=problems,
        stats=stats,
        keep_series=keep_series,
        keep_time=keep_time,
    ):
        yield from row


def tsv_rows_read(
    *,
    stream: IO[Any],
    dataset: str,
    source: str = "",
    problems: list[Problem] | None = None,
    stats: ReadStats | None = None,
    keep_series: SeriesFilter | None = None,
    keep_time: TimeFilter | None = None,
) -> Iterator[list[Observation]]:
    """Like :func:`tsv_read`, one list of observations per row (all share one series)."""
    stats = stats if stats is not None else ReadStats()
    sink = ProblemSink(problems=problems, source=source, stats=stats)
    lines = lines_read(stream=stream, source=source)
    _, header = next(lines, (1, ""))
    if not header.strip():
        raise ParseError("the file is empty", location=Location(source, 1))
    _fmt, dims, _time_name, periods = tsv_header_parse(line=header, source=source)
    stats.time_periods = tuple(periods)
    stats.dimensions = dims
    geo_name = geo_dimension(dims)
    geo_pos = dims.index(geo_name)
    n_dims = len(dims)
    n_cells = len(periods) + 1
    kept_columns = [
        (index + 1, period)
        for index, period in enumerate(periods)
        if keep_time is None or keep_time(period)
    ]
    skipped_per_row = len(periods) - len(kept_columns)
    cache: dict[str, _Cell] = {}
    unknown = stats.unknown_flags
    flag_counts = stats.flag_counts
    for line_no, row in lines:
        if not row.strip():
            continue
        cells = row.split("\t")
        if len(cells) != n_cells:
            sink.report(
                line=line_no,
                column=len(cells) + 1 if len(cells) < n_cells else n_cells + 1,
                message=f"expected {n_cells} tab-separated cells, found {len(cells)}",
            )
            continue
        keys = cells[0].split(",")
        if len(keys) != n_dims:
            sink.report(
                line=line_no,
                column=1,
                message=f"the series key {cells[0]!r} has {len(keys)} parts, "
                f"the header names {n_dims} ({','.join(dims)})",
            )
            continue
        keys = [key.strip() for key in keys]
        stats.rows += 1
        stats.cells += n_cells - 1
        series = MappingProxyType(dict(zip(dims, keys, strict=True)))
        if keep_series is not None and not keep_series(series):
            stats.skipped += n_cells - 1
            continue
        stats.skipped += skipped_per_row
        geo = keys[geo_pos]
        out: list[Observation] = []
        append = out.append
        for column, period in kept_columns:
            cell = cells[column]
            parsed = cache.get(cell)
            if parsed is None:
                # fast path: a plain number ('70.0 '); float() ignores the padding
                try:
                    number = float(cell)
                except ValueError:
                    number = None
                if number is not None and number - number == 0.0 and "_" not in cell:
                    parsed = (number, ())
                else:
                    try:
                        parsed = tsv_cell_parse(text=cell)
                    except ValueError as exc:
                        sink.report(line=line_no, column=column + 1, message=str(exc))
                        continue
                    if len(cache) >= _CACHE_LIMIT:
                        cache.clear()
                    cache[cell] = parsed
            value, flags = parsed
            if value is None:
                stats.missing += 1
            if flags:
                stats.flagged += 1
                for letter in flags:
                    flag_counts[letter] = flag_counts.get(letter, 0) + 1
                    if letter not in FLAG_MEANINGS:
                        unknown[letter] = unknown.get(letter, 0) + 1
            append(Observation(dataset, series, geo, period, value, flags, line_no, column + 1))
        if out:
            yield out
