"""A round's data exports in real Chromium: a coordinator asks for the zip of every CSV, watches
its progress until a task worker has made it, downloads it (the same bytes as the builder
makes), and finds it ready on the exports page; a failed job shows its message and "Try again".
axe-core on every page on the way."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from browser.conftest import axe_violations, describe, login_context  # type: ignore[import-not-found]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_prepares_and_downloads_the_zip_of_a_round(
    browser: Any, live_server: Any, demo: Any, settings: Any, tmp_path: Path, task_worker: Any
) -> None:
    from saferspaces.accounts.models import User
    from saferspaces.assessments.models import Round
    from saferspaces.demo.assessments import ROUND_TITLES
    from saferspaces.demo.generator import PERSONAS
    from saferspaces.exports.files import download_parse, file_write
    from saferspaces.exports.models import ExportJob
    from saferspaces.exports.selectors import round_export

    settings.MEDIA_ROOT = str(tmp_path / "media")  # export files stay out of the repository
    # the file is made by the queue's worker (here in a thread: the test database is in memory)

    coordinator = User.objects.get(email=next(p.email for p in PERSONAS if p.key == "coordinator"))
    round_ = Round.objects.get(title=ROUND_TITLES[0])
    # read and written before the worker starts: SQLite's shared in-memory database refuses other
    # connections while the worker's claim transaction holds the table ("table is locked")
    expected = file_write(round_export(round_=round_), download_parse("all.zip")).read()
    failed = ExportJob.objects.create(
        kind="round_file",
        parameters={"round": round_.pk, "file": "scores.parquet"},
        language="en",
        state="failed",
        message="The preparation was interrupted 3 times (the background worker stopped).",
    )
    context = login_context(browser, live_server, coordinator)
    page = context.new_page()
    try:
        page.goto(f"/rounds/{round_.pk}/exports/")
        violations = axe_violations(page)
        assert not violations, describe(violations)
        page.get_by_role("button", name="Prepare Zip archive of every CSV file").click()
        page.wait_for_url("**/exports/jobs/*/")
        expect(page.locator("progress")).to_be_visible()
        violations = axe_violations(page)
        assert not violations, describe(violations)

        task_worker.start()
        link = page.get_by_role("link", name="Download all.zip")
        expect(link).to_be_visible(timeout=90_000)  # polled every second by htmx
        task_worker.stop()
        expect(page.locator("progress")).to_have_attribute("value", "100")
        expect(page.get_by_role("status")).to_contain_text("The file is ready.")
        violations = axe_violations(page)
        assert not violations, describe(violations)
        with page.expect_download() as info:
            link.click()
        saved = tmp_path / "downloaded.zip"
        info.value.save_as(saved)
        assert info.value.suggested_filename == f"round-{round_.pk}-all.zip"
        assert saved.read_bytes() == expected

        # the exports page now links to the stored file
        page.goto(f"/rounds/{round_.pk}/exports/")
        expect(page.get_by_role("link", name="Zip archive of every CSV file")).to_be_visible()

        # a failed job: its message for people and "Try again", which starts a new job
        page.goto(f"/exports/jobs/{failed.pk}/")
        expect(page.get_by_role("status")).to_contain_text("interrupted 3 times")
        violations = axe_violations(page)
        assert not violations, describe(violations)
        page.get_by_role("button", name="Try again").click()
        page.wait_for_url("**/exports/jobs/*/")
        assert page.url.rstrip("/").rsplit("/", 1)[-1] != str(failed.pk)
        task_worker.start()
        expect(page.get_by_role("link", name="Download scores.parquet")).to_be_visible(
            timeout=90_000
        )
    finally:
        task_worker.stop()
        context.close()
