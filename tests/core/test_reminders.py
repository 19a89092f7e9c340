"""Which deadline reminder is due on a day: pure, with the day given (never read from a clock)."""

from __future__ import annotations

import datetime as dt

from saferspaces.core.reminders import reminder_due

DEADLINE = dt.date(2026, 6, 30)


def _due(days_before: int, days: tuple[int, ...] = (14, 3)) -> int | None:
    return reminder_due(
        deadline=DEADLINE, today=DEADLINE - dt.timedelta(days=days_before), days=days
    )


def test_the_nearest_reminder_not_yet_passed_is_due() -> None:
    assert _due(20) is None  # too early for any
    assert _due(14) == 14 and _due(13) == 14 and _due(4) == 14
    assert _due(3) == 3 and _due(1) == 3 and _due(0) == 3  # the deadline day itself
    assert _due(-1) is None  # past the deadline: nothing
    assert _due(0, days=(7, 0)) == 0 and _due(1, days=(7, 0)) == 7
    assert _due(5, days=()) is None
