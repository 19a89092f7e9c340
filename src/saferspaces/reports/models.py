"""Report files generated in the background (:class:`ReportJob`).

A job renders one report (its ``kind`` and ``parameters``) in one language from the stored data.
``fingerprint`` summarises that data (latest changes of answers, transitions, scores, flags,
evidence), so a finished job with the same parameters and fingerprint is reused instead of
rendering again: the same data gives the same bytes (``sha256``). ``key`` sums up the four, and
at most one job per key is waiting or running (a unique constraint).

The task queue runs the job (``task_id`` is its current task); the job keeps what people see:
the progress, a message, the number of ``attempts`` (a worker stopped during the others) and
``runs``, one entry per attempt (worker, start, end, outcome). ``run_token`` identifies the
attempt that holds the job: an attempt whose token no longer matches writes nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReportKind(models.TextChoices):
    ROUND_ANALYSIS = "round_analysis", _("Pilot analysis of a round")
    AUTHORITY_REPORT = "authority_report", _("Report of an authority's assessment")


class JobState(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Being prepared")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


def report_upload_to(instance: ReportJob, filename: str) -> str:
    return f"reports/{instance.kind}/{filename}"


class ReportJob(models.Model):
    kind = models.CharField(max_length=40, choices=ReportKind.choices)
    parameters = models.JSONField(default=dict)
    language = models.CharField(max_length=10)
    fingerprint = models.CharField(max_length=64, blank=True)
    state = models.CharField(max_length=20, choices=JobState.choices, default=JobState.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # 0-100
    message = models.CharField(max_length=500, blank=True)
    file = models.FileField(upload_to=report_upload_to, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    key = models.CharField(max_length=64, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    run_token = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    runs = models.JSONField(default=list, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)

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

    def __str__(self) -> str:
        return f"{self.kind} {self.parameters} {self.language}: {self.state}"

    @property
    def finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)


PENDING = (JobState.QUEUED, JobState.RUNNING)
