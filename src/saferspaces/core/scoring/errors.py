"""Error types of the scoring engine.

Every problem carries a precise location (file, row, column, step, indicator) and a human message.
Functions that validate a whole input (a CSV file, a pipeline file) collect *all* problems and raise
one :class:`ScoringError` listing them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem found in data, metadata or a pipeline, with its location."""

    message: str
    file: str | None = None
    row: int | None = None
    column: str | None = None
    step: str | None = None
    indicator: str | None = None
    unit: str | None = None

    def location(self) -> str:
        parts: list[str] = []
        if self.file is not None:
            parts.append(self.file)
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column {self.column!r}")
        if self.step is not None:
            parts.append(f"step {self.step}")
        if self.indicator is not None:
            parts.append(f"indicator {self.indicator!r}")
        if self.unit is not None:
            parts.append(f"unit {self.unit!r}")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.location()
        return f"{where}: {self.message}" if where else self.message


class ScoringError(Exception):
    """Bad input to the scoring engine: one or more :class:`Problem` objects."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        if not self.problems:
            self.problems = (Problem("unknown scoring error"),)
        super().__init__(self.describe())

    def describe(self) -> str:
        if len(self.problems) == 1:
            return str(self.problems[0])
        lines = [f"{len(self.problems)} problems:"]
        lines.extend(f"  - {p}" for p in self.problems)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.describe()


class DataError(ScoringError):
    """Problems in the data or metadata tables."""


class PipelineError(ScoringError):
    """Problems in a pipeline specification or in running one of its steps."""


def fail(
    message: str,
    *,
    step: str | None = None,
    indicator: str | None = None,
    unit: str | None = None,
    column: str | None = None,
) -> PipelineError:
    """Build a one-problem :class:`PipelineError` (to be raised by the caller)."""
    return PipelineError(
        [Problem(message, step=step, indicator=indicator, unit=unit, column=column)]
    )
