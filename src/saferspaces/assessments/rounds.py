"""Opening rounds and assessments, assigning sections, and pilot feedback on questions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from saferspaces.accounts.models import AuthorityMembership
from saferspaces.assessments import permissions
from saferspaces.assessments.editions import assessment_edition, edition_layout
from saferspaces.assessments.models import (
    Assessment,
    AssessmentState,
    Assignment,
    QuestionFlag,
    Round,
    Transition,
)
from saferspaces.authorities.models import Authority, Network
from saferspaces.core.limits import NOTE_MAX_CHARS
from saferspaces.errors import DomainError
from saferspaces.frameworks.models import FrameworkEdition
from saferspaces.inputs import text_clean
from saferspaces.request_memo import memo_clear


def round_open(
    *,
    network: Network,
    edition: FrameworkEdition,
    title: str,
    period_start: dt.date,
    period_end: dt.date,
    deadline: dt.date,
    authorities: Sequence[Authority],
    consensus: bool = False,
    overall: bool = False,
    user: Any,
    now: dt.datetime | None = None,
) -> Round:
    """Open a round for ``network``: one assessment per participating authority."""
    now = now or timezone.now()
    if not permissions.can_open_round(user, network):
        raise DomainError(_("Only the network's coordinators can open a round."))
    title = title.strip()
    if not title:
        raise DomainError(_("Give the round a title."), field="title")
    if period_end < period_start:
        raise DomainError(_("The period must end after it starts."), field="period_end")
    if deadline < timezone.localdate(now):
        raise DomainError(_("The deadline must not be in the past."), field="deadline")
    if not authorities:
        raise DomainError(_("Choose at least one authority."), field="authorities")
    members = set(network.authorities.values_list("pk", flat=True))
    outside = [a.name for a in authorities if a.pk not in members]
    if outside:
        raise DomainError(
            _("Not in the network %(network)s: %(names)s.")
            % {"network": network.name, "names": ", ".join(outside)},
            field="authorities",
        )
    with transaction.atomic():
        round_ = Round.objects.create(
            network=network,
            edition=edition,
            title=title[:200],
            period_start=period_start,
            period_end=period_end,
            deadline=deadline,
            consensus=consensus,
            overall=overall,
            opened_by=user,
            created_at=now,
        )
        for authority in authorities:
            _assessment_create(
                authority=authority,
                edition=edition,
                round_=round_,
                title=round_.title,
                consensus=consensus,
                reference_year=period_end.year,
                user=user,
                now=now,
            )
        return round_


def rounds_open(*, network: Network, today: dt.date) -> QuerySet[Round]:
    """The network's rounds still open on ``today``: not closed, deadline not passed."""
    return Round.objects.filter(network=network, closed_at__isnull=True, deadline__gte=today)


def round_participant_add(
    *, round_: Round, authority: Authority, user: Any, now: dt.datetime
) -> Assessment:
    """A late joiner: ``authority`` (a member of the round's network) gets its assessment in the
    round, like those chosen when it opened. Returns the existing one if it has it already."""
    if not round_.network.authorities.filter(pk=authority.pk).exists():
        raise DomainError(
            _("%(authority)s is not in the network %(network)s.")
            % {"authority": authority.name, "network": round_.network.name}
        )
    existing = Assessment.objects.filter(round=round_, authority=authority).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        return _assessment_create(
            authority=authority,
            edition=round_.edition,
            round_=round_,
            title=round_.title,
            consensus=round_.consensus,
            reference_year=round_.period_end.year,
            user=user,
            now=now,
        )


def round_participant_remove(*, round_: Round, authority: Authority) -> bool:
    """Withdraw ``authority`` from the round if its assessment there is still empty (a draft
    without any answer, evidence or history); refuses otherwise: answers are never deleted.
    Returns whether there was an assessment to remove."""
    assessment = Assessment.objects.filter(round=round_, authority=authority).first()
    if assessment is None:
        return False
    if assessment_started(assessment=assessment):
        raise DomainError(
            _(
                "%(authority)s has started its assessment in the round %(round)s; its answers "
                "are kept, so it cannot leave the network while the round is open."
            )
            % {"authority": authority.name, "round": round_.title}
        )
    assessment.delete()
    return True


def assessment_started(*, assessment: Assessment) -> bool:
    """Whether anything was done in ``assessment``: a step beyond the draft, an answer (agreed
    or individual), its history or evidence. A started assessment is never deleted."""
    return (
        assessment.state != AssessmentState.DRAFT
        or assessment.answers.exists()
        or assessment.revisions.exists()
        or assessment.individual_answers.exists()
        or assessment.evidence.exists()
    )


def _assessment_create(
    *,
    authority: Authority,
    edition: FrameworkEdition,
    round_: Round | None,
    title: str,
    consensus: bool,
    reference_year: int | None,
    user: Any,
    now: dt.datetime,
) -> Assessment:
    assessment = Assessment.objects.create(
        authority=authority,
        round=round_,
        edition=edition,
        title=title[:200],
        consensus=consensus,
        reference_year=reference_year,
        created_by=user,
        created_at=now,
        updated_at=now,
    )
    Transition.objects.create(
        assessment=assessment, action="start", to_state=assessment.state, by=user, at=now
    )
    return assessment


def assessment_start(
    *,
    authority: Authority,
    edition: FrameworkEdition,
    title: str,
    reference_year: int | None,
    consensus: bool = False,
    user: Any,
    now: dt.datetime | None = None,
) -> Assessment:
    """A lead starts a private self-assessment, outside any round."""
    now = now or timezone.now()
    if not permissions.can_start_assessment(user, authority):
        raise DomainError(_("Only a lead of the authority can start an assessment."))
    title = title.strip()
    if not title:
        raise DomainError(_("Give the assessment a title."), field="title")
    if reference_year is not None and not 2000 <= reference_year <= now.year + 1:
        raise DomainError(
            _("Enter a year between 2000 and %(max)s.") % {"max": now.year + 1},
            field="reference_year",
        )
    with transaction.atomic():
        return _assessment_create(
            authority=authority,
            edition=edition,
            round_=None,
            title=title,
            consensus=consensus,
            reference_year=reference_year,
            user=user,
            now=now,
        )


def assignment_set(
    *, assessment: Assessment, section: str, user_ids: Sequence[int], by: Any
) -> list[Assignment]:
    """Assign a section (a dimension or the checklist) to these colleagues (replaces the set)."""
    if not permissions.is_lead_of(by, assessment):
        raise DomainError(_("Only a lead can assign parts of the assessment."))
    sections, _questions, _q = edition_layout(edition=assessment_edition(assessment=assessment))
    if section not in {s.code for s in sections}:
        raise DomainError(_("Unknown part %(code)s.") % {"code": section}, field="section")
    team = set(
        AuthorityMembership.objects.filter(authority=assessment.authority).values_list(
            "user_id", flat=True
        )
    )
    strangers = set(user_ids) - team
    if strangers:
        raise DomainError(_("Only members of the authority's team can be assigned."), field="users")
    with transaction.atomic():
        Assignment.objects.filter(assessment=assessment, section=section).exclude(
            user_id__in=user_ids
        ).delete()
        existing = set(
            Assignment.objects.filter(assessment=assessment, section=section).values_list(
                "user_id", flat=True
            )
        )
        for uid in user_ids:
            if uid not in existing:
                Assignment.objects.create(
                    assessment=assessment, section=section, user_id=uid, assigned_by=by
                )
        memo_clear()  # the assignments read earlier in this request are out of date
        return list(Assignment.objects.filter(assessment=assessment, section=section))


def question_flag(
    *, assessment: Assessment, code: str, user: Any, reason: str, note: str
) -> QuestionFlag:
    """A respondent flags a question as unclear or not fitting, for the pilot analysis."""
    if not permissions.can_answer(user, assessment):
        raise DomainError(_("Only the assessment's team can give feedback on its questions."))
    _s, _sec, questions = edition_layout(edition=assessment_edition(assessment=assessment))
    if code not in questions:
        raise DomainError(_("Unknown question %(code)s.") % {"code": code}, field="code")
    if reason not in ("unclear", "not_fitting"):
        raise DomainError(_("Choose why you flag this question."), field="reason")
    note = text_clean(note, field="note", label=_("Note"), max_chars=NOTE_MAX_CHARS)
    return QuestionFlag.objects.create(
        edition=assessment.edition,
        code=code,
        assessment=assessment,
        reason=reason,
        note=note,
        user=user,
    )
