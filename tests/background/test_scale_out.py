"""Past one machine: two app servers and two task workers on one PostgreSQL, as
``docs/operations.md`` ("Going past one machine") describes, with nothing kept in a process.

A lead logs in on one app server and goes on on the other (the session is in the database); a
file of evidence uploaded through one is downloaded through the other (uploads are in the shared
storage, their record in the database); the scores and a report PDF asked for through one app
server are made by whichever worker takes them and served by the other; a log-out on one ends
the session on both. Every request alternates between the servers, as a load balancer without
sticky sessions sends them."""

from __future__ import annotations

import http.cookiejar
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from child_processes import Processes, free_port, saferspaces, site_env, wait_for

pytestmark = pytest.mark.postgres

PASSWORD = "a-long-password-for-tests-1"
GUNICORN = ("--workers", "1", "--timeout", "60")
EVIDENCE = b"Survey of 1,200 residents, city statistics office, 2025.\n"


class Browser:
    """One person's cookies, kept across requests to any of the app servers (what a browser
    keeps when a load balancer sends each request to another server); redirects not followed."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args: Any, **kwargs: Any) -> None:
                return None

        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect
        )

    def cookie(self, name: str) -> str:
        return next((c.value or "" for c in self.jar if c.name == name), "")

    def request(
        self,
        url: str,
        *,
        fields: dict[str, str] | None = None,
        file: tuple[str, str, bytes] | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        """GET, or POST ``fields`` (multipart when a ``file`` (field, name, bytes) is sent)."""
        if not url.startswith("http://127.0.0.1:"):
            raise ValueError(f"only the local test servers: {url}")
        body: bytes | None = None
        headers = {}
        if fields is not None or file is not None:
            data = dict(fields or {}) | {"csrfmiddlewaretoken": self.cookie("csrftoken")}
            if file is None:
                body = urllib.parse.urlencode(data).encode()
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            else:
                body, headers["Content-Type"] = _multipart(data, file)
        request = urllib.request.Request(url, data=body, headers=headers)  # noqa: S310 (checked above)
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()
        except (urllib.error.URLError, ConnectionError):
            return 0, {}, b""


def _multipart(fields: dict[str, str], file: tuple[str, str, bytes]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    field, name, content = file
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{name}"\r\n'
        "Content-Type: text/plain\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _world() -> tuple[Any, Any]:
    """A lead of Paris with a private self-assessment of the first edition, every question
    answered (small real data, built in well under a second)."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import PBKDF2PasswordHasher
    from django.utils import timezone

    from assessment_helpers import fill_all
    from onboarding_helpers import edition_row, regions_create
    from saferspaces.accounts.models import Role, User
    from saferspaces.accounts.services import membership_grant
    from saferspaces.assessments.rounds import assessment_start
    from saferspaces.authorities.services import authority_create

    regions_create()
    paris = authority_create(name="Paris", country_code="FR", kind="city", nuts_code="FR101")
    lead = User.objects.create_user("lead@paris.example", None, full_name="Léa Lead")
    # the app servers run with the production hashers (the tests' own is MD5): a PBKDF2 hash
    # with few iterations, which they accept (and strengthen at the log-in)
    lead.password = PBKDF2PasswordHasher().encode(PASSWORD, "saltforthetest", iterations=1000)
    lead.save(update_fields=["password"])
    EmailAddress.objects.create(user=lead, email=lead.email, verified=True, primary=True)
    membership_grant(user=lead, authority=paris, role=Role.LEAD)
    assessment = assessment_start(
        authority=paris,
        edition=edition_row(),
        title="Paris 2026",
        reference_year=2025,
        user=lead,
        now=timezone.now(),
    )
    fill_all(assessment, lead)
    return lead, assessment


def _task_done(path_end: str) -> bool:
    from django_tasks_db.models import DBTaskResult

    tasks = list(DBTaskResult.objects.filter(task_path__endswith=path_end))
    assert all(t.status != "FAILED" for t in tasks), [t.traceback for t in tasks]
    return bool(tasks) and all(t.status == "SUCCESSFUL" for t in tasks)


def test_two_app_servers_and_two_workers_share_sessions_uploads_and_jobs(
    transactional_db: Any, tmp_path: Path, processes: Processes
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("several processes on one database: the PostgreSQL pass runs this test")
    from django_tasks_db.models import DBTaskResult

    lead, assessment = _world()
    env = site_env(database_url=_database_url(), media=tmp_path / "media")
    ports = [free_port(), free_port()]
    for i, port in enumerate(ports):
        command = [sys.executable, "-m", "gunicorn", "saferspaces.wsgi"]
        processes.start(f"web{i}", [*command, "--bind", f"127.0.0.1:{port}", *GUNICORN], env)
    workers = [
        processes.start(f"worker{i}", saferspaces("worker", "--interval", "0.2"), env)
        for i in range(2)
    ]
    servers = [f"http://127.0.0.1:{port}" for port in ports]
    browser = Browser()
    for server in servers:
        wait_for(
            lambda server=server: browser.request(f"{server}/health/")[0] == 200,
            timeout=60,
            what=f"the app server {server}",
        )
    a, b = servers
    page = f"/assessments/{assessment.pk}/"

    # a session begun on one server goes on on the other
    status, _h, _body = browser.request(f"{a}/accounts/login/")
    assert status == 200 and browser.cookie("csrftoken")
    status, headers, body = browser.request(
        f"{a}/accounts/login/", fields={"login": lead.email, "password": PASSWORD}
    )
    assert status == 302, body.decode()[-6000:]
    status, _h, body = browser.request(f"{b}{page}")
    assert status == 200 and "Paris 2026" in body.decode(), processes.logs_text()

    # a file uploaded through one server is served by the other
    status, headers, body = browser.request(
        f"{b}{page}q/QOL_P01/evidence/",
        fields={"source_name": "Residents' survey", "year": "2025", "url": ""},
        file=("file", "survey.txt", EVIDENCE),
    )
    assert status == 302, body.decode(errors="replace")[:2000]
    status, _h, body = browser.request(f"{a}{page}q/QOL_P01/")
    found = re.search(rf"/assessments/{assessment.pk}/evidence/(\d+)/\"", body.decode())
    assert status == 200 and found, "the evidence is not listed on the other server"
    status, headers, body = browser.request(f"{a}/assessments/{assessment.pk}/evidence/{found[1]}/")
    assert status == 200 and body == EVIDENCE
    assert "survey.txt" in headers["Content-Disposition"]

    # scores asked for through one server, made by a worker, shown by the other
    status, _h, _body = browser.request(f"{a}{page}scores/", fields={})
    assert status == 302
    wait_for(lambda: _task_done("results_compute_task"), timeout=90, what="the scores")
    # a report PDF asked for through the other server, served back by the first
    status, headers, _body = browser.request(f"{b}{page}report/pdf/", fields={"language": "fr"})
    assert status == 302, processes.logs_text()
    job = headers["Location"].rstrip("/").rsplit("/", 1)[1]
    wait_for(lambda: _task_done("report_job_task"), timeout=120, what="the report PDF")
    status, headers, body = browser.request(f"{a}/reports/jobs/{job}/download/")
    assert status == 200 and body.startswith(b"%PDF-"), processes.logs_text()
    # both workers were up, each task ran once, on one of them
    tasks = list(DBTaskResult.objects.all())
    assert {t.status for t in tasks} <= {"SUCCESSFUL"} and tasks
    assert all(len(t.worker_ids) == 1 for t in tasks if t.task_path.endswith("_task"))
    assert all(w.poll() is None for w in workers), processes.logs_text()

    # logging out on one server ends the session on both
    status, _h, _body = browser.request(f"{b}/accounts/logout/", fields={})
    assert status == 302
    for server in servers:
        status, headers, _body = browser.request(f"{server}{page}")
        assert status == 302 and "/accounts/login/" in headers["Location"]
