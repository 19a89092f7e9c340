"""The e-mails of the assessment workflow, sent by ``assessments.workflow.assessment_transition``
in the step's transaction:

* submitted (or submitted again): to the coordinators of the round's network;
* returned with comments: to the authority's leads, with the coordinator's comment;
* accepted: to the authority's leads.

Nobody is told of their own step, and a private self-assessment (no round) notifies nobody.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from saferspaces.accounts.models import Role, User
from saferspaces.notifications.kinds import ACCEPTED, RETURNED, SUBMITTED
from saferspaces.notifications.mail import notify, site_url


def transition_notify(
    *, assessment: Any, action: str, comment: str, by: Any, now: dt.datetime
) -> int:
    """Send the e-mails of the workflow step ``action``; returns how many were sent."""
    round_ = assessment.round
    if round_ is None:
        return 0
    context = {
        "assessment": assessment,
        "authority": assessment.authority,
        "round": round_,
        "by": by,
        "comment": comment,
        "at": now,
        "resubmitted": action == "resubmit",
        "assessment_url": site_url(reverse("assessments:detail", args=[assessment.pk])),
    }
    people = User.objects.filter(is_active=True).order_by("pk")
    if getattr(by, "pk", None) is not None:
        people = people.exclude(pk=by.pk)
    if action in ("submit", "resubmit"):
        coordinators = people.filter(coordinations__network_id=round_.network_id)
        return notify(users=coordinators, kind=SUBMITTED, template="submitted", context=context)
    if action in ("return", "accept"):
        leads = people.filter(
            memberships__authority_id=assessment.authority_id, memberships__role=Role.LEAD
        )
        kind = RETURNED if action == "return" else ACCEPTED
        return notify(users=leads, kind=kind, template=kind, context=context)
    return 0
