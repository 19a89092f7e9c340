"""Answers in files: the downloadable template (CSV, Excel), reading it back, and reading
KoboToolbox / ODK Central submission exports of an edition's XLSForm (pure Python).

Nothing here writes answers anywhere: readers return what a file holds and every problem with
its spreadsheet row and column, so that a preview can show it before anything is confirmed.
"""

from saferspaces.core.answers_io.errors import AnswerFileError
from saferspaces.core.answers_io.model import (
    AnswerFile,
    AnswerRow,
    EvidenceRef,
    RowProblem,
    Submission,
    SubmissionFile,
)
from saferspaces.core.answers_io.reader import answers_read
from saferspaces.core.answers_io.submissions import xlsform_submissions_read
from saferspaces.core.answers_io.tables import DEFAULT_MAX_BYTES
from saferspaces.core.answers_io.template import answers_template_csv
from saferspaces.core.answers_io.template_xlsx import answers_template_xlsx

__all__ = [
    "DEFAULT_MAX_BYTES",
    "AnswerFile",
    "AnswerFileError",
    "AnswerRow",
    "EvidenceRef",
    "RowProblem",
    "Submission",
    "SubmissionFile",
    "answers_read",
    "answers_template_csv",
    "answers_template_xlsx",
    "xlsform_submissions_read",
]
