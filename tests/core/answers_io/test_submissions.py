"""KoboToolbox and ODK Central submission exports of the first edition's XLSForm."""

from __future__ import annotations

from typing import Any

import pytest

from saferspaces.core.answers_io import AnswerFileError, xlsform_submissions_read
from saferspaces.core.framework.answers import AnswerState

from .helpers import first_edition, kobo_table, odk_central_table, table_csv, table_xlsx

FIRST: dict[str, Any] = {
    "CL_SCOPE_AREA__status": "answered",
    "CL_SCOPE_AREA": "Lyon Métropole",
    "CL_SCOPE_SPACES__status": "answered",
    "CL_SCOPE_SPACES": "streets parks",
    "CL_SCOPE_YEAR__status": "answered",
    "CL_SCOPE_YEAR": "2025",
    "QOL_P01__status": "answered",
    "QOL_P01": "62.5",
    "QOL_S04__status": "not_collected",
    "PSL_S05__status": "answered",
    "PSL_S05": "4",
    "URB_P05__status": "dont_know",
}
FIRST_STATES = {
    "CL_SCOPE_AREA": AnswerState("answered", "Lyon Métropole"),
    "CL_SCOPE_SPACES": AnswerState("answered", ["streets", "parks"]),
    "CL_SCOPE_YEAR": AnswerState("answered", 2025),
    "QOL_P01": AnswerState("answered", 62.5),
    "QOL_S04": AnswerState("not_collected"),
    "PSL_S05": AnswerState("answered", 4),
    "URB_P05": AnswerState("dont_know"),
}
SECOND: dict[str, Any] = {
    "QOL_P01__status": "answered",
    "QOL_P01": "140",  # out of range
    "QOL_P02__status": "not_applicable",
    "CL_SCOPE_ROUND": "first_round",  # a value without its status (an older form): answered
}


def _states(submission: Any) -> dict[str, AnswerState]:
    return {r.code: r.state for r in submission.rows}


def _kobo(**extra: Any) -> list[dict[str, Any]]:
    return [
        {
            **FIRST,
            "start": "2026-03-02T09:00:00.000+01:00",
            "end": "2026-03-02T09:40:00.000+01:00",
            "_id": 401,
            "_uuid": "0b1e2c3d-1111-4a4a-9b9b-000000000001",
            "_submission_time": "2026-03-02T08:41:07",
            "_status": "submitted_via_web",
            "__version__": "vKq3",
            **extra,
        },
        {
            **SECOND,
            "_id": 402,
            "_uuid": "0b1e2c3d-1111-4a4a-9b9b-000000000002",
            "_submission_time": "2026-03-03T10:00:00",
        },
    ]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_kobotoolbox_export_with_group_paths(fmt: str) -> None:
    ed = first_edition()
    table = kobo_table(ed, _kobo())
    assert "checklist/CL_SCOPE_SPACES/streets" in table[0]  # "single and separate columns"
    assert "QOL/QOL_P01__status" in table[0]
    if fmt == "csv":
        content = table_csv(table, delimiter=";")  # KoboToolbox writes ';' by default
    else:
        content = table_xlsx(table, sheet="Safer Spaces self-assessment", more_sheets=["r1"])
    result = xlsform_submissions_read(filename=f"kobo.{fmt}", content=content, edition=ed)
    assert result.format == fmt
    first, second = result.submissions
    assert first.identifier == "0b1e2c3d-1111-4a4a-9b9b-000000000001"
    assert first.submitted == "2026-03-02T08:41:07"
    assert first.row == 2 and second.row == 3
    assert first.problems == ()
    assert _states(first) == FIRST_STATES
    row = {r.code: r for r in first.rows}
    assert row["QOL_P01"].column == "QOL/QOL_P01"
    assert row["QOL_P01"].row == 2
    assert {"start", "end", "_id", "_uuid", "_index", "checklist/CL_SCOPE_SPACES/streets"} <= set(
        result.ignored_columns
    )
    assert _states(second) == {
        "QOL_P02": AnswerState("not_applicable"),
        "CL_SCOPE_ROUND": AnswerState("answered", "first_round"),
    }
    (problem,) = second.problems
    assert (problem.row, problem.column, problem.code) == (3, "QOL/QOL_P01", "QOL_P01")
    assert "140 is above the maximum 100" in problem.message


def test_kobotoolbox_export_without_groups_in_headers() -> None:
    ed = first_edition()
    content = table_csv(kobo_table(ed, _kobo(), groups=False), delimiter=";")
    result = xlsform_submissions_read(filename="kobo.csv", content=content, edition=ed)
    assert _states(result.submissions[0]) == FIRST_STATES
    assert {r.column for r in result.submissions[0].rows} >= {"QOL_P01", "CL_SCOPE_AREA"}


def test_odk_central_export_with_dash_paths() -> None:
    ed = first_edition()
    subs = [
        {
            **FIRST,
            "SubmissionDate": "2026-03-02T08:41:07.123Z",
            "instanceID": "uuid:5e1c0a3e-7f34-4d5e-8f00-0000000000aa",
            "SubmitterID": "5",
            "SubmitterName": "Alice",
            "ReviewState": "approved",
        },
        {
            **SECOND,
            "SubmissionDate": "2026-03-03T10:00:00.000Z",
            "instanceID": "uuid:5e1c0a3e-7f34-4d5e-8f00-0000000000bb",
        },
    ]
    table = odk_central_table(ed, subs)
    assert table[0][:3] == [
        "SubmissionDate",
        "checklist-CL_SCOPE_INTRO",  # the explanatory item is a text field of the form
        "checklist-CL_SCOPE_AREA__status",
    ]
    assert [h for h in table[0] if h.endswith("-PSL_S05")] == ["PSL-PSL_CARE-PSL_S05"]
    content = table_csv(table)
    result = xlsform_submissions_read(filename="ssf-2026.1.csv", content=content, edition=ed)
    first, second = result.submissions
    assert first.identifier == "uuid:5e1c0a3e-7f34-4d5e-8f00-0000000000aa"
    assert first.submitted == "2026-03-02T08:41:07.123Z"
    assert _states(first) == FIRST_STATES
    assert {r.code: r.column for r in first.rows}["QOL_P01"] == "QOL-QOL_P01"
    assert second.identifier.endswith("bb")
    assert [(p.column, p.code) for p in second.problems] == [("QOL-QOL_P01", "QOL_P01")]
    assert {"KEY", "SubmitterName", "ReviewState", "meta-instanceID"} <= set(result.ignored_columns)


def test_status_problems_in_a_submission() -> None:
    ed = first_edition()
    sub = {
        "QOL_P01__status": "dont_know",
        "QOL_P01": "20",  # edited outside the form: conflicts
        "QOL_P02__status": "sometimes",
        "QOL_S01__status": "answered",  # no value
    }
    result = xlsform_submissions_read(
        filename="k.csv", content=table_csv(kobo_table(ed, [sub]), delimiter=";"), edition=ed
    )
    (submission,) = result.submissions
    assert submission.identifier == "1"  # no uuid: the _index
    got = {(p.column, p.code) for p in submission.problems}
    assert got == {
        ("QOL/QOL_P01__status", "QOL_P01"),
        ("QOL/QOL_P02__status", "QOL_P02"),
        ("QOL/QOL_S01", "QOL_S01"),
    }
    assert submission.rows == ()


def test_plain_names_and_label_statuses() -> None:
    """A hand-made export: plain field names, status labels instead of codes."""
    text = "QOL_P01__status,QOL_P01,QOL_S04__status\r\nAnswer,55,Données non recueillies\r\n"
    result = xlsform_submissions_read(
        filename="mine.csv", content=text.encode(), edition=first_edition()
    )
    (submission,) = result.submissions
    assert submission.identifier == "row 2" and submission.submitted is None
    assert _states(submission) == {
        "QOL_P01": AnswerState("answered", 55.0),
        "QOL_S04": AnswerState("not_collected"),
    }


def test_an_export_with_labels_as_headers_is_refused() -> None:
    ed = first_edition()
    text = "Which territory does this self-assessment cover?;_id\r\nLyon;1\r\n"
    with pytest.raises(AnswerFileError, match="XML values and headers"):
        xlsform_submissions_read(filename="labels.csv", content=text.encode(), edition=ed)


def test_an_export_without_submissions_is_refused() -> None:
    ed = first_edition()
    content = table_csv(kobo_table(ed, []), delimiter=";")
    with pytest.raises(AnswerFileError, match="no submission"):
        xlsform_submissions_read(filename="k.csv", content=content, edition=ed)


def test_kobotoolbox_xlsx_with_numbers_stored_as_numbers() -> None:
    """KoboToolbox's XLS export keeps number and decimal answers as numbers by default."""
    ed = first_edition()
    sub = {**FIRST, "QOL_P01": 62.5, "CL_SCOPE_YEAR": 2025, "PSL_S05": 4, "_uuid": "u-1"}
    content = table_xlsx(kobo_table(ed, [sub]), sheet="ssf")
    (submission,) = xlsform_submissions_read(
        filename="kobo.xlsx", content=content, edition=ed
    ).submissions
    assert submission.problems == ()
    assert _states(submission) == FIRST_STATES
    assert submission.identifier == "u-1"
