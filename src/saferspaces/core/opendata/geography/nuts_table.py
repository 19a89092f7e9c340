"""Reader for the NUTS classification table (``NUTS2021-NUTS2024.csv`` layout).

``;``-separated, UTF-8 with BOM, columns ``Country code;NUTS Code;NUTS label;NUTS level;...``.
Empty rows (``;;;;;;;``) and extra-regio codes (ending in ``Z``) are dropped.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import IO, Any

from saferspaces.core.opendata.errors import GeographyError, Location, ParseError, Problem
from saferspaces.core.opendata.geography.codes import GeoLevel, NutsCode, nuts_parse
from saferspaces.core.opendata.readers.common import lines_read


@dataclass(frozen=True, slots=True)
class NutsRegion:
    code: str
    label: str
    level: GeoLevel
    country: str


@dataclass(frozen=True, slots=True)
class NutsTable:
    regions: Mapping[str, NutsRegion]

    def get(self, code: str) -> NutsRegion | None:
        return self.regions.get(code.strip().upper())

    def count(self, *, level: GeoLevel) -> int:
        return sum(1 for region in self.regions.values() if region.level is level)


def nuts_table_read(*, stream: IO[Any], source: str = "") -> NutsTable:
    """Read the NUTS table; every malformed row is reported at once in one :class:`ParseError`."""
    lines = (text for _line, text in lines_read(stream=stream, source=source))
    reader = csv.reader(lines, delimiter=";")
    header = next(reader, None)
    if header is None or [h.strip().lstrip("\ufeff") for h in header[:4]] != [
        "Country code",
        "NUTS Code",
        "NUTS label",
        "NUTS level",
    ]:
        raise ParseError(
            "expected the header 'Country code;NUTS Code;NUTS label;NUTS level;...'",
            location=Location(source, line=1, column=1),
        )
    regions: dict[str, NutsRegion] = {}
    problems: list[Problem] = []
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < 4:
            problems.append(
                Problem(Location(source, line), f"{len(row)} columns, expected 4 or more")
            )
            continue
        code, label, level_text = row[1].strip(), row[2].strip(), row[3].strip()
        try:
            nuts: NutsCode = nuts_parse(code=code)
        except GeographyError as exc:
            problems.append(Problem(Location(source, line, 2), exc.message))
            continue
        if nuts.extra_regio or code.endswith("Z"):
            continue
        if not level_text.isdigit() or int(level_text) != nuts.depth:
            problems.append(
                Problem(Location(source, line, 4), f"level {level_text!r} does not fit code {code}")
            )
            continue
        if code in regions:
            problems.append(Problem(Location(source, line, 2), f"{code} appears twice"))
            continue
        regions[code] = NutsRegion(code, label, nuts.level, nuts.country)
    if problems:
        raise ParseError(
            "the NUTS table has malformed rows", location=Location(source), problems=problems
        )
    return NutsTable(MappingProxyType(regions))
