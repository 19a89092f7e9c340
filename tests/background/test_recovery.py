"""Recovery of the tasks of lost workers: a task whose worker stopped (no heartbeat within the
lease, or a process gone from this machine) is ready again while it has attempts left, then
failed with WorkerLost; a live worker's task and a new worker's task are left alone; a task
interrupted by a forced stop is retried; a worker declared lost learns it at its next beat."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from typing import Any

import pytest

from saferspaces.background.recovery import (
    WorkerLost,
    tasks_recover,
    worker_beat,
    worker_register,
    worker_stop,
    workers_alive,
)

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
LEASE = dt.timedelta(seconds=30)
HERE = "this-machine.example"


def _message() -> dict[str, Any]:
    from django.core.mail import EmailMessage

    from saferspaces.background.mail import message_to_json

    return message_to_json(EmailMessage("Hello", "Body", "a@example.org", ["b@example.org"]))


@pytest.fixture
def stored_task(db: Any, database_queue: Any) -> Any:
    """A real task (an e-mail) stored in the database queue, not yet taken."""
    from django_tasks_db.models import DBTaskResult

    from saferspaces.background.mail import email_send

    result = email_send.enqueue(message=_message())
    return DBTaskResult.objects.get(id=result.id)


def _take(result: Any, worker_id: str, *, seen: dt.datetime, host: str = "other.example") -> None:
    worker_register(worker_id=worker_id, hostname=host, pid=4242, now=seen)
    result.refresh_from_db()
    result.claim(worker_id)


def _recover(now: dt.datetime, **kwargs: Any) -> Any:
    return tasks_recover(now=now, lease=LEASE, attempts=3, hostname=HERE, **kwargs)


def test_a_task_of_a_silent_worker_is_retried_then_failed_after_the_last_attempt(
    stored_task: Any,
) -> None:
    _take(stored_task, "w1", seen=T0)
    # within the lease the worker is alive: nothing changes
    assert not _recover(T0 + dt.timedelta(seconds=29))
    stored_task.refresh_from_db()
    assert stored_task.status == "RUNNING"
    # past the lease: the worker is lost, its task ready again (attempt 1 of 3 used)
    first = _recover(T0 + dt.timedelta(seconds=31))
    assert first.workers_lost == ["w1"] and first.retried == [str(stored_task.id)]
    stored_task.refresh_from_db()
    assert stored_task.status == "READY" and stored_task.started_at is None
    assert stored_task.worker_ids == ["w1"]
    later = T0 + dt.timedelta(minutes=5)
    _take(stored_task, "w2", seen=later)
    assert _recover(later + dt.timedelta(minutes=1)).retried == [str(stored_task.id)]
    _take(stored_task, "w3", seen=later)
    last = _recover(later + dt.timedelta(minutes=1))
    assert last.failed == [str(stored_task.id)] and not last.retried
    stored_task.refresh_from_db()
    assert stored_task.status == "FAILED" and stored_task.finished_at is not None
    assert stored_task.exception_class_path == f"{WorkerLost.__module__}.WorkerLost"
    assert "worker w3 stopped before the task finished (attempt 3 of 3)" in stored_task.traceback
    # nothing more to do: recovering again changes nothing
    assert not _recover(later + dt.timedelta(minutes=2))


def test_a_worker_of_this_machine_whose_process_is_gone_is_lost_at_once(
    stored_task: Any,
) -> None:
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], check=True, capture_output=True
    )
    pid = int(gone.stdout)
    worker_register(worker_id="here", hostname=HERE, pid=pid, now=T0)
    stored_task.claim("here")
    # seen a second ago, but its process no longer exists on this machine
    recovery = _recover(T0 + dt.timedelta(seconds=1))
    assert recovery.workers_lost == ["here"] and recovery.retried == [str(stored_task.id)]
    # a worker of another machine with the same pid is judged by its heartbeat only
    worker_register(worker_id="there", hostname="other.example", pid=pid, now=T0)
    assert _recover(T0 + dt.timedelta(seconds=1)).workers_lost == []


def test_a_live_worker_keeps_its_task_and_a_stopped_one_is_not_alive(stored_task: Any) -> None:
    _take(stored_task, "w1", seen=T0)
    assert worker_beat(worker_id="w1", now=T0 + dt.timedelta(seconds=25))
    assert not _recover(T0 + dt.timedelta(seconds=50))  # beat 25 s before: within the lease
    assert [w.worker_id for w in workers_alive(now=T0 + dt.timedelta(seconds=50), lease=LEASE)] == [
        "w1"
    ]
    worker_stop(worker_id="w1", now=T0 + dt.timedelta(seconds=51))
    assert workers_alive(now=T0 + dt.timedelta(seconds=52), lease=LEASE) == []
    # a worker that stopped with a task still running (it was killed during its stop)
    assert _recover(T0 + dt.timedelta(seconds=52)).retried == [str(stored_task.id)]


def test_a_worker_declared_lost_learns_it_at_its_next_beat(stored_task: Any) -> None:
    _take(stored_task, "slow", seen=T0)
    _recover(T0 + dt.timedelta(minutes=1))
    assert not worker_beat(worker_id="slow", now=T0 + dt.timedelta(minutes=1, seconds=1))
    assert not worker_beat(worker_id="never-registered", now=T0)


def test_a_task_of_an_unknown_worker_gets_the_lease(stored_task: Any) -> None:
    from django_tasks_db.models import DBTaskResult

    stored_task.claim("not-registered")
    started = DBTaskResult.objects.get(id=stored_task.id).started_at
    assert not _recover(started + dt.timedelta(seconds=10))
    assert _recover(started + dt.timedelta(seconds=31)).retried == [str(stored_task.id)]


def test_a_task_interrupted_by_a_forced_stop_is_retried(stored_task: Any) -> None:
    _take(stored_task, "w1", seen=T0)
    stored_task.set_failed(SystemExit(1))  # what the worker records on a second Ctrl+C
    recovery = _recover(T0 + dt.timedelta(seconds=1))
    assert recovery.retried == [str(stored_task.id)] and recovery.workers_lost == []
    stored_task.refresh_from_db()
    assert stored_task.status == "READY" and stored_task.exception_class_path == ""
    # a task that failed on its own is not retried
    _take(stored_task, "w2", seen=T0)
    stored_task.set_failed(ValueError("bad"))
    assert not _recover(T0 + dt.timedelta(seconds=2))
