"""Computing and storing results (services): an assessment's, or a whole round's, by its
edition's result model (``saferspaces.core.results``), stored as result runs with the fact index
and the peer profiles rewritten in the same transaction (``results.index``).

An assessment of a round is computed together with the round's other submitted and accepted
assessments, so that indicators normalised across units (composite ``data_driven``) have peers;
a private self-assessment is computed alone. The consensus spread (individual answers) becomes
an interval (composite model).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
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
    Round,
)
from saferspaces.background.queue import tasks_waiting
from saferspaces.core.assessment import AnswersError, EditionPipeline, EditionPipelineError
from saferspaces.core.framework import AnswerError, Edition, Indicator
from saferspaces.core.framework.answers import AnswerState, AnswerValue
from saferspaces.core.framework.scoring import answer_score
from saferspaces.core.results import (
    Fact,
    ResultsError,
    ResultSet,
    composite_unit_meta,
    results_compute,
)
from saferspaces.errors import DomainError
from saferspaces.frameworks.models import FrameworkEdition
from saferspaces.frameworks.selectors import edition_pipeline
from saferspaces.results.index import facts_pack, result_index_write
from saferspaces.results.models import ResultRun, unit_key
from saferspaces.results.tasks import results_compute_task

#: the assessments of a round computed together with the one asked for
COMPUTED_TOGETHER = (AssessmentState.SUBMITTED, AssessmentState.ACCEPTED)
#: how many problems of a computation a message names (the others are counted)
PROBLEMS_SHOWN = 3


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


def _answers(
    assessments: Sequence[Assessment], edition: Edition, *, spreads: bool
) -> tuple[dict[str, dict[str, AnswerState]], dict[str, dict[str, tuple[Any, Any]]]]:
    """Each assessment's answers (unit -> answer key -> state) and, when asked, the spread of
    its individual answers (unit -> indicator -> ends)."""
    ids = [a.pk for a in assessments]
    units: dict[str, dict[str, AnswerState]] = {unit_key(a.pk): {} for a in assessments}
    for a_id, code, status, value in Answer.objects.filter(assessment_id__in=ids).values_list(
        "assessment_id", "code", "status", "value"
    ):
        units[unit_key(a_id)][code] = AnswerState(status, value)
    if not spreads:
        return units, {}
    individual: dict[str, dict[str, list[AnswerValue]]] = defaultdict(lambda: defaultdict(list))
    for a_id, code, value in IndividualAnswer.objects.filter(
        assessment_id__in=ids, status="answered"
    ).values_list("assessment_id", "code", "value"):
        individual[unit_key(a_id)][code].append(value)
    indicators = edition.indicator_map()
    ends: dict[str, dict[str, tuple[Any, Any]]] = {}
    for unit, by_code in individual.items():
        ends[unit] = {
            code: _spread_ends(indicators.get(code), values)
            for code, values in by_code.items()
            if len(values) > 1 and code in indicators
        }
    return units, ends


def edition_pipeline_checked(*, row: FrameworkEdition, edition: Edition) -> EditionPipeline | None:
    """The composite model's pipeline of the edition (None for the other models); a
    :class:`DomainError` when its file is invalid."""
    if edition.instrument.result_model != "composite":
        return None
    try:
        return edition_pipeline(row=row, edition=edition)
    except EditionPipelineError as error:
        raise DomainError(
            _("The scoring pipeline of this edition is invalid: %(error)s") % {"error": error}
        ) from None


def _problems_message(error: ResultsError | AnswersError, names: dict[str, str]) -> str:
    """The first problems of a computation, each naming the authority and the answer."""
    problems = []
    for p in error.problems:
        where = [names.get(p.unit or "", p.unit or ""), p.indicator or ""]
        place = ", ".join(w for w in where if w)
        problems.append(f"{place}: {p.message}" if place else p.message)
    shown = "; ".join(problems[:PROBLEMS_SHOWN])
    if len(problems) > PROBLEMS_SHOWN:
        shown += " " + _("(and %(n)s more)") % {"n": len(problems) - PROBLEMS_SHOWN}
    return _("The results could not be computed: %(problems)s") % {"problems": shown}


@dataclass(frozen=True)
class Computed:
    """A result set and the runs (not saved yet) of the assessments to store."""

    result: ResultSet
    runs: list[ResultRun]


def _compute(
    together: list[Assessment],
    *,
    stored: list[Assessment],
    round_: Round | None,
    trigger: str,
    user: Any,
    now: dt.datetime,
) -> Computed:
    """Compute ``together`` in one run of the edition's model; unsaved runs for ``stored``."""
    edition = assessment_edition(assessment=together[0])
    pipeline = edition_pipeline_checked(row=together[0].edition, edition=edition)
    composite = pipeline is not None
    units, spreads = _answers(together, edition, spreads=composite)
    overall = True if composite and round_ is not None and round_.overall else None
    try:
        result = results_compute(
            edition=edition,
            units=units,
            pipeline=pipeline,
            spreads=spreads or None,
            overall=overall,
        )
    except (ResultsError, AnswersError) as error:
        names = {unit_key(a.pk): a.authority.name for a in together}
        raise DomainError(_problems_message(error, names)) from None
    by_unit: dict[str, list[Fact]] = defaultdict(list)
    for fact in result.facts:
        by_unit[fact.unit].append(fact)
    runs = []
    for a in stored:
        key = unit_key(a.pk)
        runs.append(
            ResultRun(
                assessment=a,
                model=result.model,
                edition_id=result.edition_id,
                pipeline_name=pipeline.name if pipeline is not None else "",
                pipeline_sha256=pipeline.sha256 if pipeline is not None else "",
                trigger=trigger,
                state=a.state,
                units=len(units),
                explanation=dict(result.explanations[key]),
                meta=composite_unit_meta(result.meta, key) if composite else dict(result.meta),
                facts=facts_pack(by_unit.get(key, ())),
                warnings=[
                    {"code": w.code, "message": w.message, "node": w.node}
                    for w in result.warnings
                    if w.unit in (None, key)
                ],
                computed_by=user if getattr(user, "is_authenticated", False) else None,
                computed_at=now,
            )
        )
    return Computed(result, runs)


def _store(computed: Computed) -> list[ResultRun]:
    """Save the runs and rewrite their assessments' facts and peer profiles, in one
    transaction."""
    if not computed.runs:
        return []
    with transaction.atomic():
        saved = ResultRun.objects.bulk_create(computed.runs, batch_size=500)
        result_index_write(runs=saved)
    return saved


def assessment_results_compute(
    *, assessment: Assessment, user: Any, trigger: str, now: dt.datetime | None = None
) -> ResultRun:
    """Compute ``assessment``'s results (with its round's submitted and accepted assessments)
    and store them.

    ``trigger`` is ``submit`` (after a submission) or ``on_demand`` (a person asked, e.g. for a
    draft). Raises :class:`DomainError` when the person may not see the assessment, the
    edition's pipeline is invalid or answers do not fit the edition.
    """
    now = now or timezone.now()
    if trigger == "on_demand" and not permissions.can_view_assessment(user, assessment):
        raise DomainError(_("You may not see this assessment."))
    together = [assessment]
    if assessment.round_id is not None:
        together += list(
            Assessment.objects.filter(round_id=assessment.round_id, state__in=COMPUTED_TOGETHER)
            .exclude(pk=assessment.pk)
            .select_related("authority")
        )
    computed = _compute(
        together, stored=[assessment], round_=assessment.round, trigger=trigger, user=user, now=now
    )
    return _store(computed)[0]


def round_results_compute(
    *, round_: Round, user: Any, now: dt.datetime | None = None
) -> list[ResultRun]:
    """Compute every submitted and accepted assessment of a round together and store them."""
    now = now or timezone.now()
    members = list(
        Assessment.objects.filter(round=round_, state__in=COMPUTED_TOGETHER).select_related(
            "edition", "authority"
        )
    )
    if not members:
        return []
    computed = _compute(members, stored=members, round_=round_, trigger="round", user=user, now=now)
    return _store(computed)


def assessment_results_request(*, assessment: Assessment, user: Any, now: dt.datetime) -> bool:
    """Ask for the results of ``assessment`` from its current answers ("Compute the scores"):
    the task a submission uses is given to the queue, and the request does not wait for it.
    Returns False when a computation of this assessment is already waiting to start (it will
    read the current answers): the same assessment is not queued twice. Raises
    :class:`DomainError` when the person may not see the assessment or the edition's pipeline is
    invalid (said at once, rather than in the worker's log)."""
    if not permissions.can_view_assessment(user, assessment):
        raise DomainError(_("You may not see this assessment."))
    edition_pipeline_checked(
        row=assessment.edition, edition=assessment_edition(assessment=assessment)
    )
    with transaction.atomic():
        if tasks_waiting(
            task=results_compute_task, kwargs={"assessment_id": assessment.pk}, running=False
        ):
            return False
        results_compute_enqueue(assessment=assessment, user=user, trigger="on_demand", now=now)
    return True


def results_compute_enqueue(
    *, assessment: Assessment, user: Any, trigger: str, now: dt.datetime
) -> None:
    """Give the computation of ``assessment``'s results to the task queue (in the caller's
    transaction: with the database queue, both are stored or neither)."""
    results_compute_task.enqueue(
        assessment_id=assessment.pk,
        user_id=getattr(user, "pk", None),
        trigger=trigger,
        at=now.isoformat(),
    )


def assessment_results_pending(*, assessment: Assessment) -> bool:
    """Whether a computation of ``assessment``'s results (after a submission, or asked for)
    waits or runs."""
    return bool(tasks_waiting(task=results_compute_task, kwargs={"assessment_id": assessment.pk}))
