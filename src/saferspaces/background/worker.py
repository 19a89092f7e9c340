"""The worker process (``saferspaces worker``): ``django-tasks-db``'s worker loop, plus a
heartbeat thread that keeps the worker's lease, runs the recovery of lost workers' tasks, and
ends the process when a task runs past its time limit or when the worker was declared lost.

The loop that claims and runs tasks is the library's (``db_worker``); this module only adds what
the library leaves out (see :mod:`saferspaces.background.recovery`).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from saferspaces.background.recovery import (
    Recovery,
    reconcilers_run,
    tasks_recover,
    this_machine,
    worker_beat,
    worker_register,
    worker_stop,
)

log = logging.getLogger(__name__)

#: the exit status of a worker that ended itself (lost, or a task past its time limit);
#: systemd's ``Restart=always`` (or ``saferspaces serve``) starts a new one
EXIT_LOST = 70


@dataclass(frozen=True)
class Lease:
    """How long a silent worker keeps its tasks, how many times a task may be taken, and how
    long one task may run."""

    lease: dt.timedelta
    attempts: int
    task_timeout: dt.timedelta

    @property
    def beat_seconds(self) -> float:
        return max(0.5, self.lease.total_seconds() / 5)

    @property
    def recover_seconds(self) -> float:
        return max(1.0, self.lease.total_seconds() / 2)


def lease_from_settings() -> Lease:
    """The lease of the site's settings (``SAFERSPACES_WORKER_LEASE_SECONDS``, ...)."""
    return Lease(
        lease=dt.timedelta(seconds=settings.WORKER_LEASE_SECONDS),
        attempts=settings.TASK_ATTEMPTS,
        task_timeout=dt.timedelta(seconds=settings.TASK_TIMEOUT_SECONDS),
    )


def worker_id_new(*, hostname: str, pid: int) -> str:
    """A worker id unique across machines and restarts (at most 64 characters)."""
    return f"{hostname[:40]}:{pid}:{get_random_string(8)}"


def maintenance_run(*, lease: Lease, now: dt.datetime, hostname: str) -> Recovery:
    """One recovery (lost workers' tasks retried or failed), then the applications' reconcilers."""
    recovery = tasks_recover(now=now, lease=lease.lease, attempts=lease.attempts, hostname=hostname)
    reconcilers_run(now=now)
    return recovery


class LeasedWorker(Worker):
    """The library's worker, remembering which task it runs since when."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.current: tuple[str, float] | None = None

    def run_task(self, db_task_result: DBTaskResult) -> None:
        self.current = (str(db_task_result.id), time.monotonic())
        try:
            super().run_task(db_task_result)
        finally:
            self.current = None


class Heartbeat(threading.Thread):
    """Beats every ``lease.beat_seconds``, recovers every ``lease.recover_seconds``; calls
    ``on_lost(reason)`` (which ends the process) when the worker must stop."""

    def __init__(
        self,
        *,
        worker_id: str,
        hostname: str,
        lease: Lease,
        current: Callable[[], tuple[str, float] | None],
        on_lost: Callable[[str], None],
    ) -> None:
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.hostname = hostname
        self.lease = lease
        self.current = current
        self.on_lost = on_lost
        self.stopping = threading.Event()

    def stop(self) -> None:
        self.stopping.set()

    def run(self) -> None:
        next_recovery = time.monotonic() + self.lease.recover_seconds
        try:
            while not self.stopping.wait(self.lease.beat_seconds):
                try:
                    alive = worker_beat(worker_id=self.worker_id, now=timezone.now())
                except DatabaseError as error:  # the database is away: try again at the next beat
                    log.warning("worker %s: heartbeat failed: %s", self.worker_id, error)
                    connection.close()
                    continue
                if not alive:
                    self.on_lost("this worker was declared lost (no heartbeat within the lease)")
                    return
                running = self.current()
                limit = self.lease.task_timeout.total_seconds()
                if running is not None and time.monotonic() - running[1] > limit:
                    self.on_lost(f"task {running[0]} ran longer than its limit of {limit:.0f} s")
                    return
                if time.monotonic() >= next_recovery:
                    next_recovery = time.monotonic() + self.lease.recover_seconds
                    try:
                        maintenance_run(
                            lease=self.lease, now=timezone.now(), hostname=self.hostname
                        )
                    except Exception:  # the heartbeat must go on whatever the recovery meets
                        log.exception("worker %s: recovery failed", self.worker_id)
                        connection.close()
        finally:
            connection.close()


def _exit_lost(reason: str) -> None:
    log.critical("worker stops at once: %s", reason)
    logging.shutdown()
    os._exit(EXIT_LOST)


def worker_run(
    *,
    queue_names: list[str],
    interval: float,
    batch: bool,
    max_tasks: int | None,
    lease: Lease | None = None,
    on_lost: Callable[[str], None] = _exit_lost,
) -> str:
    """Register a worker, recover what lost workers left, then run tasks until stopped (SIGINT
    or SIGTERM finish the current task first; a second signal interrupts it). Returns the
    worker's id."""
    lease = lease or lease_from_settings()
    hostname = this_machine()
    worker_id = worker_id_new(hostname=socket.gethostname(), pid=os.getpid())
    worker_register(worker_id=worker_id, hostname=hostname, pid=os.getpid(), now=timezone.now())
    maintenance_run(lease=lease, now=timezone.now(), hostname=hostname)
    worker = LeasedWorker(
        queue_names=queue_names,
        interval=interval,
        batch=batch,
        backend_name="default",
        startup_delay=not batch,
        max_tasks=max_tasks,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
    heartbeat = Heartbeat(
        worker_id=worker_id,
        hostname=hostname,
        lease=lease,
        current=lambda: worker.current,
        on_lost=on_lost,
    )
    log.info("worker %s started (pid %s, lease %s)", worker_id, os.getpid(), lease.lease)
    heartbeat.start()
    worker.configure_signals()
    try:
        worker.run()
    finally:
        heartbeat.stop()
        worker.reset_signals()
        worker_stop(worker_id=worker_id, now=timezone.now())
        log.info("worker %s stopped", worker_id)
    return worker_id
