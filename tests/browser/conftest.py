"""Playwright in Debian's Chromium (no browser download), with axe-core vendored from npm."""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import require

CHROMIUM = os.environ.get("SAFERSPACES_CHROMIUM", "/usr/bin/chromium")
AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by the live
# server fixtures are safe there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    require(
        Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is not None,
        f"Chromium not found at {CHROMIUM} (apt-get install chromium)",
    )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core on the page (WCAG 2.1 A and AA rules) and return the violations."""
    page.evaluate(AXE_SOURCE)
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    return list(result["violations"])


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        targets = [" ".join(node["target"]) for node in violation["nodes"][:5]]
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} -> {targets}")
    return "\n".join(lines)


def login_context(browser: Any, live_server: Any, user: Any, language: str = "en") -> Any:
    """A browser context whose session cookie belongs to ``user`` (None: anonymous)."""
    from django.test import Client

    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies["sessionid"]
        context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])
    return context


class TaskWorkerThread:
    """The task queue's worker in a thread of the test (the test database is in memory), started
    only while a page waits for a job: pages are opened and forms sent while it is stopped, as
    its claim transaction would lock the shared in-memory tables under them ("database table is
    locked"); a job page's status, polled every second by htmx, asks again after a refusal."""

    def __init__(self) -> None:
        from conftest import queue_worker

        self.worker = queue_worker(worker_id="browser-test", interval=0.2, batch=False)
        self.threads: list[threading.Thread] = []

    def _serve(self) -> None:
        # a lock met while the worker opens its transaction ends the library's loop, so it is
        # started again
        from django.db import OperationalError

        while self.worker.running:
            try:
                self.worker.run()
            except OperationalError as error:
                if "locked" not in str(error):
                    raise
                time.sleep(0.1)

    def start(self) -> None:
        self.worker.running = True
        self.threads.append(threading.Thread(target=self._serve, daemon=True))
        self.threads[-1].start()

    def stop(self) -> None:
        self.worker.running = False
        for thread in self.threads:
            thread.join(timeout=30)


@pytest.fixture
def task_worker(settings: Any) -> Iterator[TaskWorkerThread]:
    """A :class:`TaskWorkerThread` on the database queue, stopped after the test."""
    from conftest import DATABASE_QUEUE

    settings.TASKS = DATABASE_QUEUE
    worker = TaskWorkerThread()
    yield worker
    worker.stop()
