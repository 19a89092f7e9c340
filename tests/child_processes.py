"""Helpers of the tests that run the site in real child processes (web servers, task workers,
``saferspaces serve``): the site's environment, processes logged to files and killed at the
end, an HTTP client that does not follow redirects, a wait with a time limit."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def site_env(*, database_url: str, media: Path, lease: int = 3) -> dict[str, str]:
    """The environment of a child process of the site: development mode, the given database,
    the database queue, a short worker lease."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        {
            "SAFERSPACES_DEBUG": "1",
            "DATABASE_URL": database_url,
            "SAFERSPACES_TASKS": "database",
            "SAFERSPACES_WORKER_LEASE_SECONDS": str(lease),
            "SAFERSPACES_MEDIA_ROOT": str(media),
            "SAFERSPACES_LOG_LEVEL": "INFO",
            "DJANGO_SETTINGS_MODULE": "saferspaces.settings",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def saferspaces(*args: str) -> list[str]:
    return [sys.executable, "-m", "saferspaces.cli", *args]


def wait_for(check: Callable[[], Any], *, timeout: float, what: str, every: float = 0.2) -> Any:
    """Call ``check`` until it returns something true; fail naming ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(every)


class Processes:
    """Child processes, each in its own process group, with its output in a log file."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.started: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        log = (self.logs / f"{name}.log").open("wb")
        process = subprocess.Popen(
            command, env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.started[name] = process
        return process

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(encoding="utf-8", errors="replace")

    def logs_text(self) -> str:
        return "\n".join(f"--- {name}\n{self.log(name)[-3000:]}" for name in self.started)

    def kill_all(self) -> None:
        for process in self.started.values():
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def http(
    url: str, *, data: dict[str, str] | None = None, cookies: dict[str, str] | None = None
) -> tuple[int, dict[str, str], str]:
    """GET (or POST ``data``) without following redirects: status, headers, body."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    if not url.startswith("http://127.0.0.1:"):
        raise ValueError(f"only the local test servers: {url}")
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    method = "POST" if data is not None else "GET"
    request = urllib.request.Request(url, data=body, method=method)  # noqa: S310 (checked above)
    if cookies:
        request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in cookies.items()))
    if data is not None and cookies and "csrftoken" in cookies:
        request.add_header("X-CSRFToken", cookies["csrftoken"])
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode(errors="replace")
    except (urllib.error.URLError, ConnectionError):
        return 0, {}, ""
