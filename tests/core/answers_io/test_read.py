"""Reading filled-in answer files: formats, encodings, delimiters and every row problem."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from saferspaces.core.answers_io import (
    AnswerFileError,
    EvidenceRef,
    answers_read,
    answers_template_csv,
    answers_template_xlsx,
)
from saferspaces.core.framework.answers import AnswerState

from .helpers import csv_fill, csv_row_of, first_edition, xlsx_fill, xlsx_row_of

FILL = {
    "CL_SCOPE_AREA": {"answer": "Ville de Lyon, 3e arrondissement"},
    "CL_SCOPE_SPACES": {"answer": "streets parks"},
    "CL_SCOPE_YEAR": {"answer": 2025},
    "CL_SCOPE_ROUND": {"status": "answered", "answer": "first_round"},
    "CL_GEO_DISAGG": {"answer": "partly", "comment": "Only for districts"},
    "QOL_P01": {
        "answer": "12,5",
        "evidence_source": "Enquête habitants",
        "evidence_year": 2024,
        "evidence_url": "https://example.org/enquete",
    },
    "QOL_S04": {"status": "not_collected"},
    "PSL_S05": {"answer": 4},
    "URB_P05": {"status": "Don't know"},
    "SOC_P01": {"status": "NOT_APPLICABLE"},
}
EXPECTED = {
    "CL_SCOPE_AREA": AnswerState("answered", "Ville de Lyon, 3e arrondissement"),
    "CL_SCOPE_SPACES": AnswerState("answered", ["streets", "parks"]),
    "CL_SCOPE_YEAR": AnswerState("answered", 2025),
    "CL_SCOPE_ROUND": AnswerState("answered", "first_round"),
    "CL_GEO_DISAGG": AnswerState("answered", "partly"),
    "QOL_P01": AnswerState("answered", 12.5),
    "QOL_S04": AnswerState("not_collected"),
    "PSL_S05": AnswerState("answered", 4),
    "URB_P05": AnswerState("dont_know"),
    "SOC_P01": AnswerState("not_applicable"),
}


def _states(result: object) -> dict[str, AnswerState]:
    return {r.code: r.state for r in result.rows}  # type: ignore[attr-defined]


def test_xlsx_filled_in_is_read_with_rows_comments_and_evidence() -> None:
    ed = first_edition()
    content = xlsx_fill(answers_template_xlsx(edition=ed, language="fr"), FILL)
    result = answers_read(filename="réponses.xlsx", content=content, edition=ed)
    assert result.problems == ()
    assert result.format == "xlsx" and result.sheet == "answers"
    assert _states(result) == EXPECTED
    rows = {r.code: r for r in result.rows}
    assert rows["CL_GEO_DISAGG"].comment == "Only for districts"
    assert rows["QOL_P01"].evidence == EvidenceRef(
        "Enquête habitants", 2024, "https://example.org/enquete"
    )
    assert rows["QOL_P01"].row == xlsx_row_of(content, "QOL_P01")
    assert rows["CL_SCOPE_AREA"].evidence is None


@pytest.mark.parametrize(
    ("delimiter", "encoding"),
    [
        (";", "cp1252"),  # Excel in a French or German locale: "CSV (séparateur : point-virgule)"
        (",", "utf-8-sig"),  # Excel's "CSV UTF-8"
        (",", "utf-8"),  # LibreOffice, scripts: no BOM
        (";", "utf-8-sig"),
        ("\t", "utf-16"),  # Excel's "Unicode text"
    ],
)
def test_csv_as_excel_writes_it_in_different_locales(delimiter: str, encoding: str) -> None:
    ed = first_edition()
    template = answers_template_csv(edition=ed, language="fr")
    content = csv_fill(template, FILL, delimiter=delimiter, encoding=encoding)
    result = answers_read(filename="answers.csv", content=content, edition=ed)
    assert result.problems == ()
    assert result.format == "csv"
    assert result.delimiter == delimiter
    assert _states(result) == EXPECTED
    assert {r.code: r.row for r in result.rows}["QOL_P01"] == csv_row_of(template, "QOL_P01")


def test_cp1252_accents_survive() -> None:
    ed = first_edition()
    fill = {"CL_SCOPE_AREA": {"answer": "Agglomération d'Évry, données été"}}
    content = csv_fill(
        answers_template_csv(edition=ed, language="fr"), fill, delimiter=";", encoding="cp1252"
    )
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")
    result = answers_read(filename="a.csv", content=content, edition=ed)
    assert result.encoding == "cp1252"
    assert _states(result)["CL_SCOPE_AREA"].value == "Agglomération d'Évry, données été"


def test_a_workbook_named_csv_and_a_csv_named_xlsx_are_read_by_content() -> None:
    ed = first_edition()
    xlsx = xlsx_fill(answers_template_xlsx(edition=ed, language="en"), FILL)
    text = csv_fill(answers_template_csv(edition=ed, language="en"), FILL)
    assert _states(answers_read(filename="a.csv", content=xlsx, edition=ed)) == EXPECTED
    assert _states(answers_read(filename="a.xlsx", content=text, edition=ed)) == EXPECTED


def test_headers_are_matched_without_case_and_blanks_and_blank_rows_are_ignored() -> None:
    text = "\ufeffCode ; Answer;STATUS\r\n\r\nQOL_P01;40;\r\n;;\r\nQOL_S04;;dont_know\r\n"
    result = answers_read(
        filename="short.csv", content=text.encode("utf-8"), edition=first_edition()
    )
    assert result.problems == ()
    assert [(r.row, r.code) for r in result.rows] == [(3, "QOL_P01"), (5, "QOL_S04")]


def test_rows_without_answer_or_status_are_skipped() -> None:
    ed = first_edition()
    result = answers_read(
        filename="empty.xlsx", content=answers_template_xlsx(edition=ed, language="en"), edition=ed
    )
    assert result.rows == () and result.problems == ()


def test_every_problem_is_listed_with_its_row_and_column() -> None:
    ed = first_edition()
    template = answers_template_xlsx(edition=ed, language="en")
    fill = {
        "QOL_P01": {"answer": 140},  # above 100 %
        "QOL_P02": {"answer": "a lot"},  # not a number
        "CL_SCOPE_ROUND": {"answer": "third_round"},  # not a choice
        "CL_SCOPE_SPACES": {"answer": "streets beaches"},  # one code unknown
        "PSL_S05": {"answer": 7},  # not a point of the scale
        "CL_SCOPE_YEAR": {"answer": 2025.5},  # not a whole year
        "QOL_S04": {"status": "maybe"},  # unknown status
        "QOL_S01": {"status": "dont_know", "answer": 12},  # status conflicts with the value
        "QOL_S02": {"status": "answered"},  # answered without a value
        "CL_GEO_DISAGG": {"answer": "yes", "evidence_year": "last year"},
        "CL_SCOPE_AREA": {"answer": "Lyon", "evidence_url": "www.lyon.fr"},
        "SOC_P02": {"comment": "we are not sure"},  # a comment but no answer or status
    }
    extra = [
        {"code": "XYZ_99", "answer": 3},  # unknown code
        {"code": "PSL_S05", "answer": 3},  # a code twice
        {"answer": 5},  # no code
        {"code": "CL_SCOPE_INTRO", "answer": "ok"},  # an explanatory item
        {"code": "NOT_A_CODE", "dimension": "my notes only"},  # says nothing: ignored
    ]
    content = xlsx_fill(template, fill, extra_rows=extra)
    result = answers_read(filename="answers.xlsx", content=content, edition=ed)
    row = {code: xlsx_row_of(content, code) for code in fill}
    base = load_workbook(io.BytesIO(template))["answers"].max_row + 1  # the first extra row
    got = {(p.row, p.column, p.code): p.message for p in result.problems}
    expected = {
        (row["QOL_P01"], "answer", "QOL_P01"): "140 is above the maximum 100",
        (row["QOL_P02"], "answer", "QOL_P02"): "'a lot' is not a number",
        (row["CL_SCOPE_ROUND"], "answer", "CL_SCOPE_ROUND"): "'third_round' is not one of",
        (row["CL_SCOPE_SPACES"], "answer", "CL_SCOPE_SPACES"): "'beaches' not among the choices",
        (row["PSL_S05"], "answer", "PSL_S05"): "7 is not a point of the scale",
        (row["PSL_S05"], "code", "PSL_S05"): "PSL_S05 is given in more than one row",
        (row["CL_SCOPE_YEAR"], "answer", "CL_SCOPE_YEAR"): "is not a whole number",
        (row["QOL_S04"], "status", "QOL_S04"): "unknown status 'maybe'",
        (row["QOL_S01"], "status", "QOL_S01"): "the status 'dont_know' conflicts with the answer",
        (row["QOL_S02"], "answer", "QOL_S02"): "an answer is needed",
        (row["CL_GEO_DISAGG"], "evidence_year", "CL_GEO_DISAGG"): "'last year' is not a year",
        (row["CL_SCOPE_AREA"], "evidence_url", "CL_SCOPE_AREA"): "'www.lyon.fr' is not a web",
        (row["SOC_P02"], "status", "SOC_P02"): "a comment or evidence is given but no answer",
        (base, "code", "XYZ_99"): "unknown question code 'XYZ_99'",
        (base + 1, "code", "PSL_S05"): "PSL_S05 is given in more than one row",
        (base + 2, "code", None): "the question code is missing",
        (base + 3, "answer", "CL_SCOPE_INTRO"): "an explanatory item takes no answer",
    }
    assert set(got) == set(expected)
    for key, text in expected.items():
        assert text in got[key], (key, got[key])
    assert result.rows == ()  # every row had a problem
    assert [p.row for p in result.problems] == sorted(p.row for p in result.problems)
    assert str(result.problems[0]).startswith(f"row {result.problems[0].row}, column ")


def test_good_rows_are_kept_next_to_rows_with_problems() -> None:
    ed = first_edition()
    fill = {"QOL_P01": {"answer": 40}, "QOL_P02": {"answer": 101}}
    content = csv_fill(answers_template_csv(edition=ed, language="en"), fill)
    result = answers_read(filename="a.csv", content=content, edition=ed)
    assert _states(result) == {"QOL_P01": AnswerState("answered", 40.0)}
    assert [(p.code, p.column) for p in result.problems] == [("QOL_P02", "answer")]
    assert not result.ok


@pytest.mark.parametrize(
    ("text", "missing"),
    [
        ("question,answer\r\nQOL_P01,3\r\n", "'code' is missing"),
        ("code;status\r\nQOL_P01;dont_know\r\n", "'answer' is missing"),
        ("name,value\r\nQOL_P01,3\r\n", "'code' and 'answer' are missing"),
    ],
)
def test_a_file_without_the_code_and_answer_columns_is_refused(text: str, missing: str) -> None:
    with pytest.raises(AnswerFileError) as info:
        answers_read(filename="mine.csv", content=text.encode(), edition=first_edition())
    assert missing in info.value.message
    assert info.value.filename == "mine.csv"


def test_a_column_twice_is_refused() -> None:
    with pytest.raises(AnswerFileError, match="'answer' appears twice"):
        answers_read(
            filename="a.csv",
            content=b"code,answer,answer\r\nQOL_P01,1,2\r\n",
            edition=first_edition(),
        )


def test_excel_sep_line_and_formula_guard_apostrophe() -> None:
    text = "sep=;\r\ncode;answer;comment\r\nCL_SCOPE_AREA;'=Lyon;'-draft\r\nQOL_P01;'-5;\r\n"
    result = answers_read(filename="a.csv", content=text.encode(), edition=first_edition())
    assert result.delimiter == ";"
    rows = {r.code: r for r in result.rows}
    assert rows["CL_SCOPE_AREA"].row == 2  # Excel hides the sep= line: the header is row 1
    assert rows["CL_SCOPE_AREA"].state == AnswerState("answered", "=Lyon")
    assert rows["CL_SCOPE_AREA"].comment == "-draft"
    (problem,) = result.problems
    assert (problem.row, problem.column) == (3, "answer")
    # the guard never quotes a number, so a quote in front of one is the person's: not a number
    assert "is not a number" in problem.message
