"""Races of a round's season on PostgreSQL, with real threads and their own connections started
together (a barrier). Runs in the PostgreSQL pass of ``make test`` (SQLite serialises writers).

* Closing a round while a lead submits: the submission either comes first (it stays submitted,
  and closing leaves it alone) or is refused (the assessment is kept as a draft, marked not
  submitted); never a submitted assessment marked not submitted, never a submission into a
  closed round.
* Two runs of the reminder command at once (the timer and an operator): each reminder is sent
  once.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.core import mail
from django.db import connections
from django.utils import timezone

from assessment_helpers import Team, fill_all, team_make
from conftest import require_postgres
from saferspaces.assessments.models import Assessment
from saferspaces.assessments.round_changes import round_close
from saferspaces.assessments.rounds import round_open
from saferspaces.assessments.workflow import assessment_transition
from saferspaces.errors import DomainError
from saferspaces.notifications.models import ReminderSent
from saferspaces.notifications.reminders import round_reminders_send

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

RACES = 4


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    require_postgres()


def _race(team: Team, assessment: Assessment) -> dict[str, Any]:
    barrier = threading.Barrier(2)
    outcome: dict[str, Any] = {}

    def close() -> None:
        try:
            barrier.wait(30)
            outcome["closing"] = round_close(
                round_=assessment.round, user=team.coordinator, now=timezone.now()
            )
        except BaseException as error:  # reported by the test
            outcome["close_error"] = error
        finally:
            connections.close_all()

    def submit() -> None:
        try:
            barrier.wait(30)
            assessment_transition(assessment=assessment, action="submit", user=team.lead)
            outcome["submitted"] = True
        except DomainError as error:
            outcome["refused"] = error.message
        except BaseException as error:
            outcome["submit_error"] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=close), threading.Thread(target=submit)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads), "a thread is stuck (a lock never released?)"
    return outcome


def test_a_submission_and_the_closing_at_once_never_leave_a_half_state(demo: Any) -> None:
    team = team_make()
    seen = set()
    for race in range(RACES):
        today = dt.date.today()
        round_ = round_open(
            network=team.network,
            edition=team.edition,
            title=f"Race {race}",
            period_start=dt.date(today.year - 1, 1, 1),
            period_end=dt.date(today.year - 1, 12, 31),
            deadline=today + dt.timedelta(days=10),
            authorities=[team.authority],
            user=team.coordinator,
        )
        assessment = round_.assessments.get()
        fill_all(assessment, team.lead, status="dont_know")
        outcome = _race(team, assessment)
        assert "close_error" not in outcome and "submit_error" not in outcome, outcome
        assessment.refresh_from_db()
        round_.refresh_from_db()
        assert round_.closed_at is not None
        if outcome.get("submitted"):
            seen.add("submitted first")
            assert assessment.state == "submitted" and assessment.not_submitted_at is None
            assert outcome["closing"].not_submitted == []
        else:
            seen.add("closed first")
            assert "no more submissions" in outcome["refused"]
            assert assessment.state == "draft" and assessment.not_submitted_at is not None
            assert assessment.transitions.filter(action="submit").count() == 0
    print("orders seen:", sorted(seen))
    assert seen  # at least one order happened (which one depends on the scheduler)


def test_two_reminder_runs_at_once_send_each_reminder_once(demo: Any) -> None:
    team = team_make()  # the persona authority's team: a lead and two respondents
    today = dt.date.today()
    round_ = round_open(
        network=team.network,
        edition=team.edition,
        title="Reminded once",
        period_start=dt.date(today.year - 1, 1, 1),
        period_end=dt.date(today.year - 1, 12, 31),
        deadline=today + dt.timedelta(days=30),
        authorities=[team.authority],
        user=team.coordinator,
    )
    moment = timezone.now() + dt.timedelta(days=16)  # 14 days before the deadline
    barrier = threading.Barrier(2)
    sent: list[int] = []
    errors: list[BaseException] = []
    mail.outbox.clear()

    def run() -> None:
        try:
            barrier.wait(30)
            reports = round_reminders_send(now=moment, days=(14, 3))
            sent.append(sum(r.sent for r in reports if r.round.pk == round_.pk))
        except BaseException as error:  # reported by the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads), "a thread is stuck (a lock never released?)"
    assert errors == []
    assert sorted(sent) == [0, 3]
    assert ReminderSent.objects.filter(assessment__round=round_).count() == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [team.lead.email, team.respondent.email, team.respondent2.email]
    )
