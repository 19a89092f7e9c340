"""Report jobs on the task queue: a job whose worker stopped is taken again by the next worker
(and the page says so), fails with a message and a retry button after the last attempt, never
shows a technical error, and asking again never returns a stuck job. The retry button is
checked like the first request."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

from django.utils import timezone

from saferspaces.background.recovery import worker_register
from saferspaces.reports.models import JobState, ReportJob

OTHER_HOST = "another-machine.example"


def _killed_mid_job(job: ReportJob, *, worker_id: str, seen: dt.datetime, progress: int) -> None:
    """What a worker killed during the job leaves behind: its task running under its id, the
    job running at some percentage, and a heartbeat that stopped at ``seen``."""
    from django_tasks_db.models import DBTaskResult

    worker_register(worker_id=worker_id, hostname=OTHER_HOST, pid=4242, now=seen)
    result = DBTaskResult.objects.get(id=job.task_id)
    result.claim(worker_id)
    ReportJob.objects.filter(pk=job.pk).update(
        state=JobState.RUNNING,
        progress=progress,
        message="Analysing the answers of the round",
        attempts=job.attempts + 1,
        run_token=f"token-of-{worker_id}",
        runs=[
            *job.runs,
            {"attempt": job.attempts + 1, "worker": worker_id, "started": seen.isoformat()}
            | {"ended": None, "outcome": None},
        ],
    )


def test_asking_again_for_a_job_stuck_by_a_killed_worker_does_not_return_it_stuck(
    client_for: Any, pilot_round: Any, media: Path, database_queue: Any
) -> None:
    c = client_for("coordinator")
    url = f"/rounds/{pilot_round.pk}/analysis/pdf/"
    job = ReportJob.objects.get(pk=c.post(url)["Location"].split("/")[-2])
    long_ago = timezone.now() - dt.timedelta(minutes=10)
    _killed_mid_job(job, worker_id="killed-worker", seen=long_ago, progress=20)
    # asking again: the dead worker's task is given back to the queue and the page says so
    again = c.post(url)
    assert again["Location"] == f"/reports/jobs/{job.pk}/"
    page = c.get(again["Location"]).content.decode()
    assert 'value="20"' not in page
    assert "Waiting to start again (the previous attempt was interrupted)" in page
    job.refresh_from_db()
    assert job.state == JobState.QUEUED and job.progress == 0
    # the next worker takes the same task and finishes the job
    assert database_queue() == 1
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.attempts == 2
    assert [r["outcome"] for r in job.runs] == ["interrupted", "done"]
    assert [r["worker"] for r in job.runs] == ["killed-worker", "test-worker"]
    assert "Download the PDF" in c.get(f"/reports/jobs/{job.pk}/status/").content.decode()


def test_after_the_last_attempt_the_job_fails_with_a_retry_button_and_asking_again_starts_anew(
    client_for: Any, pilot_round: Any, media: Path, database_queue: Any, settings: Any
) -> None:
    c = client_for("coordinator")
    url = f"/rounds/{pilot_round.pk}/analysis/pdf/"
    job = ReportJob.objects.get(pk=c.post(url)["Location"].split("/")[-2])
    long_ago = timezone.now() - dt.timedelta(minutes=10)
    for attempt in range(1, settings.TASK_ATTEMPTS + 1):
        job.refresh_from_db()
        _killed_mid_job(job, worker_id=f"killed-{attempt}", seen=long_ago, progress=40)
        status = c.get(f"/reports/jobs/{job.pk}/status/").content.decode()
        if attempt > 1:
            assert f"Attempt {attempt}: the previous attempt was interrupted." in status
        again = c.post(url)  # each request recovers the dead worker's task first
    job.refresh_from_db()
    assert job.state == JobState.FAILED and job.finished_at is not None
    assert job.message.startswith(f"The preparation was interrupted {settings.TASK_ATTEMPTS} times")
    assert again["Location"] != f"/reports/jobs/{job.pk}/"  # a new job, not the failed one
    status = c.get(f"/reports/jobs/{job.pk}/status/").content.decode()
    assert "Try again" in status and f'action="{url}"' in status and "hx-trigger" not in status
    new = ReportJob.objects.get(pk=again["Location"].split("/")[-2])
    assert new.state == JobState.QUEUED and new.attempts == 0
    assert database_queue() == 1
    new.refresh_from_db()
    assert new.state == JobState.DONE


def test_the_retry_button_is_checked_like_the_first_request(
    client_for: Any, pilot_round: Any, media: Path, database_queue: Any
) -> None:
    failed = ReportJob.objects.create(
        kind="round_analysis",
        parameters={"round": pilot_round.pk},
        language="fr",
        state=JobState.FAILED,
        message="The preparation was interrupted 3 times",
    )
    url = f"/rounds/{pilot_round.pk}/analysis/pdf/"
    # the retry form posts the job's language to the report's URL
    status = client_for("coordinator").get(f"/reports/jobs/{failed.pk}/status/").content.decode()
    assert f'action="{url}"' in status and 'name="language" value="fr"' in status
    assert client_for("lead").post(url, {"language": "fr"}).status_code == 403
    assert client_for("respondent").post(url, {"language": "fr"}).status_code == 403
    assert client_for("anonymous").post(url, {"language": "fr"}).status_code == 302  # log in
    assert ReportJob.objects.count() == 1
    r = client_for("coordinator").post(url, {"language": "fr"})
    retry = ReportJob.objects.exclude(pk=failed.pk).get()
    assert r["Location"] == f"/reports/jobs/{retry.pk}/" and retry.language == "fr"
    assert client_for("coordinator").post(url, {"language": "xx"}).status_code == 302
    assert ReportJob.objects.count() == 2  # a language not offered makes no job


def test_an_unexpected_error_shows_a_message_for_people_and_logs_the_error(
    pilot_round: Any, settings: Any, tmp_path: Path, run_job: Any, caplog: Any
) -> None:
    # the media folder cannot be written (here: a file stands where the folder should be)
    blocker = tmp_path / "media"
    blocker.write_text("not a folder")
    settings.MEDIA_ROOT = blocker
    with caplog.at_level(logging.ERROR, logger="saferspaces.reports.jobs"):
        job = run_job("round_analysis", {"round": pilot_round.pk}, "en")
    assert job.state == JobState.FAILED and job.finished_at is not None
    assert f"unexpected error (job {job.pk})" in job.message
    assert str(blocker) not in job.message and "Errno" not in job.message  # no technical text
    assert f"report job {job.pk} failed" in caplog.text and "Error" in caplog.text
    assert [r["outcome"] for r in job.runs] == ["failed"]


def test_a_job_left_running_by_a_stopped_process_is_taken_up_when_asked_again(
    client_for: Any, pilot_round: Any, media: Path, database_queue: Any
) -> None:
    # what the daemon threads of earlier versions left after a restart: "running 20 %", no task
    stuck = ReportJob.objects.create(
        kind="round_analysis",
        parameters={"round": pilot_round.pk},
        language="en",
        state=JobState.RUNNING,
        progress=20,
        message="Analysing the answers of the round",
    )
    from saferspaces.background.jobs import job_key
    from saferspaces.reports.jobs import REPORT_JOBS

    fingerprint = REPORT_JOBS.kinds["round_analysis"].fingerprint({"round": pilot_round.pk})
    ReportJob.objects.filter(pk=stuck.pk).update(
        fingerprint=fingerprint,
        key=job_key(
            kind="round_analysis",
            parameters={"round": pilot_round.pk},
            language="en",
            fingerprint=fingerprint,
        ),
    )
    c = client_for("coordinator")
    again = c.post(f"/rounds/{pilot_round.pk}/analysis/pdf/")
    page = c.get(again["Location"]).content.decode()
    assert 'value="20"' not in page and "Waiting to start again" in page
    assert database_queue() == 1
    job = ReportJob.objects.get(pk=again["Location"].split("/")[-2])
    assert job.state == JobState.DONE
