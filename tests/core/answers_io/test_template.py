"""The answers template generated from the first edition (CSV and Excel)."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from saferspaces.core.answers_io import (
    EvidenceRef,
    answers_template_csv,
    answers_template_xlsx,
)
from saferspaces.core.framework.answers import AnswerState

from .helpers import ANSWER_COLUMNS, first_edition


def _answerable() -> list[str]:
    ed = first_edition()
    codes = [c.code for c in ed.checklist if c.answer.type != "not_scored"]
    codes += [i.code for _, i in ed.indicators() if i.answer.type != "not_scored"]
    return codes


def test_csv_has_a_bom_the_columns_and_one_row_per_question_in_edition_order() -> None:
    content = answers_template_csv(edition=first_edition(), language="fr")
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert tuple(rows[0]) == ANSWER_COLUMNS
    assert [r[0] for r in rows[1:]] == _answerable()
    assert "CL_SCOPE_INTRO" not in {r[0] for r in rows}  # an explanatory item
    by_code = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    area = by_code["CL_SCOPE_AREA"]
    assert area["question"].startswith("Quel territoire")
    assert area["answer_type"] == "text"
    assert area["status"] == area["answer"] == ""
    assert "streets = Rues et zones piétonnes" in by_code["CL_SCOPE_SPACES"]["allowed"]
    assert "2000" in by_code["CL_SCOPE_YEAR"]["allowed"]
    assert "2100" in by_code["CL_SCOPE_YEAR"]["allowed"]
    assert by_code["QOL_P01"]["dimension"].startswith("QOL ")


def test_csv_prefilled_from_states_comments_and_evidence() -> None:
    states = {
        "QOL_P01": AnswerState("answered", 62.5),
        "CL_SCOPE_SPACES": AnswerState("answered", ["streets", "parks"]),
        "CL_SCOPE_YEAR": AnswerState("answered", 2025),
        "QOL_S04": AnswerState("not_collected"),
    }
    content = answers_template_csv(
        edition=first_edition(),
        language="en",
        states=states,
        comments={"QOL_P01": "=from the 2025 survey"},
        evidence={"QOL_P01": EvidenceRef("City survey", 2025, "https://example.org/s")},
        delimiter=";",
    )
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    by_code = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert by_code["QOL_P01"]["status"] == "answered"
    assert by_code["QOL_P01"]["answer"] == "62.5"
    assert by_code["QOL_P01"]["comment"] == "'=from the 2025 survey"  # never a formula
    assert by_code["QOL_P01"]["evidence_year"] == "2025"
    assert by_code["CL_SCOPE_SPACES"]["answer"] == "streets parks"
    assert by_code["CL_SCOPE_YEAR"]["answer"] == "2025"
    assert by_code["QOL_S04"]["status"] == "not_collected"
    assert by_code["QOL_S04"]["answer"] == ""


def test_xlsx_has_answers_instructions_and_codes_sheets() -> None:
    content = answers_template_xlsx(edition=first_edition(), language="en")
    wb = load_workbook(io.BytesIO(content))
    assert wb.sheetnames == ["answers", "codes", "instructions"]
    ws = wb["answers"]
    assert tuple(c.value for c in ws[1]) == ANSWER_COLUMNS
    assert ws.freeze_panes == "B2"
    codes = [ws.cell(row=r, column=1).value for r in range(2, ws.max_row + 1)]
    assert codes == _answerable()
    assert "answers file" in str(wb["instructions"]["A1"].value)
    listed = list(wb["codes"].iter_rows(min_row=2, values_only=True))
    assert ("CL_SCOPE_ROUND", "single_choice", "first_round", "First round") in listed
    assert ("PSL_S05", "likert", 1, listed[[r[0] for r in listed].index("PSL_S05")][3]) in listed


def test_xlsx_has_drop_down_lists_for_status_and_single_choices() -> None:
    content = answers_template_xlsx(edition=first_edition(), language="en")
    wb = load_workbook(io.BytesIO(content))
    ws = wb["answers"]
    n = ws.max_row
    validations = ws.data_validations.dataValidation
    status = [v for v in validations if "answered" in (v.formula1 or "")]
    assert len(status) == 1
    assert status[0].formula1 == '"answered,dont_know,not_applicable,not_collected"'
    assert str(status[0].sqref) == f"F2:F{n}"
    row = {ws.cell(row=r, column=1).value: r for r in range(2, n + 1)}
    codes_ws = wb["codes"]

    def validated_codes(code: str) -> list[object] | None:
        for v in validations:
            if f"G{row[code]}" in str(v.sqref).split():
                assert v.type == "list"
                ref = v.formula1.split("!")[1].replace("$", "")
                first, last = ref.split(":")
                return [codes_ws[f"C{r}"].value for r in range(int(first[1:]), int(last[1:]) + 1)]
        return None

    assert validated_codes("CL_SCOPE_ROUND") == ["first_round", "repeat_round"]
    assert validated_codes("CL_GEO_DISAGG") == ["yes", "partly", "no"]
    assert validated_codes("PSL_S05") == [1, 2, 3, 4, 5]
    assert validated_codes("CL_SCOPE_SPACES") is None  # several codes: no single-value list
    assert validated_codes("QOL_P01") is None


def test_xlsx_prefilled_keeps_numbers_as_numbers_and_text_as_text() -> None:
    states = {
        "QOL_P01": AnswerState("answered", 62.5),
        "PSL_S05": AnswerState("answered", 4),
        "CL_SCOPE_AREA": AnswerState("answered", "=SUM(A1)"),
        "QOL_S04": AnswerState("dont_know"),
    }
    content = answers_template_xlsx(edition=first_edition(), language="fr", states=states)
    ws = load_workbook(io.BytesIO(content))["answers"]
    values = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert values["QOL_P01"][5:7] == ("answered", 62.5)
    assert values["PSL_S05"][6] == 4
    assert values["CL_SCOPE_AREA"][6] == "=SUM(A1)"
    cell = next(c for c in ws["G"] if c.value == "=SUM(A1)")
    assert cell.data_type == "s"  # text, not a formula
    assert values["QOL_S04"][5:7] == ("dont_know", None)
