"""What an answer file holds once read: rows of answers, problems, submissions."""

from __future__ import annotations

from dataclasses import dataclass

from saferspaces.core.framework.answers import AnswerState


@dataclass(frozen=True)
class EvidenceRef:
    """Where an answer comes from: a source name, the year of the data, a web address."""

    source: str = ""
    year: int | None = None
    url: str | None = None


@dataclass(frozen=True)
class AnswerRow:
    """One accepted answer: its spreadsheet ``row`` (header = row 1) and question ``code``.

    ``column`` is the header of the cell the value came from (``answer`` in the template, the
    question's own column in a submission export).
    """

    row: int
    code: str
    state: AnswerState
    comment: str = ""
    evidence: EvidenceRef | None = None
    column: str = "answer"


@dataclass(frozen=True)
class RowProblem:
    """A cell that cannot be imported: spreadsheet ``row``, ``column`` header, question code."""

    row: int
    column: str
    code: str | None
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}, column {self.column}"
        if self.code:
            where += f" ({self.code})"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class AnswerFile:
    """An answers file (template filled in) as read: nothing is written anywhere.

    ``format`` is ``xlsx`` or ``csv``; ``encoding`` and ``delimiter`` describe a CSV file;
    ``sheet`` names the worksheet read from a workbook. Rows with problems are not in ``rows``.
    """

    filename: str
    format: str
    rows: tuple[AnswerRow, ...]
    problems: tuple[RowProblem, ...]
    sheet: str | None = None
    encoding: str | None = None
    delimiter: str | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class Submission:
    """One submission (one spreadsheet row) of an XLSForm submission export.

    ``identifier`` is the instance ID (``meta/instanceID``, ``KEY``, ``_uuid``) or, failing
    that, ``_id``/``_index`` or ``row N``; ``submitted`` the submission time as written in the
    file (ISO 8601 from KoboToolbox and ODK Central).
    """

    row: int
    identifier: str
    submitted: str | None
    rows: tuple[AnswerRow, ...]
    problems: tuple[RowProblem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class SubmissionFile:
    """A KoboToolbox or ODK Central export: its submissions and the columns it ignored."""

    filename: str
    format: str
    submissions: tuple[Submission, ...]
    ignored_columns: tuple[str, ...] = ()
    sheet: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
