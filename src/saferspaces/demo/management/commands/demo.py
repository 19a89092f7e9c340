from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from saferspaces.demo.generator import DEMO_PASSWORD, DEMO_SEED, demo_build, demo_delete

PUBLIC_PASSWORD_FLAG = "--with-public-password"  # noqa: S105 - a flag name, not a password


class Command(BaseCommand):
    help = "Load (or reset) the demonstration data: fictional authorities in real NUTS regions, demo people."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "action",
            choices=["load", "reset", "delete"],
            help="load: build if absent; reset: delete then build; delete: remove",
        )
        parser.add_argument(
            "--seed", type=int, default=DEMO_SEED, help=f"random seed (default {DEMO_SEED})"
        )
        parser.add_argument(
            PUBLIC_PASSWORD_FLAG,
            action="store_true",
            help="load or reset without SAFERSPACES_DEBUG=1: the demo accounts (an administrator "
            "among them) share a published password, so only on a throw-away trial site",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        builds = options["action"] in ("load", "reset")
        if builds and not settings.DEBUG and not options["with_public_password"]:
            raise CommandError(
                f"refused: the demo creates accounts, an administrator among them, whose password "
                f"is public ({DEMO_PASSWORD!r}). Load it on a development machine "
                f"(SAFERSPACES_DEBUG=1, as make run does), or on a throw-away trial site with "
                f"{PUBLIC_PASSWORD_FLAG}. Nothing was changed."
            )
        if options["action"] in ("reset", "delete"):
            removed = demo_delete()
            self.stdout.write(f"Removed {removed} demonstration objects.")
            if options["action"] == "delete":
                return
        report = demo_build(seed=options["seed"], now=timezone.now())
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo ready: {report.authorities} fictional authorities in {report.countries} countries, "
                f"networks: {', '.join(report.networks)}."
            )
        )
        self.stdout.write(report.logins())
