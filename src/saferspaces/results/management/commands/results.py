"""``saferspaces results rebuild``: rewrite the fact index and the peer profiles from every
assessment's latest result run."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from saferspaces.results.index import results_rebuild


class Command(BaseCommand):
    help = (
        "Results maintenance: 'rebuild' rewrites the fact index and the peer profiles from "
        "every assessment's latest results (after an upgrade)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["rebuild"])

    def handle(self, *args: Any, **options: Any) -> None:
        n = results_rebuild()
        self.stdout.write(f"fact index rebuilt for {n} assessments with results")
