"""Report files generated in the background (:class:`ReportJob`).

A report job is a :class:`~saferspaces.background.models.FileJob` (one definition of a job for
every file made in the background): it renders one report (its ``kind`` and ``parameters``) in
one language from the stored data, and a finished job with the same parameters, language and
data fingerprint is reused instead of rendering again (the same data give the same bytes). Its
kinds are those of the registry :mod:`saferspaces.reports.kinds`.
"""

from __future__ import annotations

from django.db import models

from saferspaces.background.models import PENDING, FileJob, JobState
from saferspaces.reports.kinds import report_kind_choices

__all__ = ["PENDING", "JobState", "ReportJob"]


def report_upload_to(instance: ReportJob, filename: str) -> str:
    return f"reports/{instance.kind}/{filename}"


class ReportJob(FileJob):
    kind = models.CharField(max_length=40, choices=report_kind_choices())
    file = models.FileField(upload_to=report_upload_to, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["kind", "language", "fingerprint"]),
            models.Index(fields=["state"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                condition=models.Q(state__in=["queued", "running"]) & ~models.Q(key=""),
                name="reports_one_pending_job_per_key",
            )
        ]
