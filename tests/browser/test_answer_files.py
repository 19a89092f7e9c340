"""Answer files in real Chromium: download the filled template, upload it changed, read the
preview (with a cell that cannot be imported), confirm; axe-core on every page on the way."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from assessment_helpers import open_round
from browser.walk_helpers import Walk, team_build  # type: ignore[import-not-found]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _changed(content: bytes) -> bytes:
    wb = load_workbook(io.BytesIO(content))
    ws = wb["answers"]
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == "QOL_P01":
            row[header.index("answer")].value = 75
        if row[0].value == "QOL_P02":
            row[header.index("answer")].value = "lots"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_an_answer_file_is_previewed_then_imported(
    browser: Any, live_server: Any, demo: Any, tmp_path: Any
) -> None:
    from saferspaces.assessments.models import Answer

    team = team_build()
    assessment = open_round(team).assessments.get()
    walk = Walk(browser, live_server)
    page = walk.page_as(team.lead)
    walk.goto(page, f"/assessments/{assessment.pk}/import/", "import page")
    with page.expect_download() as download:
        page.get_by_role("link", name="download it as Excel").click()
    path = tmp_path / "answers.xlsx"
    path.write_bytes(_changed(download.value.path().read_bytes()))

    page.set_input_files("#import-file", str(path))
    page.get_by_role("button", name="Upload and preview").click()
    page.wait_for_url("**/import/*/")
    walk.axe(page, "preview")
    expect(page.locator(".error-summary")).to_contain_text("QOL_P02")
    expect(page.locator("table")).to_contain_text("QOL_P01")
    assert not Answer.objects.filter(assessment=assessment).exists()  # nothing written yet

    page.get_by_role("button", name="Import 1 change").click()
    page.wait_for_url(f"**/assessments/{assessment.pk}/")
    walk.axe(page, "after the import")
    assert Answer.objects.get(assessment=assessment, code="QOL_P01").value == 75.0

    # a file that is not what its name says: refused with a message, on an accessible page
    bad = tmp_path / "answers.csv"
    bad.write_bytes(b"%PDF-1.4 not a table")
    walk.goto(page, f"/assessments/{assessment.pk}/import/", "import page again")
    page.set_input_files("#import-file", str(bad))
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.locator(".error-summary")).to_contain_text("cannot be imported")
    walk.axe(page, "refused file")
    walk.close()
    walk.assert_clean(minimum_checks=4)
