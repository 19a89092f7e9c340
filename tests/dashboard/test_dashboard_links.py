"""A dashboard shows only links its reader may open, and a refusal says the true reason."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from saferspaces.accounts.models import User
from saferspaces.authorities.models import Authority
from saferspaces.demo.generator import PERSONA_AUTHORITY, PERSONAS

pytestmark = pytest.mark.django_db

HREF = re.compile(r'href="(/[^"#]*)')
PUBLIC = ("/static/", "/accounts/", "/i18n/")
EXPLAIN = re.compile(r"/explain/[^/]+/")


def _client(key: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(email=next(p.email for p in PERSONAS if p.key == key)))
    return client


@pytest.mark.parametrize(
    "key", ["respondent", "lead", "coordinator", "ports_coordinator", "administrator"]
)
def test_every_link_of_the_dashboard_opens_for_its_reader(key: str, demo_module: Any) -> None:
    slug = Authority.objects.get(name=PERSONA_AUTHORITY).slug
    client = _client(key)
    page = client.get(f"/authorities/{slug}/dashboard/")
    assert page.status_code == 200
    kinds: dict[str, str] = {}  # one link of each kind (the explain list has one per indicator)
    for link in HREF.findall(page.content.decode()):
        if not link.startswith(PUBLIC):
            kinds.setdefault(EXPLAIN.sub("/explain/*/", link), link.replace("&amp;", "&"))
    links = set(kinds.values())
    assert len(links) >= 4, links
    refused = {link for link in links if client.get(link).status_code == 403}
    assert not refused, f"{key} is shown links that answer 403: {sorted(refused)}"


def test_only_leads_and_administrators_are_offered_the_sharing_page(demo_module: Any) -> None:
    slug = Authority.objects.get(name=PERSONA_AUTHORITY).slug
    sharing = f'href="/authorities/{slug}/sharing/"'
    for key, offered in (("respondent", False), ("lead", True), ("administrator", True)):
        html = _client(key).get(f"/authorities/{slug}/dashboard/").content.decode()
        assert (sharing in html) is offered, key


def test_the_refusal_says_why_and_not_that_she_is_not_part_of_her_authority(
    demo_module: Any,
) -> None:
    slug = Authority.objects.get(name=PERSONA_AUTHORITY).slug
    response = _client("respondent").get(f"/authorities/{slug}/sharing/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "Only a lead of this authority can change what it shares." in html
    assert "not part of" not in html
    french = Client(HTTP_ACCEPT_LANGUAGE="fr")
    french.force_login(
        User.objects.get(email=next(p.email for p in PERSONAS if p.key == "respondent"))
    )
    html = french.get(f"/authorities/{slug}/sharing/").content.decode()
    assert "Only a lead" not in html and '<html lang="fr"' in html


def test_a_refused_assessment_says_who_may_open_it(demo_module: Any) -> None:
    from saferspaces.assessments.models import Assessment

    assessment = Assessment.objects.filter(authority__name=PERSONA_AUTHORITY).first()
    assert assessment is not None
    html = _client("outsider").get(f"/assessments/{assessment.pk}/").content.decode()
    assert "the coordinators of the network that runs its round" in html
    assert PERSONA_AUTHORITY not in html  # the refusal names nothing of the assessment
