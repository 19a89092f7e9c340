"""Report jobs on the task queue: the task that renders a job, one attempt at a time, and the
reconciler that repairs jobs whose task will not run them any more.

An attempt first claims the job (``_claim``): a queued job, or a running one whose attempt
belonged to the same queued task (its worker was lost and the queue gave the task to another
worker). Every later write of the attempt (progress, file, end) is conditional on its
``run_token``: an attempt that lost the job writes nothing, so a job is never run twice at once
even if a lost worker comes back. A failed job always ends with a message for people; the
technical error goes to the log with the job's id.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import OperationalError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from saferspaces.background.queue import TaskContext, TaskResultStatus, queue_stores_tasks, task
from saferspaces.errors import DomainError
from saferspaces.reports.models import PENDING, JobState, ReportJob
from saferspaces.reports.pdf import PdfError, sha256_hex

log = logging.getLogger(__name__)

MESSAGE_MAX = 500


class _Superseded(Exception):
    """This attempt no longer holds the job."""


def _update(lookup: dict[str, Any], fields: dict[str, Any]) -> int:
    """Update job rows. SQLite refuses a write while another connection reads the table
    ("database table is locked", e.g. the progress page polling); such a write is retried for
    up to about two seconds instead of failing the job."""
    for attempt in range(40):
        try:
            return ReportJob.objects.filter(**lookup).update(**fields)
        except OperationalError as error:
            if "locked" not in str(error) or attempt == 39:
                raise
            time.sleep(0.05)
    return 0


def _run_end(runs: list[dict[str, Any]], *, outcome: str, at: dt.datetime) -> list[dict[str, Any]]:
    """The runs with the last one closed (if it is still open)."""
    runs = [dict(r) for r in runs]
    if runs and runs[-1].get("ended") is None:
        runs[-1]["ended"] = at.isoformat()
        runs[-1]["outcome"] = outcome
    return runs


def _claim(*, job_id: int, task_id: str, worker: str, token: str, now: dt.datetime) -> bool:
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None:
            return False
        same_task = bool(task_id) and job.task_id == task_id
        if job.state == JobState.QUEUED:
            if task_id and job.task_id and not same_task:
                return False  # another task holds this job
        elif not (job.state == JobState.RUNNING and same_task):
            return False  # finished, or running under another task
        runs = _run_end(job.runs, outcome="interrupted", at=now)
        runs.append(
            {
                "attempt": job.attempts + 1,
                "worker": worker,
                "started": now.isoformat(),
                "ended": None,
                "outcome": None,
            }
        )
        job.state = JobState.RUNNING
        job.attempts += 1
        job.run_token = token
        job.task_id = task_id or job.task_id
        job.started_at = now
        job.progress = 5
        job.message = _("Reading the round's data")
        job.runs = runs
        job.save(
            update_fields=[
                "state",
                "attempts",
                "run_token",
                "task_id",
                "started_at",
                "progress",
                "message",
                "runs",
            ]
        )
    return True


def _finish(*, job_id: int, token: str, now: dt.datetime, outcome: str, **fields: Any) -> bool:
    with transaction.atomic():
        job = (
            ReportJob.objects.select_for_update()
            .filter(pk=job_id, run_token=token, state=JobState.RUNNING)
            .first()
        )
        if job is None:
            return False
        runs = _run_end(job.runs, outcome=outcome, at=now)
        return bool(
            _update(
                {"pk": job_id, "run_token": token},
                {"runs": runs, "finished_at": now, "run_token": "", **fields},
            )
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
    from saferspaces.reports.services import RENDERERS

    token = uuid.uuid4().hex
    if not _claim(job_id=job_id, task_id=task_id, worker=worker, token=token, now=now()):
        return ReportJob.objects.get(pk=job_id)
    job = ReportJob.objects.get(pk=job_id)
    with translation.override(job.language):

        def progress(value: int, message: str) -> None:
            if not _update(
                {"pk": job_id, "run_token": token}, {"progress": value, "message": message}
            ):
                raise _Superseded

        try:
            rendered = RENDERERS[job.kind](dict(job.parameters), job.language, progress)
            progress(90, _("Storing the file"))
            job.file.save(rendered.filename, ContentFile(rendered.data), save=False)
            done = _finish(
                job_id=job_id,
                token=token,
                now=now(),
                outcome="done",
                file=job.file.name,
                sha256=sha256_hex(rendered.data),
                state=JobState.DONE,
                progress=100,
                message=_("The PDF is ready."),
            )
            if not done:
                job.file.delete(save=False)
        except _Superseded:
            log.warning(
                "report job %s: attempt %s lost the job; its work is dropped", job_id, token
            )
        except (DomainError, PdfError) as exc:
            _finish(
                job_id=job_id,
                token=token,
                now=now(),
                outcome="failed",
                state=JobState.FAILED,
                message=exc.message[:MESSAGE_MAX],
            )
        except Exception:  # a report must never end in a server error, nor show one
            log.exception("report job %s failed", job_id)
            _finish(
                job_id=job_id,
                token=token,
                now=now(),
                outcome="failed",
                state=JobState.FAILED,
                message=(
                    _(
                        "The report could not be made because of an unexpected error (job "
                        "%(job)s). The site's operators can find it in the log. Try again later."
                    )
                    % {"job": job_id}
                )[:MESSAGE_MAX],
            )
    return ReportJob.objects.get(pk=job_id)


@task(takes_context=True)
def report_job_task(context: TaskContext, job_id: int) -> str:
    """The queue's task for one report job (one attempt per time the queue runs it)."""
    result = context.task_result
    worker = result.worker_ids[-1] if result.worker_ids else ""
    return report_job_run(job_id=job_id, task_id=str(result.id), worker=worker).state


def report_job_enqueue(*, job: ReportJob) -> ReportJob:
    """Give ``job`` (queued, in the caller's transaction) a task. With the database queue the
    task is stored in the same transaction; the immediate queue runs it here."""
    result = report_job_task.enqueue(job_id=job.pk)
    _update({"pk": job.pk, "task_id": ""}, {"task_id": str(result.id)})
    job.refresh_from_db()
    return job


def _interrupted_message(attempts: int) -> str:
    return ngettext(
        "The preparation was interrupted %(n)s time (the background worker stopped). Try "
        "again; if it happens again, tell the site's operators.",
        "The preparation was interrupted %(n)s times (the background worker stopped). Try "
        "again; if it happens again, tell the site's operators.",
        attempts,
    ) % {"n": attempts}


def report_jobs_reconcile(*, now: dt.datetime, job_ids: list[int] | None = None) -> list[int]:
    """Repair waiting or running jobs whose task will not run them any more (failed, finished
    without them, or gone): they get a new task while attempts remain, otherwise they fail with
    a message and the "Try again" button. Returns the ids of the jobs repaired."""
    if not queue_stores_tasks():
        return []
    from saferspaces.background.recovery import task_statuses

    pending = ReportJob.objects.filter(state__in=PENDING)
    if job_ids is not None:
        pending = pending.filter(pk__in=job_ids)
    jobs = list(pending.only("pk", "task_id", "state", "language", "run_token"))
    statuses = task_statuses(ids=[j.task_id for j in jobs])
    live = (TaskResultStatus.READY, TaskResultStatus.RUNNING)
    repaired = []
    for candidate in jobs:
        status = statuses.get(candidate.task_id)
        if status == TaskResultStatus.READY and candidate.state == JobState.RUNNING:
            # the queue gave the task back (its worker stopped): say so until a worker takes it
            with translation.override(candidate.language):
                _update(
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
                ReportJob.objects.select_for_update()
                .filter(pk=candidate.pk, state__in=PENDING, task_id=candidate.task_id)
                .first()
            )
            if job is None:
                continue  # changed meanwhile
            with translation.override(job.language):
                runs = _run_end(job.runs, outcome="interrupted", at=now)
                if job.attempts >= settings.TASK_ATTEMPTS:
                    _update(
                        {"pk": job.pk},
                        {
                            "state": JobState.FAILED,
                            "message": _interrupted_message(job.attempts)[:MESSAGE_MAX],
                            "finished_at": now,
                            "run_token": "",
                            "runs": runs,
                        },
                    )
                    log.error("report job %s failed: interrupted %s times", job.pk, job.attempts)
                else:
                    _update(
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
                    report_job_enqueue(job=job)
                    log.warning("report job %s: its task was lost; queued again", job.pk)
        repaired.append(candidate.pk)
    return repaired
