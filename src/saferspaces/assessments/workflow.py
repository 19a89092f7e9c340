"""The workflow of an assessment: draft -> submitted -> returned -> resubmitted -> accepted.

Each step is a :class:`Transition` with who, when and why. Steps lock the assessment row and check
its state, so a double submit (two tabs, a double click) records one submission only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from saferspaces.assessments import permissions
from saferspaces.assessments.hooks import TransitionDone, transition_hooks_run
from saferspaces.assessments.models import (
    Assessment,
    AssessmentState,
    Transition,
    TransitionAction,
)
from saferspaces.assessments.selectors import assessment_unanswered
from saferspaces.core.framework.model import text_get
from saferspaces.core.limits import COMMENT_MAX_CHARS
from saferspaces.errors import DomainError
from saferspaces.inputs import text_clean

S = AssessmentState

# action -> (states it starts from, state it leads to, who may do it)
Rule = tuple[tuple[str, ...], str, Callable[[Any, Assessment], bool]]
RULES: dict[str, Rule] = {
    "submit": ((S.DRAFT, S.RETURNED), S.SUBMITTED, permissions.is_lead_of),
    "return": ((S.SUBMITTED,), S.RETURNED, permissions.can_review),
    "accept": ((S.SUBMITTED,), S.ACCEPTED, permissions.can_review),
    "reopen": ((S.SUBMITTED,), S.DRAFT, permissions.is_lead_of),
}
ACTION_LABELS = dict(TransitionAction.choices)


def _refuse_state(assessment: Assessment, action: str) -> DomainError:
    last = assessment.transitions.order_by("-at", "-id").select_related("by").first()
    state = assessment.get_state_display().lower()
    target = RULES[action][1]
    if last is not None and last.to_state == assessment.state == target:
        return DomainError(
            _("Nothing was done: the assessment is already %(state)s (by %(who)s, %(when)s).")
            % {
                "state": state,
                "who": last.by or _("someone"),
                "when": date_format(timezone.localtime(last.at), "DATETIME_FORMAT"),
            }
        )
    return DomainError(
        _("Nothing was done: an assessment that is %(state)s cannot be %(action)s.")
        % {"state": state, "action": ACTION_LABELS.get(action, action)}
    )


def _missing_message(assessment: Assessment, missing: list[str]) -> str:
    """How many questions that apply still need an answer, naming the first ones in words."""
    from saferspaces.assessments.editions import assessment_edition, edition_layout

    _s, _sec, questions = edition_layout(edition=assessment_edition(assessment=assessment))
    language = (get_language() or "en")[:2]
    first = [
        _("“%(question)s”")
        % {"question": Truncator(text_get(questions[code].question, language)).words(10)}
        for code in missing[:3]
        if code in questions
    ]
    return ngettext(
        "%(n)s question has no answer yet: %(first)s. Give an answer or say don't know, not "
        "applicable or data not collected; “Next question without an answer” in the fill-in "
        "leads to it.",
        "%(n)s questions have no answer yet, among them %(first)s. Give an answer or say don't "
        "know, not applicable or data not collected; “Next question without an answer” in the "
        "fill-in leads to them.",
        len(missing),
    ) % {"n": len(missing), "first": "; ".join(first)}


def _refuse_closed(assessment: Assessment, action: str) -> DomainError | None:
    """Once its round is closed, an assessment is only accepted: nothing can be submitted again."""
    round_ = assessment.round
    closed = (round_.closed_at if round_ is not None else None) or assessment.not_submitted_at
    if action == "accept" or round_ is None or closed is None:
        return None
    values = {"round": round_.title, "date": date_format(timezone.localtime(closed))}
    if action == "submit":
        message = _(
            "The round %(round)s closed on %(date)s: no more submissions. The answers are kept, "
            "marked not submitted."
        )
    elif action == "return":
        message = _(
            "The round %(round)s closed on %(date)s: a submitted assessment can no longer be "
            "returned, since it could not be submitted again. Accept it, or leave it submitted: "
            "only accepted assessments count in the published results."
        )
    else:
        message = _(
            "The round %(round)s closed on %(date)s: a submitted assessment can no longer be "
            "reopened."
        )
    return DomainError(message % values)


def assessment_transition(
    *,
    assessment: Assessment,
    action: str,
    user: Any,
    comment: str = "",
    now: dt.datetime | None = None,
) -> Assessment:
    """Move ``assessment`` by ``action`` (submit, return, accept, reopen) and record it.

    Submitting needs every relevant question answered or explicitly marked (don't know, not
    applicable, data not collected); returning needs a comment; a private assessment (outside
    any round) is never reviewed. A submission enqueues its scoring (a background task, in
    this transaction); the step's e-mails (``notifications.workflow``) are enqueued with it.
    """
    if action not in RULES:
        raise DomainError(_("Unknown action %(action)s.") % {"action": action})
    now = now or timezone.now()
    comment = text_clean(comment, field="comment", label=_("Comment"), max_chars=COMMENT_MAX_CHARS)
    sources, target, allowed = RULES[action]
    with transaction.atomic():
        locked = (
            Assessment.objects.select_for_update(of=("self",))
            .select_related("authority", "edition", "round")
            .get(pk=assessment.pk)
        )
        if not allowed(user, locked):
            raise DomainError(_("You may not do this on this assessment."))
        closed = _refuse_closed(locked, action)
        if closed is not None:
            raise closed
        if locked.state not in sources:
            raise _refuse_state(locked, action)
        if action == "return" and not comment:
            raise DomainError(_("Say what should be changed before returning it."), field="comment")
        if action == "submit":
            missing = assessment_unanswered(assessment=locked)
            if missing:
                raise DomainError(_missing_message(locked, missing))
        recorded = "resubmit" if action == "submit" and locked.state == S.RETURNED else action
        Transition.objects.create(
            assessment=locked,
            action=recorded,
            from_state=locked.state,
            to_state=target,
            comment=comment,
            by=user,
            at=now,
        )
        from_state = locked.state
        locked.state = target
        locked.updated_at = now
        if target == S.SUBMITTED:
            locked.submitted_at = now
        if target == S.ACCEPTED:
            locked.accepted_at = now
        locked.save(update_fields=["state", "updated_at", "submitted_at", "accepted_at"])
        from saferspaces.notifications.workflow import transition_notify

        transition_notify(assessment=locked, action=recorded, comment=comment, by=user, now=now)
        # the layers above follow through their hooks (the results layer: the peer profile's
        # state, and the computation of a submission's results as a background task)
        transition_hooks_run(
            done=TransitionDone(locked, recorded, from_state, target, user=user, at=now)
        )
        return locked
