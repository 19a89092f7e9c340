"""Starting an open-data import from the web in real Chromium, in English and French: the start
page, its error summary, the run's page while it waits (polled with htmx, no inline script), the
same page reloaded by itself once a worker has imported the file, and a failed import from the
API with "Try again". axe-core finds no violation on any of them, and no CSP error is logged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIXTURE = Path(__file__).resolve().parents[1] / "core" / "opendata" / "fixtures"
START = "/open-data/imports/new/"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_import_pages_have_no_axe_violation_and_the_run_page_follows_the_import(
    language: str,
    browser: Any,
    live_server: Any,
    database_queue: Any,
    settings: Any,
    tmp_path: Path,
) -> None:
    from browser.conftest import axe_violations, describe, login_context  # type: ignore[import-not-found]
    from saferspaces.accounts.models import User
    from saferspaces.opendata.models import ImportRun

    settings.MEDIA_ROOT = str(tmp_path / "media")
    admin = User.objects.create_superuser(email="admin@example.org", password="not-used-1234")
    context = login_context(browser, live_server, admin, language)
    page = context.new_page()
    csp_errors: list[str] = []
    page.on(
        "console",
        lambda message: (
            csp_errors.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    failures: list[str] = []

    def check(what: str) -> None:
        assert page.locator("html").get_attribute("lang") == language, what
        violations = axe_violations(page)
        if violations:
            failures.append(f"{what}:\n{describe(violations)}")

    page.goto(START)
    check("the start page")
    page.locator("form[enctype] button[type=submit]").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary.locator('a[href="#id_source"]')).to_be_visible()
    check("the start page with its errors")

    page.select_option("select[name=source]", "crim_gen_reg")
    page.check("input[name=origin][value=file]")
    page.set_input_files("input[name=file]", str(FIXTURE / "crim_gen_reg_sdmx.tsv"))
    page.locator("form[enctype] button[type=submit]").click()
    run = ImportRun.objects.get()
    expect(page).to_have_url(f"{live_server.url}/open-data/runs/{run.pk}/")
    expect(page.locator("#run-status progress")).to_be_visible()
    check("the page of a waiting run")

    assert database_queue() == 1
    # the page polls its status and reloads itself once the import has ended
    expect(page.locator("#run-status")).to_have_count(0, timeout=15_000)
    expect(page.locator("table caption").first).to_be_visible()
    run.refresh_from_db()
    assert run.status == "ok" and run.loaded_count == 40
    check("the page of a finished run")

    # Eurostat cannot be reached (the site's address for it is a closed local port)
    page.goto(START)
    page.select_option("select[name=source]", "urb_percep")
    page.check("input[name=origin][value=api]")
    page.locator("form[enctype] button[type=submit]").click()
    failed = ImportRun.objects.exclude(pk=run.pk).get()
    assert database_queue() == 1
    expect(page.locator(f'form[action="/open-data/runs/{failed.pk}/retry/"] button')).to_be_visible(
        timeout=15_000
    )
    failed.refresh_from_db()
    assert (failed.status, failed.failure) == ("failed", "source")
    check("the page of a failed run with Try again")

    context.close()
    assert not failures, "axe-core violations:\n" + "\n\n".join(failures)
    assert not csp_errors, f"Content-Security-Policy violations: {csp_errors}"
