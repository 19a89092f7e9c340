"""``saferspaces dashboard rebuild``: rewrite the score index from the latest score runs."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from saferspaces.dashboard.facts import score_facts_rebuild


class Command(BaseCommand):
    help = "Dashboard maintenance: 'rebuild' rewrites the score index from the latest scores."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["rebuild"])

    def handle(self, *args: Any, **options: Any) -> None:
        n = score_facts_rebuild()
        self.stdout.write(f"score index rebuilt for {n} scored assessments")
