from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from saferspaces.demo.generator import DEMO_SEED, demo_build, demo_delete


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

    def handle(self, *args: Any, **options: Any) -> None:
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
