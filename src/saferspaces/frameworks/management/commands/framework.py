"""``framework validate|diff|export-xlsform|import-xlsform|json-schema|load|sync-bundled``.

Parses arguments, calls the pure core (:mod:`saferspaces.core.framework`) or the services, and
prints. Invalid files become a :class:`CommandError` carrying the full report (non-zero exit,
never a traceback).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from saferspaces.core.framework import FrameworkValidationError, edition_load, problems_report
from saferspaces.core.framework.diff import diff_report, edition_diff
from saferspaces.core.framework.dump import edition_dump
from saferspaces.core.framework.xlsform_export import xlsform_export
from saferspaces.core.framework.xlsform_import import xlsform_import
from saferspaces.core.limits import EDITION_FILE_MAX_BYTES, InputError
from saferspaces.core.safeload.text import file_read


class Command(BaseCommand):
    help = "Validate, compare, convert and store self-assessment framework editions."
    # a file tool: Django's system checks import every view (and scipy), tripling the time
    # of refusing a bad file; ``saferspaces check`` runs them
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        p = sub.add_parser("validate", help="validate an edition file (YAML)")
        p.add_argument("file", type=Path)
        p = sub.add_parser("diff", help="what changed from OLD to NEW")
        p.add_argument("old", type=Path)
        p.add_argument("new", type=Path)
        p.add_argument("--all", action="store_true", help="also list unchanged indicators")
        p = sub.add_parser("export-xlsform", help="export an edition as an XLSForm")
        p.add_argument("file", type=Path)
        p.add_argument("--out", required=True, type=Path)
        p = sub.add_parser("import-xlsform", help="import an XLSForm as an edition file")
        p.add_argument("xlsx", type=Path)
        p.add_argument("--out", required=True, type=Path)
        sub.add_parser("json-schema", help="print the JSON Schema of an edition file (editors)")
        p = sub.add_parser("load", help="validate an edition file and store it in the database")
        p.add_argument("file", type=Path)
        sub.add_parser("sync-bundled", help="store every bundled edition (idempotent)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, "_" + options["action"].replace("-", "_"))(options)
        except FrameworkValidationError as exc:
            raise CommandError("\n" + problems_report(problems=exc.problems)) from None
        except InputError as exc:
            raise CommandError(str(exc)) from None
        except OSError as exc:
            raise CommandError(f"{exc.filename or ''}: {exc.strerror or exc}") from None

    def _validate(self, o: dict[str, Any]) -> None:
        e = edition_load(path=o["file"])
        n = sum(1 for _ in e.indicators())
        self.stdout.write(
            f"{o['file']}: valid edition {e.id} ({e.date.isoformat()}): {n} indicators, "
            f"{len(e.checklist)} checklist items, languages {', '.join(e.languages)}"
        )

    def _diff(self, o: dict[str, Any]) -> None:
        old = edition_load(path=o["old"])
        new = edition_load(path=o["new"], previous=old)
        self.stdout.write(
            diff_report(diff=edition_diff(old=old, new=new), verbose=o["all"]), ending=""
        )

    def _export_xlsform(self, o: dict[str, Any]) -> None:
        e = edition_load(path=o["file"])
        with open(o["out"], "wb") as fh:
            xlsform_export(edition=e, out=fh)
        self.stdout.write(f"{o['out']}: XLSForm of edition {e.id}")

    def _import_xlsform(self, o: dict[str, Any]) -> None:
        e = xlsform_import(path=o["xlsx"])
        Path(o["out"]).write_text(edition_dump(edition=e), encoding="utf-8")
        self.stdout.write(f"{o['out']}: edition {e.id}")

    def _json_schema(self, o: dict[str, Any]) -> None:
        from saferspaces.core.framework.json_schema import edition_json_schema

        self.stdout.write(json.dumps(edition_json_schema(), indent=2, ensure_ascii=False))

    def _load(self, o: dict[str, Any]) -> None:
        from saferspaces.frameworks.services import FrameworkUploadError, framework_edition_upload

        path: Path = o["file"]
        try:
            content = file_read(path=path, max_bytes=EDITION_FILE_MAX_BYTES)
            row = framework_edition_upload(user=None, filename=path.name, content=content)
        except FrameworkUploadError as exc:
            report = "\n" + problems_report(problems=exc.problems) if exc.problems else ""
            raise CommandError(f"{path}: {exc.message}{report}") from None
        self.stdout.write(f"stored edition {row.edition_id}")

    def _sync_bundled(self, o: dict[str, Any]) -> None:
        from saferspaces.frameworks.services import framework_editions_sync_bundled

        r = framework_editions_sync_bundled()
        self.stdout.write(
            f"created: {', '.join(r.created) or '-'}; updated: {', '.join(r.updated) or '-'}; "
            f"unchanged: {', '.join(r.unchanged) or '-'}; conflicts: {', '.join(r.conflicts) or '-'}"
        )
