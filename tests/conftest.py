"""Shared test fixtures.

A test that needs a component a contributor's machine may lack (``../shared/data``, Chromium,
PostgreSQL) calls :func:`require` with a reason: it skips locally, and fails under
``SAFERSPACES_CI=1`` (set by ``.ci/run``), where every component must be present.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))  # shared test modules (site_matrix)
SHARED_DATA = Path(os.environ.get("SAFERSPACES_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))


def in_ci() -> bool:
    return os.environ.get("SAFERSPACES_CI", "") not in ("", "0", "false", "no")


def require(condition: bool, reason: str) -> None:
    """Skip the current test when ``condition`` is false, or fail it in CI."""
    if condition:
        return
    if in_ci():
        pytest.fail(f"SAFERSPACES_CI=1 and a required component is missing: {reason}")
    pytest.skip(reason)


def require_postgres() -> None:
    """Skip a PostgreSQL-only test unless the suite runs on PostgreSQL (the second pass of
    ``make test``); fail it when that pass (``SAFERSPACES_EXPECT_POSTGRES``) runs on another
    database."""
    from django.db import connection

    expected = bool(os.environ.get("SAFERSPACES_EXPECT_POSTGRES"))
    require(
        connection.vendor == "postgresql" or not expected,
        f"SAFERSPACES_EXPECT_POSTGRES=1 but the database is {connection.vendor}",
    )
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL pass of make test runs this (SAFERSPACES_TEST_POSTGRES_URL)")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under pytest-xdist (``make test``), the test files marked ``slow`` (minutes each) come first.

    Each file runs whole on one worker (``--dist loadfile``) and the files are handed out in
    collection order: a file of several minutes handed out last would leave the other workers
    idle until it ends. A serial run keeps pytest-django's order unchanged.
    """
    if not hasattr(config, "workerinput"):
        return
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)  # stable


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Path to the real reference data in ``../shared/data`` (read-only, never copied)."""
    require(SHARED_DATA.is_dir(), f"reference data not found at {SHARED_DATA}")
    return SHARED_DATA


# --- Django fixtures: the demo and its personas -------------------------------------------------

PERSONA_KEYS = (
    "anonymous",
    "outsider",
    "respondent",
    "lead",
    "coordinator",
    "ports_coordinator",
    "administrator",
)


@pytest.fixture
def demo(db):  # type: ignore[no-untyped-def]
    """The demonstration data set, built by the real generator."""
    from django.utils import timezone

    from saferspaces.demo.generator import demo_build

    return demo_build(now=timezone.now())


@pytest.fixture
def personas(demo):  # type: ignore[no-untyped-def]
    """Demo users by persona key; ``anonymous`` is None."""
    from saferspaces.accounts.models import User
    from saferspaces.demo.generator import PERSONAS

    users = {p.key: User.objects.get(email=p.email) for p in PERSONAS}
    users["anonymous"] = None
    return users


@pytest.fixture
def client_as(personas, client):  # type: ignore[no-untyped-def]
    """``client_as("lead")`` returns the test client logged in as that persona."""
    from django.test import Client

    def make(key: str) -> Client:
        c = Client()
        if personas[key] is not None:
            c.force_login(personas[key])
        return c

    return make


@pytest.fixture(scope="module")
def demo_module(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """The demo built once for a whole test module (tests must not change it), removed afterwards."""
    from django.utils import timezone

    from saferspaces.authorities.models import NutsRegion
    from saferspaces.demo.generator import demo_build, demo_delete

    with django_db_blocker.unblock():
        report = demo_build(now=timezone.now())
    yield report
    with django_db_blocker.unblock():
        demo_delete()
        for level in (3, 2, 1):
            NutsRegion.objects.filter(level=level).delete()
        from saferspaces.frameworks.models import FrameworkEdition

        FrameworkEdition.objects.all().delete()  # synced by the demo; other modules start empty


@pytest.fixture(autouse=True)
def _language_reset():  # type: ignore[no-untyped-def]
    """Every test starts in the default language and leaves none active.

    Django's locale middleware activates a request's language in the thread that serves it and
    never deactivates it; the test client serves requests in the test's own thread, so a French
    request would otherwise leave the next test speaking French.
    """
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _round_tables_forget():  # type: ignore[no-untyped-def]
    """Every test starts with no round's peers nor sharing choices kept in the process: a round
    id of one test's database is another's in the next (what is kept is checked against a
    version in the database cache, which each test's transaction rolls back, but when a round
    was last read is the process's own)."""
    from saferspaces.dashboard import sharing
    from saferspaces.results import peers

    peers.round_tables_forget()
    sharing.sharing_sets_forget()
    yield
    peers.round_tables_forget()
    sharing.sharing_sets_forget()


# --- The task queue ------------------------------------------------------------------------------

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def queue_worker(*, worker_id: str, interval: float, batch: bool) -> Any:
    """The database queue's own worker (``django_tasks_db``'s, as ``saferspaces worker`` runs
    it) over every queue, for the tests that run tasks in this process."""
    from django_tasks_db.management.commands.db_worker import Worker

    return Worker(
        queue_names=["*"],
        interval=interval,
        batch=batch,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )


@pytest.fixture
def database_queue(settings):  # type: ignore[no-untyped-def]
    """Tasks stored in the database queue, as in production, instead of run when enqueued (the
    suite's default). Returns ``run()``, which runs every ready task in this process with the
    queue's own worker code (claim, run, record), as ``saferspaces worker --batch`` does, and
    returns how many ran."""
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE_QUEUE
    worker = queue_worker(worker_id="test-worker", interval=0, batch=True)

    def run(limit: int = 100) -> int:
        ran = 0
        while ran < limit:
            with transaction.atomic():
                result = DBTaskResult.objects.ready().get_locked()
                if result is not None:
                    result.claim(worker.worker_id)
            if result is None:
                return ran
            worker.run_task(result)
            ran += 1
        return ran

    return run
