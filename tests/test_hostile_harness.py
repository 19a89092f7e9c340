"""The harness of the hostile-input tests measures what it claims: peak memory, time, crashes."""

from __future__ import annotations

import sys

from hostile import cli_argv, run_isolated


def test_peak_memory_of_the_child_is_measured() -> None:
    outcome = run_isolated(
        [
            sys.executable,
            "-c",
            "b = bytearray(300 * 1024 * 1024); b[::4096] = b'x' * len(b[::4096])",
        ]
    )
    assert outcome.returncode == 0, outcome.describe()
    assert outcome.peak_rss_mb > 290


def test_the_peak_is_the_childs_own_not_the_test_runs() -> None:
    """Linux counts the parent's memory in a forked child's peak; the launcher avoids it."""
    ballast = bytearray(400 * 1024 * 1024)
    ballast[::4096] = b"x" * len(ballast[::4096])  # touch every page: 400 MB resident here
    outcome = run_isolated([sys.executable, "-c", "pass"])
    del ballast
    assert outcome.returncode == 0, outcome.describe()
    assert outcome.peak_rss_mb < 100, outcome.describe()
    assert 0 < outcome.cpu_seconds < 5


def test_a_hang_is_killed_and_reported() -> None:
    outcome = run_isolated([sys.executable, "-c", "import time; time.sleep(60)"], timeout=1)
    assert outcome.timed_out
    assert outcome.seconds < 10


def test_a_crash_is_told_apart_from_an_exit() -> None:
    outcome = run_isolated(
        [sys.executable, "-c", "import os, signal; os.kill(os.getpid(), signal.SIGSEGV)"]
    )
    assert outcome.crashed
    assert not run_isolated([sys.executable, "-c", "raise SystemExit(2)"]).crashed


def test_the_product_command_line_runs_in_a_child() -> None:
    outcome = run_isolated(cli_argv("help"), env={"SAFERSPACES_DEBUG": "1"}, timeout=60)
    assert outcome.returncode == 0, outcome.describe()
    assert "framework" in outcome.stdout


def test_cpu_time_is_the_childs_own() -> None:
    outcome = run_isolated([sys.executable, "-c", "sum(range(30_000_000))"])
    assert 0.2 < outcome.cpu_seconds < outcome.seconds + 0.5, outcome.describe()
