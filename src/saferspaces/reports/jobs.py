"""Report jobs on the task queue: the task that renders one report job, and the report names of
the job machinery of :mod:`saferspaces.background.jobs` (one attempt at a time with a run token,
the reconciler that repairs jobs whose task will not run them any more). What a report job
makes, and its messages, are :data:`saferspaces.reports.services.REPORT_JOBS`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone

from saferspaces.background.job_repairs import jobs_reconcile
from saferspaces.background.jobs import job_enqueue, job_run
from saferspaces.background.queue import TaskContext, task
from saferspaces.reports.models import ReportJob


def report_job_run(
    *,
    job_id: int,
    task_id: str = "",
    worker: str = "",
    now: Callable[[], dt.datetime] = timezone.now,
) -> ReportJob:
    """Render a job, updating its progress at each stage. Never raises for a failed report:
    the job ends ``failed`` with a message. A job another attempt holds is left alone."""
    from saferspaces.reports.services import REPORT_JOBS

    job = job_run(jobs=REPORT_JOBS, job_id=job_id, task_id=task_id, worker=worker, now=now)
    assert isinstance(job, ReportJob)
    return job


@task(takes_context=True)
def report_job_task(context: TaskContext, job_id: int) -> str:
    """The queue's task for one report job (one attempt per time the queue runs it)."""
    result = context.task_result
    worker = result.worker_ids[-1] if result.worker_ids else ""
    return report_job_run(job_id=job_id, task_id=str(result.id), worker=worker).state


def report_job_enqueue(*, job: ReportJob) -> ReportJob:
    """Give ``job`` (queued, in the caller's transaction) a task."""
    from saferspaces.reports.services import REPORT_JOBS

    enqueued = job_enqueue(jobs=REPORT_JOBS, job=job)
    assert isinstance(enqueued, ReportJob)
    return enqueued


def report_jobs_reconcile(*, now: dt.datetime, job_ids: list[int] | None = None) -> list[int]:
    """Repair report jobs whose task will not run them any more (see ``jobs_reconcile``)."""
    from saferspaces.reports.services import REPORT_JOBS

    return jobs_reconcile(jobs=REPORT_JOBS, now=now, job_ids=job_ids)
