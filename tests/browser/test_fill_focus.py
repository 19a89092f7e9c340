"""Saving with Enter keeps the person where they were: after the htmx swap the focus is still in
the question just saved (in the answer box, or on its Save button), not back at the top of the
page; the contents of the part and "next question without an answer" lead to the question."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from assessment_helpers import open_round
from browser.walk_helpers import Walk, is_save, section_path, team_build  # type: ignore[import-not-found]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOCUS_IN = "(id) => !!document.getElementById(id)?.contains(document.activeElement)"


@pytest.fixture
def walk(browser: Any, live_server: Any, demo: Any) -> Any:
    w = Walk(browser=browser, live_server=live_server)
    yield w
    w.close()


def test_enter_saves_and_keeps_the_focus_in_the_question(walk: Walk) -> None:
    team = team_build()
    assessment = open_round(team).assessments.get()
    page = walk.page_as(team.respondent)
    walk.goto(page, section_path(assessment, "QOL"), "Quality of life")

    box = page.locator("#q-QOL_P01-value")
    box.fill("64")
    with page.expect_response(is_save("QOL_P01")) as saved:
        box.press("Enter")
    assert saved.value.status == 200
    expect(page.locator("#q-QOL_P01 p.saved")).to_be_visible()
    assert page.evaluate(FOCUS_IN, "q-QOL_P01"), "focus left the question after Enter"
    assert page.evaluate("document.activeElement.id") == "q-QOL_P01-value"

    button = page.locator("#q-QOL_P02 button[type=submit]", has_text="Save")
    page.locator("#q-QOL_P02-value").fill("58")
    button.focus()
    with page.expect_response(is_save("QOL_P02")) as saved:
        page.keyboard.press("Enter")
    assert saved.value.status == 200
    expect(page.locator("#q-QOL_P02 p.saved")).to_be_visible()
    assert page.evaluate(FOCUS_IN, "q-QOL_P02"), "focus went to the page after Enter on Save"
    walk.axe(page, "after two saves with Enter")

    # a refused value: the focus stays on the box, next to the message
    box = page.locator("#q-QOL_P01-value")
    box.fill("150")
    with page.expect_response(is_save("QOL_P01")) as refused:
        box.press("Enter")
    assert refused.value.status == 422
    expect(page.locator("#q-QOL_P01 .error-summary")).to_be_visible()
    assert page.evaluate(FOCUS_IN, "q-QOL_P01")
    walk.assert_clean(minimum_checks=2)


def test_contents_and_next_question_lead_to_the_question(walk: Walk) -> None:
    team = team_build()
    assessment = open_round(team).assessments.get()
    page = walk.page_as(team.lead)
    walk.goto(page, section_path(assessment, "URB"), "Urban security, first page")
    toc = page.locator("nav.toc")
    toc.get_by_role("link", name="Strategy, prevention and coordination (2 of 3)").click()
    expect(page.locator("#page-title")).to_contain_text("Strategy, prevention and coordination")
    walk.axe(page, "a later page of the part")
    page.locator(".next-unanswered a").click()
    target = page.evaluate("location.hash").lstrip("#")
    assert target.startswith("q-") and page.locator(f"#{target}").is_visible()
    walk.assert_clean(minimum_checks=2)
