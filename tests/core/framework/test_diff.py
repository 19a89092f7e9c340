"""Comparability between editions: declared and inferred changes."""

from __future__ import annotations

import io
from pathlib import Path

from saferspaces.core.framework import edition_load
from saferspaces.core.framework.cli import framework_cli
from saferspaces.core.framework.diff import diff_report, edition_diff

MINI = Path(__file__).parent / "fixtures" / "mini.yaml"


def _next_edition(tmp_path: Path) -> tuple[Path, Path]:
    text = MINI.read_text(encoding="utf-8")
    old = tmp_path / "test-2026.1.yaml"
    old.write_text(text, encoding="utf-8")
    new_text = (
        text.replace("id: test-2026.1", "id: test-2027.1")
        .replace(
            "  previous: null\n",
            "  previous: test-2026.1\n  changes:\n"
            "    - {action: keep, code: SAF_P01}\n"
            "    - {action: rename, from: SAF_S02, code: SAF_S04}\n"
            "    - {action: replace, from: [QOL_P01], code: QOL_P02, note: {en: Split question, fr: Question scindée}}\n"
            "    - {action: drop, from: BGC_YEAR, note: {en: Not needed, fr: Inutile}}\n",
        )
        .replace("code: SAF_S02", "code: SAF_S04")
        .replace("{question: SAF_S02, in:", "{question: SAF_S04, in:")
        .replace("code: QOL_P01", "code: QOL_P02")
        .replace(
            "scoring: {method: goalposts, low: 20, high: 90}",
            "scoring: {method: goalposts, low: 30, high: 90}",
        )
    )
    # drop BGC_YEAR: cut its block
    start = new_text.index("      - code: BGC_YEAR")
    new_text = new_text[:start]
    new = tmp_path / "test-2027.1.yaml"
    new.write_text(new_text, encoding="utf-8")
    return old, new


def test_declared_and_inferred_changes(tmp_path: Path) -> None:
    old_path, new_path = _next_edition(tmp_path)
    old = edition_load(path=old_path)
    new = edition_load(path=new_path)
    diff = edition_diff(old=old, new=new)
    assert diff.follows
    by = {(c.action, c.new_code or c.old_codes[0]): c for c in diff.indicators}
    assert by[("keep", "SAF_P01")].declared and by[("keep", "SAF_P01")].comparable
    assert by[("rename", "SAF_S04")].old_codes == ("SAF_S02",)
    assert by[("replace", "QOL_P02")].old_codes == ("QOL_P01",)
    assert not by[("replace", "QOL_P02")].comparable
    assert by[("drop", "BGC_YEAR")].declared
    inferred = by[("keep", "SAF_P02")]
    assert not inferred.declared
    assert inferred.fields == ("scoring",)
    assert not inferred.comparable  # a scoring change breaks trends
    assert all(c.problem is None for c in diff.indicators)
    report = diff_report(diff=diff)
    assert "rename   SAF_S02 -> SAF_S04" in report
    assert "NOT comparable" in report
    assert "Split question" in report


def test_unrelated_editions_are_compared_by_code(tmp_path: Path) -> None:
    old = edition_load(path=MINI)
    diff = edition_diff(old=old, new=old)
    assert diff.follows is False
    assert {c.action for c in diff.indicators} == {"keep"}
    assert all(c.comparable for c in diff.indicators)
    assert "does not declare" in diff_report(diff=diff)


def test_cli_diff(tmp_path: Path) -> None:
    old, new = _next_edition(tmp_path)
    out, err = io.StringIO(), io.StringIO()
    assert framework_cli(argv=["diff", str(old), str(new)], out=out, err=err) == 0
    assert "Changes from test-2026.1 to test-2027.1" in out.getvalue()


def test_cli_export_and_import(tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    xlsx = tmp_path / "mini.xlsx"
    yaml_out = tmp_path / "back.yaml"
    assert framework_cli(argv=["export-xlsform", str(MINI), str(xlsx)], out=out, err=err) == 0
    assert framework_cli(argv=["import-xlsform", str(xlsx), str(yaml_out)], out=out, err=err) == 0
    assert edition_load(path=yaml_out) == edition_load(path=MINI)
    assert framework_cli(argv=["validate", str(tmp_path / "missing.yaml")], out=out, err=err) == 1
    assert framework_cli(argv=["nonsense"], out=out, err=err) == 2
