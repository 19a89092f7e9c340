"""``framework sync-bundled`` stores a bundled edition with the texts files of its complete
languages merged (``editions/<id>/<language>.yaml``), and says which languages are not yet."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook

from saferspaces.core.framework import edition_load
from saferspaces.core.framework.translations import edition_texts, texts_file_write
from saferspaces.core.framework.yamlsource import yaml_read
from saferspaces.frameworks.models import FrameworkEdition
from saferspaces.frameworks.services import EDITIONS_DIR, framework_editions_sync_bundled

pytestmark = pytest.mark.django_db
FIRST = EDITIONS_DIR / "ssf-2026.1.yaml"


def _bundle(tmp_path: Path) -> Path:
    shutil.copy(FIRST, tmp_path / FIRST.name)
    shutil.copy(EDITIONS_DIR / "ssf-2026.1.pipeline.yml", tmp_path)
    shutil.copytree(EDITIONS_DIR / "ssf-2026.1", tmp_path / "ssf-2026.1")
    return tmp_path


NEW_LANGUAGES = ("cs", "es", "fi", "hr", "it", "lv", "nl", "pl")


def test_the_bundled_edition_is_stored_in_its_ten_languages() -> None:
    report = framework_editions_sync_bundled()
    row = FrameworkEdition.objects.get(edition_id="ssf-2026.1")
    assert report.merged == {"ssf-2026.1": list(NEW_LANGUAGES)}
    assert not report.incomplete.get("ssf-2026.1")
    stored = edition_load(text=row.source, file="stored.yaml")
    assert set(stored.languages) == {"en", "fr", *NEW_LANGUAGES}
    assert stored.indicator_map()["SOS_P01"].question["lv"]


def test_a_language_not_complete_is_left_out_and_named(tmp_path: Path) -> None:
    folder = _bundle(tmp_path)
    czech = folder / "ssf-2026.1" / "cs.yaml"
    text = czech.read_text(encoding="utf-8")
    key = "  edition.title: "
    start = text.index(key) + len(key)
    czech.write_text(text[:start] + '""' + text[text.index("\n", start) :], encoding="utf-8")
    report = framework_editions_sync_bundled(directory=folder)
    assert report.incomplete["ssf-2026.1"] == {"cs": 1}
    assert "cs" not in report.merged["ssf-2026.1"]
    row = FrameworkEdition.objects.get(edition_id="ssf-2026.1")
    assert "cs" not in edition_load(text=row.source, file="stored.yaml").languages
    out = io.StringIO()
    call_command("framework", "sync-bundled", stdout=out)
    assert "ssf-2026.1: texts merged from cs, es, fi, hr, it, lv, nl, pl" in out.getvalue()


def test_a_complete_language_is_stored_and_served_in_the_xlsform(tmp_path: Path) -> None:
    folder = _bundle(tmp_path)
    data = yaml_read(text=FIRST.read_text(encoding="utf-8"), file="x").data
    made_up = {key: f"[fi] {text['en']}" for key, text in edition_texts(data).items()}
    (folder / "ssf-2026.1" / "fi.yaml").write_text(
        texts_file_write(data=data, language="fi", texts=made_up), encoding="utf-8"
    )
    report = framework_editions_sync_bundled(directory=folder)
    assert report.created == ["ssf-2026.1"] and "fi" in report.merged["ssf-2026.1"]
    row = FrameworkEdition.objects.get(edition_id="ssf-2026.1")
    stored = edition_load(text=row.source, file="stored.yaml")
    assert stored.languages[:2] == ("en", "fr") and "fi" in stored.languages
    assert stored.indicator_map()["SOS_P01"].question["fi"].startswith("[fi] ")
    response = Client().get("/frameworks/ssf-2026.1/xlsform/")
    header = next(
        load_workbook(io.BytesIO(response.content), read_only=True)["survey"].iter_rows(
            values_only=True
        )
    )
    assert "label::Suomi (fi)" in header
    # the translations leave again: the stored edition goes back to the file alone
    shutil.rmtree(folder / "ssf-2026.1")
    again = framework_editions_sync_bundled(directory=folder)
    assert again.updated == ["ssf-2026.1"]
    assert FrameworkEdition.objects.get(edition_id="ssf-2026.1").source == FIRST.read_text(
        encoding="utf-8"
    )
