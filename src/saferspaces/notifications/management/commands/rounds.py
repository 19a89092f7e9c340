"""``saferspaces rounds remind``: send the deadline reminders due today.

Run once a day by a systemd timer (docs/operations.md, "Deadline reminders"). Running it again
the same day sends nothing more. ``--now`` acts as if it were another moment (tests, or catching
up by hand after the timer stopped).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from saferspaces.notifications.reminders import round_reminders_send


def _moment(raw: str | None) -> dt.datetime:
    if raw is None:
        return timezone.now()
    try:
        moment = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise CommandError(
            f"--now {raw!r} is not a date and time such as 2026-04-16T08:00"
        ) from None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


class Command(BaseCommand):
    help = "Assessment rounds: remind sends the deadline reminders due today (run daily)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["remind"])
        parser.add_argument(
            "--now",
            help="act as if it were this moment (ISO 8601, e.g. 2026-04-16T08:00, in the site's "
            "time zone unless an offset is given); default: now",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = _moment(options["now"])
        reports = round_reminders_send(now=now, days=settings.REMINDER_DAYS)
        days = ", ".join(str(d) for d in settings.REMINDER_DAYS) or "none"
        if not reports:
            self.stdout.write(
                f"No reminder is due on {timezone.localdate(now).isoformat()} "
                f"(reminders {days} days before a deadline)."
            )
            return
        for report in reports:
            line = (
                f"{report.round.title} ({report.round.network.name}): deadline "
                f"{report.round.deadline.isoformat()}, {report.days_left} day(s) left, the "
                f"{report.due}-day reminder: {report.sent} e-mail(s) to the teams of "
                f"{report.authorities} authorities"
            )
            if report.switched_off:
                line += f"; {report.switched_off} person(s) turned reminders off"
            if report.nobody:
                line += f"; nobody has joined the team yet at {', '.join(report.nobody)}"
            self.stdout.write(line)
        total = sum(r.sent for r in reports)
        self.stdout.write(f"{total} reminder e-mail(s) sent for {len(reports)} round(s).")
