"""The columns of the answers template and the questions it lists."""

from __future__ import annotations

from collections.abc import Iterator

from saferspaces.core.framework.answers import Question
from saferspaces.core.framework.model import Edition, text_get
from saferspaces.core.framework.xlsform_common import CHECKLIST_TITLE

CODE = "code"
DIMENSION = "dimension"
QUESTION = "question"
ANSWER_TYPE = "answer_type"
ALLOWED = "allowed"
STATUS = "status"
ANSWER = "answer"
COMMENT = "comment"
EVIDENCE_SOURCE = "evidence_source"
EVIDENCE_YEAR = "evidence_year"
EVIDENCE_URL = "evidence_url"
COLUMNS = (
    CODE,
    DIMENSION,
    QUESTION,
    ANSWER_TYPE,
    ALLOWED,
    STATUS,
    ANSWER,
    COMMENT,
    EVIDENCE_SOURCE,
    EVIDENCE_YEAR,
    EVIDENCE_URL,
)
REQUIRED = (CODE, ANSWER)
INFORMATIONAL = (DIMENSION, QUESTION, ANSWER_TYPE, ALLOWED)  # ignored when read back
# the role of each column in :class:`saferspaces.core.answers_io.cells.RowCells`
ROLES = {
    STATUS: "status",
    ANSWER: "value",
    COMMENT: "comment",
    EVIDENCE_SOURCE: "source",
    EVIDENCE_YEAR: "year",
    EVIDENCE_URL: "url",
}


def header_norm(name: str) -> str:
    """Header names compare without case, surrounding blanks, or space/underscore differences."""
    return "_".join(name.replace("\ufeff", "").strip().casefold().replace("-", " ").split())


def questions_listed(*, edition: Edition, language: str) -> Iterator[tuple[str, Question]]:
    """(dimension text, question) of every answerable question, in edition order.

    Checklist items come first; explanatory ``not_scored`` items take no answer and are left
    out.
    """
    checklist = text_get(CHECKLIST_TITLE, language)
    for item in edition.checklist:
        if item.answer.type != "not_scored":
            yield f"{checklist}: {item.section}", item
    for dim, ind in edition.indicators():
        if ind.answer.type != "not_scored":
            yield f"{dim.code} {text_get(dim.title, language)}", ind
