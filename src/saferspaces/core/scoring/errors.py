"""Error types of the scoring engine.

Every problem carries a precise location (file, row, column, step, indicator) and a human message.
Functions that validate a whole input (a CSV file, a pipeline file) collect *all* problems and raise
one :class:`ScoringError` listing them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

# how many unit codes a warning's text names (all of them stay in ``StepWarning.units``)
UNITS_SHOWN = 5


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


@dataclass(frozen=True)
class StepWarning:
    """Something a step did that changes results without stopping the run, with its location.

    ``kind`` is a stable key (``infinite``, ``missing``, ``constant``, ``zero_weights``...)
    for programs and translations; ``units`` lists every unit concerned (empty: all of them).
    """

    kind: str
    message: str
    step: str | None = None
    indicator: str | None = None
    units: tuple[str, ...] = ()

    def location(self) -> str:
        return Problem(self.message, step=self.step, indicator=self.indicator).location()

    def units_text(self) -> str:
        shown = ", ".join(self.units[:UNITS_SHOWN])
        more = len(self.units) - UNITS_SHOWN
        return f"{shown} and {more} more" if more > 0 else shown

    def __str__(self) -> str:
        where = self.location()
        text = f"{where}: {self.message}" if where else self.message
        if not self.units:
            return text
        n = len(self.units)
        return f"{text} ({n} unit{'s' if n > 1 else ''}: {self.units_text()})"

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "message": self.message,
            "step": self.step,
            "indicator": self.indicator,
            "units": list(self.units),
        }

    @classmethod
    def from_json(cls, data: Any) -> StepWarning:
        return cls(
            kind=str(data.get("kind", "")),
            message=str(data.get("message", "")),
            step=data.get("step"),
            indicator=data.get("indicator"),
            units=tuple(str(u) for u in data.get("units") or ()),
        )

    def for_units(self, units: Iterable[str]) -> StepWarning | None:
        """This warning restricted to ``units`` (None if it concerns none of them)."""
        if not self.units:
            return self
        keep = set(units)
        mine = tuple(u for u in self.units if u in keep)
        return (
            StepWarning(self.kind, self.message, self.step, self.indicator, mine) if mine else None
        )


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
