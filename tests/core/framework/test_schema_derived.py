"""What is derived from the one schema declaration: the JSON Schema for editors, the tables of
docs/framework.md, the XLSForm columns; and the examples of the docs, which must load."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from pyxform import xls2xform

from saferspaces.core.framework import FrameworkValidationError, edition_load
from saferspaces.core.framework.cli import framework_cli
from saferspaces.core.framework.doctables import (
    docs_tables,
    docs_tables_apply,
    docs_tables_missing,
)
from saferspaces.core.framework.instrument import RESULT_MODELS
from saferspaces.core.framework.json_schema import edition_json_schema
from saferspaces.core.framework.schema import OBJECTS
from saferspaces.core.framework.xlsform_common import CUSTOM_COLUMNS
from saferspaces.core.framework.xlsform_export import xlsform_export
from saferspaces.core.framework.xlsform_import import xlsform_import
from saferspaces.core.framework.yamlsource import yaml_read

HERE = Path(__file__).parent
REPO = HERE.parents[2]
DOC = REPO / "docs" / "framework.md"
FIRST_EDITION = REPO / "src" / "saferspaces" / "frameworks" / "editions" / "ssf-2026.1.yaml"
FILES = [
    FIRST_EDITION,
    HERE / "fixtures" / "mini.yaml",
    HERE / "fixtures" / "base.yaml",
    HERE / "fixtures" / "pyramid.yaml",
    HERE / "fixtures" / "vulnerability.yaml",
]


def _examples() -> dict[str, str]:
    text = DOC.read_text(encoding="utf-8")
    return dict(re.findall(r"<!-- example: (\w+) -->\n```yaml\n(.*?)```", text, re.S))


def _plain(value: Any) -> Any:
    """YAML data as JSON would carry it (dates are text)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = edition_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)  # a valid draft 2020-12 schema
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


# -- JSON Schema ------------------------------------------------------------------------------
@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_every_valid_edition_passes_the_json_schema(
    path: Path, validator: jsonschema.Draft202012Validator
) -> None:
    data = _plain(yaml_read(text=path.read_text(encoding="utf-8"), file=str(path)).data)
    assert [e.message for e in validator.iter_errors(data)] == []


def test_every_doc_example_passes_the_json_schema(
    validator: jsonschema.Draft202012Validator,
) -> None:
    for name, text in _examples().items():
        data = _plain(yaml_read(text=text, file=name).data)
        assert [e.message for e in validator.iter_errors(data)] == [], name


@pytest.mark.parametrize(
    ("broken", "where", "says"),
    [
        ("unknown_key", ["dimensions", 0, "indicators", 0], "'colour' was unexpected"),
        ("wrong_enum", ["dimensions", 0, "indicators", 0, "direction"], "'up' is not one of"),
        ("wrong_type", ["dimensions", 0, "indicators", 0, "weight"], "is not of type 'number'"),
        ("missing_required", ["dimensions", 0, "indicators", 1], "'question' is a required"),
        ("v2_missing_instrument", [], "'instrument' is a required property"),
    ],
)
def test_the_json_schema_catches_structural_mistakes(
    broken: str, where: list[Any], says: str, validator: jsonschema.Draft202012Validator
) -> None:
    path = HERE / "broken" / f"{broken}.yaml"
    data = _plain(yaml_read(text=path.read_text(encoding="utf-8"), file=str(path)).data)
    errors = list(validator.iter_errors(data))
    assert any(list(e.absolute_path) == where and says in e.message for e in errors), [
        (list(e.absolute_path), e.message) for e in errors
    ]


def test_the_json_schema_declares_every_object_and_field() -> None:
    schema = edition_json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    for name, spec in OBJECTS.items():
        assert list(schema["$defs"][name]["properties"]) == list(spec.fields)


def test_the_json_schema_command_prints_it() -> None:
    out, err = io.StringIO(), io.StringIO()
    assert framework_cli(argv=["json-schema"], out=out, err=err) == 0
    assert json.loads(out.getvalue()) == edition_json_schema()


# -- docs tables ------------------------------------------------------------------------------
def test_the_doc_tables_are_those_of_the_declaration() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert docs_tables_missing(text=text) == []
    assert docs_tables_apply(text=text) == text, (
        "docs/framework.md differs from the schema declaration: run "
        "python -m saferspaces.core.framework docs-tables --write docs/framework.md"
    )


def test_a_changed_declaration_shows_in_the_doc_check(tmp_path: Path) -> None:
    text = DOC.read_text(encoding="utf-8")
    stale = text.replace("| `sdg` | list of SDG id |", "| `sdg` | list |", 1)
    assert stale != text
    path = tmp_path / "framework.md"
    path.write_text(stale, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert framework_cli(argv=["docs-tables", "--check", str(path)], out=out, err=err) == 1
    assert "differ" in err.getvalue()
    assert framework_cli(argv=["docs-tables", "--write", str(path)], out=out, err=err) == 0
    assert path.read_text(encoding="utf-8") == text


def test_every_object_has_its_table_and_the_answer_types_theirs() -> None:
    tables = docs_tables()
    assert set(OBJECTS) | {"answer_types", "result_models", "xlsform_columns"} == set(tables)
    for name, spec in OBJECTS.items():
        rows = re.findall(r"^\| `([^`]+)` \|", tables[name], flags=re.MULTILINE)
        assert rows == list(spec.fields), name


# -- docs examples ----------------------------------------------------------------------------
def test_the_docs_show_a_loadable_example_of_every_result_model() -> None:
    examples = _examples()
    assert set(examples) == set(RESULT_MODELS)
    for name, text in examples.items():
        edition = edition_load(text=text, file=f"docs example {name}")
        assert edition.instrument.result_model == name
        assert edition.instrument.declared


# -- XLSForm ----------------------------------------------------------------------------------
def test_the_custom_columns_come_from_the_declaration() -> None:
    declared = {
        c.strip().split(":")[-1]
        for spec in OBJECTS.values()
        for f in spec.fields.values()
        for c in f.xlsform.split(",")
        if c.strip().startswith("ss_")
    }
    assert set(CUSTOM_COLUMNS) == declared
    assert {"ss_kind", "ss_scoring", "ss_calculate", "ss_content"} <= declared


def _xlsform(text: str, tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"{name}.xlsx"
    with path.open("wb") as fh:
        xlsform_export(edition=edition_load(text=text), out=fh)
    return path


@pytest.mark.parametrize("name", ["pyramid", "vulnerability"])
def test_repeats_and_computed_fields_round_trip_through_xlsform(name: str, tmp_path: Path) -> None:
    text = (HERE / "fixtures" / f"{name}.yaml").read_text(encoding="utf-8")
    path = _xlsform(text, tmp_path, name)
    assert xlsform_import(path=path) == edition_load(text=text)
    warnings: list[str] = []
    xform = xls2xform.convert(xlsform=str(path), warnings=warnings).xform
    assert warnings == []
    assert "<repeat nodeset=" in xform
    if name == "vulnerability":
        assert 'calculate=" ../CONSEQUENCE  *  ../PROBABILITY "' in xform
        assert '<repeat nodeset="/data/SPACES/SITES/SCENARIOS">' in xform


def test_every_doc_example_round_trips_through_xlsform(tmp_path: Path) -> None:
    for name, text in _examples().items():
        path = _xlsform(text, tmp_path, name)
        assert xlsform_import(path=path) == edition_load(text=text), name
        warnings: list[str] = []
        xls2xform.convert(xlsform=str(path), warnings=warnings)
        assert warnings == [], name


def test_a_calculation_edited_in_the_form_is_read_back_from_its_xpath(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = _xlsform((HERE / "fixtures" / "vulnerability.yaml").read_text(), tmp_path, "v")
    wb = load_workbook(path)
    ws = wb["survey"]
    header = [c.value for c in ws[1]]
    col_calc, col_ss = header.index("calculation"), header.index("ss_calculate")
    for row in ws.iter_rows(min_row=2):
        if row[1].value == "RISK":
            row[col_calc].value = "round(${CONSEQUENCE} * ${PROBABILITY} div 5, 1)"
            row[col_ss].value = None
    wb.save(path)
    risk = next(p.item for p in xlsform_import(path=path).items() if p.item.code == "RISK")
    assert risk.calculate is not None
    assert risk.calculate.source == "round(CONSEQUENCE * PROBABILITY / 5, 1)"


def test_a_repeat_in_a_format_1_form_is_refused_with_its_row(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = tmp_path / "mini.xlsx"
    with path.open("wb") as fh:
        xlsform_export(edition=edition_load(path=HERE / "fixtures" / "mini.yaml"), out=fh)
    wb = load_workbook(path)
    ws = wb["survey"]
    ws.cell(row=ws.max_row + 1, column=1, value="begin_repeat")
    wb.save(path)
    with pytest.raises(FrameworkValidationError) as info:
        xlsform_import(path=path)
    assert any(
        "repeats are not supported in a format-1 edition" in p.message and p.line == ws.max_row
        for p in info.value.problems
    )
