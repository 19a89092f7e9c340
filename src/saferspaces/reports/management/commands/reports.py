"""``saferspaces reports run-pending``: run the report jobs that are still queued (for example
after a restart interrupted their background threads)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from saferspaces.reports.models import JobState, ReportJob
from saferspaces.reports.services import report_jobs_run_pending


class Command(BaseCommand):
    help = "Report jobs: run-pending runs every queued job now."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["run-pending"])
        parser.add_argument(
            "--requeue-running",
            action="store_true",
            help="first put jobs left 'running' by a stopped process back in the queue",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["requeue_running"]:
            n = ReportJob.objects.filter(state=JobState.RUNNING).update(
                state=JobState.QUEUED, progress=0
            )
            self.stdout.write(f"{n} running job(s) put back in the queue")
        jobs = report_jobs_run_pending()
        for job in jobs:
            line = f"job {job.pk} ({job.kind}, {job.language}): {job.state}"
            if job.state == JobState.FAILED:
                line += f": {job.message}"
            self.stdout.write(line)
        self.stdout.write(f"{len(jobs)} job(s) run")
