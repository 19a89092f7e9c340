"""Benchmarks run by ``make bench`` (pytest-benchmark). Each module names the issue's targets.

Shared fixtures of the data-collection benchmarks (issue 5): the demo's people and a fresh
assessment, built with real commits (``transactional_db``) so a save is timed with its COMMIT.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

TESTS_DIR = Path(__file__).resolve().parent.parent / "tests"
if str(TESTS_DIR) not in sys.path:
    sys.path.insert(0, str(TESTS_DIR))  # assessment_helpers, conftest.require

from assessment_helpers import Team, open_round  # noqa: E402


@pytest.fixture
def bench_team(transactional_db: None) -> Team:
    """The demo (built by the real generator) and its people, with a second respondent."""
    from django.utils import timezone

    from saferspaces.accounts.models import Role, User
    from saferspaces.accounts.services import membership_grant
    from saferspaces.authorities.models import Authority, Network
    from saferspaces.demo.generator import MAIN_NETWORK, PERSONA_AUTHORITY, PERSONAS, demo_build
    from saferspaces.frameworks.models import FrameworkEdition

    demo_build(now=timezone.now())
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
def bench_assessment(bench_team: Team) -> Any:
    """A fresh draft assessment of the persona authority in a new round (ssf-2026.1)."""
    return open_round(bench_team).assessments.get()
