"""Deadline reminders: which one is due on a given day (pure; the day is given, never read).

Reminders are sent a number of days before a deadline (say 14 and 3). On a day with ``n`` days
left, the due reminder is the nearest one not yet passed: the smallest of those days that is at
least ``n``. So a reminder missed while nothing ran (a stopped timer, a round opened 10 days
before its deadline) is still sent once, saying how many days are really left, and an earlier,
larger one is never sent after a later one. Nothing is due after the deadline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable


def reminder_due(*, deadline: dt.date, today: dt.date, days: Iterable[int]) -> int | None:
    """The reminder (days before ``deadline``) due on ``today``, or None."""
    left = (deadline - today).days
    if left < 0:
        return None
    return min((d for d in days if d >= left), default=None)
