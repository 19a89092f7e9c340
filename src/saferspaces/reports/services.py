"""Asking for a report file: ``report_job_create``.

``report_job_create`` reuses a finished job with the same kind, parameters, language and data
fingerprint (the file would be byte-identical), or the job already waiting for the same data;
otherwise it creates a job and gives it to the task queue, where a worker process renders it
with progress (:mod:`saferspaces.background.jobs`, the machinery every file job shares). A
failure is stored on the job (state ``failed`` with a message for people). What each kind of
report is and how it is made: :mod:`saferspaces.reports.kinds`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from saferspaces.background.jobs import job_create
from saferspaces.errors import DomainError
from saferspaces.languages import language_codes
from saferspaces.reports.jobs import REPORT_JOBS
from saferspaces.reports.kinds import report_kind_get
from saferspaces.reports.models import ReportJob

__all__ = ["report_job_create"]


def report_job_create(
    *,
    kind: str,
    parameters: dict[str, Any],
    language: str,
    user: Any,
    now: dt.datetime | None = None,
) -> ReportJob:
    """A finished job for the same data, the job already waiting or running for it, or a new
    job given to the task queue (see ``saferspaces.background.jobs.job_create``). A kind or
    a language the site does not have is a :class:`DomainError`."""
    report_kind_get(name=kind)
    if language not in language_codes(offered=True):  # not one still being translated
        raise DomainError(_("Choose a language of the list."), field="language")
    job = job_create(
        jobs=REPORT_JOBS,
        kind=kind,
        parameters=parameters,
        language=language,
        user=user,
        now=now or timezone.now(),
    )
    assert isinstance(job, ReportJob)
    return job
