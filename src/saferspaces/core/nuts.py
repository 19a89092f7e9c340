"""Parse the NUTS classification file published by Eurostat (the 2021-2024 correspondence layout).

The file is ``;``-separated UTF-8 (often with a byte-order mark) with the header
``Country code;NUTS Code;NUTS label;NUTS level;Country order;#``. It contains empty rows
(``;;;;;;;``) and Extra-Regio codes (``FRZ``, ``FRZZ``, ``FRZZZ``) which are dropped. Every other
problem is collected with its line number; nothing is returned unless the whole file is sound.

:func:`nuts_coverage_check` then tells a whole classification from a part of one (a file cut
short, some countries only): a NUTS 1 or NUTS 2 region without regions under it, EU countries
missing, counts that are not those of a classification Eurostat published.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from saferspaces.core.limits import LINE_MAX_CHARS
from saferspaces.core.opendata.readers.common import NotUtf8, utf8_decode

REQUIRED_COLUMNS = ("Country code", "NUTS Code", "NUTS label", "NUTS level")
CODE_PATTERN = re.compile(r"^[A-Z]{2}[A-Z0-9]{0,3}$")

#: The EU-27 countries by their NUTS codes (Greece is EL).
EU_COUNTRIES = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "EL",
        "ES",
        "FI",
        "FR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
    ]
)
#: Regions of the EU-27 (NUTS 1, NUTS 2, NUTS 3) in each classification Eurostat published for
#: them (docs/data-sources.md, "NUTS registry"), newest first.
NUTS_CLASSIFICATIONS: dict[str, tuple[int, int, int]] = {
    "NUTS 2024": (92, 244, 1165),
    "NUTS 2021": (92, 242, 1166),
}


@dataclass(frozen=True)
class NutsRecord:
    code: str
    label: str
    level: int
    country_code: str
    line: int

    @property
    def parent_code(self) -> str | None:
        return self.code[:-1] if self.level > 1 else None

    @property
    def level_name(self) -> str:
        return f"NUTS {self.level}"


@dataclass(frozen=True)
class NutsProblem:
    """A problem on ``line``, in the named ``column`` or at character ``char`` (1-based)."""

    line: int
    column: str | None
    message: str
    char: int | None = None

    def __str__(self) -> str:
        where = f"line {self.line}"
        if self.char is not None:
            where += f", column {self.char}"
        if self.column:
            where += f", column '{self.column}'"
        return f"{where}: {self.message}"


@dataclass
class NutsParseResult:
    records: list[NutsRecord] = field(default_factory=list)
    problems: list[NutsProblem] = field(default_factory=list)
    empty_rows: int = 0
    extra_regio: int = 0

    def count_by_level(self) -> dict[int, int]:
        counts = {1: 0, 2: 0, 3: 0}
        for record in self.records:
            counts[record.level] = counts.get(record.level, 0) + 1
        return counts


class NutsFileError(ValueError):
    """The NUTS file cannot be imported; ``problems`` lists every problem with its line."""

    def __init__(self, source: str, problems: list[NutsProblem]) -> None:
        self.source = source
        self.problems = problems
        shown = "\n".join(f"  {source}, {problem}" for problem in problems[:50])
        more = f"\n  ... and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"{len(problems)} problem(s) in {source}:\n{shown}{more}")


def is_extra_regio(code: str) -> bool:
    """Extra-Regio codes are the country code followed only by ``Z`` (``FRZ``, ``FRZZ``, ``FRZZZ``)."""
    rest = code[2:]
    return bool(rest) and set(rest) == {"Z"}


def nuts_parse(*, lines: Iterable[str], source: str = "<input>") -> NutsParseResult:
    """Parse and validate NUTS rows; raise :class:`NutsFileError` with all problems found."""
    result = NutsParseResult()
    reader = csv.reader(_bounded(lines, source), delimiter=";")
    try:
        header = next(reader)
    except StopIteration:
        raise NutsFileError(source, [NutsProblem(1, None, "the file is empty")]) from None
    except csv.Error as error:
        raise NutsFileError(
            source, [NutsProblem(1, None, f"not a ;-separated file ({error})")]
        ) from None
    header = [column.strip().lstrip("\ufeff") for column in header]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise NutsFileError(
            source,
            [
                NutsProblem(
                    1,
                    None,
                    f"missing column(s) {', '.join(repr(m) for m in missing)}; "
                    f"expected a header like 'Country code;NUTS Code;NUTS label;NUTS level'",
                )
            ],
        )
    index = {name: header.index(name) for name in REQUIRED_COLUMNS}
    seen: dict[str, int] = {}
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                result.empty_rows += 1
                continue
            if len(row) <= max(index.values()):
                result.problems.append(
                    NutsProblem(
                        line,
                        None,
                        f"expected at least {max(index.values()) + 1} columns, found {len(row)}",
                    )
                )
                continue
            country = row[index["Country code"]].strip().upper()
            code = row[index["NUTS Code"]].strip().upper()
            label = row[index["NUTS label"]].strip()
            level_text = row[index["NUTS level"]].strip()
            if not code:
                result.problems.append(NutsProblem(line, "NUTS Code", "empty code"))
                continue
            if is_extra_regio(code):
                result.extra_regio += 1
                continue
            row_problems = []
            if not CODE_PATTERN.match(code):
                row_problems.append(
                    NutsProblem(
                        line,
                        "NUTS Code",
                        f"'{code}' is not a NUTS code (two letters, then up to three letters or digits)",
                    )
                )
            try:
                level = int(level_text)
            except ValueError:
                level = -1
            if level not in (1, 2, 3):
                row_problems.append(
                    NutsProblem(line, "NUTS level", f"'{level_text}' is not 1, 2 or 3")
                )
            elif CODE_PATTERN.match(code) and len(code) != 2 + level:
                row_problems.append(
                    NutsProblem(
                        line,
                        "NUTS level",
                        f"code '{code}' has {len(code) - 2} character(s) after the country, level {level} needs {level}",
                    )
                )
            if country and not code.startswith(country):
                row_problems.append(
                    NutsProblem(
                        line,
                        "Country code",
                        f"code '{code}' does not start with country code '{country}'",
                    )
                )
            if not label:
                row_problems.append(NutsProblem(line, "NUTS label", "empty label"))
            if code in seen:
                row_problems.append(
                    NutsProblem(
                        line, "NUTS Code", f"'{code}' appears twice (first on line {seen[code]})"
                    )
                )
            if row_problems:
                result.problems.extend(row_problems)
                continue
            seen[code] = line
            result.records.append(
                NutsRecord(code=code, label=label, level=level, country_code=code[:2], line=line)
            )
    except csv.Error as error:
        result.problems.append(NutsProblem(reader.line_num, None, f"unreadable row ({error})"))
    codes = {record.code for record in result.records}
    for record in result.records:
        parent = record.parent_code
        if parent is not None and parent not in codes:
            result.problems.append(
                NutsProblem(
                    record.line,
                    "NUTS Code",
                    f"parent region '{parent}' of '{record.code}' is not in the file",
                )
            )
    if not result.records and not result.problems:
        result.problems.append(NutsProblem(1, None, "no NUTS regions found in the file"))
    if result.problems:
        raise NutsFileError(source, result.problems)
    return result


def _bounded(lines: Iterable[str], source: str) -> Iterator[str]:
    """The lines, refusing one longer than :data:`LINE_MAX_CHARS` with its number."""
    for number, line in enumerate(lines, start=1):
        if len(line.rstrip("\r\n")) > LINE_MAX_CHARS:
            raise NutsFileError(
                source,
                [
                    NutsProblem(
                        number,
                        None,
                        f"the line is longer than {LINE_MAX_CHARS:,} characters: "
                        "is it the NUTS classification file?",
                    )
                ],
            )
        yield line


def nuts_parse_bytes(*, data: bytes, source: str) -> NutsParseResult:
    try:
        text = utf8_decode(data=data)
    except NotUtf8 as error:
        raise NutsFileError(
            source, [NutsProblem(error.line, None, error.message, char=error.column)]
        ) from None
    return nuts_parse(lines=io.StringIO(text, newline=""), source=source)


def nuts_coverage_check(*, result: NutsParseResult, source: str) -> None:
    """Refuse a file that holds only part of a classification, saying why.

    A file cut at a row boundary parses cleanly (every region comes after its parent), so the
    parse cannot see it. This check does: every NUTS 1 region has NUTS 2 regions under it and
    every NUTS 2 region NUTS 3 regions; the EU countries are all there; the number of EU regions
    at each level is that of a published classification (:data:`NUTS_CLASSIFICATIONS`).
    """
    problems: list[NutsProblem] = []
    parents = {record.parent_code for record in result.records}
    below = {1: "NUTS 2", 2: "NUTS 3"}
    for record in result.records:
        if record.level in below and record.code not in parents:
            problems.append(
                NutsProblem(
                    record.line,
                    "NUTS Code",
                    f"{record.level_name} region '{record.code}' has no {below[record.level]} "
                    "region in the file",
                )
            )
    counts = [0, 0, 0]
    countries = set()
    for record in result.records:
        if record.country_code in EU_COUNTRIES:
            counts[record.level - 1] += 1
            countries.add(record.country_code)
    if tuple(counts) not in NUTS_CLASSIFICATIONS.values():
        last = max((record.line for record in result.records), default=1)
        known = "; ".join(
            f"{name} has {n1} NUTS 1, {n2} NUTS 2 and {n3:,} NUTS 3 regions"
            for name, (n1, n2, n3) in NUTS_CLASSIFICATIONS.items()
        )
        message = (
            f"the file has {counts[0]} NUTS 1, {counts[1]} NUTS 2 and {counts[2]:,} NUTS 3 "
            f"regions in EU countries; {known}"
        )
        missing = sorted(EU_COUNTRIES - countries)
        if missing:
            message += (
                f"; {len(missing)} of the {len(EU_COUNTRIES)} EU countries are missing "
                f"({', '.join(missing)})"
            )
        problems.append(NutsProblem(last, None, message))
    if problems:
        problems.append(
            NutsProblem(
                max((record.line for record in result.records), default=1),
                None,
                "the file holds only part of the classification: cut short (an interrupted "
                "download?) or a selection. Import the whole file from Eurostat, or use "
                "--partial to import a part on purpose",
            )
        )
        raise NutsFileError(source, problems)
