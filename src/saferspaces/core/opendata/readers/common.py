"""Shared pieces of the readers: read statistics, stream handling, time and series filters."""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import IO, Any

from saferspaces.core.opendata.errors import Location, ParseError, Problem

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


def text_stream(stream: IO[Any], *, source: str) -> IO[str]:
    """Return a text view of ``stream`` (UTF-8, BOM dropped), never reading it whole."""
    probe = stream.read(0)
    if isinstance(probe, str):
        return stream
    if not isinstance(probe, bytes):
        raise ParseError("the stream gives neither text nor bytes", location=Location(source))
    return io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")


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
