"""Import runs on the task queue, tied to its recovery: a run whose worker was lost waits again,
then fails with a message for people and "Try again" after the last attempt; a worker killed
in the middle of an import (a real process, SIGKILL) is replaced and the import loads once; a
command-line import killed with its process is failed, never left "running"; progress events
are stored on the run while it loads; uploaded files of finished runs are not kept for ever."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from child_processes import REPO, Processes, saferspaces, site_env, wait_for
from hostile import cli_database
from saferspaces.opendata.models import ImportRun, Observation

from .conftest import CORE_FIXTURES

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
LEASE = dt.timedelta(seconds=30)
HERE = "this-machine.example"
START = "/open-data/imports/new/"
TRY_AGAIN = ">Try again</button>"


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def _stored(media: Path) -> list[Path]:
    folder = media / "opendata"
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def _lose_an_attempt(run: ImportRun, worker: str, at: dt.datetime) -> None:
    """The queue gives the run's task to ``worker``, whose attempt takes the run; then the
    worker stops without a word and the next recovery (lease passed) finds it lost."""
    from django_tasks_db.models import DBTaskResult

    from saferspaces.background.recovery import reconcilers_run, tasks_recover, worker_register
    from saferspaces.opendata.import_queue import import_run_claim

    worker_register(worker_id=worker, hostname="other.example", pid=4242, now=at)
    task = DBTaskResult.objects.get(id=run.task_id)
    task.claim(worker)
    assert import_run_claim(run_id=run.pk, task_id=run.task_id, worker=worker, token=worker, now=at)
    run.refresh_from_db()
    assert run.status == "running"
    later = at + LEASE + dt.timedelta(seconds=1)
    tasks_recover(now=later, lease=LEASE, attempts=3, hostname=HERE)
    reconcilers_run(now=later)
    run.refresh_from_db()


@pytest.mark.django_db
def test_a_run_whose_worker_was_lost_waits_again_then_fails_with_try_again(
    client_as: Any, media: Path, database_queue: Any
) -> None:
    admin = client_as("administrator")
    upload = SimpleUploadedFile("crim.tsv", (CORE_FIXTURES / "crim_gen_reg_sdmx.tsv").read_bytes())
    admin.post(START, {"source": "crim_gen_reg", "origin": "file", "file": upload})
    run = ImportRun.objects.get()

    _lose_an_attempt(run, "w1", T0)
    assert run.status == "queued" and run.attempts == 1
    assert [a["outcome"] for a in run.attempt_log] == ["interrupted"]
    page = admin.get(f"/open-data/runs/{run.pk}/").content.decode()
    assert "Waiting to start again (the previous attempt was interrupted)" in page

    _lose_an_attempt(run, "w2", T0 + dt.timedelta(minutes=5))
    assert run.status == "queued" and run.attempts == 2
    _lose_an_attempt(run, "w3", T0 + dt.timedelta(minutes=10))
    # the queue failed the task after its third attempt: the run fails with it, for people
    assert (run.status, run.failure, run.attempts) == ("failed", "interrupted", 3)
    assert [a["outcome"] for a in run.attempt_log] == ["interrupted"] * 3
    assert "interrupted 3 times" in run.error_message and "Traceback" not in run.error_message
    assert run.finished_at is not None and not Observation.objects.exists()
    page = admin.get(f"/open-data/runs/{run.pk}/").content.decode()
    assert "interrupted 3 times" in page and TRY_AGAIN in page
    (kept,) = _stored(media)  # the file is kept for "Try again"

    again = admin.post(f"/open-data/runs/{run.pk}/retry/")
    retry = ImportRun.objects.exclude(pk=run.pk).get()
    assert again.status_code == 302 and retry.status == "queued"
    assert retry.upload.name == kept.relative_to(media).as_posix() and retry.file_name == "crim.tsv"
    assert database_queue() == 1
    retry.refresh_from_db()
    assert retry.status == "ok" and retry.loaded_count == 40 == Observation.objects.count()
    assert _stored(media) == []


@pytest.mark.django_db
def test_uploads_of_failed_runs_are_deleted_after_a_week(
    client_as: Any, media: Path, database_queue: Any
) -> None:
    from saferspaces.opendata.import_repairs import import_runs_reconcile

    admin = client_as("administrator")
    upload = SimpleUploadedFile("crim.tsv", (CORE_FIXTURES / "crim_gen_reg_sdmx.tsv").read_bytes())
    admin.post(START, {"source": "crim_gen_reg", "origin": "file", "file": upload})
    run = ImportRun.objects.get()
    for n, worker in enumerate(("w1", "w2", "w3")):
        _lose_an_attempt(run, worker, T0 + dt.timedelta(minutes=5 * n))
    assert run.status == "failed" and len(_stored(media)) == 1
    import_runs_reconcile(now=run.finished_at + dt.timedelta(days=6))
    assert len(_stored(media)) == 1
    import_runs_reconcile(now=run.finished_at + dt.timedelta(days=8))
    run.refresh_from_db()
    assert _stored(media) == [] and run.upload.name == ""
    page = admin.get(f"/open-data/runs/{run.pk}/").content.decode()
    assert TRY_AGAIN not in page and f"{START}?source=crim_gen_reg" in page


@pytest.mark.django_db(transaction=True)
def test_progress_events_are_stored_on_the_run_while_it_loads(shared_data: Path) -> None:
    """On PostgreSQL the progress is written beside the load's transaction, so another
    connection (the run's page) sees it move; SQLite takes one write at a time and the load
    holds it, so there the stored progress moves before and after the load only."""
    from django.db import connections

    from saferspaces.core.opendata import Progress
    from saferspaces.opendata.services import opendata_import

    seen: list[tuple[str, dict[str, Any]]] = []
    other = connections.create_connection("default")

    def observe(event: Progress) -> None:
        if connection.vendor != "postgresql":
            seen.append((event.step, {}))
            return
        with other.cursor() as cursor:
            cursor.execute("SELECT progress FROM opendata_importrun ORDER BY id DESC LIMIT 1")
            (stored,) = cursor.fetchone()
        seen.append((event.step, json.loads(stored) if isinstance(stored, str) else stored))

    try:
        run = opendata_import(
            source="urb_percep", file=shared_data / "eurostat" / "urb_percep.tsv", progress=observe
        )
    finally:
        other.close()
    steps = [step for step, _stored_progress in seen]
    assert steps[0] == "fetch" and steps[-1] == "report" and steps.count("parse") >= 40
    assert run.progress["step"] == "report" and run.progress["observations"] == 225_906
    if connection.vendor == "postgresql":
        during = [stored for step, stored in seen if step == "parse"]
        assert all(s.get("step") == "parse" for s in during[1:]), during[:3]
        values = [s["observations"] for s in during[1:]]
        assert values == sorted(values) and 0 < values[0] < values[-1] < 225_906
        assert during[-1]["bytes_read"] > during[1]["bytes_read"] > 0


# --- real processes ------------------------------------------------------------------------------


def _query(database: Path, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(database, timeout=30) as db:
        return db.execute(sql, args).fetchall()


@pytest.fixture
def sqlite_site(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[dict[str, str], Path]:
    """A migrated SQLite database file with the database queue, for real processes."""
    cache = tmp_path_factory.getbasetemp() / "hostile-cache"
    cache.mkdir(exist_ok=True)
    database = tmp_path / "site.sqlite3"
    env = {
        **site_env(database_url=f"sqlite:///{database}", media=tmp_path / "media", lease=2),
        **cli_database(cache, database),
    }
    return env, database


_QUEUE = """
from django.core.files import File
from saferspaces.opendata.import_queue import import_run_queue
with open({path!r}, "rb") as handle:
    run = import_run_queue(source="urb_percep", upload=File(handle, name="urb_percep.tsv"),
                           from_api=False, since=None, user=None, language="fr")
print(run.pk)
"""


def test_a_worker_killed_during_an_import_is_replaced_and_the_values_load_once(
    sqlite_site: tuple[dict[str, str], Path], processes: Processes, shared_data: Path
) -> None:
    env, database = sqlite_site
    made = subprocess.run(
        saferspaces("shell", "-c", _QUEUE.format(path=str(shared_data / "eurostat" / "urb_percep.tsv"))),
        env=env, cwd=REPO, capture_output=True, timeout=120,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr.decode()
    run_id = int(made.stdout.split()[-1])
    first = processes.start("first-worker", saferspaces("worker", "--interval", "0.1"), env)

    def importing() -> bool:
        rows = _query(database, "SELECT status FROM opendata_importrun WHERE id = ?", run_id)
        return rows[0][0] == "running"

    wait_for(importing, timeout=120, what="the first worker to start the import", every=0.02)
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    processes.start("second-worker", saferspaces("worker", "--interval", "0.1"), env)

    def finished() -> tuple[Any, ...] | None:
        rows = _query(
            database,
            "SELECT status, attempts, attempt_log, loaded_count, upload, error_message "
            "FROM opendata_importrun WHERE id = ?",
            run_id,
        )
        return rows[0] if rows[0][0] in ("ok", "failed") else None

    status, attempts, log, loaded, upload, error = wait_for(
        finished, timeout=240, what="the import to finish"
    )
    assert status == "ok", f"{error}\n{processes.logs_text()}"
    outcomes = [a["outcome"] for a in json.loads(log)]
    assert attempts == 2 and outcomes == ["interrupted", "ok"], outcomes
    assert loaded == 225_906
    assert _query(database, "SELECT COUNT(*) FROM opendata_observation") == [(225_906,)]

    # the attempt deletes the uploaded file once the run is stored as loaded: just after
    # (import_queue.import_run_attempt), so the run may be seen "ok" a moment before that
    def deleted() -> bool:
        rows = _query(database, "SELECT upload FROM opendata_importrun WHERE id = ?", run_id)
        return rows == [("",)]

    if upload != "":
        wait_for(deleted, timeout=30, what="the uploaded file to be deleted after the import")
    assert not list((Path(env["SAFERSPACES_MEDIA_ROOT"]) / "opendata").rglob("*.tsv"))


def test_a_command_line_import_killed_with_its_process_is_failed_not_left_running(
    sqlite_site: tuple[dict[str, str], Path], processes: Processes, shared_data: Path
) -> None:
    env, database = sqlite_site
    path = shared_data / "eurostat" / "urb_percep.tsv"
    command = processes.start(
        "import", saferspaces("opendata", "import", "urb_percep", "--file", str(path)), env
    )

    def importing() -> bool:
        rows = _query(database, "SELECT status FROM opendata_importrun")
        return bool(rows) and rows[0][0] == "running"

    wait_for(importing, timeout=120, what="the import to start", every=0.02)
    os.kill(command.pid, signal.SIGKILL)
    command.wait(timeout=10)
    recovered = subprocess.run(
        saferspaces("worker", "--recover"), env=env, cwd=REPO, capture_output=True, timeout=120
    )
    assert recovered.returncode == 0, recovered.stderr.decode()
    ((status, failure, error, finished),) = _query(
        database, "SELECT status, failure, error_message, finished_at FROM opendata_importrun"
    )
    assert (status, failure) == ("failed", "interrupted") and finished is not None
    assert "its process stopped" in error
    assert _query(database, "SELECT COUNT(*) FROM opendata_observation") == [(0,)]
