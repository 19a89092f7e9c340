"""Error types of the framework package: every problem carries a precise location."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem found in a framework file.

    ``path`` is a YAML path such as ``dimensions[2].indicators[4].answer.scale``; ``line`` is
    1-based (for an XLSForm it is the spreadsheet row of ``file``, which names the sheet).
    """

    file: str
    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
        if self.path:
            where += f": {self.path}"
        return f"{where}: {self.message}"


class FrameworkError(Exception):
    """Base class of the framework package's errors."""


class FrameworkValidationError(FrameworkError):
    """A framework file (YAML or XLSForm) is invalid; ``problems`` lists every problem found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(problems_report(problems=self.problems))


class AnswerError(FrameworkError):
    """An answer does not fit the answer type of its indicator."""

    def __init__(self, *, code: str, message: str) -> None:
        self.code = code
        self.message = message
        super().__init__(f"{code}: {message}")


def problems_report(*, problems: Sequence[Problem]) -> str:
    """A human report: one line per problem, then a count."""
    lines = [str(p) for p in problems]
    n = len(problems)
    lines.append(f"{n} problem{'s' if n != 1 else ''} found.")
    return "\n".join(lines)
