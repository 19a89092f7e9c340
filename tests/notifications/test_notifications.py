"""E-mails of the workflow: the coordinators when an assessment is submitted, the leads when it is
returned (with the comment) or accepted; each in the recipient's language, none to the person
who acted, none of a kind the person switched off; queued with the step."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.utils import translation
from django.utils.formats import date_format

from assessment_helpers import Team, fill_all, open_round
from saferspaces.accounts.models import Role, User
from saferspaces.accounts.services import membership_grant
from saferspaces.assessments.rounds import assessment_start
from saferspaces.assessments.workflow import assessment_transition
from saferspaces.errors import DomainError
from saferspaces.notifications.services import preferences_update

ALL_ON = {"returned": True, "accepted": True, "submitted": True, "reminder": True}


@pytest.fixture
def submitted(team: Team) -> Any:
    assessment = open_round(team).assessments.get()
    fill_all(assessment, team.lead, status="dont_know")
    mail.outbox.clear()
    return assessment_transition(assessment=assessment, action="submit", user=team.lead)


def _to(person: Any) -> list[Any]:
    return [m for m in mail.outbox if m.to == [person.email]]


def test_the_coordinators_are_told_of_a_submission_not_the_lead(team: Team, submitted: Any) -> None:
    coordinators = User.objects.filter(coordinations__network=team.network)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(c.email for c in coordinators)
    message = _to(team.coordinator)[0]
    assert message.subject == f"{team.authority.name} submitted its assessment (Test round)"
    assert team.lead.full_name in message.body and "accept it, or return it" in message.body
    assert f"http://127.0.0.1:8000/assessments/{submitted.pk}/" in message.body
    assert "/me/#notifications" in message.body  # where to switch it off
    assert message.extra_headers["Content-Language"] == "en"
    assert not _to(team.lead)


def test_a_returned_assessment_reaches_its_leads_with_the_comment_in_their_language(
    team: Team, submitted: Any
) -> None:
    second_lead = User.objects.create_user("second.lead@example.org", "x", full_name="Lou Second")
    membership_grant(user=second_lead, authority=team.authority, role=Role.LEAD)
    preferences_update(user=team.lead, language="fr", wanted=ALL_ON, now=submitted.updated_at)
    mail.outbox.clear()
    assessment_transition(
        assessment=submitted,
        action="return",
        user=team.coordinator,
        comment="Give the source of the crime figures, please.",
    )
    assert sorted(m.to[0] for m in mail.outbox) == sorted([team.lead.email, second_lead.email])
    french, english = _to(team.lead)[0], _to(second_lead)[0]
    deadline = submitted.round.deadline
    with translation.override("fr"):
        in_french = date_format(deadline)
    with translation.override("en"):
        in_english = date_format(deadline)
    assert in_french != in_english
    assert french.extra_headers["Content-Language"] == "fr"
    assert in_french in french.body and in_english not in french.body
    assert english.extra_headers["Content-Language"] == "en" and in_english in english.body
    for message in (french, english):
        assert "Give the source of the crime figures, please." in message.body
        assert team.coordinator.full_name in message.body
    assert not _to(team.respondent) and not _to(team.coordinator)


def test_an_acceptance_reaches_the_leads_who_did_not_switch_it_off(
    team: Team, submitted: Any
) -> None:
    second_lead = User.objects.create_user("second.lead@example.org", "x", full_name="Lou Second")
    membership_grant(user=second_lead, authority=team.authority, role=Role.LEAD)
    preferences_update(
        user=team.lead, language="en", wanted=ALL_ON | {"accepted": False}, now=submitted.updated_at
    )
    mail.outbox.clear()
    assessment_transition(assessment=submitted, action="accept", user=team.coordinator)
    assert [m.to for m in mail.outbox] == [[second_lead.email]]
    assert mail.outbox[0].subject.startswith("Accepted: the assessment of")


def test_a_refused_step_and_a_private_assessment_send_nothing(team: Team, submitted: Any) -> None:
    mail.outbox.clear()
    with pytest.raises(DomainError):
        assessment_transition(assessment=submitted, action="return", user=team.coordinator)
    private = assessment_start(
        authority=team.authority,
        edition=team.edition,
        title="Our own look",
        reference_year=2025,
        user=team.lead,
    )
    fill_all(private, team.lead, status="not_collected")
    assessment_transition(assessment=private, action="submit", user=team.lead)
    assert mail.outbox == []


def test_the_e_mail_is_a_queued_task_stored_with_the_step(
    team: Team, submitted: Any, database_queue: Any, settings: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    settings.EMAIL_BACKEND = "saferspaces.background.mail.QueuedEmailBackend"  # the site's
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox.clear()
    before = DBTaskResult.objects.count()
    assessment_transition(
        assessment=submitted,
        action="return",
        user=team.coordinator,
        comment="Sources?",
        now=submitted.updated_at + dt.timedelta(hours=1),
    )
    assert mail.outbox == []  # not sent yet: waiting in the queue
    assert DBTaskResult.objects.count() > before
    database_queue()
    assert [m.to for m in mail.outbox] == [[team.lead.email]]
    assert "Sources?" in mail.outbox[0].body
