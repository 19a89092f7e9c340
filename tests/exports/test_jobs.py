"""Export files that are not streamed (Parquet, XLSX, zip, a CSV above the streaming limit) are
made by a job on the task queue, run by the queue's own worker code: the request that asks only
stores the job; the file is the same as the one the builder makes directly; it is reused while
the round's data do not change and made again when they do; the job's pages are for the people
who may download the round's data; a failed job shows a message for people and "Try again"."""

from __future__ import annotations

import datetime as dt
import io
import logging
from pathlib import Path
from typing import Any

import pytest
from django.db.models import F
from django.utils import timezone
from openpyxl import load_workbook

from saferspaces.background.recovery import worker_register
from saferspaces.exports.models import ExportJob, JobState

OTHER_HOST = "another-machine.example"


def _files(media: Path) -> list[Path]:
    return sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []


def _body(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _direct(round_: Any, filename: str) -> bytes:
    """The file as the builder makes it straight from the database (the former download)."""
    from saferspaces.exports.files import download_parse, file_write
    from saferspaces.exports.selectors import round_export

    download = download_parse(filename)
    assert download is not None
    export = round_export(round_=round_)
    if download.fmt == "csv":
        from saferspaces.core.exports import table_csv_chunks

        return b"".join(table_csv_chunks(table=export.table(download.table)))
    return file_write(export, download).read()


def _sheets(data: bytes) -> dict[str, list[tuple[Any, ...]]]:
    wb = load_workbook(io.BytesIO(data), read_only=True)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}


def _export_tasks() -> int:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path__endswith="export_job_task").count()


@pytest.mark.parametrize("filename", ["all.zip", "answers.parquet", "all.xlsx"])
def test_the_request_stores_a_job_and_the_worker_makes_the_same_file(
    client_for: Any,
    export_round: Any,
    media: Path,
    database_queue: Any,
    django_assert_max_num_queries: Any,
    filename: str,
) -> None:
    c = client_for("coordinator")
    base = f"/rounds/{export_round.pk}/exports/"
    # asking for the file when none is ready: a page offering to prepare it, nothing made
    page = c.get(base + filename)
    assert page.status_code == 200 and not page.streaming
    html = page.content.decode()
    assert "prepared in the background" in html and f'action="{base}{filename}/prepare/"' in html
    assert not ExportJob.objects.exists()
    with django_assert_max_num_queries(40):
        r = c.post(base + filename + "/prepare/")
    job = ExportJob.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/exports/jobs/{job.pk}/"
    assert job.state == JobState.QUEUED and job.parameters == {
        "round": export_round.pk,
        "file": filename,
    }
    assert _files(media) == []  # the request built nothing: the worker will
    assert c.get(f"/exports/jobs/{job.pk}/download/").status_code == 404  # not ready yet
    # asking again while it waits gives the same job, and no second task
    assert c.post(base + filename + "/prepare/")["Location"] == f"/exports/jobs/{job.pk}/"
    assert c.get(base + filename)["Location"] == f"/exports/jobs/{job.pk}/"
    assert _export_tasks() == 1
    status = c.get(f"/exports/jobs/{job.pk}/status/").content.decode()
    assert 'hx-trigger="every 1s"' in status and "Waiting to start" in status

    assert database_queue() == 1
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.progress == 100 and job.attempts == 1
    assert [r["outcome"] for r in job.runs] == ["done"]
    assert len(_files(media)) == 1
    status = c.get(f"/exports/jobs/{job.pk}/status/").content.decode()
    assert "hx-trigger" not in status and f"/exports/jobs/{job.pk}/download/" in status
    download = c.get(f"/exports/jobs/{job.pk}/download/")
    assert download.status_code == 200
    assert download["Cache-Control"] == "private, no-store"
    assert f'filename="round-{export_round.pk}-{filename}"' in download["Content-Disposition"]
    made = _body(download)
    if filename.endswith(".xlsx"):  # openpyxl stamps the time of writing: compare the cells
        assert _sheets(made) == _sheets(_direct(export_round, filename))
    else:
        assert made == _direct(export_round, filename)
    # the file's own address now serves the stored file: the same bytes, no new job or task
    again = c.get(base + filename)
    assert again.status_code == 200 and _body(again) == made
    assert again["Cache-Control"] == "private, no-store"
    assert c.post(base + filename + "/prepare/")["Location"] == f"/exports/jobs/{job.pk}/"
    assert ExportJob.objects.count() == 1 and _export_tasks() == 1
    assert database_queue() == 0


def test_the_page_offers_each_file_by_its_state(
    client_for: Any, export_round: Any, media: Path, database_queue: Any
) -> None:
    c = client_for("coordinator")
    base = f"/rounds/{export_round.pk}/exports/"
    html = c.get(base).content.decode()
    # CSV is streamed: a plain link; the others are prepared in the background
    assert f'href="{base}answers.csv"' in html
    assert f'action="{base}all.zip/prepare/"' in html
    assert f'action="{base}scores.parquet/prepare/"' in html
    c.post(base + "all.zip/prepare/")
    job = ExportJob.objects.get()
    html = c.get(base).content.decode()
    assert f'href="/exports/jobs/{job.pk}/"' in html and f"{base}all.zip/prepare/" not in html
    database_queue()
    html = c.get(base).content.decode()
    assert f'href="{base}all.zip"' in html and f"{base}all.zip/prepare/" not in html


def test_a_change_of_the_data_makes_a_new_file_and_the_old_one_is_removed(
    client_for: Any, export_round: Any, media: Path, database_queue: Any
) -> None:
    from saferspaces.dashboard.models import PeerSharing

    c = client_for("coordinator")
    base = f"/rounds/{export_round.pk}/exports/"
    c.post(base + "all.zip/prepare/")
    database_queue()
    first = ExportJob.objects.get()
    old = _files(media)
    assert len(old) == 1
    # an authority withdraws its consent to be named: the stored file may not be served again
    authority = export_round.assessments.order_by("pk").first().authority
    PeerSharing.objects.update_or_create(authority=authority, defaults={"publish_results": True})
    page = c.get(base + "all.zip")
    assert page.status_code == 200 and "prepared in the background" in page.content.decode()
    r = c.post(base + "all.zip/prepare/")
    second = ExportJob.objects.exclude(pk=first.pk).get()
    assert r["Location"] == f"/exports/jobs/{second.pk}/"
    assert second.fingerprint != first.fingerprint
    database_queue()
    second.refresh_from_db()
    assert second.state == JobState.DONE
    made = _body(c.get(base + "all.zip"))
    assert made == _direct(export_round, "all.zip") and authority.name.encode() in _zip_all(made)
    assert not old[0].exists() and len(_files(media)) == 1  # the file it replaced is deleted
    # the first job's page says its file is gone and offers to make the file again
    status = c.get(f"/exports/jobs/{first.pk}/status/").content.decode()
    assert "no longer kept" in status and f'action="{base}all.zip/prepare/"' in status
    assert c.get(f"/exports/jobs/{first.pk}/download/").status_code == 404


def _zip_all(data: bytes) -> bytes:
    import zipfile

    z = zipfile.ZipFile(io.BytesIO(data))
    return b"".join(z.read(n) for n in z.namelist())


def test_the_fingerprint_follows_every_part_of_the_data_an_export_reads(
    export_round: Any,
) -> None:
    from saferspaces.assessments.models import Answer
    from saferspaces.dashboard.models import PeerSharing
    from saferspaces.exports.selectors import round_export_fingerprint

    def fingerprint() -> str:
        export_round.refresh_from_db()
        return round_export_fingerprint(round_=export_round)

    seen = {fingerprint()}
    assert fingerprint() in seen  # the same data, the same fingerprint
    assessment = export_round.assessments.select_related("authority").order_by("pk").first()
    authority = assessment.authority
    changes = [
        lambda: Answer.objects.filter(pk=assessment.answers.order_by("pk").first().pk).update(
            comment="changed", version=F("version") + 1, updated_at=timezone.now()
        ),
        lambda: PeerSharing.objects.update_or_create(
            authority=authority, defaults={"publish_results": True}
        ),
        lambda: type(authority).objects.filter(pk=authority.pk).update(name="Renamed"),
        lambda: type(authority).objects.filter(pk=authority.pk).update(country_code="ZZ"),
        lambda: type(export_round).objects.filter(pk=export_round.pk).update(title="Renamed"),
        lambda: (
            type(export_round)
            .objects.filter(pk=export_round.pk)
            .update(period_end=export_round.period_end + dt.timedelta(days=400))
        ),
        lambda: (
            type(export_round)
            .objects.filter(pk=export_round.pk)
            .update(overall=not export_round.overall)
        ),
    ]
    for i, change in enumerate(changes):
        change()
        now = fingerprint()
        assert now not in seen, f"change {i} kept the fingerprint"
        seen.add(now)


def test_a_csv_above_the_streaming_limit_is_made_by_a_job(
    client_for: Any, export_round: Any, media: Path, database_queue: Any, monkeypatch: Any
) -> None:
    from saferspaces.exports import files

    monkeypatch.setattr(files, "STREAM_MAX_BYTES", 100_000)  # answers: about 0.8 MB
    c = client_for("coordinator")
    base = f"/rounds/{export_round.pk}/exports/"
    page = c.get(base + "answers.csv")
    assert page.status_code == 200 and not page.streaming
    assert "prepared in the background" in page.content.decode()
    assert f'action="{base}answers.csv/prepare/"' in c.get(base).content.decode()
    c.post(base + "answers.csv/prepare/")
    assert database_queue() == 1
    assert _body(c.get(base + "answers.csv")) == _direct(export_round, "answers.csv")
    # a small table still streams
    small = c.get(base + "imeta.csv")
    assert small.streaming and _body(small) == _direct(export_round, "imeta.csv")


def test_only_people_who_may_download_the_round_s_data_reach_its_jobs(
    client_for: Any, export_round: Any, media: Path
) -> None:
    base = f"/rounds/{export_round.pk}/exports/"
    job_url = "/exports/jobs/{}/"
    for key, status in (("outsider", 403), ("respondent", 403), ("lead", 403)):
        assert client_for(key).post(base + "all.zip/prepare/").status_code == status, key
    assert client_for("anonymous").post(base + "all.zip/prepare/").status_code == 302
    assert not ExportJob.objects.exists()
    c = client_for("coordinator")
    c.post(base + "all.zip/prepare/")  # the test suite's queue runs it at once
    job = ExportJob.objects.get()
    assert job.state == JobState.DONE
    for suffix in ("", "status/", "download/"):
        url = job_url.format(job.pk) + suffix
        for key in ("outsider", "respondent", "lead"):
            assert client_for(key).get(url).status_code == 403, (key, url)
        anonymous = client_for("anonymous").get(url)
        assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
        assert client_for("administrator").get(url).status_code == 200, url
        assert c.get(url).status_code == 200, url
    assert client_for("lead").get(base + "all.zip").status_code == 403
    assert c.get("/exports/jobs/999999/").status_code == 404
    assert c.post(base + "all.docx/prepare/").status_code == 404


def test_a_failed_job_shows_a_message_for_people_and_try_again(
    client_for: Any, export_round: Any, settings: Any, tmp_path: Path, caplog: Any
) -> None:
    # the media folder cannot be written (a file stands where the folder should be)
    blocker = tmp_path / "media"
    blocker.write_text("not a folder")
    settings.MEDIA_ROOT = blocker
    c = client_for("coordinator")
    base = f"/rounds/{export_round.pk}/exports/"
    with caplog.at_level(logging.ERROR, logger="saferspaces.exports.jobs"):
        r = c.post(base + "answers.parquet/prepare/")
    job = ExportJob.objects.get()
    assert r["Location"] == f"/exports/jobs/{job.pk}/"
    assert job.state == JobState.FAILED and job.finished_at is not None
    assert f"unexpected error (job {job.pk})" in job.message
    assert str(blocker) not in job.message and "Errno" not in job.message
    assert f"export job {job.pk} failed" in caplog.text
    page = c.get(r["Location"]).content.decode()
    assert job.message in page.replace("&#x27;", "'")
    assert "Try again" in page and f'action="{base}answers.parquet/prepare/"' in page
    assert "Traceback" not in page and "NotADirectoryError" not in page
    # trying again once the folder is fixed makes a new job that succeeds
    blocker.unlink()
    retry = c.post(base + "answers.parquet/prepare/")
    new = ExportJob.objects.exclude(pk=job.pk).get()
    assert retry["Location"] == f"/exports/jobs/{new.pk}/" and new.state == JobState.DONE


def test_a_workbook_too_large_for_excel_is_refused_before_any_work(
    client_for: Any, export_round: Any, media: Path, monkeypatch: Any
) -> None:
    from saferspaces.core.exports import writers

    monkeypatch.setattr(writers, "XLSX_MAX_ROWS", 10)
    c = client_for("coordinator")
    base = f"/rounds/{export_round.pk}/exports/"
    html = c.get(base).content.decode()
    assert f"{base}all.xlsx/prepare/" not in html and "too large for Excel" in html
    r = c.post(base + "all.xlsx/prepare/", follow=True)
    assert r.status_code == 200 and "too large for Excel" in r.content.decode()
    assert not ExportJob.objects.exists() and _files(media) == []


def test_a_job_whose_worker_was_killed_is_taken_again_and_finished(
    client_for: Any, export_round: Any, media: Path, database_queue: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    c = client_for("coordinator")
    url = f"/rounds/{export_round.pk}/exports/all.zip/prepare/"
    job = ExportJob.objects.get(pk=c.post(url)["Location"].split("/")[-2])
    # what a worker killed during the job leaves: its task running under its id, the job at 40 %
    seen = timezone.now() - dt.timedelta(minutes=10)
    worker_register(worker_id="killed-worker", hostname=OTHER_HOST, pid=4242, now=seen)
    DBTaskResult.objects.get(id=job.task_id).claim("killed-worker")
    ExportJob.objects.filter(pk=job.pk).update(
        state=JobState.RUNNING,
        progress=40,
        attempts=1,
        run_token="token-of-the-killed-worker",
        runs=[{"attempt": 1, "worker": "killed-worker", "started": seen.isoformat()}],
    )
    # asking again: the dead worker's task is given back to the queue and the page says so
    again = c.post(url)
    assert again["Location"] == f"/exports/jobs/{job.pk}/"
    page = c.get(again["Location"]).content.decode()
    assert 'value="40"' not in page and "Waiting to start again" in page
    assert database_queue() == 1
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.attempts == 2
    assert [r["outcome"] for r in job.runs] == ["interrupted", "done"]
    assert _body(c.get(f"/exports/jobs/{job.pk}/download/")) == _direct(export_round, "all.zip")


def test_old_files_are_deleted_after_the_retention_period(
    client_for: Any, export_round: Any, media: Path
) -> None:
    from saferspaces.exports.jobs import EXPORT_FILES_KEEP, export_jobs_reconcile

    c = client_for("coordinator")
    base = f"/rounds/{export_round.pk}/exports/"
    c.post(base + "all.zip/prepare/")
    c.post(base + "scores.parquet/prepare/")
    old, recent = ExportJob.objects.order_by("pk")
    now = timezone.now()
    ExportJob.objects.filter(pk=old.pk).update(finished_at=now - EXPORT_FILES_KEEP)
    assert len(_files(media)) == 2
    export_jobs_reconcile(now=now + dt.timedelta(seconds=1))
    assert list(ExportJob.objects.all()) == [recent]
    assert [p.name for p in _files(media)] == [Path(recent.file.name).name]
    # asking for the pruned file again offers to make it
    assert "prepared in the background" in c.get(base + "all.zip").content.decode()
