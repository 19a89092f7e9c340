"""Export files made in the background (:class:`ExportJob`).

An export job is a :class:`~saferspaces.background.models.FileJob` (the one definition of a job
that makes a file): it makes one file of a round (``parameters``: ``round`` and ``file``, such
as ``all.xlsx``) from the stored data. The file does not depend on the language asked (the
codebook holds both languages), so a finished job whose data fingerprint is still the round's
is served to everyone who may download the round's data.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from saferspaces.background.models import PENDING, FileJob, JobState

__all__ = ["PENDING", "ExportJob", "ExportKind", "JobState"]


class ExportKind(models.TextChoices):
    ROUND_FILE = "round_file", _("A file of a round's data export")


def export_upload_to(instance: ExportJob, filename: str) -> str:
    return f"exports/round-{instance.parameters.get('round')}/{filename}"


class ExportJob(FileJob):
    kind = models.CharField(max_length=40, choices=ExportKind.choices)
    file = models.FileField(upload_to=export_upload_to, blank=True, max_length=200)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["kind", "fingerprint"]),
            models.Index(fields=["state", "finished_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                condition=models.Q(state__in=["queued", "running"]) & ~models.Q(key=""),
                name="exports_one_pending_job_per_key",
            )
        ]
