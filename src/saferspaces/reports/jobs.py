"""Report jobs on the task queue: what a report job is to the file-job machinery of
:mod:`saferspaces.background.jobs` (:data:`REPORT_JOBS`: its kinds from the registry
:mod:`saferspaces.reports.kinds`, its task and messages), the task that renders one job, and the
report names of the machinery (one attempt at a time with a run token, the reconciler that
repairs jobs whose task will not run them any more). Asking for a report is
:func:`saferspaces.reports.services.report_job_create`; this module imports nothing above it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone
from django.utils.translation import gettext_lazy

from saferspaces.background.job_repairs import jobs_reconcile
from saferspaces.background.jobs import JobType, job_enqueue, job_run
from saferspaces.background.queue import TaskContext, task
from saferspaces.errors import DomainError
from saferspaces.reports.kinds import REPORT_KINDS, report_job_kind
from saferspaces.reports.models import ReportJob
from saferspaces.reports.pdf import PdfError


@task(takes_context=True)
def report_job_task(context: TaskContext, job_id: int) -> str:
    """The queue's task for one report job (one attempt per time the queue runs it)."""
    result = context.task_result
    worker = result.worker_ids[-1] if result.worker_ids else ""
    return report_job_run(job_id=job_id, task_id=str(result.id), worker=worker).state


REPORT_JOBS = JobType(
    name="report job",
    logger="saferspaces.reports.jobs",
    model=ReportJob,
    kinds={name: report_job_kind(kind) for name, kind in REPORT_KINDS.items()},
    task=report_job_task,
    started=gettext_lazy("Reading the round's data"),
    done=gettext_lazy("The PDF is ready."),
    unexpected=gettext_lazy(
        "The report could not be made because of an unexpected error (job %(job)s). The "
        "site's operators can find it in the log. Try again later."
    ),
    errors=(DomainError, PdfError),
)


def report_job_run(
    *,
    job_id: int,
    task_id: str = "",
    worker: str = "",
    now: Callable[[], dt.datetime] = timezone.now,
) -> ReportJob:
    """Render a job, updating its progress at each stage. Never raises for a failed report:
    the job ends ``failed`` with a message. A job another attempt holds is left alone."""
    job = job_run(jobs=REPORT_JOBS, job_id=job_id, task_id=task_id, worker=worker, now=now)
    assert isinstance(job, ReportJob)
    return job


def report_job_enqueue(*, job: ReportJob) -> ReportJob:
    """Give ``job`` (queued, in the caller's transaction) a task."""
    enqueued = job_enqueue(jobs=REPORT_JOBS, job=job)
    assert isinstance(enqueued, ReportJob)
    return enqueued


def report_jobs_reconcile(*, now: dt.datetime, job_ids: list[int] | None = None) -> list[int]:
    """Repair report jobs whose task will not run them any more (see ``jobs_reconcile``)."""
    return jobs_reconcile(jobs=REPORT_JOBS, now=now, job_ids=job_ids)
