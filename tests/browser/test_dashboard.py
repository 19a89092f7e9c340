"""The dashboard in real Chromium (issue 6): a lead reads the profile, drills into an indicator,
changes the peer criteria, follows a learn-from-peers suggestion; a coordinator publishes an
aggregate that then appears on the public results. axe-core runs on every page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from browser.walk_helpers import Walk  # type: ignore[import-not-found]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_lead_reads_profile_drills_down_changes_peers_and_coordinator_publishes(
    browser: Any, live_server: Any, demo: Any, personas: Any
) -> None:
    from saferspaces.assessments.models import Assessment, Round
    from saferspaces.authorities.models import Authority
    from saferspaces.demo.generator import PERSONA_AUTHORITY
    from saferspaces.results.models import PublishedAggregate

    authority = Authority.objects.get(name=PERSONA_AUTHORITY)
    pilot = Assessment.objects.filter(authority=authority).order_by("round__period_end").first()
    assert pilot is not None
    walk = Walk(browser, live_server)
    page = walk.page_as(personas["lead"])

    # the profile: perception and status side by side, the gap in words, progress, charts
    walk.goto(page, f"/authorities/{authority.slug}/dashboard/?assessment={pilot.pk}", "profile")
    expect(page.locator("h1")).to_contain_text(PERSONA_AUTHORITY)
    expect(page.locator("#profile + .table-scroll table")).to_contain_text("Perception")
    expect(page.locator("figure.chart#profile svg").first).to_be_attached()
    expect(page.locator("figure.chart#progress svg").first).to_be_attached()
    page.keyboard.press("Tab")

    # explain my score: open a dimension, then an indicator
    # (an indicator with a score: the demo's answers follow the database's ids, which differ
    # with the tests that ran before in the same database)
    page.locator("details.explain-dim summary").first.click()
    scored = page.locator("details.explain-dim[open] li").filter(has_text=re.compile(r": \d"))
    with page.expect_navigation():
        scored.first.locator("a").click()
    walk.axe(page, "explain an indicator")
    expect(page.locator("h1")).to_contain_text("Explain my score")
    expect(page.locator("table").first).to_contain_text("%")
    page.go_back()

    # peers: the default criteria give a band; stricter ones are refused with the reason
    walk.goto(page, f"/assessments/{pilot.pk}/peers/", "peers")
    expect(page.locator("#peers-result + p")).to_contain_text("meet the criteria")
    page.check("#id_same_country")
    page.select_option("#id_population_factor", "1.5")
    with page.expect_navigation():
        page.get_by_role("button", name="Find similar authorities").click()
    walk.axe(page, "peers, too strict")
    expect(page.locator(".notice")).to_contain_text("No peer view")
    page.uncheck("#id_same_country")
    page.select_option("#id_population_factor", "5")
    with page.expect_navigation():
        page.get_by_role("button", name="Find similar authorities").click()
    walk.axe(page, "peers, loosened")
    expect(page.locator("figure.chart#peers svg").first).to_be_attached()
    assert "population_factor=5" in page.url

    # learn from peers: follow a suggestion and read what the peer reported
    page.locator("#learn ~ ul.link-list a").first.click()
    suggestion = page.locator("section.learn-dimension article.learn-peer").first
    expect(suggestion.locator("a[href^='mailto:']")).to_be_visible()
    practices = suggestion.locator("details summary")
    if practices.count():
        practices.first.click()
        expect(suggestion.locator("details[open] li").first).to_be_visible()
    walk.axe(page, "learn from peers opened")

    # a coordinator publishes an aggregate; anyone then reads it
    rnd = Round.objects.order_by("period_end").first()
    assert rnd is not None
    coordinator = walk.page_as(personas["coordinator"])
    walk.goto(coordinator, f"/rounds/{rnd.pk}/dashboard/", "round dashboard")
    expect(coordinator.locator("figure.chart#map svg").first).to_be_attached()
    coordinator.check("#pub-QOL-all")
    with coordinator.expect_navigation():
        coordinator.get_by_role("button", name="Publish the chosen distributions").click()
    walk.axe(coordinator, "after publishing")
    expect(coordinator.locator(".messages, [role=status]").first).to_contain_text("now public")
    assert PublishedAggregate.objects.filter(round=rnd, node="QOL", kind="all").exists()
    walk.goto(coordinator, "/results/", "public results")
    expect(coordinator.locator("main table").first).to_contain_text("Quality of life")
    walk.close()
    walk.assert_clean(minimum_checks=7)
