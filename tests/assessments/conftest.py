"""Fixtures of the assessment tests: the demo's people and a fresh round assessment."""

from __future__ import annotations

from typing import Any

import pytest

from assessment_helpers import Team, open_round


@pytest.fixture
def team(demo_module, db) -> Team:  # type: ignore[no-untyped-def]
    from saferspaces.accounts.models import Role, User
    from saferspaces.accounts.services import membership_grant
    from saferspaces.authorities.models import Authority, Network
    from saferspaces.demo.generator import MAIN_NETWORK, PERSONA_AUTHORITY, PERSONAS
    from saferspaces.frameworks.models import FrameworkEdition

    users = {p.key: User.objects.get(email=p.email) for p in PERSONAS}
    authority = Authority.objects.get(name=PERSONA_AUTHORITY)
    second = User.objects.create_user("second.respondent@example.org", "x", full_name="Sam Second")
    membership_grant(user=second, authority=authority, role=Role.RESPONDENT)
    return Team(
        lead=users["lead"],
        respondent=users["respondent"],
        respondent2=second,
        coordinator=users["coordinator"],
        outsider=users["outsider"],
        administrator=users["administrator"],
        authority=authority,
        network=Network.objects.get(name=MAIN_NETWORK),
        edition=FrameworkEdition.objects.get(edition_id="ssf-2026.1"),
    )


@pytest.fixture
def assessment(team: Team) -> Any:
    return open_round(team).assessments.get()


@pytest.fixture
def consensus_assessment(team: Team) -> Any:
    return open_round(team, consensus=True).assessments.get()


@pytest.fixture(autouse=True)
def _language_reset() -> Any:
    """A request in French leaves French active in the test's thread (LocaleMiddleware does not
    switch back): service calls of the next test would then answer in French."""
    from django.utils import translation

    yield
    translation.activate("en")
