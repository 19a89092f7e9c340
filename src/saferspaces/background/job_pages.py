"""The pages of a job that makes a file (report PDFs, export files): one progress page and one
status block (polled with htmx while the job runs), whatever the kind of job. Each app's views
check who may see the job, then describe it with a :class:`JobTarget`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.http import FileResponse, Http404

from saferspaces.background.models import FileJob, JobState
from saferspaces.background.recovery import worker_available

PAGE = "background/job.html"
STATUS = "background/_job_status.html"


@dataclass(frozen=True)
class JobTarget:
    """What a job's pages show and link to: the file's title, the page it belongs to, how to
    ask for it again (``retry_url`` with ``retry_fields`` as hidden fields of a POST), where its
    status and file are."""

    title: str
    back_url: str
    back_label: str
    retry_url: str
    crumbs: list[tuple[str, str]]
    here: str  # the last breadcrumb
    status_url: str
    download_url: str
    download_label: str
    retry_fields: dict[str, str] = field(default_factory=dict)


def job_page_context(*, job: FileJob, target: JobTarget, now: dt.datetime) -> dict[str, object]:
    waiting = job.state == JobState.QUEUED
    return {
        "job": job,
        "target": target,
        "kept": job.file_kept,
        "no_worker": waiting and not worker_available(now=now),
    }


def job_file_response(*, job: FileJob, content_type: str, filename: str = "") -> FileResponse:
    """The job's file as a download (404 while it is not ready, or once it is deleted)."""
    if not job.file_kept:
        raise Http404
    name = filename or (job.file.name or "").rsplit("/", 1)[-1]
    return FileResponse(
        job.file.open("rb"), as_attachment=True, filename=name, content_type=content_type
    )
