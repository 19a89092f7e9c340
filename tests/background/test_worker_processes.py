"""The worker and ``saferspaces serve`` as real processes on an SQLite database (the embedded
default): a worker killed with SIGKILL during a report is replaced and the report finishes, run
once at a time; ``serve`` (what ``make run`` runs) starts the web server and a worker and stops
both on Ctrl+C; a worker's heartbeat ends it when it was declared lost or a task overruns."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import signal
import sqlite3
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from child_processes import REPO, Processes, free_port, http, saferspaces, site_env, wait_for


@pytest.fixture(scope="module")
def sqlite_site(tmp_path_factory: Any) -> tuple[dict[str, str], Path]:
    """An SQLite database file with the migrations and the demo (as ``make run`` makes it)."""
    base = tmp_path_factory.mktemp("site")
    database = base / "site.sqlite3"
    env = site_env(database_url=f"sqlite:///{database}", media=base / "media", lease=2)
    for command in (("migrate", "--noinput", "-v0"), ("demo", "load")):
        subprocess.run(
            saferspaces(*command), env=env, cwd=REPO, check=True, capture_output=True, timeout=900
        )
    return env, database


def _query(database: Path, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(database, timeout=30) as db:
        return db.execute(sql, args).fetchall()


def test_a_worker_killed_during_a_report_is_replaced_and_the_report_finishes_once(
    sqlite_site: tuple[dict[str, str], Path], processes: Processes
) -> None:
    env, database = sqlite_site
    create = (
        "from saferspaces.assessments.models import Assessment;"
        "from saferspaces.reports.services import report_job_create;"
        "a = Assessment.objects.filter(result_runs__isnull=False).order_by('pk').first();"
        "print(report_job_create(kind='authority_report', parameters={'assessment': a.pk},"
        " language='fr', user=None).pk)"
    )
    out = subprocess.run(
        saferspaces("shell", "-c", create),
        env=env,
        cwd=REPO,
        check=True,
        capture_output=True,
        timeout=300,
    )
    job = int(out.stdout.split()[-1])
    first = processes.start("first-worker", saferspaces("worker", "--interval", "0.2"), env)

    def rendering() -> bool:
        rows = _query(database, "SELECT state, progress FROM reports_reportjob WHERE id = ?", job)
        return rows[0][0] == "running" and rows[0][1] >= 20

    wait_for(rendering, timeout=180, what="the first worker to render the report", every=0.05)
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    processes.start("second-worker", saferspaces("worker", "--interval", "0.2"), env)

    def finished() -> tuple[Any, ...] | None:
        rows = _query(
            database,
            "SELECT state, attempts, runs, task_id FROM reports_reportjob WHERE id = ?",
            job,
        )
        return rows[0] if rows[0][0] in ("done", "failed") else None

    state, attempts, runs, task_id = wait_for(finished, timeout=240, what="the report to finish")
    assert state == "done", processes.logs_text()
    runs = json.loads(runs)
    assert attempts == 2 and [r["outcome"] for r in runs] == ["interrupted", "done"]
    lost = _query(
        database,
        "SELECT lost_at, pid FROM background_workerprocess WHERE worker_id = ?",
        runs[0]["worker"],
    )
    assert lost[0][1] == first.pid and lost[0][0] is not None
    lost_at = dt.datetime.fromisoformat(lost[0][0]).replace(tzinfo=dt.UTC)  # SQLite: UTC, naive
    assert dt.datetime.fromisoformat(runs[1]["started"]) >= lost_at
    (task,) = _query(
        database,
        "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult WHERE id = ?",
        task_id.replace("-", ""),
    )
    assert task[0] == "SUCCESSFUL" and json.loads(task[1])[0] == runs[0]["worker"]
    assert len(json.loads(task[1])) == 2


def test_serve_starts_a_web_server_and_a_worker_and_ctrl_c_stops_both(
    sqlite_site: tuple[dict[str, str], Path], processes: Processes
) -> None:
    env, database = sqlite_site
    port = free_port()
    serve = processes.start("serve", saferspaces("serve", f"127.0.0.1:{port}", "--noreload"), env)
    pids = wait_for(
        lambda: re.search(r"web server: pid (\d+); task worker: pid (\d+)", processes.log("serve")),
        timeout=60,
        what="serve to start its children",
    )
    web, worker = int(pids[1]), int(pids[2])
    wait_for(
        lambda: http(f"http://127.0.0.1:{port}/health/")[0] == 200, timeout=120, what="the site"
    )

    def worker_alive() -> bool:
        rows = _query(
            database, "SELECT stopped_at FROM background_workerprocess WHERE pid = ?", worker
        )
        return bool(rows) and rows[0][0] is None

    wait_for(worker_alive, timeout=120, what="the worker to register")
    serve.send_signal(signal.SIGINT)  # Ctrl+C
    assert serve.wait(timeout=60) == 0, processes.log("serve")
    for pid in (web, worker):
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    assert http(f"http://127.0.0.1:{port}/health/")[0] == 0  # nothing answers any more
    (stopped,) = _query(
        database, "SELECT stopped_at FROM background_workerprocess WHERE pid = ?", worker
    )
    assert stopped[0] is not None  # the worker stopped cleanly, its lease given back
    assert "web server and task worker stopped" in processes.log("serve")


def test_make_run_serves_with_a_worker() -> None:
    recipe = (REPO / "Makefile").read_text(encoding="utf-8").split("\nrun:", 1)[1].split("\n\n")[0]
    assert "saferspaces serve 127.0.0.1:$(PORT)" in recipe


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_ends_a_worker_declared_lost_or_running_a_task_too_long() -> None:
    from django.utils import timezone

    from saferspaces.background.recovery import tasks_recover, worker_register
    from saferspaces.background.worker import Heartbeat, Lease

    lease = Lease(lease=dt.timedelta(seconds=2), attempts=3, task_timeout=dt.timedelta(seconds=10))

    def beat(worker_id: str, current: Any) -> list[str]:
        reasons: list[str] = []
        heart = Heartbeat(
            worker_id=worker_id,
            hostname="here",
            lease=lease,
            current=current,
            on_lost=reasons.append,
        )
        heart.start()
        heart.join(timeout=30)
        heart.stop()
        return reasons

    now = timezone.now()
    worker_register(worker_id="overrun", hostname="here", pid=os.getpid(), now=now)
    too_long = ("a-task", time.monotonic() - 11)
    assert beat("overrun", lambda: too_long) == ["task a-task ran longer than its limit of 10 s"]
    worker_register(
        worker_id="silent", hostname="elsewhere", pid=1, now=now - dt.timedelta(minutes=5)
    )
    tasks_recover(now=now, lease=lease.lease, attempts=3, hostname="here")
    assert beat("silent", lambda: None) == [
        "this worker was declared lost (no heartbeat within the lease)"
    ]


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_goes_on_when_a_recovery_fails(caplog: Any) -> None:
    from django.utils import timezone

    from saferspaces.background import recovery
    from saferspaces.background.models import WorkerProcess
    from saferspaces.background.worker import Heartbeat, Lease

    def broken(*, now: dt.datetime) -> None:
        raise RuntimeError("a reconciler with a bug")

    lease = Lease(lease=dt.timedelta(seconds=2), attempts=3, task_timeout=dt.timedelta(hours=1))
    start = timezone.now()
    recovery.worker_register(worker_id="steady", hostname="here", pid=os.getpid(), now=start)
    recovery.reconciler_register(broken)
    reasons: list[str] = []
    heart = Heartbeat(
        worker_id="steady",
        hostname="here",
        lease=lease,
        current=lambda: None,
        on_lost=reasons.append,
    )
    try:
        heart.start()
        time.sleep(3.5)  # several beats and recoveries
    finally:
        heart.stop()
        heart.join(timeout=30)
        recovery._RECONCILERS.remove(broken)
    assert reasons == [] and "recovery failed" in caplog.text
    assert WorkerProcess.objects.get(worker_id="steady").seen_at > start + dt.timedelta(seconds=2)
