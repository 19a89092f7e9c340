"""Leases over the task queue: worker heartbeats, and what happens to the tasks of a worker that
stopped without finishing them.

``django-tasks-db`` claims a task exclusively (``SELECT ... FOR UPDATE SKIP LOCKED`` on
PostgreSQL, an exclusive transaction on SQLite) and records the worker's id on it, but a task
whose worker is killed stays ``RUNNING`` for ever. :func:`tasks_recover` closes that gap: a
worker not seen for longer than the lease, or whose process is gone from this machine, is marked
lost; each of its running tasks is made ``READY`` again while it has attempts left (the queue
counts an attempt per worker that took it), otherwise ``FAILED`` with :class:`WorkerLost`. A
task interrupted by a forced stop of its worker (``SystemExit``) is retried the same way.

Applications whose jobs outlive a task (report jobs keep their progress and message) register a
reconciler with :func:`reconciler_register`; the workers call it after every recovery.

Every function takes the time as ``now``; none reads the clock.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Q

from saferspaces.background.models import WorkerProcess
from saferspaces.background.queue import TaskResultStatus

log = logging.getLogger(__name__)

#: what a forced stop of a worker leaves as the exception of the task it was running
INTERRUPTIONS = ("builtins.SystemExit", "builtins.KeyboardInterrupt")
#: stopped or lost workers are forgotten after this long
FORGET_AFTER = dt.timedelta(days=7)

Reconciler = Callable[..., object]
_RECONCILERS: list[Reconciler] = []


class WorkerLost(Exception):
    """The worker running the task stopped (killed, crashed, restarted) before it finished."""


def reconciler_register(reconciler: Reconciler) -> None:
    """Register ``reconciler(*, now)``: called after each recovery to repair application jobs
    whose task was retried, failed or lost."""
    if reconciler not in _RECONCILERS:
        _RECONCILERS.append(reconciler)


def reconcilers_run(*, now: dt.datetime) -> None:
    for reconciler in _RECONCILERS:
        reconciler(now=now)


@dataclass(frozen=True)
class Recovery:
    """What one recovery did: the workers it found lost, the tasks made ready again and the
    tasks failed for good (ids)."""

    workers_lost: list[str] = field(default_factory=list)
    retried: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.workers_lost or self.retried or self.failed)


def this_machine() -> str:
    """This machine as workers record it: the host name and, on Linux, the process-id namespace
    (two containers with the same host name do not see each other's processes)."""
    import socket

    try:
        namespace = os.stat("/proc/self/ns/pid").st_ino
    except OSError:
        return socket.gethostname()[:255]
    return f"{socket.gethostname()} (pid namespace {namespace})"[:255]


def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists on this machine."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, under another user
        return True
    return True


def worker_register(*, worker_id: str, hostname: str, pid: int, now: dt.datetime) -> WorkerProcess:
    return WorkerProcess.objects.create(
        worker_id=worker_id, hostname=hostname, pid=pid, started_at=now, seen_at=now
    )


def worker_beat(*, worker_id: str, now: dt.datetime) -> bool:
    """Record that the worker is alive. False when it was already declared lost (or its row is
    gone): its tasks may have been given to another worker, so it must stop at once."""
    return bool(
        WorkerProcess.objects.filter(
            worker_id=worker_id, lost_at__isnull=True, stopped_at__isnull=True
        ).update(seen_at=now)
    )


def worker_stop(*, worker_id: str, now: dt.datetime) -> None:
    WorkerProcess.objects.filter(worker_id=worker_id, stopped_at__isnull=True).update(
        stopped_at=now, seen_at=now
    )


def workers_alive(*, now: dt.datetime, lease: dt.timedelta) -> list[WorkerProcess]:
    """The workers running now (seen within the lease, not stopped or lost)."""
    return list(
        WorkerProcess.objects.filter(
            stopped_at__isnull=True, lost_at__isnull=True, seen_at__gte=now - lease
        ).order_by("started_at")
    )


def tasks_recover(
    *,
    now: dt.datetime,
    lease: dt.timedelta,
    attempts: int,
    hostname: str,
    alive: Callable[[int], bool] = pid_alive,
) -> Recovery:
    """Mark lost workers, then retry or fail the tasks they left running (see the module).

    ``hostname`` is this machine (:func:`this_machine`): a worker of this machine whose process
    is gone (``alive(pid)`` is false) is lost without waiting for the lease. Safe to run in several
    processes at once: it works inside the queue's exclusive transaction and skips task rows
    another process holds.
    """
    from django_tasks_db.models import DBTaskResult
    from django_tasks_db.utils import exclusive_transaction

    recovery = Recovery()
    with exclusive_transaction(DBTaskResult.objects.db):
        for worker in WorkerProcess.objects.select_for_update(skip_locked=True).filter(
            stopped_at__isnull=True, lost_at__isnull=True
        ):
            stale = worker.seen_at < now - lease
            if stale or (worker.hostname == hostname and not alive(worker.pid)):
                worker.lost_at = now
                worker.save(update_fields=["lost_at"])
                recovery.workers_lost.append(worker.worker_id)
        interrupted = Q(status=TaskResultStatus.RUNNING) | Q(
            status=TaskResultStatus.FAILED, exception_class_path__in=INTERRUPTIONS
        )
        results = list(DBTaskResult.objects.select_for_update(skip_locked=True).filter(interrupted))
        last = {r.worker_ids[-1] for r in results if r.worker_ids}
        workers = {w.worker_id: w for w in WorkerProcess.objects.filter(worker_id__in=last)}
        for result in results:
            worker_id = result.worker_ids[-1] if result.worker_ids else ""
            if result.status == TaskResultStatus.RUNNING:
                holder = workers.get(worker_id)
                if holder is not None and not holder.gone:
                    continue  # its worker is alive
                if holder is None and result.started_at and result.started_at >= now - lease:
                    continue  # a worker we do not know yet: give it the lease
            if len(result.worker_ids) < attempts:
                result.status = TaskResultStatus.READY
                result.started_at = None
                result.finished_at = None
                result.exception_class_path = ""
                result.traceback = ""
                result.save(
                    update_fields=[
                        "status",
                        "started_at",
                        "finished_at",
                        "exception_class_path",
                        "traceback",
                    ]
                )
                recovery.retried.append(str(result.id))
                log.warning(
                    "task %s (%s) was interrupted on worker %s: ready again (attempt %s of %s)",
                    result.id,
                    result.task_path,
                    worker_id,
                    len(result.worker_ids) + 1,
                    attempts,
                )
            else:
                result.status = TaskResultStatus.FAILED
                result.finished_at = now
                result.return_value = None
                result.exception_class_path = f"{WorkerLost.__module__}.{WorkerLost.__qualname__}"
                result.traceback = (
                    f"WorkerLost: worker {worker_id} stopped before the task finished "
                    f"(attempt {len(result.worker_ids)} of {attempts})\n"
                )
                result.save(
                    update_fields=[
                        "status",
                        "finished_at",
                        "return_value",
                        "exception_class_path",
                        "traceback",
                    ]
                )
                recovery.failed.append(str(result.id))
                log.error(
                    "task %s (%s) failed: worker %s stopped during its last attempt (%s)",
                    result.id,
                    result.task_path,
                    worker_id,
                    attempts,
                )
        WorkerProcess.objects.filter(
            Q(stopped_at__lt=now - FORGET_AFTER) | Q(lost_at__lt=now - FORGET_AFTER)
        ).delete()
    return recovery


def task_statuses(*, ids: list[str]) -> dict[str, str]:
    """The queue's status of each stored task (``READY``, ``RUNNING``, ``FAILED``,
    ``SUCCESSFUL``); ids the queue does not hold are left out."""
    from django_tasks_db.models import DBTaskResult

    wanted = []
    for i in ids:
        try:
            wanted.append(uuid.UUID(i))
        except (TypeError, ValueError):  # not an id of the database backend
            continue
    if not wanted:
        return {}
    return {
        str(pk): status
        for pk, status in DBTaskResult.objects.filter(id__in=wanted).values_list("id", "status")
    }


def tasks_recover_now(*, now: dt.datetime) -> Recovery:
    """:func:`tasks_recover` with the site's lease and attempts, from this machine (for callers
    outside a worker, such as a person asking again for a report). Nothing to do when the queue
    does not store tasks."""
    from django.conf import settings

    from saferspaces.background.queue import queue_stores_tasks

    if not queue_stores_tasks():
        return Recovery()
    return tasks_recover(
        now=now,
        lease=dt.timedelta(seconds=settings.WORKER_LEASE_SECONDS),
        attempts=settings.TASK_ATTEMPTS,
        hostname=this_machine(),
    )


def worker_available(*, now: dt.datetime) -> bool:
    """Whether tasks will run: the queue runs them at once, or a worker is alive."""
    from django.conf import settings

    from saferspaces.background.queue import queue_stores_tasks

    if not queue_stores_tasks():
        return True
    lease = dt.timedelta(seconds=settings.WORKER_LEASE_SECONDS)
    return WorkerProcess.objects.filter(
        stopped_at__isnull=True, lost_at__isnull=True, seen_at__gte=now - lease
    ).exists()
