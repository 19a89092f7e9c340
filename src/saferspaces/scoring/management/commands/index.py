"""``index build|sensitivity``: the pure core's command (:mod:`saferspaces.core.scoring.cli`)
for ``call_command``; ``saferspaces index ...`` runs the same code without setting Django up.
The core's failures become a :class:`CommandError` with their message (non-zero exit, no
traceback)."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from saferspaces.core.commands import INDEX_HELP, CommandFailed, index_arguments_add


class Command(BaseCommand):
    help = INDEX_HELP
    # a file tool: Django's system checks import every view; ``saferspaces check`` runs them
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        index_arguments_add(
            parser.add_subparsers(dest="action", required=True, metavar="{build,sensitivity}")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from saferspaces.core.scoring.cli import index_run

        try:
            index_run(args=argparse.Namespace(**options), out=self.stdout, err=self.stderr)
        except CommandFailed as exc:
            raise CommandError(exc.message) from None
