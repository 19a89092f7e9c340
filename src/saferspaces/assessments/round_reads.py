"""Reading a round through its season: who takes part, how far each is, who is behind.

Participants are always listed by name, never by progress: the page helps a coordinator follow
up, it does not rank authorities.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from saferspaces.accounts.models import AuthorityMembership
from saferspaces.assessments.models import Answer, AssessmentState, IndividualAnswer, Round
from saferspaces.assessments.selectors import round_assessments

#: states in which an assessment still waits for its authority's submission
WAITING = (AssessmentState.DRAFT, AssessmentState.RETURNED)


def round_overview(*, round_: Round, today: dt.date) -> dict[str, Any]:
    """Every participant by name with its progress, and who is behind on ``today``.

    Before the deadline, ``not_started`` lists those without any answer yet. Once the deadline
    has passed (or the round is closed), ``late`` lists those that have not submitted: drafts
    and returned assessments, whether they started or not. ``without_team`` lists those whose
    team nobody has joined yet (their invitations are pending): reminders reach nobody there.
    A fixed number of queries, whatever the number of authorities.
    """
    rows = round_assessments(round_=round_)
    ids = [row["assessment"].pk for row in rows]
    started = set(
        Answer.objects.filter(assessment_id__in=ids).values_list("assessment_id", flat=True)
    ) | set(
        IndividualAnswer.objects.filter(assessment_id__in=ids).values_list(
            "assessment_id", flat=True
        )
    )
    authorities = [row["assessment"].authority_id for row in rows]
    staffed = set(
        AuthorityMembership.objects.filter(authority_id__in=authorities).values_list(
            "authority_id", flat=True
        )
    )
    past = today > round_.deadline
    behind = past or round_.closed_at is not None
    for row in rows:
        assessment = row["assessment"]
        waiting = assessment.state in WAITING
        row["started"] = assessment.pk in started
        row["late"] = behind and waiting
        row["not_started"] = not behind and waiting and not row["started"]
        row["has_team"] = assessment.authority_id in staffed
    return {
        "rows": rows,
        "past_deadline": past,
        "closed": round_.closed_at is not None,
        "days_left": (round_.deadline - today).days,
        "late": [row["assessment"] for row in rows if row["late"]],
        "not_started": [row["assessment"] for row in rows if row["not_started"]],
        "without_team": [
            row["assessment"]
            for row in rows
            if not row["has_team"] and row["assessment"].state in WAITING
        ],
        "submitted": sum(1 for row in rows if row["assessment"].state not in WAITING),
    }


def round_closing_preview(*, round_: Round) -> dict[str, Any]:
    """What closing ``round_`` would do: the assessments it would mark not submitted (drafts and
    returned ones, by name), and how many submitted ones wait for review or are accepted."""
    assessments = list(round_.assessments.select_related("authority").order_by("authority__name"))
    return {
        "round": round_,
        "waiting": [a for a in assessments if a.editable],
        "submitted": sum(1 for a in assessments if a.state == AssessmentState.SUBMITTED),
        "accepted": sum(1 for a in assessments if a.state == AssessmentState.ACCEPTED),
    }
