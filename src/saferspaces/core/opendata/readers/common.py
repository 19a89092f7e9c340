"""Shared pieces of the readers: read statistics, stream handling, time and series filters."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import IO, Any

from saferspaces.core.limits import (
    JSON_DEPTH_MAX,
    JSON_DOCUMENT_MAX_BYTES,
    LINE_MAX_CHARS,
    MB,
)
from saferspaces.core.opendata.errors import Location, ParseError, Problem

_BOM = b"\xef\xbb\xbf"

#: Decides from a row's non-time dimensions whether its cells are wanted.
SeriesFilter = Callable[[Mapping[str, str]], bool]
#: Decides from a time period label (``"2019"``) whether its column is wanted.
TimeFilter = Callable[[str], bool]


@dataclass(slots=True)
class ReadStats:
    """Counters a reader updates as it goes (the pipeline turns them into the run report).

    ``missing``, ``flagged`` and ``flag_counts`` count the observations yielded."""

    rows: int = 0
    cells: int = 0
    skipped: int = 0
    malformed: int = 0
    time_periods: tuple[str, ...] = ()
    dimensions: tuple[str, ...] = ()
    unknown_flags: dict[str, int] = field(default_factory=dict)
    missing: int = 0
    flagged: int = 0
    flag_counts: dict[str, int] = field(default_factory=dict)


class ProblemSink:
    """Collects problems, or raises on the first one when no list is given."""

    __slots__ = ("limit", "problems", "source", "stats")

    def __init__(
        self, *, problems: list[Problem] | None, source: str, stats: ReadStats, limit: int = 1000
    ) -> None:
        self.problems = problems
        self.source = source
        self.stats = stats
        self.limit = limit

    def report(self, *, line: int | None, column: int | None, message: str) -> None:
        self.stats.malformed += 1
        problem = Problem(Location(source=self.source, line=line, column=column), message)
        if self.problems is None:
            raise ParseError(message, location=problem.location)
        if len(self.problems) < self.limit:
            self.problems.append(problem)


def utf8_location(*, data: bytes, offset: int) -> tuple[int, int]:
    """The 1-based (line, column) of byte ``offset`` in ``data``, columns in characters (a
    byte-order mark at the start is not counted)."""
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    if start == 0 and data.startswith(_BOM):
        start = len(_BOM)
    return line, len(data[start:offset].decode("utf-8", "replace")) + 1


def not_utf8(*, byte: int) -> str:
    """The message for a byte that UTF-8 cannot read."""
    return (
        f"not UTF-8 text: the byte 0x{byte:02X} cannot be read as UTF-8 (the file may be in "
        "Latin-1 or Windows-1252: save it as UTF-8)"
    )


class NotUtf8(ValueError):
    """Bytes that are not UTF-8, with the line and column (in characters) of the first one."""

    def __init__(self, message: str, *, line: int, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


def utf8_decode(*, data: bytes) -> str:
    """Decode UTF-8 text, a leading byte-order mark dropped; raise :class:`NotUtf8` with the
    line and column of the first byte that is not UTF-8."""
    body = data[len(_BOM) :] if data.startswith(_BOM) else data
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = exc.start + len(data) - len(body)
        line, column = utf8_location(data=data, offset=offset)
        raise NotUtf8(not_utf8(byte=data[offset]), line=line, column=column) from None


def lines_read(
    *, stream: IO[Any], source: str, max_chars: int = LINE_MAX_CHARS
) -> Iterator[tuple[int, str]]:
    """Yield ``(line number, text)`` for each line of a text or binary (UTF-8) stream, without
    its line break and the byte-order mark, never reading more than one line at a time.

    Raises :class:`ParseError` with the line (and column) for a line longer than ``max_chars``
    characters (read no further than that) and for bytes that are not UTF-8.
    """
    probe = stream.read(0)
    if not isinstance(probe, str | bytes):
        raise ParseError("the stream gives neither text nor bytes", location=Location(source))
    binary = isinstance(probe, bytes)
    # a UTF-8 character takes at most 4 bytes: a longer line holds more than max_chars of them
    limit = 4 * max_chars + 1 if binary else max_chars + 1
    readline = stream.readline
    line_no = 0
    while True:
        raw = readline(limit)
        if not raw:
            return
        line_no += 1
        if len(raw) >= limit and raw[-1:] not in ("\n", b"\n"):
            raise _too_long(source, line_no, max_chars)
        if binary:
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                _, column = utf8_location(data=raw, offset=exc.start)
                raise ParseError(
                    not_utf8(byte=raw[exc.start]), location=Location(source, line_no, column)
                ) from None
        else:
            text = raw
        if line_no == 1 and text.startswith("\ufeff"):
            text = text[1:]
        text = text.rstrip("\r\n")
        if len(text) > max_chars:
            raise _too_long(source, line_no, max_chars)
        yield line_no, text


def _too_long(source: str, line: int, max_chars: int) -> ParseError:
    return ParseError(
        f"the line is longer than {max_chars:,} characters, the limit for a line of a data "
        "file: is it a Eurostat file?",
        location=Location(source, line),
    )


def document_read(*, stream: IO[Any], source: str, max_bytes: int) -> bytes | str:
    """Read a whole document (JSON is parsed whole), refusing one larger than ``max_bytes``
    after reading no more than that."""
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ParseError(
            f"the document is larger than {max_bytes // MB} MB, the limit for a file that is "
            "read whole: download the TSV format, which is read line by line",
            location=Location(source),
        )
    if not isinstance(data, str | bytes):
        raise ParseError("the stream gives neither text nor bytes", location=Location(source))
    return data


def json_load(*, stream: IO[Any], source: str) -> Any:
    """Parse a JSON document from a stream within the limits on size and nesting; every failure
    is a :class:`ParseError` with the line and column where it is known."""
    data = document_read(stream=stream, source=source, max_bytes=JSON_DOCUMENT_MAX_BYTES)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        text = utf8_decode(data=raw)
    except NotUtf8 as exc:
        raise ParseError(exc.message, location=Location(source, exc.line, exc.column)) from None
    too_deep = False
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(
            f"not valid JSON ({exc.msg})", location=Location(source, exc.lineno, exc.colno)
        ) from None
    except RecursionError:  # the parser's own limit, far beyond ours
        too_deep = True
    except ValueError as exc:  # a number beyond what Python converts (4,300 digits)
        raise ParseError(f"not valid JSON ({exc})", location=Location(source)) from None
    if too_deep or _too_deep(doc):
        depth_line, depth_column = _depth_position(text)
        raise ParseError(
            f"the JSON is nested deeper than {JSON_DEPTH_MAX} levels",
            location=Location(source, depth_line, depth_column),
        )
    return doc


def _too_deep(doc: Any) -> bool:
    """Whether arrays and objects nest deeper than the limit (the document is depth 1)."""
    stack: list[tuple[Any, int]] = [(doc, 1)] if isinstance(doc, dict | list) else []
    while stack:
        node, depth = stack.pop()
        if depth > JSON_DEPTH_MAX:
            return True
        for child in node.values() if isinstance(node, dict) else node:
            if isinstance(child, dict | list):
                stack.append((child, depth + 1))
    return False


_JSON_NESTING = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _depth_position(text: str) -> tuple[int | None, int | None]:
    """The line and column of the first array or object beyond the nesting limit."""
    depth = 0
    for match in _JSON_NESTING.finditer(text):
        mark = match.group()
        if mark in "[{":
            depth += 1
            if depth > JSON_DEPTH_MAX:
                offset = match.start()
                line = text.count("\n", 0, offset) + 1
                return line, offset - (text.rfind("\n", 0, offset) + 1) + 1
        elif mark in "]}":
            depth -= 1
    return None, None


def time_year(period: str) -> int | None:
    """The year of a time period label, or ``None`` when it does not start with one."""
    head = period.strip()[:4]
    return int(head) if len(head) == 4 and head.isdigit() else None


def since_filter(*, since: int | None) -> TimeFilter | None:
    """A time filter keeping periods of year ``since`` and later (``None`` keeps all)."""
    if since is None:
        return None
    threshold = since

    def keep(period: str) -> bool:
        year = time_year(period)
        return year is not None and year >= threshold

    return keep


def geo_dimension(dimensions: tuple[str, ...]) -> str:
    """The name of the geography dimension: ``geo`` or ``cities``, else the last one."""
    for name in ("geo", "cities"):
        if name in dimensions:
            return name
    return dimensions[-1]
