"""Scores of assessments, computed by the engine (``saferspaces.core.assessment``) and stored
with the edition and the pipeline that produced them.

An assessment of a round is scored together with the round's other submitted and accepted
assessments, so that indicators normalised across units (``data_driven``) have peers; a private
self-assessment is scored alone. The consensus spread (individual answers) becomes an interval.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from saferspaces.assessments import permissions
from saferspaces.assessments.editions import assessment_edition
from saferspaces.assessments.models import (
    Answer,
    Assessment,
    AssessmentState,
    IndividualAnswer,
    ScoreRun,
)
from saferspaces.core.assessment import (
    EditionPipeline,
    EditionPipelineError,
    UnitScores,
    assessments_score,
    edition_pipeline_default,
    edition_pipeline_load,
    score_result_to_json,
    unit_scores_from_json,
)
from saferspaces.core.framework import AnswerError, Edition, Indicator
from saferspaces.core.framework.answers import AnswerState, AnswerValue
from saferspaces.core.framework.scoring import answer_score
from saferspaces.errors import DomainError
from saferspaces.frameworks.models import FrameworkEdition

_PIPELINES: dict[tuple[str, str, str], EditionPipeline] = {}


def edition_pipeline(*, row: FrameworkEdition, edition: Edition) -> EditionPipeline:
    """The stored edition's scoring pipeline (its file, else the default), cached by content."""
    digest = hashlib.sha256(row.pipeline.encode("utf-8")).hexdigest()
    key = (row.edition_id, row.sha256, digest)
    hit = _PIPELINES.get(key)
    if hit is None:
        if row.pipeline.strip():
            hit = edition_pipeline_load(
                text=row.pipeline, edition=edition, source=f"{row.edition_id}.pipeline.yml"
            )
        else:
            hit = edition_pipeline_default(edition=edition)
        _PIPELINES[key] = hit
    return hit


def unit_key(assessment: Assessment) -> str:
    return f"A{assessment.pk}"


def _spread_ends(indicator: Indicator | None, values: list[AnswerValue]) -> tuple[Any, Any]:
    """The two answers at the worst and best end of a spread of individual answers."""
    if indicator is not None:
        scored = []
        for v in values:
            try:
                s = answer_score(indicator=indicator, answer=v)
            except AnswerError:  # an old answer that no longer fits: ignore it in the spread
                s = None
            if s is not None:
                scored.append((s, v))
        if scored:
            scored.sort(key=lambda p: p[0])
            return scored[0][1], scored[-1][1]
    numbers = [v for v in values if isinstance(v, int | float)]
    if numbers:
        return min(numbers), max(numbers)
    return values[0], values[-1]


def _units(
    assessments: list[Assessment], edition: Edition
) -> tuple[dict[str, dict[str, AnswerState]], dict[str, dict[str, tuple[Any, Any]]]]:
    ids = [a.pk for a in assessments]
    units: dict[str, dict[str, AnswerState]] = {unit_key(a): {} for a in assessments}
    for a_id, code, status, value in Answer.objects.filter(assessment_id__in=ids).values_list(
        "assessment_id", "code", "status", "value"
    ):
        units[f"A{a_id}"][code] = AnswerState(status, value)
    individual: dict[str, dict[str, list[AnswerValue]]] = defaultdict(lambda: defaultdict(list))
    for a_id, code, value in IndividualAnswer.objects.filter(
        assessment_id__in=ids, status="answered"
    ).values_list("assessment_id", "code", "value"):
        individual[f"A{a_id}"][code].append(value)
    indicators = edition.indicator_map()
    spreads: dict[str, dict[str, tuple[Any, Any]]] = {}
    for unit, by_code in individual.items():
        spreads[unit] = {
            code: _spread_ends(indicators.get(code), values)
            for code, values in by_code.items()
            if len(values) > 1 and code in indicators
        }
    return units, spreads


def _pipeline_checked(*, row: FrameworkEdition, edition: Edition) -> EditionPipeline:
    try:
        return edition_pipeline(row=row, edition=edition)
    except EditionPipelineError as error:
        raise DomainError(
            _("The scoring pipeline of this edition is invalid: %(error)s") % {"error": error}
        ) from None


def assessment_score_request(*, assessment: Assessment, user: Any, now: dt.datetime) -> bool:
    """Ask for the scores of ``assessment`` from its current answers ("Compute the scores"): the
    scoring task a submission uses is given to the task queue, and the request does not wait
    for it. Returns False when a scoring of this assessment is already waiting to start (it will
    read the current answers): the same assessment is not queued twice. Raises
    :class:`DomainError` when the person may not see the assessment or the edition's pipeline is
    invalid (said at once, rather than in the worker's log)."""
    from saferspaces.assessments.tasks import assessment_score_task
    from saferspaces.background.queue import tasks_waiting

    if not permissions.can_view_assessment(user, assessment):
        raise DomainError(_("You may not see this assessment."))
    _pipeline_checked(row=assessment.edition, edition=assessment_edition(assessment=assessment))
    with transaction.atomic():
        waiting = tasks_waiting(
            task=assessment_score_task, kwargs={"assessment_id": assessment.pk}, running=False
        )
        if waiting:
            return False
        assessment_score_task.enqueue(
            assessment_id=assessment.pk,
            user_id=getattr(user, "pk", None),
            trigger="on_demand",
            at=now.isoformat(),
        )
    return True


def assessment_scoring_pending(*, assessment: Assessment) -> bool:
    """Whether a scoring of ``assessment`` (after a submission, or asked for) waits or runs."""
    from saferspaces.assessments.tasks import assessment_score_task
    from saferspaces.background.queue import tasks_waiting

    return bool(tasks_waiting(task=assessment_score_task, kwargs={"assessment_id": assessment.pk}))


def assessment_score(
    *, assessment: Assessment, user: Any, trigger: str, now: dt.datetime | None = None
) -> ScoreRun:
    """Score ``assessment`` (with its round's submitted peers) and store the result.

    ``trigger`` is ``submit`` (called by the workflow) or ``on_demand`` (a person asked, e.g.
    for a draft). Raises :class:`DomainError` if the edition's pipeline is invalid.
    """
    now = now or timezone.now()
    if trigger == "on_demand" and not permissions.can_view_assessment(user, assessment):
        raise DomainError(_("You may not see this assessment."))
    together = [assessment]
    if assessment.round_id is not None:
        together += list(
            Assessment.objects.filter(
                round_id=assessment.round_id,
                state__in=[AssessmentState.SUBMITTED, AssessmentState.ACCEPTED],
            ).exclude(pk=assessment.pk)
        )
    runs = _score_runs(
        together, stored=[assessment], round_=assessment.round, trigger=trigger, user=user, now=now
    )
    return _store(runs)[0]


def _store(runs: list[ScoreRun]) -> list[ScoreRun]:
    """Save the runs and rewrite the dashboard's index of their scores, in one transaction."""
    from saferspaces.dashboard.facts import score_facts_write

    if not runs:
        return runs
    first = runs[0].assessment
    pipeline = edition_pipeline(row=first.edition, edition=assessment_edition(assessment=first))
    with transaction.atomic():
        saved = ScoreRun.objects.bulk_create(runs)
        score_facts_write(runs=saved, options=pipeline.options)
    return saved


def _score_runs(
    together: list[Assessment],
    *,
    stored: list[Assessment],
    round_: Any,
    trigger: str,
    user: Any,
    now: dt.datetime,
) -> list[ScoreRun]:
    """Score ``together`` in one engine run; unsaved runs for the ``stored`` assessments."""
    edition = assessment_edition(assessment=together[0])
    pipeline = _pipeline_checked(row=together[0].edition, edition=edition)
    units, spreads = _units(together, edition)
    result = assessments_score(
        edition=edition,
        pipeline=pipeline,
        units=units,
        spreads=spreads,
        overall=True if round_ is not None and round_.overall else None,
    )
    return [
        ScoreRun(
            assessment=a,
            edition_id=result.edition_id,
            pipeline_name=result.pipeline_name,
            pipeline_sha256=result.pipeline_sha256,
            trigger=trigger,
            state=a.state,
            units=result.n_units,
            result=score_result_to_json(result, units=[unit_key(a)]),
            computed_by=user if getattr(user, "is_authenticated", False) else None,
            computed_at=now,
        )
        for a in stored
    ]


def score_run_unit(*, run: ScoreRun) -> UnitScores:
    """The stored scores of the run's assessment, for display."""
    return unit_scores_from_json(run.result, f"A{run.assessment_id}")


def scores_present(*, run: ScoreRun, edition: Edition, language: str) -> dict[str, Any]:
    """The rows a person reads: per (sub-)dimension its scores, then how each was made."""
    from saferspaces.core.framework.model import text_get

    unit = score_run_unit(run=run)
    titles = {d.code: d.title for _a, d in edition.dimensions_walk()}
    depth = {d.code: len(anc) for anc, d in edition.dimensions_walk()}
    questions = edition.indicator_map()
    order = [d.code for _a, d in edition.dimensions_walk()]
    rows = []
    for code in [*order, "_OVERALL"]:
        node = unit.nodes.get(code)
        if node is None:
            continue
        indicators = []
        for icode in node.indicators:
            ind = unit.indicators.get(icode)
            if ind is None:
                continue
            rule = unit.rules.get(icode)
            indicators.append(
                {
                    "code": icode,
                    "question": text_get(questions[icode].question, language)
                    if icode in questions
                    else icode,
                    "score": ind,
                    "rule": rule,
                    "contribution": node.all_kinds.contributions.get(icode),
                }
            )
        rows.append(
            {
                "code": code,
                "title": text_get(titles.get(code), language) if code in titles else None,
                "depth": depth.get(code, 0),
                "node": node,
                "indicators": indicators,
            }
        )
    return {"run": run, "unit": unit, "rows": rows}


def round_score_all(*, round_: Any, user: Any, now: dt.datetime | None = None) -> list[ScoreRun]:
    """Score every submitted and accepted assessment of a round together, in one engine run."""
    now = now or timezone.now()
    members = list(
        Assessment.objects.filter(
            round=round_, state__in=[AssessmentState.SUBMITTED, AssessmentState.ACCEPTED]
        ).select_related("edition")
    )
    if not members:
        return []
    runs = _score_runs(members, stored=members, round_=round_, trigger="round", user=user, now=now)
    return _store(runs)
