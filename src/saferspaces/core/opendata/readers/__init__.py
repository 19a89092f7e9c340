"""Readers for the formats Eurostat serves, with format detection from the first bytes."""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator
from typing import IO, Any, TypeVar

from saferspaces.core.opendata.errors import Location, OpenDataError, ParseError, Problem
from saferspaces.core.opendata.observation import DataFormat, Observation
from saferspaces.core.opendata.readers.common import (
    ReadStats,
    SeriesFilter,
    TimeFilter,
    since_filter,
    time_year,
)
from saferspaces.core.opendata.readers.jsonstat import jsonstat_read
from saferspaces.core.opendata.readers.tsv import (
    tsv_cell_parse,
    tsv_header_parse,
    tsv_read,
    tsv_rows_read,
)

__all__ = [
    "ReadStats",
    "SeriesFilter",
    "TimeFilter",
    "format_detect",
    "jsonstat_read",
    "observation_rows_read",
    "observations_read",
    "since_filter",
    "time_year",
    "tsv_cell_parse",
    "tsv_header_parse",
    "tsv_read",
    "tsv_rows_read",
]

_PEEK = 4096
_T = TypeVar("_T")
#: What a reader (or the libraries under it) may raise on input it was not written for; turned
#: into a ParseError naming the file, so that no input ends in a traceback.
_READER_ERRORS = (
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    AttributeError,
    OverflowError,
    RecursionError,
    EOFError,
    OSError,
    zlib.error,
)


def _guarded(items: Iterator[_T], *, source: str) -> Iterator[_T]:
    """Yield from a reader, turning any exception of its own into a :class:`ParseError`."""
    try:
        yield from items
    except OpenDataError:
        raise
    except _READER_ERRORS as exc:
        raise ParseError(
            f"the file cannot be read ({type(exc).__name__}: {str(exc)[:200]})",
            location=Location(source, step="parse"),
        ) from None


def format_detect(*, head: bytes, source: str = "") -> DataFormat:
    """Tell the format from the first bytes of a (decompressed) file."""
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if not text:
        raise ParseError("the file is empty", location=Location(source, line=1))
    if text.startswith(b"{"):
        return DataFormat.JSON_STAT
    first_line = text.split(b"\n", 1)[0]
    first_cell = first_line.split(b"\t", 1)[0].strip()
    _, sep, time_name = first_cell.partition(b"\\")
    if sep and time_name.strip().upper() == b"TIME_PERIOD":
        return DataFormat.SDMX_TSV
    if sep and time_name.strip().lower() == b"time":
        return DataFormat.LEGACY_TSV
    if first_line.count(b",") and not first_line.count(b"\t"):
        hint = " (it looks like CSV; download the TSV or JSON-stat format instead)"
    elif text.startswith(b"<"):
        hint = " (it looks like XML or HTML)"
    else:
        hint = ""
    raise ParseError(
        "not a Eurostat SDMX 2.1 TSV, legacy bulk TSV or JSON-stat 2.0 file" + hint,
        location=Location(source, line=1, column=1),
    )


def _buffered_with_format(
    *, stream: IO[bytes], fmt: DataFormat | None, source: str
) -> tuple[io.BufferedReader[Any], DataFormat]:
    """Wrap the stream so its head can be peeked, and detect its format unless given."""
    buffered = (
        stream if isinstance(stream, io.BufferedReader) else io.BufferedReader(stream, _PEEK)  # type: ignore[arg-type, type-var]
    )
    if fmt is None:
        fmt = format_detect(head=buffered.peek(_PEEK)[:_PEEK], source=source)
    return buffered, fmt


def observations_read(
    *,
    stream: IO[bytes],
    dataset: str,
    source: str = "",
    fmt: DataFormat | None = None,
    problems: list[Problem] | None = None,
    stats: ReadStats | None = None,
    keep_series: SeriesFilter | None = None,
    keep_time: TimeFilter | None = None,
) -> Iterator[Observation]:
    """Detect the format of a binary stream (unless ``fmt`` is given) and read it."""
    buffered, fmt = _buffered_with_format(stream=stream, fmt=fmt, source=source)
    reader = jsonstat_read if fmt is DataFormat.JSON_STAT else tsv_read
    observations = reader(
        stream=buffered,
        dataset=dataset,
        source=source,
        problems=problems,
        stats=stats,
        keep_series=keep_series,
        keep_time=keep_time,
    )
    return _guarded(observations, source=source)


def observation_rows_read(
    *,
    stream: IO[bytes],
    dataset: str,
    source: str = "",
    fmt: DataFormat | None = None,
    problems: list[Problem] | None = None,
    stats: ReadStats | None = None,
    keep_series: SeriesFilter | None = None,
    keep_time: TimeFilter | None = None,
) -> Iterator[list[Observation]]:
    """Like :func:`observations_read`, in lists whose observations share one series (one TSV
    row; one cell at a time for JSON-stat). The pipeline uses it to work per row."""
    buffered, fmt = _buffered_with_format(stream=stream, fmt=fmt, source=source)
    if fmt is DataFormat.JSON_STAT:
        cells = jsonstat_read(
            stream=buffered,
            dataset=dataset,
            source=source,
            problems=problems,
            stats=stats,
            keep_series=keep_series,
            keep_time=keep_time,
        )
        return _guarded(([obs] for obs in cells), source=source)
    rows = tsv_rows_read(
        stream=buffered,
        dataset=dataset,
        source=source,
        problems=problems,
        stats=stats,
        keep_series=keep_series,
        keep_time=keep_time,
    )
    return _guarded(rows, source=source)
