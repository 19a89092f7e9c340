"""Open-data imports started from the web (issue 15): an administrator uploads a Eurostat file or
asks for the dataset from Eurostat's API; the request stores the file and gives the import to the
task queue, and the run's page follows it (progress, result, a message for people and "Try
again"). The import itself is the command line's: the same service loads the same values.

The queue runs tasks at once in the test suite (the request then returns once the import ended);
the tests of what the request leaves waiting switch to the database queue (``database_queue``)
and run the queue's own worker code. The API path is served by a local HTTP server started by
the test: the site's Eurostat address points at it, never at the real internet.
"""

from __future__ import annotations

import gzip
import http.server
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from saferspaces.opendata.models import ImportRun, Observation

from .conftest import CORE_FIXTURES

pytestmark = pytest.mark.django_db

START = "/open-data/imports/new/"
TRY_AGAIN = ">Try again</button>"


def _stored_uploads(media: Path) -> list[Path]:
    folder = media / "opendata"
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    """Uploaded files are stored here, out of the repository."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def _upload(path: Path, name: str | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name or path.name, path.read_bytes())


def test_an_administrator_imports_the_real_urb_percep_file_from_the_web(
    client_as: Any, personas: Any, media: Path, shared_data: Path
) -> None:
    admin = client_as("administrator")
    page = admin.get(START)
    assert page.status_code == 200
    html = page.content.decode()
    for name in ('name="source"', 'name="origin"', 'name="file"', 'name="since"'):
        assert name in html
    assert "<legend>" in html and 'enctype="multipart/form-data"' in html
    assert "200 MB" in html  # the limit is said before the file is chosen

    started = time.perf_counter()
    response = admin.post(
        START,
        {
            "source": "urb_percep",
            "origin": "file",
            "file": _upload(shared_data / "eurostat" / "urb_percep.tsv"),
        },
    )
    seconds = time.perf_counter() - started
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/open-data/runs/{run.pk}/"
    # the queue ran the import (at once in the test suite): the command line's result
    assert (run.status, run.transport, run.file_name) == ("ok", "file", "urb_percep.tsv")
    assert run.ran_by == personas["administrator"] and run.background
    assert run.loaded_count == 225_906 == Observation.objects.count()
    assert run.derived_count == 2_122 and run.data_format == "legacy-tsv"
    assert run.location == "urb_percep.tsv"  # the name people know, not a path on the server
    # the last progress event is stored on the run, and the uploaded file is not kept
    assert run.progress["step"] == "report" and run.progress["observations"] == 225_906
    assert run.progress["bytes_read"] == run.progress["bytes_total"] == 1_541_534
    assert _stored_uploads(media) == []
    assert seconds < 60, seconds
    detail = admin.get(f"/open-data/runs/{run.pk}/").content.decode()
    assert "Succeeded" in detail and "225906" in detail.replace(",", "").replace("\u202f", "")
    assert "hx-get" not in detail  # a finished run is not polled


def test_the_request_stores_the_file_and_a_worker_imports_it(
    client_as: Any, media: Path, database_queue: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    admin = client_as("administrator")
    fixture = CORE_FIXTURES / "crim_gen_reg_sdmx.tsv"
    packed = SimpleUploadedFile("crim_gen_reg.tsv.gz", gzip.compress(fixture.read_bytes()))
    response = admin.post(
        START, {"source": "crim_gen_reg", "origin": "file", "file": packed, "since": "2020"}
    )
    run = ImportRun.objects.get()
    assert response.status_code == 302
    # nothing was imported by the request: the run waits with its stored file and its task
    assert run.status == "queued" and run.since == 2020 and not Observation.objects.exists()
    (stored,) = _stored_uploads(media)
    assert stored.read_bytes() == packed.file.getvalue()  # type: ignore[attr-defined]
    (task,) = DBTaskResult.objects.all()
    assert task.status == "READY" and str(task.id) == run.task_id
    waiting = admin.get(f"/open-data/runs/{run.pk}/").content.decode()
    assert "Waiting to start" in waiting and "No background worker is running" in waiting
    assert f'hx-get="/open-data/runs/{run.pk}/status/"' in waiting
    status = admin.get(f"/open-data/runs/{run.pk}/status/", headers={"HX-Request": "true"})
    assert status.status_code == 200 and "<progress" in status.content.decode()

    assert database_queue() == 1
    run.refresh_from_db()
    assert run.status == "ok" and run.loaded_count == 30 == Observation.objects.count()
    assert run.attempts == 1 and [a["outcome"] for a in run.attempt_log] == ["ok"]
    assert run.data_format == "sdmx-tsv" and run.location == "crim_gen_reg.tsv.gz"
    assert _stored_uploads(media) == []
    # the page that was polling reloads itself to show the result
    done = admin.get(f"/open-data/runs/{run.pk}/status/", headers={"HX-Request": "true"})
    assert done["HX-Refresh"] == "true"


class _Eurostat(http.server.BaseHTTPRequestHandler):
    """Eurostat's dissemination API for crim_gen_reg: the first ``failures`` requests answer
    503, then the dataset, gzip-compressed as the real API sends it."""

    def do_GET(self) -> None:
        server: Any = self.server
        server.paths.append(self.path)
        if server.failures > 0:
            server.failures -= 1
            self.send_error(503, "Service Unavailable")
            return
        if "/sdmx/2.1/data/crim_gen_reg" not in self.path:
            self.send_error(404)
            return
        body = gzip.compress((CORE_FIXTURES / "crim_gen_reg_sdmx.tsv").read_bytes())
        self.send_response(200)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture
def eurostat(settings: Any) -> Iterator[Any]:
    """A local server in Eurostat's place; the site's API address points at it."""
    server: Any = http.server.HTTPServer(("127.0.0.1", 0), _Eurostat)
    server.paths = []
    server.failures = 0
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.OPENDATA_API_URL = f"http://127.0.0.1:{server.server_address[1]}/api"
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def test_an_import_from_the_api_fails_with_a_message_and_try_again_imports_it(
    client_as: Any, eurostat: Any, media: Path
) -> None:
    admin = client_as("administrator")
    eurostat.failures = 1
    response = admin.post(START, {"source": "crim_gen_reg", "origin": "api", "since": "2020"})
    failed = ImportRun.objects.get()
    assert response.status_code == 302
    assert (failed.status, failed.transport, failed.failure) == ("failed", "api", "source")
    assert "HTTP 503" in failed.error_message and not Observation.objects.exists()
    page = admin.get(f"/open-data/runs/{failed.pk}/").content.decode()
    assert "Eurostat could not be reached" in page  # a message for people, then the details
    assert "HTTP 503" in page and TRY_AGAIN in page
    assert f'action="/open-data/runs/{failed.pk}/retry/"' in page
    # a coordinator sees the run but may not start it again
    coordinator = client_as("coordinator")
    assert TRY_AGAIN not in coordinator.get(f"/open-data/runs/{failed.pk}/").content.decode()
    assert coordinator.post(f"/open-data/runs/{failed.pk}/retry/").status_code == 403

    again = admin.post(f"/open-data/runs/{failed.pk}/retry/")
    run = ImportRun.objects.exclude(pk=failed.pk).get()
    assert again.status_code == 302 and again["Location"] == f"/open-data/runs/{run.pk}/"
    assert (run.status, run.since, run.loaded_count) == ("ok", 2020, 30)
    assert run.location.endswith(
        "/sdmx/2.1/data/crim_gen_reg?format=TSV&compressed=false&startPeriod=2020"
    )
    assert len(eurostat.paths) == 2
    # the failed run stays recorded as it was, without its button
    assert TRY_AGAIN not in admin.get(f"/open-data/runs/{failed.pk}/").content.decode()


def test_a_file_eurostat_would_not_send_fails_without_try_again(
    client_as: Any, media: Path
) -> None:
    admin = client_as("administrator")
    malformed = _upload(CORE_FIXTURES / "crim_gen_reg_malformed.tsv")
    admin.post(START, {"source": "crim_gen_reg", "origin": "file", "file": malformed})
    run = ImportRun.objects.get()
    assert (run.status, run.failure) == ("failed", "data")
    assert "malformed" in run.error_message and not Observation.objects.exists()
    page = admin.get(f"/open-data/runs/{run.pk}/").content.decode()
    assert "The file was refused" in page and "line" in page
    # the same file would fail the same way: no "Try again", but a way to send another file
    assert TRY_AGAIN not in page and f"{START}?source=crim_gen_reg" in page
    assert _stored_uploads(media) == []
    assert admin.post(f"/open-data/runs/{run.pk}/retry/").status_code == 400
    assert ImportRun.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"origin": "api"}, "source", "This field is required."),
        ({"source": "nope", "origin": "api"}, "source", "Select a valid choice."),
        ({"source": "urb_percep"}, "origin", "This field is required."),
        ({"source": "urb_percep", "origin": "ftp"}, "origin", "Select a valid choice."),
        ({"source": "urb_percep", "origin": "file"}, "file", "Choose the file to import."),
        ({"source": "urb_percep", "origin": "api", "since": "15"}, "since", "a year such as 2015"),
        (
            {"source": "urb_percep", "origin": "api", "since": "last"},
            "since",
            "a year such as 2015",
        ),
        (
            {"source": "urb_percep", "origin": "api", "since": "２０１５"},
            "since",
            "a year such as 2015",
        ),
        (
            {"source": "urb_percep", "origin": "api", "since": "2015\x00"},
            "since",
            "control character",
        ),
    ],
)
def test_bad_input_is_named_next_to_its_field_and_records_nothing(
    client_as: Any, media: Path, data: dict[str, str], field: str, message: str
) -> None:
    response = client_as("administrator").post(START, data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in html and f'href="#id_{field}"' in html and message in html
    assert not ImportRun.objects.exists() and _stored_uploads(media) == []


def test_an_empty_file_and_a_file_with_the_api_are_refused(client_as: Any, media: Path) -> None:
    admin = client_as("administrator")
    empty = admin.post(
        START,
        {"source": "urb_percep", "origin": "file", "file": SimpleUploadedFile("x.tsv", b"")},
    )
    assert empty.status_code == 400 and "The submitted file is empty." in empty.content.decode()
    both = admin.post(
        START,
        {
            "source": "urb_percep",
            "origin": "api",
            "file": _upload(CORE_FIXTURES / "urb_percep_jsonstat.json"),
        },
    )
    assert both.status_code == 400
    assert "choose “A file I upload”" in both.content.decode()
    assert not ImportRun.objects.exists() and _stored_uploads(media) == []


def test_a_body_over_the_limit_is_refused_before_it_is_read(client_as: Any, media: Path) -> None:
    response = client_as("administrator").post(
        START, {"source": "urb_percep", "origin": "api"}, CONTENT_LENGTH=str(250 * 1024 * 1024)
    )
    assert response.status_code == 413 and "200 MB" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_only_administrators_start_imports(client_as: Any, media: Path) -> None:
    data = {"source": "crim_gen_reg", "origin": "file"}
    for persona in ("coordinator", "lead", "respondent"):
        upload = _upload(CORE_FIXTURES / "crim_gen_reg_sdmx.tsv")
        assert client_as(persona).post(START, {**data, "file": upload}).status_code == 403
    assert client_as("anonymous").post(START, data).status_code == 302
    assert not ImportRun.objects.exists() and _stored_uploads(media) == []
    runs = client_as("administrator").get("/open-data/runs/").content.decode()
    assert f'href="{START}"' in runs and f'href="{START}?source=urb_percep"' in runs
    assert (
        f'href="{START}"' not in client_as("coordinator").get("/open-data/runs/").content.decode()
    )


def test_a_second_import_of_a_source_is_refused_while_one_waits(
    client_as: Any, media: Path, database_queue: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    admin = client_as("administrator")
    data = {"source": "crim_gen_reg", "origin": "api"}
    assert admin.post(START, data).status_code == 302
    first = ImportRun.objects.get()
    second = admin.post(START, data)
    assert second.status_code == 400
    assert f"run {first.pk}" in second.content.decode()
    assert ImportRun.objects.count() == 1 == DBTaskResult.objects.count()
    # another source may be imported meanwhile
    assert admin.post(START, {"source": "urb_percep", "origin": "api"}).status_code == 302


def test_the_start_page_preselects_a_declared_source_only(client_as: Any) -> None:
    admin = client_as("administrator")
    chosen = admin.get(f"{START}?source=ilc_mddw03").content.decode()
    assert '<option value="ilc_mddw03" selected>' in chosen
    unknown = admin.get(f"{START}?source=%3Cscript%3E").content.decode()
    select = unknown.split('name="source"')[1].split("</select>")[0]
    assert select.count(" selected>") == 1 and '<option value="" selected>' in select
    assert "<script>" not in unknown
