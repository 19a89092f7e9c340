"""The pilot analysis in real Chromium: a coordinator opens it, starts the PDF, watches the
progress until a task worker has made it, downloads it; axe-core on the analysis page and the
job page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from browser.conftest import axe_violations, describe, login_context  # type: ignore[import-not-found]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_reads_the_analysis_and_downloads_its_pdf(
    browser: Any, live_server: Any, demo: Any, settings: Any, tmp_path: Path, task_worker: Any
) -> None:
    from saferspaces.accounts.models import User
    from saferspaces.assessments.models import Round
    from saferspaces.demo.generator import MAIN_NETWORK, PERSONAS

    settings.MEDIA_ROOT = str(tmp_path / "media")  # report files stay out of the repository
    # the PDF is made by the queue's worker (here in a thread: the test database is in memory)

    coordinator = User.objects.get(email=next(p.email for p in PERSONAS if p.key == "coordinator"))
    round_ = Round.objects.filter(network__name=MAIN_NETWORK).order_by("created_at", "pk").first()
    context = login_context(browser, live_server, coordinator)
    page = context.new_page()
    try:
        page.goto(f"/rounds/{round_.pk}/analysis/")
        expect(page.get_by_role("heading", level=1)).to_contain_text(
            "Pilot analysis", timeout=30_000
        )
        expect(page.get_by_role("heading", name="Questions to revise")).to_be_visible()
        violations = axe_violations(page)
        assert not violations, describe(violations)

        page.get_by_role("button", name="Prepare this analysis as a PDF").click()
        page.wait_for_url("**/reports/jobs/*/")
        expect(page.locator("progress")).to_be_visible()
        violations = axe_violations(page)
        assert not violations, describe(violations)

        task_worker.start()
        link = page.get_by_role("link", name="Download the PDF")
        expect(link).to_be_visible(timeout=90_000)  # polled every second by htmx
        task_worker.stop()
        expect(page.locator("progress")).to_have_attribute("value", "100")
        expect(page.get_by_role("status")).to_contain_text("The PDF is ready.")
        violations = axe_violations(page)
        assert not violations, describe(violations)

        with page.expect_download() as info:
            link.click()
        saved = tmp_path / "downloaded.pdf"
        info.value.save_as(saved)
        assert saved.read_bytes().startswith(b"%PDF-1.7")
        assert info.value.suggested_filename == f"pilot-analysis-round-{round_.pk}-en.pdf"
    finally:
        task_worker.stop()
        context.close()
