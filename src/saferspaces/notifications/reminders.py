"""Deadline reminders: the teams of a round's authorities that have not submitted are reminded
a few days before the deadline (``settings.REMINDER_DAYS``, 14 and 3 by default), each person
in their language, never twice.

``saferspaces rounds remind`` runs :func:`round_reminders_send` once a day (a systemd timer, see
docs/operations.md). Which reminder is due on a day is decided by the pure
``core.reminders.reminder_due``: the nearest one not yet passed, so a day the timer missed is
caught up once, and nothing is sent after the deadline or for a closed round. Every reminder
sent is recorded (:class:`~saferspaces.notifications.models.ReminderSent`: assessment, person,
deadline, days) in the transaction that enqueues its e-mail, with the assessment row locked:
running the command twice, or twice at once, sends nothing more. A new deadline (extended) is a
new key: its reminders are sent again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from saferspaces.accounts.models import User
from saferspaces.assessments.models import Assessment, AssessmentState, Round
from saferspaces.assessments.selectors import round_assessments
from saferspaces.core.reminders import reminder_due
from saferspaces.notifications.kinds import REMINDER
from saferspaces.notifications.mail import mail_send, site_url
from saferspaces.notifications.models import ReminderSent
from saferspaces.notifications.selectors import people_wanting


@dataclass
class RoundReminders:
    """What one run did for one round."""

    round: Round
    days_left: int
    due: int  # the reminder sent: this many days before the deadline
    sent: int = 0  # e-mails
    authorities: int = 0  # authorities whose team got at least one
    switched_off: int = 0  # people who turned reminders off
    nobody: list[str] = field(default_factory=list)  # authorities whose team nobody joined yet


def round_reminders_send(*, now: dt.datetime, days: Sequence[int]) -> list[RoundReminders]:
    """Send the reminders due on ``now``'s day for every open round; one report per round that
    had a reminder due."""
    today = timezone.localdate(now)
    reports = []
    rounds = Round.objects.filter(closed_at__isnull=True, deadline__gte=today).select_related(
        "network"
    )
    for round_ in rounds.order_by("deadline", "pk"):
        due = reminder_due(deadline=round_.deadline, today=today, days=days)
        if due is None:
            continue
        report = RoundReminders(round=round_, days_left=(round_.deadline - today).days, due=due)
        for row in round_assessments(round_=round_):
            if row["assessment"].editable:
                _assessment_remind(row=row, report=report, now=now)
        reports.append(report)
    return reports


def _assessment_remind(*, row: dict[str, Any], report: RoundReminders, now: dt.datetime) -> None:
    assessment = row["assessment"]
    team = list(
        User.objects.filter(memberships__authority_id=assessment.authority_id, is_active=True)
        .distinct()
        .order_by("pk")
    )
    if not team:
        report.nobody.append(assessment.authority.name)
        return
    deadline = report.round.deadline
    with transaction.atomic():
        still_waiting = (
            Assessment.objects.select_for_update()
            .filter(
                pk=assessment.pk,
                state__in=(AssessmentState.DRAFT, AssessmentState.RETURNED),
                not_submitted_at__isnull=True,
            )
            .exists()
        )
        if not still_waiting:
            return
        done = set(
            ReminderSent.objects.filter(
                assessment=assessment, deadline=deadline, days=report.due
            ).values_list("user_id", flat=True)
        )
        pending = [person for person in team if person.pk not in done]
        recipients = people_wanting(users=pending, kind=REMINDER)
        report.switched_off += len(pending) - len(recipients)
        if not recipients:
            return
        ReminderSent.objects.bulk_create(
            ReminderSent(
                assessment=assessment, user=person, deadline=deadline, days=report.due, sent_at=now
            )
            for person in recipients
        )
        report.sent += mail_send(
            recipients=recipients,
            kind=REMINDER,
            template="reminder",
            context={
                "assessment": assessment,
                "authority": assessment.authority,
                "round": report.round,
                "days_left": report.days_left,
                "done": row["done"],
                "relevant": row["relevant"],
                "assessment_url": site_url(reverse("assessments:detail", args=[assessment.pk])),
            },
        )
        report.authorities += 1
