"""Background work of the results layer: computing an assessment's results, or a round's.

A submission (through the workflow's transition hook, ``results.hooks``) or "Compute the
scores" (``computing.assessment_results_request``) enqueues :data:`results_compute_task` in its
transaction (with the database queue both are stored together, or neither is); a worker then
computes the assessment's results with its round's submitted and accepted assessments, as
:func:`saferspaces.results.computing.assessment_results_compute` does, stamped with the time of
the request.
"""

from __future__ import annotations

import datetime as dt
import logging

from saferspaces.accounts.models import User
from saferspaces.assessments.models import Assessment
from saferspaces.background.queue import task
from saferspaces.errors import DomainError

log = logging.getLogger(__name__)


@task()
def results_compute_task(
    *, assessment_id: int, user_id: int | None, trigger: str, at: str
) -> int | None:
    """Compute one assessment's results; returns the id of the stored run (None if the
    assessment is gone or its results cannot be computed)."""
    from saferspaces.results.computing import assessment_results_compute  # it enqueues this task

    assessment = (
        Assessment.objects.select_related("authority", "edition", "round")
        .filter(pk=assessment_id)
        .first()
    )
    if assessment is None:
        log.warning("results skipped: assessment %s no longer exists", assessment_id)
        return None
    user = User.objects.filter(pk=user_id).first() if user_id is not None else None
    try:
        run = assessment_results_compute(
            assessment=assessment, user=user, trigger=trigger, now=dt.datetime.fromisoformat(at)
        )
    except DomainError as error:  # e.g. the edition's pipeline became invalid
        log.error("the results of assessment %s could not be computed: %s", assessment_id, error)
        return None
    return run.pk


@task()
def round_results_task(*, round_id: int, user_id: int | None, at: str) -> int:
    """Compute every submitted and accepted assessment of a round together and store their
    results; returns how many runs were stored (0 if the round is gone, empty or its results
    cannot be computed)."""
    from saferspaces.assessments.models import Round
    from saferspaces.results.computing import round_results_compute  # it enqueues tasks

    round_ = Round.objects.filter(pk=round_id).first()
    if round_ is None:
        log.warning("results skipped: round %s no longer exists", round_id)
        return 0
    user = User.objects.filter(pk=user_id).first() if user_id is not None else None
    try:
        runs = round_results_compute(round_=round_, user=user, now=dt.datetime.fromisoformat(at))
    except DomainError as error:
        log.error("the results of round %s could not be computed: %s", round_id, error)
        return 0
    return len(runs)
