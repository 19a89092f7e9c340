"""Open-data suggestions in the assessment: offered with their provenance, accepted or rejected
by a person, never applied silently. Accepting keeps the provenance on the answer and in its
history; overriding is simply answering; newer data after a refresh are offered again."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from saferspaces.assessments.answering import answer_save
from saferspaces.assessments.editions import assessment_edition
from saferspaces.assessments.models import (
    Answer,
    AnswerSource,
    Assessment,
    PrefillDecision,
)
from saferspaces.core.opendata.prefill import PrefillSuggestion
from saferspaces.errors import DomainError
from saferspaces.opendata.selectors import prefill_suggestions


def suggestion_json(s: PrefillSuggestion) -> dict[str, Any]:
    """What is kept of a suggestion: enough to show and trace it."""
    return {
        "value": s.value,
        "dataset": s.dataset,
        "codes": list(s.codes),
        "geo": s.geo,
        "geo_level": str(s.geo_level),
        "own_area": s.own_area,
        "period": s.period,
        "flags": list(s.flags),
        "unit": s.unit,
        "run_id": s.run_id,
        "retrieved_at": s.retrieved_at.isoformat() if s.retrieved_at else None,
        "provenance": s.provenance,
    }


def _key(data: dict[str, Any]) -> tuple[Any, ...]:
    return (data.get("dataset"), data.get("geo"), data.get("period"), data.get("value"))


@dataclass(frozen=True)
class Offer:
    """A suggestion as shown on a question: ``newer`` when the answer came from older data."""

    suggestion: PrefillSuggestion
    data: dict[str, Any]
    newer: bool


def assessment_offers(
    *, assessment: Assessment, answers: dict[str, Answer], codes: frozenset[str] | None = None
) -> dict[str, Offer]:
    """The suggestions to show, by question (only ``codes`` when given): not those already
    accepted or rejected as they are. ``answers`` holds at least those of these questions.

    Two queries for the suggestions, one for the decisions, whatever the number of questions.
    """
    edition = assessment_edition(assessment=assessment)
    suggestions = prefill_suggestions(
        authority=assessment.authority,
        edition=edition,
        year=assessment.reference_year,
        codes=codes,
    )
    if not suggestions:
        return {}
    rejected = {
        (d.code, _key(d.suggestion))
        for d in PrefillDecision.objects.filter(assessment=assessment, decision="rejected")
    }
    out: dict[str, Offer] = {}
    for code, s in suggestions.items():
        data = suggestion_json(s)
        if (code, _key(data)) in rejected:
            continue
        answer = answers.get(code)
        used: dict[str, Any] | None = answer.prefill if answer is not None else None
        if used and _key(used) == _key(data):
            continue  # this very value is the answer already
        newer = used is not None and str(data["period"]) > str(used.get("period"))
        out[code] = Offer(suggestion=s, data=data, newer=newer)
    return out


def prefill_decide(
    *,
    assessment: Assessment,
    code: str,
    user: Any,
    decision: str,
    expected_version: int,
    now: dt.datetime | None = None,
) -> PrefillDecision:
    """Accept (the value becomes the answer, with its provenance) or reject a suggestion.

    The suggestion is looked up again on the server: what is accepted is what the data say now,
    never a value sent by the browser.
    """
    now = now or timezone.now()
    if decision not in ("accepted", "rejected"):
        raise DomainError(_("Choose to use or to reject the suggestion."))
    edition = assessment_edition(assessment=assessment)
    suggestion = prefill_suggestions(
        authority=assessment.authority, edition=edition, year=assessment.reference_year
    ).get(code)
    if suggestion is None:
        raise DomainError(_("There is no open-data suggestion for %(code)s.") % {"code": code})
    data = suggestion_json(suggestion)
    from saferspaces.assessments import permissions

    if assessment.consensus and not permissions.is_lead_of(user, assessment):
        raise DomainError(_("In this assessment only a lead sets the agreed answers."))
    with transaction.atomic():
        if decision == "accepted":
            answer_save(
                assessment=assessment,
                code=code,
                user=user,
                status="answered",
                raw=suggestion.value,
                expected_version=expected_version,
                source=AnswerSource.PREFILL,
                note=suggestion.provenance,
                prefill=data,
                now=now,
            )
        else:
            if not permissions.can_answer(user, assessment) or not assessment.editable:
                raise DomainError(_("You may not change this assessment."))
        return PrefillDecision.objects.create(
            assessment=assessment, code=code, decision=decision, suggestion=data, by=user, at=now
        )
