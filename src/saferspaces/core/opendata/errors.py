"""Error types of the open-data import, each carrying a precise location and a human message."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Location:
    """Where a problem is: a file or URL, and optionally line, column, path and step."""

    source: str = ""
    line: int | None = None
    column: int | None = None
    path: str = ""
    step: str = ""

    def __str__(self) -> str:
        parts: list[str] = []
        if self.source:
            parts.append(self.source)
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.column is not None:
            parts.append(f"column {self.column}")
        if self.path:
            parts.append(self.path)
        text = ", ".join(parts)
        if self.step:
            text = f"[{self.step}] {text}" if text else f"[{self.step}]"
        return text


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem found in input data: where it is and what is wrong, in plain words."""

    location: Location
    message: str

    def __str__(self) -> str:
        where = str(self.location)
        return f"{where}: {self.message}" if where else self.message


class OpenDataError(Exception):
    """Any failure of the open-data import that a person can act on.

    ``problems`` holds every problem found (not only the first) when the step collects them.
    """

    def __init__(
        self,
        message: str,
        *,
        location: Location | None = None,
        problems: Sequence[Problem] = (),
    ) -> None:
        self.message = message
        self.location = location if location is not None else Location()
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(self._render())

    def _render(self) -> str:
        where = str(self.location)
        head = f"{where}: {self.message}" if where else self.message
        if not self.problems:
            return head
        shown = [f"  - {p}" for p in self.problems[:20]]
        more = len(self.problems) - len(shown)
        if more > 0:
            shown.append(f"  ... and {more} more")
        return "\n".join([head, *shown])


class ParseError(OpenDataError):
    """A file is not in the format it claims to be, or a row is malformed."""


class NetworkError(OpenDataError):
    """The remote source cannot be reached; nothing was loaded."""


class SourceError(OpenDataError):
    """A source definition is unknown or inconsistent."""


class GeographyError(OpenDataError):
    """A geographic code cannot be parsed or does not fit the authority's chain."""
