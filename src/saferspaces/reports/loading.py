"""Reading a round's stored data into the plain inputs of the pilot analysis, and the stamp
(fingerprint and date) of that data."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django.db.models import Count, Max, Min, Q

from saferspaces.assessments.models import (
    Answer,
    Assessment,
    Evidence,
    IndividualAnswer,
    QuestionFlag,
    Round,
    Transition,
)
from saferspaces.assessments.selectors import question_flags
from saferspaces.core.framework.model import Edition
from saferspaces.core.reports import (
    AnswerInput,
    FlagInput,
    IndividualInput,
    RoundInputs,
    UnitInput,
    UnitScores,
)
from saferspaces.frameworks.selectors import edition_parsed
from saferspaces.results.models import unit_key
from saferspaces.results.rounds import runs_stamp
from saferspaces.results.selectors import score_values

#: bump when the analysis or its templates change, so earlier files are not reused
RENDER_VERSION = 1


def round_inputs(*, round_: Round) -> RoundInputs:
    """The round's assessments, agreed and individual answers, evidence, feedback and scores."""
    edition = edition_parsed(row=round_.edition)
    members = list(
        Assessment.objects.filter(round=round_)
        .select_related("authority")
        .order_by("authority__name", "pk")
    )
    ids = [a.pk for a in members]
    submitted = dict(
        Transition.objects.filter(assessment_id__in=ids, action="submit")
        .values("assessment_id")
        .annotate(first=Min("at"))
        .values_list("assessment_id", "first")
    )
    units = tuple(
        UnitInput(
            unit=unit_key(a.pk),
            authority=a.authority.name,
            state=a.state,
            started_at=a.created_at,
            first_submitted_at=submitted.get(a.pk) or a.submitted_at,
        )
        for a in members
    )
    answers = tuple(
        AnswerInput(unit_key(aid), code, status, value, prefilled=bool(prefill))
        for aid, code, status, value, prefill in Answer.objects.filter(
            assessment_id__in=ids
        ).values_list("assessment_id", "code", "status", "value", "prefill")
    )
    evidence = frozenset(
        (unit_key(aid), code)
        for aid, code in Evidence.objects.filter(assessment_id__in=ids).values_list(
            "assessment_id", "code"
        )
    )
    individual = tuple(
        IndividualInput(unit_key(aid), code, str(user), status, value)
        for aid, code, user, status, value in IndividualAnswer.objects.filter(
            assessment_id__in=ids
        ).values_list("assessment_id", "code", "user_id", "status", "value")
    )
    in_round = set(ids)
    flags = tuple(
        FlagInput(row.code, f.reason, f.note, unit_key(f.assessment_id))
        for row in question_flags(edition=round_.edition)
        for f in row.notes
        if f.assessment_id in in_round
    )
    return RoundInputs(
        edition=edition,
        units=units,
        answers=answers,
        evidence=evidence,
        individual=individual,
        flags=flags,
        scores=_scores(ids, edition),
    )


def _scores(ids: list[int], edition: Edition) -> tuple[UnitScores, ...]:
    """Each assessment's indicator and (sub-)dimension scores, from the fact index."""
    indicators = edition.indicator_map()
    scores = score_values(assessment_ids=ids)
    out = []
    for aid in ids:
        if aid not in scores:
            continue
        mine = scores[aid]
        out.append(
            UnitScores(
                unit_key(aid),
                {c: v for c, v in mine.items() if c in indicators},
                {c: v for c, v in mine.items() if c not in indicators},
            )
        )
    return tuple(out)


def round_data_stamp(*, round_: Round) -> tuple[str, dt.datetime]:
    """A fingerprint of everything the analysis reads, and the date of the latest change.

    The date (never "now") goes into the report and the PDF metadata, so the same data gives
    the same file.
    """
    scope = {"assessment__round": round_}
    parts: dict[str, Any] = {
        "version": RENDER_VERSION,
        "round": [round_.pk, round_.title, str(round_.edition_id), round_.created_at],
        "assessments": Assessment.objects.filter(round=round_).aggregate(
            n=Count("pk"), at=Max("updated_at"), sub=Max("submitted_at"), acc=Max("accepted_at")
        ),
        "answers": Answer.objects.filter(**scope).aggregate(n=Count("pk"), at=Max("updated_at")),
        "transitions": Transition.objects.filter(**scope).aggregate(n=Count("pk"), at=Max("at")),
        "runs": runs_stamp(scope=Q(**scope)),
        "evidence": Evidence.objects.filter(**scope).aggregate(
            n=Count("pk"), last=Max("pk"), at=Max("added_at")
        ),
        "individual": IndividualAnswer.objects.filter(**scope).aggregate(
            n=Count("pk"), at=Max("updated_at")
        ),
        "flags": QuestionFlag.objects.filter(**scope).aggregate(
            n=Count("pk"), last=Max("pk"), at=Max("created_at")
        ),
    }
    dates = [round_.created_at]
    for value in parts.values():
        if isinstance(value, dict):
            dates += [v for v in value.values() if isinstance(v, dt.datetime)]
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest(), max(dates)
