"""An open-data suggestion in real Chromium: shown with its provenance, used, then overridden by
the respondent's own value with evidence; both values stay in the answer's history (issue 7)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from assessment_helpers import open_round
from browser.walk_helpers import (  # type: ignore[import-not-found]
    Walk,
    section_path,
    team_build,
    type_and_blur,
    wait_saved,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODE = "URB_S01"  # homicides per 100 000, fed by Eurostat crim_gen_reg ICCS0101


def _observation() -> None:
    from saferspaces.opendata.models import ImportRun, Observation

    now = timezone.now()
    run = ImportRun.objects.create(
        source="crim_gen_reg",
        dataset="crim_gen_reg",
        transport="file",
        file_name="crim_gen_reg.tsv",
        started_at=now,
        finished_at=now,
        retrieved_at=now,
        status="ok",
    )
    Observation.objects.create(
        dataset="crim_gen_reg",
        code="ICCS0101",
        unit="P_HTHAB",
        geo="FRL04",
        geo_level="nuts3",
        period="2021",
        year=2021,
        value=1.4,
        flags="p",
        run=run,
    )


def test_a_prefilled_value_with_its_provenance_is_used_then_overridden(
    browser: Any, live_server: Any, demo: Any
) -> None:
    from saferspaces.assessments.models import Answer, AnswerRevision

    team = team_build()
    assessment = open_round(team).assessments.get()
    _observation()
    walk = Walk(browser, live_server)
    page = walk.page_as(team.respondent)
    walk.goto(page, section_path(assessment, "URB"), "section with a suggestion")
    panel = page.locator(f"#q-{CODE} .prefill")
    expect(panel).to_contain_text("Suggestion from open data")
    expect(panel).to_contain_text("crim_gen_reg")
    expect(panel).to_contain_text("ICCS0101")
    expect(panel).to_contain_text("2021")
    expect(panel).to_contain_text("FRL04")
    expect(panel).to_contain_text("wider region")

    panel.get_by_role("button", name="Use this value").click()
    wait_saved(page, CODE)
    expect(page.locator(f"#q-{CODE}")).to_contain_text("from open data")
    expect(page.locator(f"#q-{CODE} .prefill")).to_have_count(0)
    walk.axe(page, "after using the suggestion")
    assert Answer.objects.get(assessment=assessment, code=CODE).prefill["period"] == "2021"

    # the respondent knows better: their own value, with its source as evidence
    response = type_and_blur(page, CODE, "1,1")
    assert response.status == 200
    wait_saved(page, CODE)
    page.locator(
        f"#q-{CODE} details.evidence-add summary, #q-{CODE} .evidence summary"
    ).first.click()
    page.fill(f"#q-{CODE}-ev-source", "Police prefecture, annual report 2024")
    page.fill(f"#q-{CODE}-ev-year", "2024")
    page.locator(f"#q-{CODE} .evidence form button[type=submit]").last.click()
    page.wait_for_load_state()
    walk.axe(page, "after adding evidence")

    answer = Answer.objects.get(assessment=assessment, code=CODE)
    assert (answer.value, answer.prefill) == (1.1, None)
    walk.goto(page, f"/assessments/{assessment.pk}/q/{CODE}/history/", "history")
    history = page.locator("table").first
    expect(history).to_contain_text("open data")
    expect(history).to_contain_text("1.4")
    expect(history).to_contain_text("1.1")
    sources = list(
        AnswerRevision.objects.filter(assessment=assessment, code=CODE).values_list(
            "source", flat=True
        )
    )
    assert sources == ["form", "prefill"]
    walk.close()
    walk.assert_clean(minimum_checks=4)
