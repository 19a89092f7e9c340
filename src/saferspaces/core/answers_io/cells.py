"""From the cells of one row to an :class:`AnswerRow`, or to every problem of that row."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from urllib.parse import urlsplit

from saferspaces.core.answers_io.model import AnswerRow, EvidenceRef, RowProblem
from saferspaces.core.framework.answers import (
    ANSWER_STATUSES,
    ANSWERED,
    STATUS_LABELS,
    AnswerValue,
    Question,
    answer_parse,
    answer_state_build,
)
from saferspaces.core.framework.errors import AnswerError

MIN_YEAR = 1900
MAX_YEAR = 2100


def _norm(text: str) -> str:
    return re.sub(r"[\s\-_'’`]+", "", text.casefold())


@cache
def status_aliases() -> Mapping[str, str]:
    """Every way a status cell may be written: its code, or its label in any language of
    ``core/labels`` (read on first use), compared without case, spaces, dashes or quotes."""
    out: dict[str, str] = {}
    for status in ANSWER_STATUSES:
        out[_norm(status)] = status
        for label in STATUS_LABELS[status].values():
            out[_norm(label)] = status
    out[_norm("answered")] = ANSWERED
    return out


def text_of(value: object) -> str:
    """A cell as text: whole floats without '.0', dates as ISO 8601 (a CSV cell's formula guard
    is removed by the table reader, which knows the file's kind)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value).strip()


def blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def status_parse(raw: object) -> str | None:
    """The status code of a cell (codes or labels in any language, any case); None if unknown."""
    return status_aliases().get(_norm(text_of(raw)))


def year_parse(raw: object) -> int | None:
    """A four-digit year between 1900 and 2100, or None."""
    text = text_of(raw)
    if re.fullmatch(r"\d{4}", text) and MIN_YEAR <= int(text) <= MAX_YEAR:
        return int(text)
    return None


def url_ok(text: str) -> bool:
    if any(c.isspace() for c in text):
        return False
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


@dataclass
class RowCells:
    """The cells of one row that matter, with the column header each came from."""

    row: int
    code: str
    status: object = None
    value: object = None
    comment: object = None
    source: object = None
    year: object = None
    url: object = None
    columns: dict[str, str] = field(default_factory=dict)  # role -> header

    def col(self, role: str) -> str:
        return self.columns.get(role, role)


def _raw_value(question: Question, raw: object) -> object:
    if question.answer.type in ("text", "single_choice", "yes_partly_no") and not blank(raw):
        return text_of(raw)
    return raw


def answer_row_build(
    *, cells: RowCells, question: Question
) -> tuple[AnswerRow | None, list[RowProblem]]:
    """The :class:`AnswerRow` of ``cells`` (None when the row says nothing), or its problems.

    A blank status with a value means *answered*; a blank status and a blank value means the
    question is skipped, unless the row carries a comment or evidence (then a status is asked
    for, so that nothing typed is dropped silently).
    """
    problems: list[RowProblem] = []
    code = cells.code  # the question code, or the answer key of an item in a repeat group

    def problem(role: str, message: str) -> None:
        problems.append(RowProblem(cells.row, cells.col(role), code, message))

    comment = text_of(cells.comment)
    evidence = _evidence(cells, problem)
    has_extra = bool(comment) or evidence is not None
    if blank(cells.status) and blank(cells.value):
        if has_extra:
            problem(
                "status",
                "a comment or evidence is given but no answer and no status: give the answer, "
                "or a status (dont_know, not_applicable, not_collected)",
            )
        return None, problems
    status: str | None = ANSWERED
    if not blank(cells.status):
        status = status_parse(cells.status)
        if status is None:
            problem(
                "status",
                f"unknown status {text_of(cells.status)!r}; use one of: "
                f"{', '.join(ANSWER_STATUSES)} (or leave it blank when you give an answer)",
            )
    raw = _raw_value(question, cells.value)
    value: AnswerValue = None
    try:
        value = answer_parse(question=question, raw=raw)
    except AnswerError as exc:
        problem("value", exc.message)
        return None, problems
    if status is None:
        return None, problems
    if status == ANSWERED and value is None:
        problem("value", "an answer is needed when the status is 'answered'")
    elif status != ANSWERED and value is not None:
        problem(
            "status",
            f"the status {status!r} conflicts with the answer {text_of(cells.value)!r}: "
            "clear the answer or set the status to 'answered'",
        )
    if problems:
        return None, problems
    try:
        state = answer_state_build(question=question, status=status, raw=value)
    except AnswerError as exc:  # pragma: no cover - the checks above cover every case
        problem("value", exc.message)
        return None, problems
    return (
        AnswerRow(cells.row, code, state, comment, evidence, column=cells.col("value")),
        problems,
    )


def _evidence(cells: RowCells, problem: Callable[[str, str], None]) -> EvidenceRef | None:
    source = text_of(cells.source)
    year: int | None = None
    url: str | None = None
    if not blank(cells.year):
        year = year_parse(cells.year)
        if year is None:
            problem(
                "year",
                f"{text_of(cells.year)!r} is not a year: write four digits between "
                f"{MIN_YEAR} and {MAX_YEAR}, e.g. 2024",
            )
    if not blank(cells.url):
        url = text_of(cells.url)
        if not url_ok(url):
            problem("url", f"{url!r} is not a web address starting with http:// or https://")
            url = None
    if not source and year is None and url is None:
        return None
    return EvidenceRef(source=source, year=year, url=url)
