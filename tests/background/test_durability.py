"""Report jobs survive a killed worker, on PostgreSQL with several processes: two web servers
(gunicorn) and two task workers share one database; 20 report PDFs are asked for over HTTP;
one worker is killed with SIGKILL in the middle of a job and, as systemd would, a new one is
started. Every job finishes, none is run by two workers at once, none is left running, and no
request waited for a PDF."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from child_processes import Processes, free_port, http, saferspaces, site_env, wait_for

pytestmark = pytest.mark.postgres

JOBS = 20
GUNICORN = ("--workers", "1", "--timeout", "60")


def _database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _login_cookies() -> dict[str, str]:
    """A committed session of the demo's administrator, and a CSRF token."""
    from django.conf import settings
    from django.middleware.csrf import _get_new_csrf_string
    from django.test import Client

    from saferspaces.accounts.models import User
    from saferspaces.demo.generator import PERSONAS

    admin = next(p for p in PERSONAS if p.key == "administrator")
    client = Client()
    client.force_login(User.objects.get(email=admin.email))
    return {
        settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value,
        "csrftoken": _get_new_csrf_string(),
    }


def test_twenty_report_jobs_survive_a_killed_worker(
    transactional_db: Any, tmp_path: Path, processes: Processes
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("several processes on one database: the PostgreSQL pass runs this test")
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from saferspaces.assessments.models import Assessment
    from saferspaces.background.models import WorkerProcess
    from saferspaces.demo.generator import demo_build
    from saferspaces.reports.models import JobState, ReportJob

    started = time.monotonic()
    demo_build(now=timezone.now())
    built = time.monotonic()
    scored = list(
        Assessment.objects.filter(result_runs__isnull=False).distinct().order_by("pk")[: JOBS // 2]
    )
    assert len(scored) == JOBS // 2
    env = site_env(database_url=_database_url(), media=tmp_path / "media", lease=3)
    ports = [free_port(), free_port()]
    for i, port in enumerate(ports):
        processes.start(
            f"web{i}",
            [
                sys.executable,
                "-m",
                "gunicorn",
                "saferspaces.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                *GUNICORN,
            ],
            env,
        )
    workers = {
        name: processes.start(name, saferspaces("worker", "--interval", "0.2"), env)
        for name in ("worker0", "worker1")
    }
    for port in ports:
        wait_for(
            lambda port=port: http(f"http://127.0.0.1:{port}/health/")[0] == 200,
            timeout=60,
            what=f"the web server on port {port}",
        )
    cookies = _login_cookies()
    # 20 requests, alternating between the two web servers; none waits for its PDF
    jobs, slowest = [], 0.0
    for n, assessment in enumerate(scored * 2):
        language = "en" if n < len(scored) else "fr"
        port = ports[n % 2]
        t = time.monotonic()
        status, headers, _body = http(
            f"http://127.0.0.1:{port}/assessments/{assessment.pk}/report/pdf/",
            data={"language": language},
            cookies=cookies,
        )
        slowest = max(slowest, time.monotonic() - t)
        assert status == 302, processes.logs_text()
        jobs.append(int(headers["Location"].rstrip("/").rsplit("/", 1)[1]))
    assert len(set(jobs)) == JOBS
    asked = time.monotonic()
    # kill one worker in the middle of a job, then start another (what systemd does)
    victim = workers["worker0"]

    def victim_busy() -> str | None:
        w = WorkerProcess.objects.filter(pid=victim.pid).first()
        if w is None:
            return None
        busy = ReportJob.objects.filter(pk__in=jobs, state=JobState.RUNNING, progress__gte=20)
        return w.worker_id if any(j.runs[-1]["worker"] == w.worker_id for j in busy) else None

    killed_id = wait_for(victim_busy, timeout=90, what="the first worker to run a job", every=0.05)
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(timeout=10)
    processes.start("worker2", saferspaces("worker", "--interval", "0.2"), env)

    def all_finished() -> bool:
        return not ReportJob.objects.filter(pk__in=jobs, state__in=("queued", "running")).exists()

    wait_for(all_finished, timeout=240, what="the 20 jobs to finish", every=0.5)
    finished = time.monotonic()
    done = list(ReportJob.objects.filter(pk__in=jobs))
    assert [j.state for j in done] == [JobState.DONE] * JOBS, [(j.pk, j.message) for j in done]
    lost = WorkerProcess.objects.get(worker_id=killed_id)
    assert lost.lost_at is not None
    interrupted = [j for j in done if len(j.runs) > 1]
    assert interrupted, "the killed worker's job was not taken again"
    for job in done:
        outcomes = [r["outcome"] for r in job.runs]
        assert outcomes[-1] == "done" and outcomes.count("done") == 1, job.runs
        # every earlier attempt was the killed worker's, and the next began only once that
        # worker was known to be lost: never two attempts at once
        for run, following in zip(job.runs, job.runs[1:], strict=False):
            assert run["outcome"] == "interrupted" and run["worker"] == killed_id, job.runs
            assert dt.datetime.fromisoformat(following["started"]) >= lost.lost_at
        assert (tmp_path / "media" / job.file.name).is_file()
        assert job.attempts == len(job.runs)
    tasks = list(DBTaskResult.objects.filter(task_path__endswith="report_job_task"))
    assert len(tasks) == JOBS and {t.status for t in tasks} == {"SUCCESSFUL"}
    assert any(t.worker_ids[0] == killed_id and len(t.worker_ids) == 2 for t in tasks)
    assert not DBTaskResult.objects.filter(status="RUNNING").exists()
    # the job pages say so, through either web server
    page = http(f"http://127.0.0.1:{ports[1]}/reports/jobs/{interrupted[0].pk}/", cookies=cookies)
    assert page[0] == 200 and "Download the PDF" in page[2]
    assert slowest < 10, f"a request waited {slowest:.1f} s"
    print(
        f"demo {built - started:.1f} s, processes up and 20 jobs asked for {asked - built:.1f} s, "
        f"jobs done {finished - asked:.1f} s later; slowest request {slowest:.2f} s"
    )
