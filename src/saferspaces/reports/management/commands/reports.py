"""``saferspaces reports run-pending``: run the report jobs that are waiting, now.

Report jobs run on the task queue (``saferspaces worker``); this command is for an operator who
wants them done without a worker running: it recovers jobs whose worker stopped, gives a task to
every waiting job that has none (jobs left by a version that ran them in threads), then runs the
ready tasks like ``saferspaces worker --batch``.
"""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from saferspaces.background.queue import queue_stores_tasks
from saferspaces.reports.jobs import report_job_enqueue, report_jobs_reconcile
from saferspaces.reports.models import PENDING, JobState, ReportJob


class Command(BaseCommand):
    help = (
        "Report jobs: run-pending runs every waiting job now (like `saferspaces worker --batch`)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["run-pending"])
        parser.add_argument(
            "--requeue-running",
            action="store_true",
            help="no longer needed: jobs of a stopped worker are recovered automatically",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        ids = list(ReportJob.objects.filter(state__in=PENDING).values_list("pk", flat=True))
        if queue_stores_tasks():
            from saferspaces.background.recovery import tasks_recover_now

            tasks_recover_now(now=now)
            report_jobs_reconcile(now=now)
            call_command("worker", "--batch", stdout=self.stdout, stderr=self.stderr)
        else:  # the immediate queue runs a job as soon as it gets its task
            for job in ReportJob.objects.filter(pk__in=ids, state=JobState.QUEUED, task_id=""):
                report_job_enqueue(job=job)
        jobs = list(ReportJob.objects.filter(pk__in=ids).order_by("created_at", "pk"))
        for job in jobs:
            line = f"job {job.pk} ({job.kind}, {job.language}): {job.state}"
            if job.state == JobState.FAILED:
                line += f": {job.message}"
            self.stdout.write(line)
        self.stdout.write(f"{len(jobs)} job(s) run")
