"""Refused input and error pages in real Chromium: the error summary leads to the field that was
refused and the form keeps what was typed; the error pages drawn without the database pass
axe-core. CSP and JavaScript errors fail the tests too."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from assessment_helpers import open_round
from browser.walk_helpers import Walk, team_build  # type: ignore[import-not-found]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def walk(browser: Any, live_server: Any, demo: Any) -> Any:
    w = Walk(browser=browser, live_server=live_server)
    yield w
    w.close()


def test_refused_evidence_leads_to_its_field_and_keeps_what_was_typed(walk: Walk) -> None:
    team = team_build()
    assessment = open_round(team).assessments.get()
    page = walk.page_as(team.respondent)
    walk.goto(page, f"/assessments/{assessment.pk}/q/QOL_P01/", "the question")
    box = page.locator("#q-QOL_P01 .evidence details")
    box.locator("summary").click()
    page.locator("#q-QOL_P01-ev-source").fill("City survey")
    page.locator("#q-QOL_P01-ev-year").fill("²⁰²⁴")
    with page.expect_navigation():
        box.get_by_role("button", name="Add evidence").click()
    summary = page.locator("#q-QOL_P01 .error-summary")
    expect(summary).to_contain_text("Enter the year as four digits, for example 2024.")
    expect(summary.get_by_role("link")).to_have_attribute("href", "#q-QOL_P01-ev-year")
    expect(box).to_have_attribute("open", "")
    expect(page.locator("#q-QOL_P01-ev-source")).to_have_value("City survey")
    expect(page.locator("#q-QOL_P01-ev-year")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#q-QOL_P01-ev-year")).to_be_visible()
    walk.axe(page, "refused evidence")
    walk.assert_clean(minimum_checks=2)


@pytest.mark.parametrize(
    ("template", "status", "context"),
    [
        ("500.html", 500, {}),
        ("404.html", 404, {}),
        ("403.html", 403, {}),
        ("403_csrf.html", 403, {}),
        ("400.html", 400, {"reason": "The address parameter “assessment” must be a whole number."}),
    ],
)
def test_error_pages_drawn_without_the_database_pass_axe(  # type: ignore[no-untyped-def]
    walk: Walk, live_server, template, status, context
) -> None:
    from saferspaces.web.views import error_page_offline

    html = error_page_offline(template=template, status=status, context=context).content
    browser_context = walk.browser.new_context(base_url=live_server.url, locale="en-GB")
    walk.contexts.append(browser_context)
    page = walk.page_in(browser_context)
    page.route(
        "**/offline-error/",
        lambda route: route.fulfill(
            status=status, body=html, content_type="text/html; charset=utf-8"
        ),
    )
    page.goto("/offline-error/")
    expect(page.locator("link[rel=stylesheet]")).to_have_count(1)
    expect(page.locator("h1")).to_have_count(1)
    walk.axe(page, f"{template} without the database")
    walk.assert_clean(minimum_checks=1)
