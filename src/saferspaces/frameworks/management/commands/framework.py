"""``framework validate|diff|export-xlsform|import-xlsform|json-schema|docs-tables|load|sync-bundled``.

The file actions are the pure core's (:func:`saferspaces.core.framework.cli.framework_run`, the
grammar in :mod:`saferspaces.core.commands`): ``saferspaces framework validate ...`` runs them
without setting Django up, and this command runs the same code for ``call_command``. ``load``
and ``sync-bundled`` store editions through the services. Invalid files become a
:class:`CommandError` carrying the full report (non-zero exit, never a traceback).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from saferspaces.core.commands import (
    FRAMEWORK_FILE_ACTIONS,
    FRAMEWORK_HELP,
    CommandFailed,
    framework_arguments_add,
)


class Command(BaseCommand):
    help = FRAMEWORK_HELP
    # a file tool: Django's system checks import every view (and scipy), tripling the time
    # of refusing a bad file; ``saferspaces check`` runs them
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        framework_arguments_add(sub)
        p = sub.add_parser("load", help="validate an edition file and store it in the database")
        p.add_argument("file", type=Path)
        sub.add_parser("sync-bundled", help="store every bundled edition (idempotent)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] in FRAMEWORK_FILE_ACTIONS:
                from saferspaces.core.framework.cli import framework_run

                framework_run(args=argparse.Namespace(**options), out=self.stdout)
            elif options["action"] == "load":
                self._load(options["file"])
            else:
                self._sync_bundled()
        except CommandFailed as exc:
            raise CommandError(("\n" if exc.report else "") + exc.message) from None

    def _load(self, path: Path) -> None:
        from saferspaces.core.framework import FrameworkValidationError, problems_report
        from saferspaces.core.limits import EDITION_FILE_MAX_BYTES, InputError
        from saferspaces.core.safeload.text import file_read
        from saferspaces.frameworks.services import FrameworkUploadError, framework_edition_upload

        try:
            content = file_read(path=path, max_bytes=EDITION_FILE_MAX_BYTES)
            row = framework_edition_upload(user=None, filename=path.name, content=content)
        except FrameworkUploadError as exc:
            report = "\n" + problems_report(problems=exc.problems) if exc.problems else ""
            raise CommandError(f"{path}: {exc.message}{report}") from None
        except FrameworkValidationError as exc:
            raise CommandError("\n" + problems_report(problems=exc.problems)) from None
        except InputError as exc:
            raise CommandError(str(exc)) from None
        except OSError as exc:
            raise CommandError(f"{exc.filename or ''}: {exc.strerror or exc}") from None
        self.stdout.write(f"stored edition {row.edition_id}")

    def _sync_bundled(self) -> None:
        from saferspaces.frameworks.services import framework_editions_sync_bundled

        r = framework_editions_sync_bundled()
        self.stdout.write(
            f"created: {', '.join(r.created) or '-'}; updated: {', '.join(r.updated) or '-'}; "
            f"unchanged: {', '.join(r.unchanged) or '-'}; conflicts: {', '.join(r.conflicts) or '-'}"
        )
        for edition_id, merged in r.merged.items():
            waiting = ", ".join(f"{k} ({n} missing)" for k, n in r.incomplete[edition_id].items())
            self.stdout.write(
                f"{edition_id}: texts merged from {', '.join(merged) or 'no language file'}; "
                f"not complete yet: {waiting or '-'}"
            )
        for problem in r.problems:
            self.stderr.write(problem)
