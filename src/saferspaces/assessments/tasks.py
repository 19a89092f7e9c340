"""Background work of the assessments app: scoring after a submission.

The workflow enqueues :data:`assessment_score_task` in the submission's transaction (with the
database queue both are stored together, or neither is); a worker then scores the assessment
with its round's submitted peers, as :func:`saferspaces.assessments.scoring.assessment_score`
does, stamped with the time of the submission.
"""

from __future__ import annotations

import datetime as dt
import logging

from saferspaces.background.queue import task

log = logging.getLogger(__name__)


@task()
def assessment_score_task(
    *, assessment_id: int, user_id: int | None, trigger: str, at: str
) -> int | None:
    """Score one assessment; returns the id of the stored score run (None if it is gone)."""
    from saferspaces.accounts.models import User
    from saferspaces.assessments.models import Assessment
    from saferspaces.assessments.scoring import assessment_score
    from saferspaces.errors import DomainError

    assessment = (
        Assessment.objects.select_related("authority", "edition", "round")
        .filter(pk=assessment_id)
        .first()
    )
    if assessment is None:
        log.warning("scoring skipped: assessment %s no longer exists", assessment_id)
        return None
    user = User.objects.filter(pk=user_id).first() if user_id is not None else None
    try:
        run = assessment_score(
            assessment=assessment, user=user, trigger=trigger, now=dt.datetime.fromisoformat(at)
        )
    except DomainError as error:  # e.g. the edition's pipeline became invalid
        log.error("assessment %s could not be scored: %s", assessment_id, error.message)
        return None
    return run.pk
