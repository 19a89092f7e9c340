"""Read a filled-in answers template (CSV or Excel): ``answers_read``."""

from __future__ import annotations

from collections.abc import Sequence

from saferspaces.core.answers_io.cells import RowCells, answer_row_build, blank, text_of
from saferspaces.core.answers_io.columns import (
    ANSWER,
    CODE,
    COLUMNS,
    REQUIRED,
    ROLES,
    header_norm,
)
from saferspaces.core.answers_io.errors import AnswerFileError
from saferspaces.core.answers_io.model import AnswerFile, AnswerRow, RowProblem
from saferspaces.core.answers_io.tables import DEFAULT_MAX_BYTES, Table, table_read
from saferspaces.core.framework.answerkey import (
    AnswerKeyError,
    answer_key_check,
    answer_key_parse,
    edition_item_places,
)
from saferspaces.core.framework.answers import Question
from saferspaces.core.framework.model import Edition


def _has_columns(header: Sequence[str]) -> bool:
    names = {header_norm(h) for h in header}
    return all(c in names for c in REQUIRED)


def _column_index(table: Table, filename: str) -> dict[str, int]:
    index: dict[str, int] = {}
    for j, name in enumerate(table.header):
        key = header_norm(name)
        if not key:
            continue
        if key in index and key in COLUMNS:
            raise AnswerFileError(
                filename=filename,
                message=f"the column {key!r} appears twice in the first row; keep one",
            )
        index.setdefault(key, j)
    missing = [c for c in REQUIRED if c not in index]
    if missing:
        found = ", ".join(h for h in table.header if h) or "nothing"
        raise AnswerFileError(
            filename=filename,
            message=(
                f"the first row must name the columns of the answers template; "
                f"{' and '.join(repr(c) for c in missing)} "
                f"{'is' if len(missing) == 1 else 'are'} missing (found: {found[:200]}). "
                "Download the template and keep its first row."
            ),
        )
    return index


def answers_read(
    *, filename: str, content: bytes, edition: Edition, max_bytes: int = DEFAULT_MAX_BYTES
) -> AnswerFile:
    """Read an answers file (the template of ``edition`` filled in) without writing anything.

    The format is detected from the bytes. A file that cannot be read at all raises
    :class:`AnswerFileError`; every problem of a row is listed with its spreadsheet row (header
    = row 1) and column, and such rows are left out of ``rows``. Blank rows are ignored.
    """
    table = table_read(filename=filename, content=content, max_bytes=max_bytes, wanted=_has_columns)
    index = _column_index(table, filename)
    questions = edition.questions()
    folded = {code.casefold(): q for code, q in questions.items()}
    places = edition_item_places(edition=edition)

    def cell(values: Sequence[object], column: str) -> object:
        j = index.get(column)
        return values[j] if j is not None and j < len(values) else None

    problems: list[RowProblem] = []
    accepted: list[AnswerRow] = []
    seen: dict[str, list[int]] = {}
    for row, values in table.rows:
        if all(blank(v) for v in values):
            continue
        payload = {role: cell(values, column) for column, role in ROLES.items()}
        says_something = any(not blank(v) for v in payload.values())
        code = text_of(cell(values, CODE))
        if not code:
            if says_something:
                problems.append(RowProblem(row, CODE, None, "the question code is missing"))
            continue
        question: Question | None = questions.get(code) or folded.get(code.casefold())
        key_problem = ""
        if question is None and "[" in code:
            # an item inside repeat groups, under its answer key (MEASURES[2]/MEASURE_LEVEL)
            try:
                place = answer_key_check(key=answer_key_parse(text=code), places=places)
            except AnswerKeyError as error:
                key_problem = error.message
            else:
                if place is not None:
                    question = place.item
        if question is None and key_problem:
            problems.append(RowProblem(row, CODE, code[:120], key_problem))
            continue
        if question is None:
            if says_something:
                problems.append(
                    RowProblem(
                        row,
                        CODE,
                        code,
                        f"unknown question code {code!r}: it is not a question of edition "
                        f"{edition.id}",
                    )
                )
            continue
        code = question.code if "[" not in code else code
        if question.answer.type == "not_scored":
            if not blank(payload["status"]) or not blank(payload["value"]):
                problems.append(
                    RowProblem(row, ANSWER, code, "an explanatory item takes no answer")
                )
            continue
        if not says_something:
            continue
        seen.setdefault(code, []).append(row)
        cells = RowCells(row=row, code=code, columns={v: k for k, v in ROLES.items()}, **payload)
        answer, row_problems = answer_row_build(cells=cells, question=question)
        problems.extend(row_problems)
        if answer is not None:
            accepted.append(answer)

    twice = {code: rows for code, rows in seen.items() if len(rows) > 1}
    for code, rows in twice.items():
        listed = ", ".join(map(str, rows))
        for row in rows:
            problems.append(
                RowProblem(
                    row, CODE, code, f"{code} is given in more than one row ({listed}): keep one"
                )
            )
    rejected = {p.row for p in problems}
    order = {c: k for k, c in enumerate(COLUMNS)}
    problems.sort(key=lambda p: (p.row, order.get(p.column, len(order))))
    return AnswerFile(
        filename=filename,
        format=table.format,
        rows=tuple(a for a in accepted if a.row not in rejected),
        problems=tuple(problems),
        sheet=table.sheet,
        encoding=table.encoding,
        delimiter=table.delimiter,
    )


__all__ = ["answers_read"]
