"""The authority report in real Chromium: its charts are the dashboard's, printed as SVG on the
server; each is one image named by the chart's title and summary, followed by its data table; axe-core finds
no violation on the report page in English and French."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from browser.conftest import axe_violations, describe, login_context  # type: ignore[import-not-found]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_report_page_shows_its_charts_as_named_images_and_is_axe_clean(
    browser: Any, live_server: Any, demo: Any, language: str
) -> None:
    from django.utils import translation

    from saferspaces.accounts.models import User
    from saferspaces.assessments.models import Assessment
    from saferspaces.demo.generator import PERSONAS
    from saferspaces.reports.authority import authority_report

    assessment = (
        Assessment.objects.filter(result_runs__isnull=False)
        .select_related("authority")
        .order_by("-round__period_end", "pk")
        .first()
    )
    with translation.override(language):
        charts = [
            c
            for c in authority_report(assessment=assessment, language=language)["charts"].values()
            if c is not None
        ]
    assert charts
    admin = User.objects.get(email=next(p.email for p in PERSONAS if p.key == "administrator"))
    context = login_context(browser, live_server, admin, language)
    page = context.new_page()
    try:
        page.goto(f"/assessments/{assessment.pk}/report/")
        for chart in charts:
            # named by its title, then its summary (read with the name by every screen reader)
            image = page.get_by_role("img", name=f"{chart.title} {chart.summary}", exact=True)
            expect(image).to_have_count(1)
            # Vega's own groups inside are not announced: the image speaks for the chart
            assert image.locator("[role]").count() == 0, chart.id
            table = page.locator(f"#chart-{chart.id}-title").locator(
                "xpath=ancestor::figure/following-sibling::*[1]//table"
            )
            expect(table).to_have_count(1)
        violations = axe_violations(page)
        assert not violations, describe(violations)
    finally:
        context.close()
