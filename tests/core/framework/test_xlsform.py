"""XLSForm export (accepted by pyxform) and import (round trip gives the same edition)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from pyxform import xls2xform

from saferspaces.core.framework import Edition, FrameworkValidationError, edition_load
from saferspaces.core.framework.loader import edition_from_data
from saferspaces.core.framework.synthetic import edition_synthetic_data
from saferspaces.core.framework.xlsform_export import xlsform_export
from saferspaces.core.framework.xlsform_import import xlsform_import

MINI = Path(__file__).parent / "fixtures" / "mini.yaml"
REPO = Path(__file__).resolve().parents[3]
FIRST_EDITION = REPO / "src" / "saferspaces" / "frameworks" / "editions" / "ssf-2026.1.yaml"


def _export(edition: Edition, tmp_path: Path) -> Path:
    out = tmp_path / f"{edition.id}.xlsx"
    with out.open("wb") as fh:
        xlsform_export(edition=edition, out=fh)
    return out


def _pyxform(path: Path) -> str:
    warnings: list[str] = []
    result = xls2xform.convert(xlsform=str(path), warnings=warnings)
    assert warnings == []
    return result.xform


def test_export_has_the_xlsform_sheets_and_language_columns(tmp_path: Path) -> None:
    path = _export(edition_load(path=MINI), tmp_path)
    wb = load_workbook(path, read_only=True)
    assert {"survey", "choices", "settings"} <= set(wb.sheetnames)
    header = next(wb["survey"].iter_rows(values_only=True))
    for col in (
        "type",
        "name",
        "label::English (en)",
        "label::Français (fr)",
        "hint::Français (fr)",
        "relevant",
        "constraint",
        "ss_kind",
        "ss_direction",
        "ss_weight",
        "ss_scoring",
    ):
        assert col in header
    settings = list(wb["settings"].iter_rows(values_only=True))
    assert settings[1][1] == "test-2026.1"


def test_pyxform_converts_the_export(tmp_path: Path) -> None:
    xform = _pyxform(_export(edition_load(path=MINI), tmp_path))
    assert 'lang="Français (fr)"' in xform
    assert "Je me sens en sécurité la nuit dans mon quartier." in xform
    assert "relevant=\" /data/checklist/CL_SURVEY_RUNS  = 'yes'\"" in xform
    assert 'constraint=". &gt;= 0 and . &lt;= 100"' in xform  # a percentage
    assert "select1" in xform and "select " in xform.replace("<select ", "select ")


def test_round_trip_gives_the_same_edition(tmp_path: Path) -> None:
    edition = edition_load(path=MINI)
    again = xlsform_import(path=_export(edition, tmp_path))
    assert again == edition


def test_round_trip_of_a_large_synthetic_edition() -> None:
    edition = edition_from_data(data=edition_synthetic_data(questions=300, seed=7))
    buf = io.BytesIO()
    xlsform_export(edition=edition, out=buf)
    buf.seek(0)
    assert xlsform_import(stream=buf) == edition


def test_first_edition_exports_converts_and_reimports(tmp_path: Path) -> None:
    if not FIRST_EDITION.exists():
        pytest.skip("the first edition is not written yet")
    try:
        edition = edition_load(path=FIRST_EDITION)
    except FrameworkValidationError as exc:  # being authored in parallel
        pytest.skip(f"the first edition does not validate yet: {exc.problems[0]}")
    path = _export(edition, tmp_path)
    _pyxform(path)
    assert xlsform_import(path=path) == edition


def test_import_reports_problems_with_sheet_and_row(tmp_path: Path) -> None:
    path = _export(edition_load(path=MINI), tmp_path)
    wb = load_workbook(path)
    ws = wb["survey"]
    header = [c.value for c in ws[1]]
    kind_col = header.index("ss_kind") + 1
    # find SAF_S01 and break its kind
    for row in ws.iter_rows(min_row=2):
        if row[1].value == "SAF_S01":
            row[kind_col - 1].value = "opinion"
            target_row = row[0].row
    wb.save(path)
    with pytest.raises(FrameworkValidationError) as info:
        xlsform_import(path=path)
    (problem,) = info.value.problems
    assert problem.line == target_row
    assert "[survey]" in problem.file
    assert "'opinion' is not one of" in problem.message


def test_import_of_a_foreign_form_reports_missing_pieces(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "survey"
    ws.append(["type", "name", "label"])
    ws.append(["geopoint", "where", "Where?"])
    path = tmp_path / "foreign.xlsx"
    wb.save(path)
    with pytest.raises(FrameworkValidationError) as info:
        xlsform_import(path=path)
    assert "no 'saferspaces' sheet" in str(info.value)


def test_import_of_a_non_workbook(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    path.write_text("not a workbook")
    with pytest.raises(FrameworkValidationError) as info:
        xlsform_import(path=path)
    assert "cannot read the workbook" in info.value.problems[0].message


def _survey_rows(path: Path) -> list[dict[str, object]]:
    wb = load_workbook(path, read_only=True)
    rows = list(wb["survey"].iter_rows(values_only=True))
    header = [str(h) for h in rows[0]]
    return [dict(zip(header, r, strict=False)) for r in rows[1:]]


def test_every_answerable_question_has_a_status_field_before_it(tmp_path: Path) -> None:
    edition = edition_load(path=MINI)
    path = _export(edition, tmp_path)
    rows = _survey_rows(path)
    names = [r["name"] for r in rows]
    for code, question in edition.questions().items():
        if question.answer.type == "not_scored":
            assert f"{code}__status" not in names
            continue
        i = names.index(code)
        status = rows[i - 1]
        assert status["name"] == f"{code}__status"
        assert status["type"] == "select_one ss_status"
        value_relevant = str(rows[i]["relevant"])
        assert value_relevant.startswith(f"${{{code}__status}} = 'answered'")
        if question.relevant is not None:
            assert status["relevant"] and str(status["relevant"]) in value_relevant
        else:
            assert status["relevant"] is None
    wb = load_workbook(path, read_only=True)
    statuses = [r for r in wb["choices"].iter_rows(values_only=True) if r[0] == "ss_status"]
    assert [r[1] for r in statuses] == ["answered", "dont_know", "not_applicable", "not_collected"]
    assert all(r[2] and r[3] for r in statuses)  # English and French labels


def test_pyxform_converts_the_status_fields(tmp_path: Path) -> None:
    xform = _pyxform(_export(edition_load(path=MINI), tmp_path))
    assert "SAF_S01__status" in xform
    assert "Ne sait pas" in xform and "Données non recueillies" in xform
    # the value field: its status is 'answered' and its own skip logic holds
    assert (
        "relevant=\" /data/SAF/SAF_P01__status  = 'answered' and "
        "( /data/checklist/CL_SURVEY_RUNS  = 'yes')\"" in xform
    )


def test_import_ignores_the_status_fields_without_skip_logic_columns(tmp_path: Path) -> None:
    """A value field whose only condition is its status needs no ss_relevant column."""
    edition = edition_load(path=MINI)
    path = _export(edition, tmp_path)
    again = xlsform_import(path=path)
    assert set(again.questions()) == set(edition.questions())
    assert not any(code.endswith("__status") for code in again.questions())


# KoboToolbox and ODK forms carry metadata rows (type start, end, today, ...): not questions
METADATA_TYPES = (
    "start",
    "end",
    "today",
    "deviceid",
    "subscriberid",
    "simserial",
    "phonenumber",
    "username",
    "email",
    "audit",
    "start-geopoint",
)


def _with_metadata_and_spaced_groups(path: Path) -> None:
    """Kobo's standard metadata rows at the top and inside a group, and the spaced group syntax
    (``begin group`` / ``end group``) that XLSForm allows besides ``begin_group``."""
    wb = load_workbook(path)
    ws = wb["survey"]
    header = [c.value for c in ws[1]]
    type_col, name_col = header.index("type") + 1, header.index("name") + 1
    for row in range(2, ws.max_row + 1):
        cell = ws.cell(row=row, column=type_col)
        if cell.value in ("begin_group", "end_group"):
            cell.value = cell.value.replace("_", " ")
    ws.insert_rows(2, amount=len(METADATA_TYPES))
    for i, kind in enumerate(METADATA_TYPES, start=2):
        ws.cell(row=i, column=type_col, value=kind)
        ws.cell(row=i, column=name_col, value=kind.replace("-", "_"))
    inside = next(
        r
        for r in range(2, ws.max_row + 1)
        if ws.cell(row=r, column=type_col).value == "begin group"
    )
    ws.insert_rows(inside + 1)
    ws.cell(row=inside + 1, column=type_col, value="end")
    ws.cell(row=inside + 1, column=name_col, value="end_inside")
    wb.save(path)


def test_kobo_metadata_rows_and_spaced_groups_are_accepted(tmp_path: Path) -> None:
    edition = edition_load(path=MINI)
    path = _export(edition, tmp_path)
    _with_metadata_and_spaced_groups(path)
    warnings: list[str] = []  # pyxform accepts the form: these are metadata, not questions
    xform = xls2xform.convert(xlsform=str(path), warnings=warnings).xform
    assert len(warnings) == 2  # subscriberid and simserial: "no longer supported on most devices"
    assert all("no longer supported" in w for w in warnings), warnings
    assert 'jr:preload="timestamp"' in xform and 'jr:preloadParams="end"' in xform
    assert xlsform_import(path=path) == edition


def test_a_workbook_is_recognised_by_its_content_not_its_name(tmp_path: Path) -> None:
    edition = edition_load(path=MINI)
    bare = tmp_path / "framework-form"  # no extension, as saved by some download managers
    _export(edition, tmp_path).rename(bare)
    assert xlsform_import(path=bare) == edition
    odd = tmp_path / "form.data"
    odd.write_bytes(bare.read_bytes())
    assert xlsform_import(path=odd) == edition
    with bare.open("rb") as fh:
        assert xlsform_import(stream=fh, file="upload") == edition


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"%PDF-1.7\n...", "a PDF document"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "Excel 97-2003 (.xls)"),
        (b"type,name,label\ntext,q1,Q1\n", "a text file"),
        (
            b"PK\x03\x04" + b"\0" * 26 + b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet",
            "an OpenDocument spreadsheet (.ods)",
        ),
        (b"", "the file is empty"),
    ],
)
def test_a_file_that_is_not_a_workbook_is_named_for_what_it_is(
    tmp_path: Path, content: bytes, says: str
) -> None:
    path = tmp_path / "form"
    path.write_bytes(content)
    with pytest.raises(FrameworkValidationError) as info:
        xlsform_import(path=path)
    (problem,) = info.value.problems
    assert problem.file == str(path)
    assert problem.message.startswith("cannot read the workbook: ")
    assert says in problem.message
    assert "save it as an Excel workbook (.xlsx)" in problem.message or says == "the file is empty"
