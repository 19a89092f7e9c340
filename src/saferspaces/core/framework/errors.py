"""Error types of the framework package: every problem carries a precise location."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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


#: What an :class:`AnswerError` can say, with the parameters each kind carries. The web layer
#: writes each kind in the reader's language from ``kind`` and ``params`` (one place:
#: ``saferspaces.assessments.answer_messages``); ``message`` is the English text for files and
#: the command line.
ANSWER_ERROR_KINDS: dict[str, tuple[str, ...]] = {
    "invalid": (),  # any other problem: only the English message says more
    "not_a_number": ("value",),
    "not_finite": ("value",),
    "not_whole": ("value",),
    "below_minimum": ("value", "minimum"),
    "above_maximum": ("value", "maximum"),
    "not_a_scale_point": ("value", "points"),
    "not_a_choice": ("values", "choices"),
    "one_choice": (),
    "not_text": (),
    "unknown_status": ("status", "statuses"),
    "answer_needed": (),
    "value_with_status": ("status",),
    "unknown_method": ("method",),
}


class AnswerError(FrameworkError):
    """An answer does not fit the answer type of its question.

    ``code`` is the question's code, ``kind`` one of :data:`ANSWER_ERROR_KINDS` and ``params``
    its values (numbers as numbers, lists as lists), so that the message can be written in any
    language; ``message`` is the English text.
    """

    def __init__(
        self,
        *,
        code: str,
        message: str,
        kind: str = "invalid",
        params: Mapping[str, object] | None = None,
    ) -> None:
        if kind not in ANSWER_ERROR_KINDS:
            raise ValueError(f"unknown kind of answer error: {kind!r}")
        self.code = code
        self.message = message
        self.kind = kind
        self.params: dict[str, object] = dict(params or {})
        super().__init__(f"{code}: {message}")


def problems_report(*, problems: Sequence[Problem]) -> str:
    """A human report: one line per problem, then a count."""
    lines = [str(p) for p in problems]
    n = len(problems)
    lines.append(f"{n} problem{'s' if n != 1 else ''} found.")
    return "\n".join(lines)
