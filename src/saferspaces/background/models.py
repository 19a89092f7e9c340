"""Worker processes of the task queue and their heartbeats (:class:`WorkerProcess`), and the
abstract model of jobs that make a file in the background (:class:`FileJob`).

The queue (``django-tasks-db``) records which worker took a task but has no lease: a task whose
worker died would stay "running" for ever. Each ``saferspaces worker`` process therefore has a
row here that it refreshes every few seconds (``seen_at``). A worker not seen for longer than
the lease (``SAFERSPACES_WORKER_LEASE_SECONDS``), or whose process is gone from this machine, is
marked lost, and its running task is retried or failed (``recovery.tasks_recover``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WorkerProcess(models.Model):
    worker_id = models.CharField(max_length=64, primary_key=True)
    hostname = models.CharField(max_length=255)  # the machine: host name and pid namespace
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField()
    stopped_at = models.DateTimeField(null=True, blank=True)
    lost_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("worker process")

    def __str__(self) -> str:
        return f"{self.worker_id} (pid {self.pid} on {self.hostname})"

    @property
    def gone(self) -> bool:
        return self.stopped_at is not None or self.lost_at is not None


class JobState(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Being prepared")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


PENDING = (JobState.QUEUED, JobState.RUNNING)


class FileJob(models.Model):
    """A file made in the background from stored data: one definition for every kind of job
    (report PDFs, export files), run by :mod:`saferspaces.background.jobs`.

    A job makes one file (its ``kind`` and ``parameters``) in one ``language``. ``fingerprint``
    sums up the data it is made from, so a finished job with the same parameters and
    fingerprint is reused instead of making the file again (``sha256`` of its bytes); ``key``
    sums up the four, and at most one job per key waits or runs (each concrete model declares
    that unique constraint). The task queue runs the job (``task_id`` is its current task); the
    job keeps what people see: the ``progress``, a ``message`` for people, the number of
    ``attempts`` and ``runs``, one entry per attempt (worker, start, end, outcome).
    ``run_token`` names the attempt that holds the job: an attempt whose token no longer
    matches writes nothing. Concrete models add the ``file`` field (its folder) and ``Meta``.
    """

    kind = models.CharField(max_length=40)
    parameters = models.JSONField(default=dict)
    language = models.CharField(max_length=10)
    fingerprint = models.CharField(max_length=64, blank=True)
    state = models.CharField(max_length=20, choices=JobState.choices, default=JobState.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # 0-100
    message = models.CharField(max_length=500, blank=True)
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

    file: models.FileField

    objects = models.Manager()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.kind} {self.parameters} {self.language}: {self.state}"

    @property
    def finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)

    @property
    def file_kept(self) -> bool:
        """Whether the finished file is still stored (superseded and old files are deleted)."""
        name = self.file.name or ""
        return self.state == JobState.DONE and bool(name) and self.file.storage.exists(name)
