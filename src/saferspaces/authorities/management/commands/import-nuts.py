from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from saferspaces.authorities.services import nuts_import
from saferspaces.core.nuts import NutsFileError
from saferspaces.errors import DomainError


class Command(BaseCommand):
    help = (
        "Import the NUTS 2024 registry from Eurostat's ';'-separated file "
        "(e.g. NUTS2021-NUTS2024.csv). Drops empty rows and Extra-Regio codes; all or nothing; "
        "a file that holds only part of the classification is refused unless --partial."
    )

    # A data import needs the models, not the URL and template checks, which import every
    # page's code (and the statistics libraries under it): skipping them lets a refused file be
    # reported within the bounds of docs/operations.md ("Limits on input").
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="path to the NUTS CSV file")
        parser.add_argument(
            "--partial",
            action="store_true",
            help="import a file that holds only part of the classification (some countries) "
            "on purpose; without it such a file is refused as cut short",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            report = nuts_import(path=path, partial=options["partial"])
        except (NutsFileError, DomainError) as error:
            raise CommandError(f"nothing imported.\n{error}") from None
        self.stdout.write(
            self.style.SUCCESS(f"Imported NUTS registry from {path}: {report.summary()}")
        )
