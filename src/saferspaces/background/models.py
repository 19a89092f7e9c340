"""Worker processes of the task queue and their heartbeats (:class:`WorkerProcess`).

The queue (``django-tasks-db``) records which worker took a task but has no lease: a task whose
worker died would stay "running" for ever. Each ``saferspaces worker`` process therefore has a
row here that it refreshes every few seconds (``seen_at``). A worker not seen for longer than
the lease (``SAFERSPACES_WORKER_LEASE_SECONDS``), or whose process is gone from this machine, is
marked lost, and its running task is retried or failed (``recovery.tasks_recover``).
"""

from __future__ import annotations

from django.db import models
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
