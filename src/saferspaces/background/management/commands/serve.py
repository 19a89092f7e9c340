"""``saferspaces serve [ADDRESS:PORT]``: the development web server and one task worker, as one
command (what ``make run`` runs). Ctrl+C (or SIGTERM, or closing the terminal) stops both: the
web server at once, the worker after its current task. A worker that ends on its own (a task past its time limit, a
crash) is started again; when the web server ends, the worker is stopped too.

Production runs the two as separate services (gunicorn and ``saferspaces worker``, see
docs/operations.md), never this command.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

#: seconds the children get to stop before they are killed
STOP_GRACE = 20.0
#: a worker that keeps dying is not restarted more than this many times a minute
RESTARTS_PER_MINUTE = 5


def _start(*args: str) -> subprocess.Popen[bytes]:
    """``saferspaces ARGS`` with this Python, in a process group of its own."""
    command = [sys.executable, "-m", "saferspaces.cli", *args]
    return subprocess.Popen(command, start_new_session=True)  # noqa: S603 (fixed arguments)


def _signal_group(process: subprocess.Popen[bytes], signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signum)


class Command(BaseCommand):
    help = "Serve the site for development and run one task worker; Ctrl+C stops both."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument(
            "--noreload", action="store_true", help="do not restart the web server on code changes"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        web_args = ["runserver", options["addrport"]]
        if options["noreload"]:
            web_args.append("--noreload")
        # each child in its own process group: Ctrl+C reaches this supervisor only, which then
        # stops each child once (a worker that got two signals would interrupt its task)
        web = _start(*web_args)
        worker = _start("worker")
        self.stdout.write(
            f"web server: pid {web.pid}; task worker: pid {worker.pid}. Ctrl+C stops both.",
        )
        self.stdout.flush()
        stop: list[int] = []

        def on_signal(signum: int, frame: FrameType | None) -> None:
            stop.append(signum)

        stops = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)  # Ctrl+C, kill, terminal closed
        previous = {s: signal.signal(s, on_signal) for s in stops}
        restarts: list[float] = []
        status = 0
        try:
            while not stop:
                time.sleep(0.2)
                if web.poll() is not None:
                    status = web.returncode or 0
                    self.stderr.write(f"the web server stopped (exit status {web.returncode})")
                    break
                if worker.poll() is not None:
                    now = time.monotonic()
                    restarts = [t for t in restarts if now - t < 60]
                    if len(restarts) >= RESTARTS_PER_MINUTE:
                        self.stderr.write("the task worker keeps stopping: giving up")
                        status = 1
                        break
                    restarts.append(now)
                    self.stderr.write(
                        f"the task worker stopped (exit status {worker.returncode}): starting another"
                    )
                    worker = _start("worker")
        finally:
            # SIGTERM, not SIGINT: a process started in the background of a shell ignores
            # SIGINT, and both the development server and the worker stop cleanly on SIGTERM
            _signal_group(web, signal.SIGTERM)
            _signal_group(worker, signal.SIGTERM)
            deadline = time.monotonic() + STOP_GRACE
            for child in (web, worker):
                try:
                    child.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    _signal_group(child, signal.SIGKILL)
                    child.wait()
            for s, handler in previous.items():
                signal.signal(s, handler)
        self.stdout.write("web server and task worker stopped")
        if status:
            sys.exit(status)
