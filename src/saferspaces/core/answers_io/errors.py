"""Error of the answers import: a whole file refused, with a message fit for its uploader."""

from __future__ import annotations


class AnswerFileError(Exception):
    """The file cannot be read as an answers file at all (wrong kind, empty, too large,
    missing columns). Problems in single rows are never raised: they are listed as
    :class:`~saferspaces.core.answers_io.model.RowProblem`."""

    def __init__(self, *, filename: str, message: str) -> None:
        self.filename = filename
        self.message = message
        super().__init__(f"{filename}: {message}")
