"""An edition's texts in further languages, one file per language beside the bundled edition
(``editions/<id>/<language>.yaml``), merged into it when it is bundled once complete."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pyxform import xls2xform

from saferspaces.core.framework.cli import framework_cli
from saferspaces.core.framework.dump import edition_dump
from saferspaces.core.framework.loader import edition_load
from saferspaces.core.framework.translations import (
    TEXTS_FORMAT,
    edition_bundle_load,
    edition_texts,
    texts_file_read,
    texts_file_write,
    texts_status,
)
from saferspaces.core.framework.xlsform_export import xlsform_export
from saferspaces.core.framework.xlsform_import import xlsform_import
from saferspaces.core.framework.yamlsource import yaml_read

REPO = Path(__file__).resolve().parents[3]
EDITIONS = REPO / "src" / "saferspaces" / "frameworks" / "editions"
FIRST = EDITIONS / "ssf-2026.1.yaml"
TRANSLATED = ("es", "it", "nl", "fi", "lv", "pl", "hr", "cs")


def _data(path: Path = FIRST) -> dict:  # type: ignore[type-arg]
    return yaml_read(text=path.read_text(encoding="utf-8"), file=str(path)).data  # type: ignore[no-any-return]


def _latvian_for_tests(data: dict, skip: int = 0) -> dict[str, str]:  # type: ignore[type-arg]
    """Made-up "translations" (the English with a marker), every text but the first ``skip``."""
    keys = list(edition_texts(data).items())
    return {key: f"[lv] {text['en']}" for key, text in keys[skip:]}


def test_every_text_of_the_first_edition_has_a_stable_key() -> None:
    texts = edition_texts(_data())
    assert len(texts) == 568
    assert texts["edition.title"]["en"].startswith("Safer Spaces self-assessment framework")
    assert texts["QOL_P01.question"]["fr"]
    assert (
        texts["CL_SCOPE_SPACES.answer.choices.streets.label"]["en"]
        == "Streets and pedestrian areas"
    )
    assert texts["QOL.title"]["en"] and "QOL_P01.guidance.sources.0.name" in texts
    # a key names the question, not its place: moving a dimension keeps every key
    data = _data()
    data["dimensions"].reverse()
    assert set(edition_texts(data)) == set(texts)


def test_each_translation_file_lists_every_key_with_its_english_text() -> None:
    english = edition_texts(_data())
    for language in TRANSLATED:
        path = EDITIONS / "ssf-2026.1" / f"{language}.yaml"
        text = path.read_text(encoding="utf-8")
        loaded = texts_file_read(text=text, file=str(path), language=language)
        assert loaded.problems == () and (loaded.language, loaded.edition) == (
            language,
            "ssf-2026.1",
        )
        assert set(loaded.lines) - {"format", "edition", "language", "texts"} == set(english)
        assert "  # Which reference year do the data describe?\n  CL_SCOPE_YEAR.question:" in text


def test_a_texts_file_is_written_and_read_back(tmp_path: Path) -> None:
    data = _data()
    text = texts_file_write(
        data=data,
        language="lv",
        texts={"QOL.title": "Dzīves kvalitāte", "edition.title": 'Ietvars "pirmais"'},
        language_name="Latviešu",
    )
    assert text.startswith("# Latviešu (lv) texts of the edition ssf-2026.1")
    assert f"format: {TEXTS_FORMAT}\nedition: ssf-2026.1\nlanguage: lv\ntexts:\n" in text
    back = texts_file_read(text=text, file="lv.yaml", language="lv")
    assert back.problems == ()
    assert dict(back.texts) == {
        "QOL.title": "Dzīves kvalitāte",
        "edition.title": 'Ietvars "pirmais"',
    }
    status = texts_status(data=data, language="lv", texts=back.texts)
    assert (status.translated, len(status.missing), status.complete) == (2, 566, False)


def test_every_problem_of_a_texts_file_is_named_with_its_line() -> None:
    data = _data()
    data["checklist"][1]["help"]["en"] += " See https://ec.europa.eu/eurostat."
    url_key = "CL_SCOPE_AREA.help"
    text = (
        f"format: {TEXTS_FORMAT}\nedition: ssf-2026.1\nlanguage: lv\ntexts:\n"
        '  QOL.title: "Dzīves kvalitāte"\n'
        '  QOL_P99.question: "Nav tāda"\n'
        f'  {url_key}: "bez saites"\n'
        "  QOL_P01.question: 12\n"
    )
    loaded = texts_file_read(text=text, file="lv.yaml", language="lv")
    assert [str(p) for p in loaded.problems] == [
        "lv.yaml:8: texts.QOL_P01.question: expected a text in quotes"
    ]
    status = texts_status(
        data=data, language="lv", texts=loaded.texts, file="lv.yaml", lines=loaded.lines
    )
    messages = [str(p) for p in status.problems]
    assert messages[0].startswith(f"lv.yaml:7: texts.{url_key}: keep https://")
    assert messages[1] == "lv.yaml:6: texts.QOL_P99.question: the edition has no such text"
    wrong = texts_file_read(
        text=text.replace("language: lv", "language: lt"), file="x.yaml", language="lv"
    )
    assert "the file is for 'lt', not 'lv'" in str(wrong.problems[0])
    broken = texts_file_read(text="texts: [unclosed", file="x.yaml", language="lv")
    assert str(broken.problems[0]) == "x.yaml:2: not YAML: did not find expected ',' or ']'"


def _copy(tmp_path: Path) -> Path:
    shutil.copy(FIRST, tmp_path / FIRST.name)
    (tmp_path / "ssf-2026.1").mkdir()
    return tmp_path / FIRST.name


def test_a_complete_language_is_merged_into_the_bundled_edition(tmp_path: Path) -> None:
    path = _copy(tmp_path)
    data = _data()
    lv = texts_file_write(data=data, language="lv", texts=_latvian_for_tests(data))
    (tmp_path / "ssf-2026.1" / "lv.yaml").write_text(lv, encoding="utf-8")
    cs = texts_file_write(data=data, language="cs", texts={"QOL.title": "Kvalita života"})
    (tmp_path / "ssf-2026.1" / "cs.yaml").write_text(cs, encoding="utf-8")
    edition, source, report = edition_bundle_load(path=path)
    assert report.merged == ["lv"] and edition.languages == ("en", "fr", "lv")
    assert len(report.statuses["cs"].missing) == 567
    question = edition.indicator_map()["QOL_P01"].question
    assert question["lv"] == f"[lv] {question['en']}" and question["fr"]
    assert source.startswith("# ssf-2026.1.yaml with the texts of ssf-2026.1/{lv}.yaml merged")
    assert edition_load(text=source, file="stored.yaml") == edition  # the stored source
    # the XLSForm carries the language, pyxform reads it, the import gives it back
    buffer = io.BytesIO()
    xlsform_export(edition=edition, out=buffer)
    header = next(
        load_workbook(io.BytesIO(buffer.getvalue()), read_only=True)["survey"].iter_rows(
            values_only=True
        )
    )
    assert {"label::Latviešu (lv)", "hint::Latviešu (lv)", "label::Français (fr)"} <= set(header)
    xlsx = tmp_path / "form.xlsx"
    xlsx.write_bytes(buffer.getvalue())
    warnings: list[str] = []
    xform = xls2xform.convert(xlsform=str(xlsx), warnings=warnings).xform
    assert 'lang="Latviešu (lv)"' in xform and f"[lv] {question['en']}" in xform
    assert xlsform_import(path=xlsx) == edition


def test_an_incomplete_language_is_not_merged_and_the_file_alone_is_stored(tmp_path: Path) -> None:
    path = _copy(tmp_path)
    data = _data()
    lv = texts_file_write(data=data, language="lv", texts=_latvian_for_tests(data, skip=1))
    (tmp_path / "ssf-2026.1" / "lv.yaml").write_text(lv, encoding="utf-8")
    edition, source, report = edition_bundle_load(path=path)
    assert report.merged == [] and edition.languages == ("en", "fr")
    assert report.statuses["lv"].missing == ["edition.title"]
    assert source == FIRST.read_text(encoding="utf-8")  # byte for byte: nothing to merge
    assert edition_dump(edition=edition)  # still a plain, valid edition


def test_the_texts_command_writes_a_language_and_checks_them_all(tmp_path: Path) -> None:
    path = _copy(tmp_path)
    out, err = io.StringIO(), io.StringIO()
    target = tmp_path / "ssf-2026.1" / "hr.yaml"
    args = ["texts", str(path), "--lang", "hr", "--out", str(target)]
    assert framework_cli(argv=args, out=out, err=err) == 0
    assert "0 translated texts of Croatian kept" in out.getvalue()
    written = target.read_text(encoding="utf-8")
    assert written.startswith("# Hrvatski (hr) texts") and 'QOL.title: ""' in written
    target.write_text(
        written.replace('QOL.title: ""', 'QOL.title: "Kvaliteta života"'), encoding="utf-8"
    )
    out = io.StringIO()
    assert framework_cli(argv=["texts", str(path), "--lang", "hr"], out=out, err=err) == 0
    assert 'QOL.title: "Kvaliteta života"' in out.getvalue()  # the translation is kept
    out = io.StringIO()
    assert framework_cli(argv=["texts", str(path), "--lang", "fr"], out=out, err=err) == 0
    assert 'QOL.title: "Qualité de vie' in out.getvalue()  # French is in the edition itself
    out = io.StringIO()
    assert framework_cli(argv=["texts", str(path), "--check"], out=out, err=err) == 0
    assert out.getvalue().splitlines() == [
        "en: 568 of 568 texts, in the edition file",
        "fr: 568 of 568 texts, in the edition file",
        "hr: 1 of 568 texts, 567 missing",
    ]
    target.write_text(written.replace('QOL.title: ""', 'QOL.titel: "x"'), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert framework_cli(argv=["texts", str(path), "--check"], out=out, err=err) == 1
    assert "texts.QOL.titel: the edition has no such text" in out.getvalue()
    assert "1 problem(s) in the texts files" in err.getvalue()
    err = io.StringIO()
    assert framework_cli(argv=["texts", str(path), "--lang", "xx"], out=out, err=err) == 1
    assert "not an official language of the EU" in err.getvalue()


@pytest.mark.parametrize("bad", ["", "format: saferspaces-texts/1\n", "[1, 2]\n"])
def test_a_broken_texts_file_is_reported_not_merged(tmp_path: Path, bad: str) -> None:
    path = _copy(tmp_path)
    (tmp_path / "ssf-2026.1" / "lv.yaml").write_text(bad, encoding="utf-8")
    edition, _source, report = edition_bundle_load(path=path)
    assert edition.languages == ("en", "fr") and report.merged == []
    assert report.statuses["lv"].missing and not report.statuses["lv"].complete
