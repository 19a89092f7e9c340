"""``opendata import SOURCE [--file PATH | --from-api] [--since YEAR]`` and ``opendata status``.

Bad arguments and failed imports become a :class:`CommandError` with a clear message (non-zero
exit, never a traceback); a failed import is recorded all the same and changes nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser

from saferspaces.core.opendata import SOURCES, Progress


class _ProgressLine:
    """A one-line text progress indicator on stderr: step, bar, bytes and values."""

    WIDTH = 30

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.last = ""
        self.mark: tuple[str, int] = ("", -1)
        self.tty = bool(getattr(stream, "isatty", lambda: False)())

    def __call__(self, event: Progress) -> None:
        fraction = event.fraction
        if fraction is not None:
            filled = int(fraction * self.WIDTH)
            bar = "[" + "#" * filled + "." * (self.WIDTH - filled) + f"] {fraction:4.0%}"
        else:
            bar = f"{event.bytes_read // 1024} KiB"
        line = f"{event.step:<7} {bar} {event.observations} values"
        if line == self.last:
            return
        if not self.tty:
            # in a log, one line per step and per tenth of the file
            mark = (event.step, int((fraction or 0) * 10))
            if mark == self.mark:
                return
            self.mark = mark
        self.last = line
        self.stream.write(("\r" + line) if self.tty else (line + "\n"))
        self.stream.flush()

    def done(self) -> None:
        if self.tty and self.last:
            self.stream.write("\n")


def _year(text: str) -> int:
    import argparse

    if not text.isdigit() or not 1900 <= int(text) <= 2100:
        raise argparse.ArgumentTypeError(f"{text!r} is not a year such as 2015")
    return int(text)


class Command(BaseCommand):
    help = "Import Eurostat open data and show the state of every source."
    # A data import needs the models, not the URL and template checks, which import every
    # page's code (and the statistics libraries under it): skipping them lets a refused file be
    # reported within the bounds of docs/operations.md ("Limits on input").
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        p = sub.add_parser("import", help="import one source from a file or the Eurostat API")
        p.add_argument("source", help=f"one of: {', '.join(sorted(SOURCES))}")
        where = p.add_mutually_exclusive_group(required=True)
        where.add_argument("--file", type=Path, help="a downloaded .tsv, .tsv.gz or .json file")
        where.add_argument(
            "--from-api", action="store_true", help="fetch from Eurostat's API (needs network)"
        )
        p.add_argument("--since", type=_year, help="first year to load, e.g. 2015")
        p.add_argument("--quiet", action="store_true", help="no progress indicator")
        sub.add_parser("status", help="the last import of every source")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "import":
            self._import(options)
        else:
            self._status()

    def _import(self, o: dict[str, Any]) -> None:
        from saferspaces.opendata.services import OpenDataImportError, opendata_import

        if o["source"] not in SOURCES:
            raise CommandError(
                f"unknown source {o['source']!r}; known sources: {', '.join(sorted(SOURCES))}"
            )
        if o["file"] is not None and not Path(o["file"]).is_file():
            raise CommandError(f"{o['file']}: no such file")
        stream = getattr(self.stderr, "_out", sys.stderr)
        progress = None if o["quiet"] else _ProgressLine(stream)
        try:
            run = opendata_import(
                source=o["source"],
                file=o["file"],
                from_api=o["from_api"],
                since=o["since"],
                progress=progress,
            )
        except OpenDataImportError as exc:
            if progress is not None:
                progress.done()
            recorded = ""
            if exc.run is not None:
                loaded = "" if "nothing was loaded" in exc.message else "; nothing was loaded"
                recorded = f" (recorded as run {exc.run.pk}{loaded})"
            raise CommandError(f"{exc.message}{recorded}") from None
        if progress is not None:
            progress.done()
        self.stdout.write(
            f"run {run.pk}: {run.source} ({run.dataset}) {run.status}; read {run.read_count}, "
            f"loaded {run.loaded_count}, skipped {run.skipped_count}, missing {run.missing_count}, "
            f"flagged {run.flagged_count}, derived {run.derived_count}"
        )
        for warning in run.warnings:
            self.stdout.write(f"warning: {warning}")

    def _status(self) -> None:
        from saferspaces.opendata.selectors import source_status

        rows = [
            (
                "SOURCE",
                "LAST RUN",
                "STATUS",
                "READ",
                "LOADED",
                "SKIPPED",
                "MISSING",
                "LAST OK",
                "STORED",
            )
        ]
        for s in source_status():
            run, ok = s.last_run, s.last_ok
            rows.append(
                (
                    s.name,
                    f"#{run.pk} {run.started_at:%Y-%m-%d %H:%M}" if run else "never",
                    run.status if run else "-",
                    str(run.read_count) if run else "-",
                    str(run.loaded_count) if run else "-",
                    str(run.skipped_count) if run else "-",
                    str(run.missing_count) if run else "-",
                    f"#{ok.pk} {ok.started_at:%Y-%m-%d}" if ok else "-",
                    str(s.observations),
                )
            )
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        for r in rows:
            cells = [cell.ljust(w) for cell, w in zip(r, widths, strict=True)]
            self.stdout.write("  ".join(cells).rstrip())
