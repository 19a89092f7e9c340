"""Concurrent saving under a real WSGI server (issue 5): 200 respondents lose nothing.

A dedicated PostgreSQL database is created and migrated for the run, gunicorn serves the
application from it (``-w 4 --threads 4``), and 200 simulated respondents (threads speaking plain
HTTP with their own session and CSRF cookies) fire at once. Each opens its question page (which
sets the CSRF cookie), saves its own question twice, then saves one of five shared checklist
questions that 40 of them hit together, retrying after a conflict with the version the conflict
page shows, as a person would. Afterwards the database must account for every response: no
5xx, every save either won (200, a new version) or got a conflict (409); for every question the
stored version equals the number of winning saves and the history holds exactly the winning
saves, each at the version its response announced.

Target: lose nothing (asserted). Throughput and latency percentiles are reported in
``extra_info`` and printed.

Needs PostgreSQL: ``SAFERSPACES_TEST_POSTGRES_URL`` (or a ``postgres://`` ``DATABASE_URL``); the
role must be allowed to create databases. Run::

    SAFERSPACES_TEST_POSTGRES_URL=postgres://saferspaces:saferspaces@127.0.0.1:5432/saferspaces \\
      .venv/bin/pytest benchmarks/test_bench_concurrency.py --benchmark-only -p no:cacheprovider -s

The same file, run as a script, builds the data inside the dedicated database (``setup``): it
is started as a subprocess so the benchmark process keeps its own database settings.
"""

from __future__ import annotations

import http.client
import json
import math
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pg_database import admin_connect, dedicated_database

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
CLIENTS = 200
OWN_SAVES = 2
HOT_QUESTIONS = 5
HOT_ATTEMPTS = 3  # a person saves again after a conflict, up to twice
WORKERS, THREADS = 4, 4
DB_SUFFIX = "_bench_concurrency"
TIMEOUT_S = 120.0
QUESTIONS = 300  # a synthetic edition: 5 dimensions of 57 questions, 5 checklist questions


# --- run as a script inside the dedicated database: build the data -------------------------


def _setup_data(clients: int) -> dict[str, Any]:
    """The demo, a synthetic 300-question edition, one assessment of the persona authority with
    its checklist answered, ``clients`` respondents with logged-in sessions."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    sys.path.insert(0, str(ROOT / "tests"))
    from assessment_helpers import valid_raw
    from saferspaces.accounts.models import AuthorityMembership, Role, User
    from saferspaces.assessments.answering import answer_save
    from saferspaces.assessments.editions import assessment_edition, edition_layout
    from saferspaces.assessments.rounds import assessment_start
    from saferspaces.authorities.models import Authority
    from saferspaces.core.framework.dump import edition_dump
    from saferspaces.core.framework.loader import edition_from_data
    from saferspaces.core.framework.synthetic import edition_synthetic_data
    from saferspaces.demo.generator import PERSONA_AUTHORITY, PERSONAS, demo_build
    from saferspaces.frameworks.services import framework_edition_upload

    demo_build(now=timezone.now())
    people = {p.key: User.objects.get(email=p.email) for p in PERSONAS}
    authority = Authority.objects.get(name=PERSONA_AUTHORITY)
    text = edition_dump(edition=edition_from_data(data=edition_synthetic_data(questions=QUESTIONS)))
    row = framework_edition_upload(
        user=people["administrator"], filename="synthetic.yaml", content=text.encode()
    )
    assessment = assessment_start(
        authority=authority,
        edition=row,
        title="Concurrency benchmark",
        reference_year=None,
        user=people["lead"],
    )
    sections, _of, _q = edition_layout(edition=assessment_edition(assessment=assessment))
    hot = list(sections[0].answerable[:HOT_QUESTIONS])
    for q in sections[0].answerable:  # the checklist answered: skip logic asks every question
        answer_save(
            assessment=assessment,
            code=q.code,
            user=people["lead"],
            status="answered",
            raw="yes",
            expected_version=0,
        )
    # own questions always asked (skip logic between own questions would hide some forms)
    own = [q for s in sections[1:] for q in s.answerable if q.relevant is None]
    assert len(own) >= clients, f"{len(own)} questions for {clients} clients"
    users = [
        User.objects.create_user(f"respondent{i:03d}@bench.example", None, full_name=f"R {i}")
        for i in range(clients)
    ]
    AuthorityMembership.objects.bulk_create(
        AuthorityMembership(user=u, authority=authority, role=Role.RESPONDENT) for u in users
    )
    sessions = []
    for user in users:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        sessions.append(session.session_key)
    return {
        "assessment": assessment.pk,
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
        "sessions": sessions,
        "own": [(q.code, _raw(valid_raw(q), alt)) for q in own[:clients] for alt in (0, 1)],
        "hot": [q.code for q in hot],
        "preanswered": [q.code for q in sections[0].answerable],
    }


def _raw(raw: Any, alt: int) -> list[str]:
    """A posted value (a list: a multiple choice sends several), varied by ``alt``."""
    if isinstance(raw, list):
        return [str(v) for v in raw]
    if alt and re.fullmatch(r"[0-9.]+", str(raw)) and "." in str(raw):
        return [str(float(raw) + 0.5)]
    return [str(raw)]


# --- the benchmark ----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def percentile(data: list[float], p: float) -> float:
    ordered = sorted(data)
    return ordered[max(1, math.ceil(p / 100 * len(ordered))) - 1]


@dataclass
class Result:
    code: str
    method: str
    status: int
    seconds: float
    sent_version: int = 0
    shown_version: int | None = None  # the version in the returned form
    comment: str = ""


@dataclass
class Client:
    """One simulated respondent: its own keep-alive connection and cookies."""

    port: int
    cookies: dict[str, str]
    csrf_cookie: str = "csrftoken"
    results: list[Result] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def request(self, method: str, path: str, body: str = "") -> tuple[int, str, float]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if method == "POST":
            headers.update(
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "X-CSRFToken": self.cookies.get(self.csrf_cookie, ""),
                    "HX-Request": "true",
                }
            )
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT_S)
        start = time.perf_counter()
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _eq, rest = value.partition("=")
                    self.cookies[name.strip()] = rest.split(";", 1)[0]
            return response.status, text, time.perf_counter() - start
        finally:
            conn.close()


def _shown_version(html: str, code: str) -> int | None:
    at = html.find(f'id="q-{code}"')
    if at < 0:
        return None
    match = re.search(r'name="version" value="(\d+)"', html[at:])
    return int(match.group(1)) if match else None


def _save(
    client: Client, pk: int, code: str, value: list[str], version: int, comment: str
) -> Result:
    from urllib.parse import urlencode

    fields = [("status", "answered"), ("comment", comment), ("version", str(version))]
    fields += [("value", v) for v in value]
    fields.append(("autosave", "0"))
    status, html, seconds = client.request(
        "POST", f"/assessments/{pk}/q/{code}/save/", urlencode(fields)
    )
    result = Result(code, "POST", status, seconds, version, _shown_version(html, code), comment)
    client.results.append(result)
    return result


def _respondent(i: int, client: Client, data: dict[str, Any], barrier: threading.Barrier) -> None:
    pk = data["assessment"]
    (code, first), (_same, second) = data["own"][2 * i], data["own"][2 * i + 1]
    hot = data["hot"][i % len(data["hot"])]
    try:
        barrier.wait()
        status, _html, seconds = client.request("GET", f"/assessments/{pk}/q/{code}/")
        client.results.append(Result(code, "GET", status, seconds))
        version = 0
        for n in range(OWN_SAVES):
            r = _save(client, pk, code, (first, second)[n % 2], version, f"client {i} own {n}")
            if r.shown_version is None:
                break  # asserted afterwards: every response shows the version it stored
            version = r.shown_version
        version = 1  # as everyone loaded it (the lead's answer): one wins, the others conflict
        for attempt in range(HOT_ATTEMPTS):
            value = ["yes"] if (i + attempt) % 2 else ["partly"]
            r = _save(client, pk, hot, value, version, f"client {i} hot {attempt}")
            if r.status != 409 or r.shown_version is None:
                break
            version = r.shown_version
    except Exception as error:  # recorded and asserted: a lost request is a failure
        client.errors.append(f"client {i}: {error!r}")


def _wait_until_up(port: int, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"gunicorn stopped: {log.read_text()[-3000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/health/")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"gunicorn did not answer in 60 s: {log.read_text()[-3000:]}")


def _stored(url: str, pk: int) -> tuple[dict[str, int], dict[str, list[tuple[int, str]]]]:
    with admin_connect(url) as conn:
        answers = dict(
            conn.execute(
                "SELECT code, version FROM assessments_answer WHERE assessment_id = %s", (pk,)
            ).fetchall()
        )
        revisions: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for code, version, comment in conn.execute(
            "SELECT code, version, comment FROM assessments_answerrevision "
            "WHERE assessment_id = %s ORDER BY code, version",
            (pk,),
        ).fetchall():
            revisions[code].append((version, comment))
    return answers, dict(revisions)


@pytest.fixture
def bench_database() -> Any:
    """A dedicated, migrated PostgreSQL database for the run (dropped afterwards)."""
    with dedicated_database(DB_SUFFIX) as (db_url, env):
        yield db_url, env


def test_bench_200_respondents_save_concurrently_and_lose_nothing(
    benchmark: Any, bench_database: Any, tmp_path: Path
) -> None:
    db_url, env = bench_database
    setup = subprocess.run(
        [sys.executable, __file__, "setup", str(CLIENTS)],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    data = json.loads(setup.stdout.strip().splitlines()[-1])
    port = _free_port()
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "saferspaces.wsgi",
                "-w",
                str(WORKERS),
                "--threads",
                str(THREADS),
                "-b",
                f"127.0.0.1:{port}",
                "--timeout",
                "120",
                "--backlog",
                "2048",
            ],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    clients: list[Client] = []
    wall: list[float] = []
    try:
        _wait_until_up(port, server, log)

        def fire() -> None:
            clients[:] = [
                Client(port, {data["session_cookie"]: key}, data["csrf_cookie"])
                for key in data["sessions"]
            ]
            barrier = threading.Barrier(len(clients))
            threads = [
                threading.Thread(target=_respondent, args=(i, c, data, barrier), daemon=True)
                for i, c in enumerate(clients)
            ]
            start = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join(TIMEOUT_S * 4)
            wall.append(time.perf_counter() - start)
            assert not any(t.is_alive() for t in threads), "a respondent never finished"

        benchmark.pedantic(fire, rounds=1, iterations=1, warmup_rounds=0)
    finally:
        server.terminate()
        server.wait(timeout=30)

    results = [r for c in clients for r in c.results]
    errors = [e for c in clients for e in c.errors]
    statuses = Counter((r.method, r.status) for r in results)
    gets = [r.seconds for r in results if r.method == "GET"]
    saves = [r.seconds for r in results if r.method == "POST"]
    report = {
        "clients": len(clients),
        "requests": len(results),
        "wall_s": round(wall[0], 2),
        "throughput_rps": round(len(results) / wall[0], 1),
        "statuses": {f"{m} {s}": n for (m, s), n in sorted(statuses.items())},
        "save_ms": {
            p: round(percentile(saves, q) * 1000, 1)
            for p, q in (("p50", 50), ("p95", 95), ("p99", 99), ("max", 100))
        },
        "page_ms": {p: round(percentile(gets, q) * 1000, 1) for p, q in (("p50", 50), ("p95", 95))},
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    benchmark.extra_info.update(report)
    print("\nconcurrency:", json.dumps(report))

    log_tail = log.read_text(errors="replace")[-3000:]
    assert not errors, f"{len(errors)} requests failed: {errors[:5]}\n{log_tail}"
    assert len(clients) == CLIENTS
    assert all(r.status == 200 for r in results if r.method == "GET"), report
    assert {r.status for r in results if r.method == "POST"} <= {200, 409}, (report, log_tail)
    own = {code for code, _value in data["own"]}
    own_saves = [r for r in results if r.method == "POST" and r.code in own]
    assert len(own_saves) == CLIENTS * OWN_SAVES  # nobody else writes a respondent's question
    assert all(r.status == 200 for r in own_saves), Counter(r.status for r in own_saves)

    wins: dict[str, list[Result]] = defaultdict(list)
    for r in results:
        if r.method == "POST" and r.status == 200:
            assert r.shown_version is not None, r
            wins[r.code].append(r)
        if r.method == "POST" and r.status == 409:
            assert r.shown_version is not None and r.shown_version != r.sent_version, r
    answers, revisions = _stored(db_url, data["assessment"])
    assert set(answers) == set(wins) | set(data["preanswered"]), "an answer nobody saved"
    for code, won in wins.items():
        first = 2 if code in data["preanswered"] else 1  # the lead answered the checklist
        announced = sorted(r.shown_version or 0 for r in won)
        assert announced == list(range(first, first + len(won))), (code, announced)
        assert answers[code] == first - 1 + len(won), (code, answers[code], len(won))
        mine = [rev for rev in revisions[code] if rev[0] >= first]
        assert mine == sorted((r.shown_version or 0, r.comment) for r in won), code
        assert len(revisions[code]) == answers[code], code
    for code in data["hot"]:
        assert len(wins[code]) >= 1, f"nobody won the shared question {code}"


if __name__ == "__main__":
    if sys.argv[1:2] == ["setup"]:
        out = _setup_data(int(sys.argv[2]))
        sys.stdout.write("\n" + json.dumps(out) + "\n")
    else:
        sys.exit("usage: test_bench_concurrency.py setup CLIENTS")
