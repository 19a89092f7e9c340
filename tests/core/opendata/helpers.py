"""Small helpers shared by the open-data tests (no test data here: fixtures are files)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"


class StepClock:
    """A clock that advances one second per call, starting at a fixed instant."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        current = self.now
        self.now += timedelta(seconds=1)
        return current
