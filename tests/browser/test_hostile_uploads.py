"""Hostile and oversized uploads in real Chromium (issue 14): the pages that refuse them say why,
pass axe-core and write nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from assessment_helpers import open_round
from browser.walk_helpers import Walk, team_build  # type: ignore[import-not-found]
from hostile_corpus import XLSX, corpus_write

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_zip_bomb_and_an_oversized_file_are_refused_with_their_reason(
    browser: Any, live_server: Any, demo: Any, tmp_path: Path
) -> None:
    from saferspaces.assessments.models import AnswerImport

    team = team_build()
    assessment = open_round(team).assessments.get()
    walk = Walk(browser, live_server)
    page = walk.page_as(team.lead)

    bomb = corpus_write(tmp_path, tuple(h for h in XLSX if h.name == "bomb-300mb.xlsx"))
    walk.goto(page, f"/assessments/{assessment.pk}/import/", "import page")
    page.set_input_files("#import-file", str(bomb["bomb-300mb.xlsx"]))
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.locator(".error-summary")).to_contain_text("the limit is 20 MB unpacked")
    walk.axe(page, "a zip bomb refused")

    big = tmp_path / "answers.csv"
    big.write_bytes(b"code,status,answer\r\n" + b"QOL_P01,answered,60\r\n" * 400_000)  # 8 MB
    walk.goto(page, f"/assessments/{assessment.pk}/import/", "import page")
    page.set_input_files("#import-file", str(big))
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.locator("h1")).to_have_text("The file is too large")
    expect(page.locator("main")).to_contain_text("up to 5 MB")
    walk.axe(page, "the 413 page")
    assert not AnswerImport.objects.exists()
    walk.close()
    walk.assert_clean(minimum_checks=4)
