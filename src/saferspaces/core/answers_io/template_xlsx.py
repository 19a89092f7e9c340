"""The answers template as an Excel workbook: answers, instructions and codes sheets."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from saferspaces.core.answers_io.columns import COLUMNS, INFORMATIONAL, STATUS
from saferspaces.core.answers_io.model import EvidenceRef
from saferspaces.core.answers_io.template import instructions, template_rows
from saferspaces.core.framework.answers import ANSWER_STATUSES, STATUS_LABELS, AnswerState
from saferspaces.core.framework.model import Edition, text_get
from saferspaces.core.labels import label_get
from saferspaces.core.spreadsheets import Sheet, workbook_create

if TYPE_CHECKING:  # openpyxl is imported when a template is made, not with the answers reader
    from openpyxl.worksheet.datavalidation import DataValidation

ANSWERS_SHEET = "answers"
INSTRUCTIONS_SHEET = "instructions"
CODES_SHEET = "codes"
_WIDTHS = {
    "code": 14,
    "dimension": 28,
    "question": 60,
    "answer_type": 16,
    "allowed": 40,
    "status": 16,
    "answer": 20,
    "comment": 40,
    "evidence_source": 28,
    "evidence_year": 14,
    "evidence_url": 36,
}
_GREY = "EEEEEE"  # the fill of the informational columns
_SELECT_ONE = ("likert", "yes_partly_no", "single_choice")


def _set(sheet: Sheet, row: int, col: int, value: Any) -> Any:
    return sheet.cell(row=row, column=col, value=value)  # text stays text, never a formula


def answers_template_xlsx(
    *,
    edition: Edition,
    language: str,
    states: Mapping[str, AnswerState] | None = None,
    comments: Mapping[str, str] | None = None,
    evidence: Mapping[str, EvidenceRef] | None = None,
) -> bytes:
    """The answers template as .xlsx: a sheet of answer rows with a frozen header and drop-down
    lists (status; the answer of single-choice questions), an instructions sheet, and a sheet
    of the allowed codes of every choice question."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    rows = template_rows(
        edition=edition, language=language, states=states, comments=comments, evidence=evidence
    )
    wb = workbook_create()
    sheet = wb.sheet(title=ANSWERS_SHEET)
    codes = wb.sheet(title=CODES_SHEET)
    notes = wb.sheet(title=INSTRUCTIONS_SHEET)
    ws = sheet.layout

    bold = Font(bold=True)
    for j, name in enumerate(COLUMNS, start=1):
        _set(sheet, 1, j, name).font = bold
        ws.column_dimensions[get_column_letter(j)].width = _WIDTHS.get(name, 16)
    ws.freeze_panes = "B2"
    wrap = Alignment(wrap_text=True, vertical="top")
    grey_cols = {COLUMNS.index(c) + 1 for c in INFORMATIONAL}
    grey = PatternFill("solid", fgColor=_GREY)

    codes.append(["code", "answer_type", "choice", "label"])
    for j in range(1, 5):
        codes.layout.cell(row=1, column=j).font = bold
    codes.layout.column_dimensions["A"].width = 16
    codes.layout.column_dimensions["C"].width = 18
    codes.layout.column_dimensions["D"].width = 60
    codes.layout.freeze_panes = "A2"

    answer_col = get_column_letter(COLUMNS.index("answer") + 1)
    lists: dict[str, DataValidation] = {}
    for i, (q, values) in enumerate(rows, start=2):
        for j, value in enumerate(values, start=1):
            cell = _set(sheet, i, j, value)
            if j in grey_cols:
                cell.fill = grey
                cell.alignment = wrap
        options = q.answer.choice_options()
        if not options:
            continue
        first = codes.max_row + 1
        for c in options:
            code: Any = int(c.code) if q.answer.type == "likert" else c.code
            codes.append([q.code, q.answer.type, code, text_get(c.label, language)])
        if q.answer.type in _SELECT_ONE:
            formula = f"{CODES_SHEET}!$C${first}:$C${codes.max_row}"
            dv = lists.get(formula)
            if dv is None:
                dv = DataValidation(type="list", formula1=formula, allow_blank=True)
                dv.error = label_get("answers_template.choose_code", language)
                dv.errorTitle = q.code
                lists[formula] = dv
                ws.add_data_validation(dv)
            dv.add(f"{answer_col}{i}")

    last = max(len(rows) + 1, 2)
    status_col = get_column_letter(COLUMNS.index(STATUS) + 1)
    dv = DataValidation(
        type="list", formula1='"' + ",".join(ANSWER_STATUSES) + '"', allow_blank=True
    )
    dv.promptTitle = "status"
    dv.prompt = "; ".join(f"{s} = {text_get(STATUS_LABELS[s], language)}" for s in ANSWER_STATUSES)[
        :255
    ]
    dv.showInputMessage = True
    ws.add_data_validation(dv)
    dv.add(f"{status_col}2:{status_col}{last}")

    notes.layout.column_dimensions["A"].width = 110
    lines = instructions(language=language)
    for k, line in enumerate(lines, start=1):
        cell = notes.cell(row=k, column=1, value=line)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if k == 1:
            cell.font = Font(bold=True, size=14)
    notes.cell(
        row=len(lines) + 2, column=1, value=f"{edition.id}: {text_get(edition.title, language)}"
    )

    buf = io.BytesIO()
    wb.save(out=buf)
    return buf.getvalue()
