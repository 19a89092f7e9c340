"""The pilot analysis in real Chromium: a coordinator opens it, starts the PDF, watches the
progress until a task worker has made it, downloads it; axe-core on the analysis page and the
job page."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from browser.conftest import axe_violations, describe, login_context  # type: ignore[import-not-found]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_reads_the_analysis_and_downloads_its_pdf(
    browser: Any, live_server: Any, demo: Any, settings: Any, tmp_path: Path
) -> None:
    from django_tasks_db.management.commands.db_worker import Worker

    from conftest import DATABASE_QUEUE  # type: ignore[import-not-found]
    from saferspaces.accounts.models import User
    from saferspaces.assessments.models import Round
    from saferspaces.demo.generator import MAIN_NETWORK, PERSONAS

    settings.MEDIA_ROOT = str(tmp_path / "media")  # report files stay out of the repository
    # the PDF is made by the queue's worker (here in a thread: the test database is in memory)
    settings.TASKS = DATABASE_QUEUE
    worker = Worker(
        queue_names=["*"],
        interval=0.2,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="browser-test",
        excluded_queue_names=[],
    )

    def serve_tasks() -> None:
        # the in-memory test database is shared between threads with table locks: a lock met
        # while the worker opens its transaction ends the library's loop, so it is started again
        from django.db import OperationalError

        while worker.running:
            try:
                worker.run()
            except OperationalError as error:
                if "locked" not in str(error):
                    raise
                time.sleep(0.1)

    threads: list[threading.Thread] = []

    def worker_start() -> None:
        worker.running = True
        threads.append(threading.Thread(target=serve_tasks, daemon=True))
        threads[-1].start()

    def worker_stop() -> None:
        # pages are opened and forms sent while the worker is stopped: its claim transaction
        # would lock the shared in-memory tables under them ("database table is locked"); the
        # job page's status, polled every second by htmx, asks again after such a refusal
        worker.running = False
        for thread in threads:
            thread.join(timeout=30)

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

        worker_start()
        link = page.get_by_role("link", name="Download the PDF")
        expect(link).to_be_visible(timeout=90_000)  # polled every second by htmx
        worker_stop()
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
        worker_stop()
        context.close()
