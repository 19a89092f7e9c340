"""Repairs of import runs, tied to the task queue's recovery (``background/recovery.py``): the
workers call :func:`import_runs_reconcile` after each recovery of lost workers' tasks.

* A run whose task the queue gave back (its worker stopped) waits again; a run whose task will
  not run it any more (failed, finished without it, gone) gets a new task while attempts remain,
  and otherwise fails with a message for people and "Try again" (its uploaded file is kept).
* A run of the command line whose process is gone from this machine (killed) fails, instead of
  staying "running".
* The uploaded files of runs that ended more than :data:`UPLOADS_KEEP` ago are deleted.

Every function takes the time as ``now``.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from saferspaces.background.jobs import rows_update, runs_closed
from saferspaces.background.queue import TaskResultStatus, queue_stores_tasks
from saferspaces.opendata.models import PENDING, FailureKind, ImportRun, RunStatus

logger = logging.getLogger(__name__)

#: how long the uploaded file of a failed run is kept for "Try again"
UPLOADS_KEEP = dt.timedelta(days=7)


def interrupted_message(attempts: int) -> str:
    return ngettext(
        "The import was interrupted %(n)s time (the background worker stopped) and nothing was "
        "loaded. Try again; if it happens again, the file may take longer to load than a "
        "background task may run: ask the site's operators to import it on the server.",
        "The import was interrupted %(n)s times (the background worker stopped) and nothing was "
        "loaded. Try again; if it happens again, the file may take longer to load than a "
        "background task may run: ask the site's operators to import it on the server.",
        attempts,
    ) % {"n": attempts}


def _queued_runs_repair(*, now: dt.datetime, run_ids: list[int] | None) -> list[int]:
    from saferspaces.background.recovery import task_statuses
    from saferspaces.opendata.tasks import import_run_task

    pending = ImportRun.objects.filter(background=True, status__in=PENDING)
    if run_ids is not None:
        pending = pending.filter(pk__in=run_ids)
    found = list(pending.only("pk", "task_id", "status", "run_token"))
    statuses = task_statuses(ids=[r.task_id for r in found])
    repaired = []
    for candidate in found:
        status = statuses.get(candidate.task_id)
        if status == TaskResultStatus.READY and candidate.status == RunStatus.RUNNING:
            # the queue gave the task back (its worker stopped): the run waits for it again
            with transaction.atomic():
                run = (
                    ImportRun.objects.select_for_update()
                    .filter(pk=candidate.pk, status=RunStatus.RUNNING)
                    .filter(task_id=candidate.task_id, run_token=candidate.run_token)
                    .first()
                )
                if run is not None:  # unless a worker took it meanwhile
                    rows_update(
                        ImportRun,
                        {"pk": run.pk},
                        {
                            "status": RunStatus.QUEUED,
                            "run_token": "",
                            "progress": {},
                            "attempt_log": runs_closed(
                                run.attempt_log, outcome="interrupted", at=now
                            ),
                        },
                    )
                    repaired.append(run.pk)
            continue
        if status in (TaskResultStatus.READY, TaskResultStatus.RUNNING):
            continue
        with transaction.atomic():
            run = (
                ImportRun.objects.select_for_update()
                .filter(pk=candidate.pk, status__in=PENDING, task_id=candidate.task_id)
                .first()
            )
            if run is None:
                continue  # changed meanwhile
            log = runs_closed(run.attempt_log, outcome="interrupted", at=now)
            if run.attempts >= settings.TASK_ATTEMPTS:
                with translation.override(run.language or None):
                    message = interrupted_message(run.attempts)
                rows_update(
                    ImportRun,
                    {"pk": run.pk},
                    {
                        "status": RunStatus.FAILED,
                        "failure": FailureKind.INTERRUPTED,
                        "error_message": message,
                        "finished_at": now,
                        "run_token": "",
                        "attempt_log": log,
                        "loaded_count": 0,
                        "derived_count": 0,
                    },
                )
                logger.error("import run %s failed: interrupted %s times", run.pk, run.attempts)
            else:
                result = import_run_task.enqueue(run_id=run.pk)
                rows_update(
                    ImportRun,
                    {"pk": run.pk},
                    {
                        "status": RunStatus.QUEUED,
                        "run_token": "",
                        "task_id": str(result.id),
                        "progress": {},
                        "attempt_log": log,
                    },
                )
                logger.warning("import run %s: its task was lost; queued again", run.pk)
        repaired.append(candidate.pk)
    return repaired


def _command_runs_repair(*, now: dt.datetime) -> list[int]:
    """Fail the command line's runs whose process is gone from this machine."""
    from saferspaces.background.recovery import pid_alive, this_machine

    here = this_machine() + "|"
    repaired = []
    running = ImportRun.objects.filter(
        background=False, status=RunStatus.RUNNING, process__startswith=here
    )
    for run in running.only("pk", "process"):
        pid = run.process.rsplit("|", 1)[1]
        if not pid.isdigit() or pid_alive(int(pid)):
            continue
        updated = rows_update(
            ImportRun,
            {"pk": run.pk, "status": RunStatus.RUNNING},
            {
                "status": RunStatus.FAILED,
                "failure": FailureKind.INTERRUPTED,
                "error_message": _(
                    "The import stopped before it finished: its process stopped (killed, or the "
                    "machine restarted). Nothing was loaded. Run it again."
                ),
                "finished_at": now,
                "loaded_count": 0,
                "derived_count": 0,
            },
        )
        if updated:
            logger.error("import run %s failed: its process %s is gone", run.pk, pid)
            repaired.append(run.pk)
    return repaired


def _uploads_prune(*, now: dt.datetime) -> int:
    from saferspaces.opendata.import_queue import upload_delete

    old = ImportRun.objects.filter(
        status__in=(RunStatus.OK, RunStatus.FAILED), finished_at__lt=now - UPLOADS_KEEP
    ).exclude(upload="")
    deleted = 0
    for run in old.only("pk", "upload"):
        upload_delete(run=run)
        deleted += 1
    return deleted


def import_runs_reconcile(*, now: dt.datetime, run_ids: list[int] | None = None) -> list[int]:
    """Repair the runs whose task or process will not finish them (see the module); with no
    ``run_ids``, also delete the uploaded files kept too long. Returns the ids repaired."""
    repaired = []
    if queue_stores_tasks():
        repaired += _queued_runs_repair(now=now, run_ids=run_ids)
    if run_ids is None:
        repaired += _command_runs_repair(now=now)
        _uploads_prune(now=now)
    return repaired
