"""Export files made by jobs on the task queue, with the machinery every file job shares
(:mod:`saferspaces.background.jobs`: one attempt at a time with a run token, progress, retries
after a lost worker, a message for people when it fails, the "Try again" button).

A job makes one file of a round (``{"round": <id>, "file": "all.xlsx"}``). Its fingerprint is
the round's export fingerprint (``selectors.round_export_fingerprint``); the file is the same
in every language, so a finished file is served to everyone who may download the round's data
while the fingerprint holds. Once a newer file of the same name is ready, the older one is
deleted; every finished job and its file are deleted :data:`EXPORT_FILES_KEEP` after it ended.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from saferspaces.assessments.models import Round
from saferspaces.background.job_repairs import jobs_prune, jobs_reconcile
from saferspaces.background.jobs import JobKind, JobType, Progress, Rendered, job_run
from saferspaces.background.queue import TaskContext, task
from saferspaces.core.exports import ExportError
from saferspaces.errors import DomainError
from saferspaces.exports import selectors
from saferspaces.exports.files import Download, download_parse, file_write
from saferspaces.exports.models import ExportJob, ExportKind

#: how long a finished export file (and its job) is kept
EXPORT_FILES_KEEP = dt.timedelta(days=30)


def _round(parameters: dict[str, Any]) -> Round:
    pk = parameters.get("round")
    round_ = (
        Round.objects.select_related("network", "edition").filter(pk=pk).first()
        if isinstance(pk, int)
        else None
    )
    if round_ is None:
        raise DomainError(_("This round does not exist any more."), field="round")
    return round_


def _download(parameters: dict[str, Any]) -> Download:
    name = parameters.get("file")
    download = download_parse(name) if isinstance(name, str) else None
    if download is None:
        raise DomainError(_("There is no such file in a round's export."), field="file")
    return download


def _fingerprint(parameters: dict[str, Any]) -> str:
    return selectors.round_export_fingerprint(round_=_round(parameters))


def _rows_progress(total: int, progress: Progress) -> Callable[[int], None]:
    """Progress from 10 to 90 % as rows are written (reported when it moves by a percent)."""
    done = [0, 10]

    def rows_done(n: int) -> None:
        done[0] += n
        value = 10 + min(80, 80 * done[0] // max(total, 1))
        if value > done[1]:
            done[1] = value
            progress(
                value,
                _("Writing the file: %(done)s of about %(total)s rows")
                % {"done": done[0], "total": total},
            )

    return rows_done


def _render(parameters: dict[str, Any], language: str, progress: Progress) -> Rendered:
    round_ = _round(parameters)
    download = _download(parameters)
    export = selectors.round_export(round_=round_)
    sizes = export.sizes()
    total = sum(sizes[t] for t in download.tables)
    progress(10, _("Writing the file"))
    try:
        out = file_write(export, download, rows_done=_rows_progress(total, progress))
    except ExportError as error:
        raise DomainError(
            _("This file cannot be made: %(problems)s")
            % {"problems": "; ".join(str(p) for p in error.problems)},
            field="file",
        ) from None
    return Rendered(out, f"round-{round_.pk}-{download.name}")


@task(takes_context=True)
def export_job_task(context: TaskContext, job_id: int) -> str:
    """The queue's task for one export job (one attempt per time the queue runs it)."""
    result = context.task_result
    worker = result.worker_ids[-1] if result.worker_ids else ""
    return export_job_run(job_id=job_id, task_id=str(result.id), worker=worker).state


EXPORT_JOBS = JobType(
    name="export job",
    logger=__name__,
    model=ExportJob,
    kinds={ExportKind.ROUND_FILE: JobKind(fingerprint=_fingerprint, render=_render)},
    task=export_job_task,
    started=gettext_lazy("Reading the round's data"),
    done=gettext_lazy("The file is ready."),
    unexpected=gettext_lazy(
        "The file could not be made because of an unexpected error (job %(job)s). The site's "
        "operators can find it in the log. Try again later."
    ),
    by_language=False,
    replace_older=True,
)


def export_job_run(
    *,
    job_id: int,
    task_id: str = "",
    worker: str = "",
    now: Callable[[], dt.datetime] = timezone.now,
) -> ExportJob:
    """Make a job's file (see ``saferspaces.background.jobs.job_run``)."""
    job = job_run(jobs=EXPORT_JOBS, job_id=job_id, task_id=task_id, worker=worker, now=now)
    assert isinstance(job, ExportJob)
    return job


def export_jobs_reconcile(*, now: dt.datetime, job_ids: list[int] | None = None) -> list[int]:
    """Repair export jobs whose task will not run them any more, and delete the jobs and files
    older than :data:`EXPORT_FILES_KEEP` (called by the workers after each recovery)."""
    repaired = jobs_reconcile(jobs=EXPORT_JOBS, now=now, job_ids=job_ids)
    if job_ids is None:
        jobs_prune(jobs=EXPORT_JOBS, now=now, keep=EXPORT_FILES_KEEP)
    return repaired
