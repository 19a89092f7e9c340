"""A round after it opened: its title, deadline and participants change, and it closes.

* :func:`round_update` changes the title (the round's assessments carry it too), the deadline
  (extended, or brought forward but never into the past) and the participants. An authority of
  the network that joins late gets its assessment at once (``round_participant_add``); one that
  leaves takes its assessment with it only while that assessment is empty; leaving is refused
  for a started one, named, because answers are never deleted. All or nothing.
* :func:`round_close` ends the season: no more submissions and no more answers. Every draft and
  returned assessment is kept as it is, marked not submitted (``Assessment.not_submitted_at``
  and a "close" step in its history) and becomes read only; submitted ones can still be
  accepted by the coordinators.

Both lock the round row, so a change and a closing never cross; closing also locks the
assessments it marks, so a submission at the same moment either comes first (and stays
submitted) or is refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from saferspaces.assessments import permissions
from saferspaces.assessments.models import (
    Assessment,
    AssessmentState,
    Round,
    Transition,
    TransitionAction,
)
from saferspaces.assessments.rounds import assessment_started, round_participant_add
from saferspaces.authorities.models import Authority
from saferspaces.errors import DomainError
from saferspaces.inputs import max_length, text_clean


@dataclass(frozen=True)
class RoundChange:
    """What :func:`round_update` did."""

    round: Round
    added: list[Authority]  # late joiners, each with its new assessment, by name
    removed: list[Authority]  # participants withdrawn with their empty assessment, by name
    title_changed: bool
    deadline_before: dt.date


@dataclass(frozen=True)
class RoundClosing:
    """What :func:`round_close` did."""

    round: Round
    not_submitted: list[Assessment]  # drafts and returned ones, kept and marked, by name
    awaiting_review: int  # submitted: the coordinators may still accept them
    accepted: int


def _locked(round_: Round) -> Round:
    # FOR NO KEY UPDATE on PostgreSQL: only the round's own columns change, so rows that refer to
    # the round (a submission's scores, written while it holds its assessment) may still be
    # inserted; a plain FOR UPDATE would block their foreign-key check and deadlock with them
    return Round.objects.select_for_update(no_key=True).select_related("network").get(pk=round_.pk)


def _when(moment: dt.datetime) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def round_closed_message(*, round_: Round) -> str:
    """What is said when a closed round is asked for a change."""
    assert round_.closed_at is not None
    return _("The round %(round)s was closed on %(date)s: it can no longer be changed.") % {
        "round": round_.title,
        "date": _when(round_.closed_at),
    }


def round_update(
    *,
    round_: Round,
    title: str,
    deadline: dt.date,
    authorities: Sequence[Authority],
    user: Any,
    now: dt.datetime,
) -> RoundChange:
    """Change the round's title, deadline and participants (see the module's rules)."""
    if not permissions.can_manage_round(user, round_):
        raise DomainError(_("Only the network's coordinators can change this round."))
    title = text_clean(title, field="title", label=_("Title"), max_chars=max_length(Round, "title"))
    if not title:
        raise DomainError(_("Give the round a title."), field="title")
    chosen = {a.pk: a for a in authorities}
    if not chosen:
        raise DomainError(_("Choose at least one authority."), field="authorities")
    with transaction.atomic():
        locked = _locked(round_)
        if locked.closed_at is not None:
            raise DomainError(round_closed_message(round_=locked))
        if deadline != locked.deadline and deadline < timezone.localdate(now):
            raise DomainError(_("The deadline must not be in the past."), field="deadline")
        current = {a.authority_id: a for a in locked.assessments.select_related("authority")}
        members = set(locked.network.authorities.values_list("pk", flat=True))
        joining = sorted((a for pk, a in chosen.items() if pk not in current), key=_name)
        outside = [a.name for a in joining if a.pk not in members]
        if outside:
            raise DomainError(
                _("Not in the network %(network)s: %(names)s.")
                % {"network": locked.network.name, "names": ", ".join(outside)},
                field="authorities",
            )
        leaving = sorted(
            (a for pk, a in current.items() if pk not in chosen), key=lambda a: a.authority.name
        )
        started = [a.authority.name for a in leaving if assessment_started(assessment=a)]
        if started:
            raise DomainError(
                ngettext(
                    "%(names)s has started its assessment in this round: its answers are kept, "
                    "so it stays in the round.",
                    "%(names)s have started their assessments in this round: their answers are "
                    "kept, so they stay in the round.",
                    len(started),
                )
                % {"names": ", ".join(started)},
                field="authorities",
            )
        for assessment in leaving:
            assessment.delete()
        for authority in joining:
            round_participant_add(round_=locked, authority=authority, user=user, now=now)
        change = RoundChange(
            round=locked,
            added=joining,
            removed=[a.authority for a in leaving],
            title_changed=title != locked.title,
            deadline_before=locked.deadline,
        )
        locked.title = title
        locked.deadline = deadline
        locked.save(update_fields=["title", "deadline"])
        if change.title_changed:
            Assessment.objects.filter(round=locked).update(title=title)
        return change


def _name(authority: Authority) -> str:
    return authority.name


def round_close(*, round_: Round, user: Any, now: dt.datetime) -> RoundClosing:
    """Close the round (see the module's rules)."""
    if not permissions.can_manage_round(user, round_):
        raise DomainError(_("Only the network's coordinators can close this round."))
    with transaction.atomic():
        locked = _locked(round_)
        if locked.closed_at is not None:
            raise DomainError(
                _(
                    "Nothing was done: the round %(round)s was already closed (by %(who)s, %(when)s)."
                )
                % {
                    "round": locked.title,
                    "who": locked.closed_by or _("someone"),
                    "when": _when(locked.closed_at),
                }
            )
        waiting = list(
            Assessment.objects.select_for_update(of=("self",))
            .select_related("authority")
            .filter(
                round=locked,
                state__in=(AssessmentState.DRAFT, AssessmentState.RETURNED),
                not_submitted_at__isnull=True,
            )
            .order_by("authority__name", "pk")
        )
        Transition.objects.bulk_create(
            Transition(
                assessment=a,
                action=TransitionAction.CLOSE,
                from_state=a.state,
                to_state=a.state,
                by=user,
                at=now,
            )
            for a in waiting
        )
        Assessment.objects.filter(pk__in=[a.pk for a in waiting]).update(not_submitted_at=now)
        for a in waiting:
            a.not_submitted_at = now
        locked.closed_at = now
        locked.closed_by = user
        locked.save(update_fields=["closed_at", "closed_by"])
        states = list(locked.assessments.values_list("state", flat=True))
        return RoundClosing(
            round=locked,
            not_submitted=waiting,
            awaiting_review=states.count(AssessmentState.SUBMITTED),
            accepted=states.count(AssessmentState.ACCEPTED),
        )
