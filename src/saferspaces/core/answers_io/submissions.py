"""Read a KoboToolbox or ODK Central submission export of an edition's XLSForm.

Each data row is one submission. Columns are matched to the form's fields by name, whatever
the group path in front (``QOL_P01``, ``QOL/QOL_P01``, ``group_x/QOL_P01``, ODK Central's
``QOL-QOL_P01``); the companion ``<code>__status`` fields give the explicit status. Meta
columns (``_id``, ``_uuid``, ``_submission_time``, ``meta/instanceID``, ``KEY``,
``SubmissionDate`` ...) identify submissions; every other column is ignored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from saferspaces.core.answers_io.cells import RowCells, answer_row_build, blank, text_of
from saferspaces.core.answers_io.errors import AnswerFileError
from saferspaces.core.answers_io.model import AnswerRow, RowProblem, Submission, SubmissionFile
from saferspaces.core.answers_io.tables import DEFAULT_MAX_BYTES, table_read
from saferspaces.core.framework.answers import Question
from saferspaces.core.framework.model import Edition
from saferspaces.core.framework.xlsform_common import status_field

# instance identifiers, best first (KoboToolbox, ODK Central, Briefcase)
ID_COLUMNS = ("meta/instanceID", "meta-instanceID", "instanceID", "KEY", "_uuid")
NUMBER_COLUMNS = ("_id", "_index")
TIME_COLUMNS = ("_submission_time", "SubmissionDate", "end")
_SEPARATORS = ("/", "-")


@dataclass(frozen=True)
class _Field:
    code: str
    role: str  # value | status
    header: str


def _segments(header: str) -> list[str]:
    """Candidate field names of a header: the whole, then shorter suffixes of its path."""
    out = [header]
    if "/" in header:
        out.append(header.rsplit("/", 1)[1])
    parts = header.split("-")
    for k in range(1, len(parts)):
        out.append("-".join(parts[k:]))
    return out


def _fields(
    header: Sequence[str], questions: Mapping[str, Question]
) -> tuple[dict[int, _Field], list[str]]:
    names: dict[str, tuple[str, str]] = {}
    for code in questions:
        names[code] = (code, "value")
        names[status_field(code)] = (code, "status")
    found: dict[int, _Field] = {}
    taken: set[tuple[str, str]] = set()
    ignored: list[str] = []
    for j, h in enumerate(header):
        if not h:
            continue
        match = next((names[s] for s in _segments(h) if s in names), None)
        if match is None or match in taken:
            ignored.append(h)
            continue
        taken.add(match)
        found[j] = _Field(match[0], match[1], h)
    return found, ignored


def _first(values: Sequence[object], index: Mapping[str, int], columns: Sequence[str]) -> str:
    for name in columns:
        j = index.get(name)
        if j is not None and j < len(values) and not blank(values[j]):
            value = values[j]
            if isinstance(value, dt.datetime | dt.date):
                return value.isoformat()
            return text_of(value)
    return ""


def xlsform_submissions_read(
    *, filename: str, content: bytes, edition: Edition, max_bytes: int = DEFAULT_MAX_BYTES
) -> SubmissionFile:
    """Read a submission export (CSV or XLSX, "XML values and headers") of ``edition``'s form.

    Returns every submission with its identifier, submission time, accepted answers and
    problems (spreadsheet row and column header); the caller lets the person pick one. Raises
    :class:`AnswerFileError` for a file that is not a table, holds no column of the form, or
    no submission.
    """
    questions = {c: q for c, q in edition.questions().items() if q.answer.type != "not_scored"}

    def wanted(header: Sequence[str]) -> bool:
        return bool(_fields(header, questions)[0])

    table = table_read(filename=filename, content=content, max_bytes=max_bytes, wanted=wanted)
    fields, ignored = _fields(table.header, questions)
    if not fields:
        raise AnswerFileError(
            filename=filename,
            message=(
                f"no column of this file is a question of edition {edition.id}. Export the "
                "submissions of the edition's form with 'XML values and headers' "
                "(KoboToolbox) or as CSV from ODK Central, and upload that file."
            ),
        )
    index = {h: j for j, h in enumerate(table.header) if h}
    by_code: dict[str, dict[str, int]] = {}  # code -> role -> column index
    for j, f in fields.items():
        by_code.setdefault(f.code, {})[f.role] = j
    submissions: list[Submission] = []
    for row, values in table.rows:
        if all(blank(v) for v in values):
            continue
        identifier = (
            _first(values, index, ID_COLUMNS)
            or _first(values, index, NUMBER_COLUMNS)
            or f"row {row}"
        )
        submitted = _first(values, index, TIME_COLUMNS) or None
        accepted: list[AnswerRow] = []
        problems: list[RowProblem] = []
        for code, roles in by_code.items():
            cells = RowCells(row=row, code=code)
            for role, j in roles.items():
                setattr(cells, role, values[j] if j < len(values) else None)
                cells.columns[role] = table.header[j]
            cells.columns.setdefault("value", cells.columns.get("status", code))
            cells.columns.setdefault("status", cells.columns["value"])
            answer, row_problems = answer_row_build(cells=cells, question=questions[code])
            problems.extend(row_problems)
            if answer is not None:
                accepted.append(answer)
        submissions.append(
            Submission(
                row=row,
                identifier=identifier,
                submitted=submitted,
                rows=tuple(accepted),
                problems=tuple(problems),
            )
        )
    if not submissions:
        raise AnswerFileError(filename=filename, message="the export holds no submission")
    return SubmissionFile(
        filename=filename,
        format=table.format,
        submissions=tuple(submissions),
        ignored_columns=tuple(ignored),
        sheet=table.sheet,
        encoding=table.encoding,
        delimiter=table.delimiter,
    )
