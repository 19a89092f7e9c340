"""Helpers of the assessment tests (shared by unit, view, browser and benchmark code)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any


@dataclass
class Team:
    lead: Any
    respondent: Any
    respondent2: Any
    coordinator: Any
    outsider: Any
    administrator: Any
    authority: Any
    network: Any
    edition: Any


def team_make() -> Team:
    """The demo's people around the persona authority, plus a second respondent (Sam Second);
    needs the demo loaded."""
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


def open_round(team: Team, *, consensus: bool = False, today: dt.date | None = None) -> Any:
    from saferspaces.assessments.rounds import round_open

    today = today or dt.date.today()
    return round_open(
        network=team.network,
        edition=team.edition,
        title="Test round",
        period_start=dt.date(today.year - 1, 1, 1),
        period_end=dt.date(today.year - 1, 12, 31),
        deadline=today + dt.timedelta(days=30),
        authorities=[team.authority],
        consensus=consensus,
        user=team.coordinator,
    )


def valid_raw(question: Any) -> Any:
    """A plausible valid answer for any question (for filling assessments in tests)."""
    spec = question.answer
    t = spec.type
    if t in ("likert", "yes_partly_no", "single_choice"):
        return spec.choice_options()[0].code
    if t == "multiple_choice":
        return [spec.choice_options()[0].code]
    if t == "text":
        return "Written answer"
    if t == "year":
        return "2024"
    lo = spec.min if spec.min is not None else 0.0
    hi = spec.max if spec.max is not None else (100.0 if t == "percentage" else lo + 100.0)
    return str((lo + hi) / 2)


def fill_all(assessment: Any, user: Any, *, status: str = "answered") -> int:
    """Answer every relevant question still open; returns how many were saved."""
    from saferspaces.assessments.answering import answer_save
    from saferspaces.assessments.selectors import assessment_unanswered, question_get

    n = 0
    for _round in range(3):  # skip logic can open questions once others are answered
        for code in assessment_unanswered(assessment=assessment):
            q = question_get(assessment=assessment, code=code)
            answer_save(
                assessment=assessment,
                code=code,
                user=user,
                status=status,
                raw=valid_raw(q) if status == "answered" else None,
                expected_version=0,
            )
            n += 1
    return n
