"""Repairs of jobs that make a file (:mod:`saferspaces.background.jobs`): the jobs whose task
will not run them any more get a new task or fail with a message and the "Try again" button
(:func:`jobs_reconcile`, called by the workers after each recovery of lost workers' tasks), and
finished jobs are deleted with their files after a retention period (:func:`jobs_prune`).

Every function takes the time as ``now``.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from saferspaces.background.jobs import MESSAGE_MAX, JobType, job_enqueue, rows_update, runs_closed
from saferspaces.background.models import PENDING, JobState
from saferspaces.background.queue import TaskResultStatus, queue_stores_tasks


def _interrupted_message(attempts: int) -> str:
    return ngettext(
        "The preparation was interrupted %(n)s time (the background worker stopped). Try "
        "again; if it happens again, tell the site's operators.",
        "The preparation was interrupted %(n)s times (the background worker stopped). Try "
        "again; if it happens again, tell the site's operators.",
        attempts,
    ) % {"n": attempts}


def jobs_reconcile(
    *, jobs: JobType, now: dt.datetime, job_ids: list[int] | None = None
) -> list[int]:
    """Repair waiting or running jobs whose task will not run them any more (failed, finished
    without them, or gone): they get a new task while attempts remain, otherwise they fail with
    a message and the "Try again" button. Returns the ids of the jobs repaired."""
    if not queue_stores_tasks():
        return []
    from saferspaces.background.recovery import task_statuses

    model = jobs.model
    pending = model.objects.filter(state__in=PENDING)
    if job_ids is not None:
        pending = pending.filter(pk__in=job_ids)
    found = list(pending.only("pk", "task_id", "state", "language", "run_token"))
    statuses = task_statuses(ids=[j.task_id for j in found])
    live = (TaskResultStatus.READY, TaskResultStatus.RUNNING)
    repaired = []
    for candidate in found:
        status = statuses.get(candidate.task_id)
        if status == TaskResultStatus.READY and candidate.state == JobState.RUNNING:
            # the queue gave the task back (its worker stopped): say so until a worker takes it
            with translation.override(candidate.language or None):
                rows_update(
                    model,
                    {
                        "pk": candidate.pk,
                        "state": JobState.RUNNING,
                        "task_id": candidate.task_id,
                        "run_token": candidate.run_token,  # unless a worker took it meanwhile
                    },
                    {
                        "state": JobState.QUEUED,
                        "progress": 0,
                        "message": _(
                            "Waiting to start again (the previous attempt was interrupted)"
                        ),
                        "run_token": "",
                    },
                )
            repaired.append(candidate.pk)
            continue
        if status in live:
            continue
        with transaction.atomic():
            job = (
                model.objects.select_for_update()
                .filter(pk=candidate.pk, state__in=PENDING, task_id=candidate.task_id)
                .first()
            )
            if job is None:
                continue  # changed meanwhile
            with translation.override(job.language or None):
                runs = runs_closed(job.runs, outcome="interrupted", at=now)
                if job.attempts >= settings.TASK_ATTEMPTS:
                    rows_update(
                        model,
                        {"pk": job.pk},
                        {
                            "state": JobState.FAILED,
                            "message": _interrupted_message(job.attempts)[:MESSAGE_MAX],
                            "finished_at": now,
                            "run_token": "",
                            "runs": runs,
                        },
                    )
                    jobs.log.error(
                        "%s %s failed: interrupted %s times", jobs.name, job.pk, job.attempts
                    )
                else:
                    rows_update(
                        model,
                        {"pk": job.pk},
                        {
                            "state": JobState.QUEUED,
                            "progress": 0,
                            "message": _(
                                "Waiting to start again (the previous attempt was interrupted)"
                            ),
                            "run_token": "",
                            "task_id": "",
                            "runs": runs,
                        },
                    )
                    job.refresh_from_db()
                    job_enqueue(jobs=jobs, job=job)
                    jobs.log.warning("%s %s: its task was lost; queued again", jobs.name, job.pk)
        repaired.append(candidate.pk)
    return repaired


def jobs_prune(*, jobs: JobType, now: dt.datetime, keep: dt.timedelta, batch: int = 500) -> int:
    """Delete the finished jobs that ended before ``now - keep``, and their files. Returns how
    many jobs were deleted."""
    old = jobs.model.objects.filter(
        state__in=(JobState.DONE, JobState.FAILED), finished_at__lt=now - keep
    )
    deleted = 0
    while True:
        chunk = list(old[:batch])
        if not chunk:
            return deleted
        for job in chunk:
            if job.file.name:
                job.file.delete(save=False)
        jobs.model.objects.filter(pk__in=[j.pk for j in chunk]).delete()
        deleted += len(chunk)
