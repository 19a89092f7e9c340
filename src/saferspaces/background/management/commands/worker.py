"""``saferspaces worker``: run background tasks (report PDFs, scoring after a submission,
e-mails) from the database queue.

* ``saferspaces worker``: run tasks until stopped (Ctrl+C or SIGTERM finish the current task;
  a second one interrupts it, and the task is retried by the next worker).
* ``saferspaces worker --batch``: run every task that is ready, then exit.
* ``saferspaces worker --recover``: only recover: mark workers that stopped without saying so as
  lost, retry or fail their tasks, repair the jobs that depended on them; print what was done.
* ``saferspaces worker --status``: the workers alive and the tasks waiting, running and failed.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from saferspaces.background.queue import TaskResultStatus, queue_stores_tasks

#: how often an idle worker looks at the queue: a submission's results are stored about 1.3 s
#: after it is given to the queue for a round of 10,000, and a team waits this much more at most
#: (an indexed query on the task table; docs/benchmarks.md, "seen")
IDLE_INTERVAL_S = 0.25


class Command(BaseCommand):
    help = "Run background tasks from the database queue (see docs/operations.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--batch", action="store_true", help="run the ready tasks, then exit")
        mode.add_argument("--recover", action="store_true", help="only recover lost tasks")
        mode.add_argument("--status", action="store_true", help="show workers and tasks")
        parser.add_argument(
            "--interval",
            type=float,
            default=IDLE_INTERVAL_S,
            help=f"seconds between two looks at an empty queue (default {IDLE_INTERVAL_S})",
        )
        parser.add_argument(
            "--max-tasks", type=int, default=None, help="exit after this many tasks"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not queue_stores_tasks():
            raise CommandError(
                "SAFERSPACES_TASKS is 'immediate': every task runs in the process that asks for "
                "it, so there is nothing for a worker to do."
            )
        if options["interval"] < 0 or (
            options["max_tasks"] is not None and options["max_tasks"] < 1
        ):
            raise CommandError("--interval must be 0 or more and --max-tasks 1 or more.")
        from saferspaces.background.recovery import this_machine
        from saferspaces.background.worker import lease_from_settings, maintenance_run, worker_run

        if options["status"]:
            self._status()
            return
        if options["recover"]:
            recovery = maintenance_run(
                lease=lease_from_settings(), now=timezone.now(), hostname=this_machine()
            )
            self.stdout.write(
                f"{len(recovery.workers_lost)} worker(s) lost, {len(recovery.retried)} task(s) "
                f"ready again, {len(recovery.failed)} task(s) failed"
            )
            return
        worker_id = worker_run(
            queue_names=["*"],
            interval=options["interval"],
            batch=options["batch"],
            max_tasks=options["max_tasks"],
        )
        if options["batch"]:
            self.stdout.write(f"worker {worker_id}: no task left")

    def _status(self) -> None:
        from django.db.models import Count
        from django_tasks_db.models import DBTaskResult

        from saferspaces.background.recovery import workers_alive
        from saferspaces.background.worker import lease_from_settings

        alive = workers_alive(now=timezone.now(), lease=lease_from_settings().lease)
        self.stdout.write(f"{len(alive)} worker(s) alive")
        for w in alive:
            self.stdout.write(f"  {w.worker_id}: pid {w.pid} on {w.hostname}, since {w.started_at}")
        counts = dict(DBTaskResult.objects.values_list("status").annotate(n=Count("id")).order_by())
        for status in TaskResultStatus.values:
            self.stdout.write(f"{status.lower()}: {counts.get(status, 0)} task(s)")
