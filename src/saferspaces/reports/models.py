"""Report files generated in the background (:class:`ReportJob`).

A report job is a :class:`~saferspaces.background.models.FileJob` (one definition of a job for
every file made in the background): it renders one report (its ``kind`` and ``parameters``) in
one language from the stored data, and a finished job with the same parameters, language and
data fingerprint is reused instead of rendering again (the same data give the same bytes).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from saferspaces.background.models import PENDING, FileJob, JobState

__all__ = ["PENDING", "JobState", "ReportJob", "ReportKind"]


class ReportKind(models.TextChoices):
    ROUND_ANALYSIS = "round_analysis", _("Pilot analysis of a round")
    AUTHORITY_REPORT = "authority_report", _("Report of an authority's assessment")


def report_upload_to(instance: ReportJob, filename: str) -> str:
    return f"reports/{instance.kind}/{filename}"


class ReportJob(FileJob):
    kind = models.CharField(max_length=40, choices=ReportKind.choices)
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
