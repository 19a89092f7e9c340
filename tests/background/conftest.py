"""Fixtures of the background-work tests: child processes killed at the end of each test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from child_processes import Processes


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[Processes]:
    logs = tmp_path / "logs"
    logs.mkdir()
    children = Processes(logs)
    try:
        yield children
    finally:
        children.kill_all()
