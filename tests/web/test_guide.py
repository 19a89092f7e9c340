"""The in-site guide: an overview of what a round is and one page per role, in English and
French, linked from the pages where people need it (the fill-in, the assessment, the list, the
round, the report and the dashboard)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from saferspaces.web.views import GUIDE_ROLES

PAGES = ["/guide/", *(f"/guide/{role}/" for role in GUIDE_ROLES)]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_guide_page_in_each_language(client: Client, db: Any, language: str) -> None:
    client.cookies["django_language"] = language
    for path in PAGES:
        r = client.get(path)
        assert r.status_code == 200, path
        html = r.content.decode()
        assert f'<html lang="{language}">' in html
        for other in PAGES:  # every page leads to every other
            assert f'href="{other}"' in html, (path, other)
        assert html.count("<h1>") == 1


def test_the_guide_says_what_a_round_is_and_what_scores_mean(client: Client, db: Any) -> None:
    text = re.sub(r"<[^>]+>", " ", client.get("/guide/").content.decode())
    assert "What a round is" in text and "Submitted" in text and "Accepted" in text
    reader = client.get("/guide/reader/").content.decode()
    assert 'id="scores"' in reader
    for term in ("Perception and status", "Gap", "Band among similar authorities", "Missing data"):
        assert term in reader
    assert "at least 5 similar authorities" in reader  # the platform's peer minimum
    respondent = client.get("/guide/respondent/").content.decode()
    assert 'id="filling-in"' in respondent and 'id="together"' in respondent


def test_an_unknown_role_is_not_found(client: Client, db: Any) -> None:
    assert client.get("/guide/councillor/").status_code == 404


def test_pages_link_to_the_guide_where_people_need_it(client_as: Any) -> None:
    from saferspaces.assessments.models import Assessment
    from saferspaces.demo.assessments import ROUND_TITLES
    from saferspaces.demo.generator import PERSONA_AUTHORITY

    draft = Assessment.objects.get(authority__name=PERSONA_AUTHORITY, round__title=ROUND_TITLES[-1])
    accepted = Assessment.objects.get(
        authority__name=PERSONA_AUTHORITY, round__title=ROUND_TITLES[0]
    )
    lead, coordinator = client_as("lead"), client_as("coordinator")
    expected = [
        (lead, f"/assessments/{draft.pk}/s/QOL/", "/guide/respondent/#filling-in"),
        (lead, f"/assessments/{draft.pk}/", "/guide/lead/#rounds"),
        (lead, f"/assessments/{accepted.pk}/report/", "/guide/reader/#scores"),
        (lead, f"/authorities/{draft.authority.slug}/dashboard/", "/guide/reader/#scores"),
        (coordinator, "/assessments/", "/guide/#rounds"),
        (coordinator, f"/rounds/{draft.round_id}/", "/guide/coordinator/"),
    ]
    for c, page, link in expected:
        assert f'href="{link}"' in c.get(page).content.decode(), page
