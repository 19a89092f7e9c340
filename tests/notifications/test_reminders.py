"""Deadline reminders with the time injected: the teams of authorities that have not submitted
are reminded 14 and 3 days before the deadline, each person in their language, never twice;
a missed day is caught up once; an extended deadline reminds again; a closed round, a submitted
assessment, a person who switched reminders off and the time after the deadline get nothing.
The command ``saferspaces rounds remind`` reports what it did."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone, translation
from django.utils.formats import date_format

from assessment_helpers import Team, fill_all
from saferspaces.accounts.models import AuthorityMembership, Role
from saferspaces.assessments.models import Round
from saferspaces.assessments.round_changes import round_close, round_update
from saferspaces.assessments.rounds import round_open
from saferspaces.assessments.workflow import assessment_transition
from saferspaces.notifications.models import ReminderSent
from saferspaces.notifications.reminders import round_reminders_send
from saferspaces.notifications.services import preferences_update

OPENED = timezone.make_aware(dt.datetime(2026, 3, 2, 9, 0))
DEADLINE = dt.date(2026, 4, 30)
DAYS = (14, 3)
ALL_ON = {"returned": True, "accepted": True, "submitted": True, "reminder": True}


def _at(days_before: int, deadline: dt.date = DEADLINE) -> dt.datetime:
    """08:00 on the day ``days_before`` the deadline."""
    day = deadline - dt.timedelta(days=days_before)
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, 8, 0))


@pytest.fixture
def season(team: Team) -> dict[str, Any]:
    """A round of the persona authority (three people), a late one (its lead) and one that has
    submitted (its lead)."""
    late, done = team.network.authorities.exclude(pk=team.authority.pk).order_by("name")[:2]
    round_ = round_open(
        network=team.network,
        edition=team.edition,
        title="Season round",
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 12, 31),
        deadline=DEADLINE,
        authorities=[team.authority, late, done],
        user=team.coordinator,
        now=OPENED,
    )
    done_lead = AuthorityMembership.objects.get(authority=done, role=Role.LEAD).user
    submitted = round_.assessments.get(authority=done)
    fill_all(submitted, done_lead, status="dont_know")
    assessment_transition(assessment=submitted, action="submit", user=done_lead, now=OPENED)
    mail.outbox.clear()
    late_lead = AuthorityMembership.objects.get(authority=late, role=Role.LEAD).user
    return {"round": round_, "late": late, "late_lead": late_lead, "done_lead": done_lead}


def _send(now: dt.datetime) -> list[Any]:
    return round_reminders_send(now=now, days=DAYS)


def _recipients() -> list[str]:
    return sorted(m.to[0] for m in mail.outbox)


def test_the_teams_are_reminded_at_14_then_3_days_never_twice(
    team: Team, season: dict[str, Any]
) -> None:
    assert _send(_at(20)) == [] and mail.outbox == []  # too early
    persona_team = [team.lead.email, team.respondent.email, team.respondent2.email]
    [report] = _send(_at(14))
    assert (report.due, report.days_left, report.sent, report.authorities) == (14, 14, 4, 2)
    assert _recipients() == sorted([*persona_team, season["late_lead"].email])
    assert season["done_lead"].email not in _recipients()  # submitted: nothing to remind
    message = next(m for m in mail.outbox if m.to == [team.lead.email])
    assert message.subject == "14 days left to submit your assessment (Season round)"
    assert "questions done" in message.body and "/me/#notifications" in message.body
    assert ReminderSent.objects.count() == 4
    # the same day again, and the days after: nothing more
    mail.outbox.clear()
    for moment in (_at(14) + dt.timedelta(hours=6), _at(13), _at(4)):
        [again] = _send(moment)
        assert again.sent == 0
    assert mail.outbox == []
    # the lead reads French, a respondent has switched reminders off
    preferences_update(user=team.lead, language="fr", wanted=ALL_ON, now=_at(5))
    preferences_update(
        user=team.respondent, language="en", wanted=ALL_ON | {"reminder": False}, now=_at(5)
    )
    [report] = _send(_at(3))
    assert (report.due, report.sent, report.switched_off) == (3, 3, 1)
    assert _recipients() == sorted(
        [team.lead.email, team.respondent2.email, season["late_lead"].email]
    )
    french = next(m for m in mail.outbox if m.to == [team.lead.email])
    with translation.override("fr"):
        deadline_fr = date_format(DEADLINE)
    assert french.extra_headers["Content-Language"] == "fr" and deadline_fr in french.body
    assert "avril" in deadline_fr
    mail.outbox.clear()
    assert [r.sent for r in _send(_at(0))] == [0]  # the deadline day: the 3-day one was sent
    assert _send(_at(-1)) == [] and mail.outbox == []  # after the deadline: nothing


def test_a_missed_day_is_caught_up_once_and_an_extended_deadline_reminds_again(
    team: Team, season: dict[str, Any]
) -> None:
    [report] = _send(_at(9))  # the timer did not run at 14 days: the 14-day one, 9 days left
    assert (report.due, report.days_left, report.sent) == (14, 9, 4)
    assert mail.outbox[0].subject == "9 days left to submit your assessment (Season round)"
    later = DEADLINE + dt.timedelta(days=30)
    round_update(
        round_=season["round"],
        title="Season round",
        deadline=later,
        authorities=[a.authority for a in season["round"].assessments.all()],
        user=team.coordinator,
        now=_at(5),
    )
    mail.outbox.clear()
    assert _send(_at(3)) == []  # the old deadline no longer counts
    [report] = _send(_at(14, deadline=later))
    assert report.sent == 4  # the 14-day reminder of the new deadline
    round_close(round_=season["round"], user=team.coordinator, now=_at(10, deadline=later))
    mail.outbox.clear()
    assert _send(_at(3, deadline=later)) == [] and mail.outbox == []  # closed: nothing


def test_an_authority_nobody_has_joined_yet_is_named(team: Team, season: dict[str, Any]) -> None:
    season["late_lead"].is_active = False
    season["late_lead"].save(update_fields=["is_active"])
    [report] = _send(_at(14))
    assert report.nobody == [season["late"].name] and report.sent == 3


def test_the_command_reports_what_it_sent(
    team: Team, season: dict[str, Any], settings: Any
) -> None:
    settings.REMINDER_DAYS = DAYS
    out = io.StringIO()
    call_command("rounds", "remind", "--now", "2026-04-16T08:00", stdout=out)
    text = out.getvalue()
    assert (
        "Season round (Demonstration network for safer public spaces): deadline 2026-04-30" in text
    )
    assert "the 14-day reminder: 4 e-mail(s) to the teams of 2 authorities" in text
    assert "4 reminder e-mail(s) sent for 1 round(s)." in text
    out = io.StringIO()
    call_command("rounds", "remind", "--now", "2026-04-16T20:00", stdout=out)
    assert "0 reminder e-mail(s) sent" in out.getvalue()
    out = io.StringIO()
    call_command("rounds", "remind", "--now", "2026-03-10T08:00", stdout=out)
    assert "No reminder is due on 2026-03-10 (reminders 14, 3 days before a deadline)." in (
        out.getvalue()
    )
    with pytest.raises(CommandError, match="is not a date and time such as 2026-04-16T08:00"):
        call_command("rounds", "remind", "--now", "next tuesday")
    assert Round.objects.filter(pk=season["round"].pk, closed_at__isnull=True).exists()
