"""The typed observation every reader yields."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import NamedTuple


class DataFormat(StrEnum):
    """The file formats Eurostat serves that the readers understand."""

    LEGACY_TSV = "legacy-tsv"
    SDMX_TSV = "sdmx-tsv"
    JSON_STAT = "json-stat"


#: Dimension names that hold the geography in Eurostat datasets, most usual first.
GEO_DIMENSIONS: tuple[str, ...] = ("geo", "cities")

#: The key under which :attr:`Observation.dimensions` gives the time period.
TIME_KEY = "time"


class Observation(NamedTuple):
    """One cell of a Eurostat dataset.

    A ``NamedTuple`` rather than a dataclass: readers create millions of these and tuple
    construction is several times cheaper, while staying immutable and typed.

    ``series`` holds the non-time dimensions (shared by all cells of one row, read-only);
    ``value`` is ``None`` where Eurostat has ``:`` (not available); ``flags`` keeps every flag
    letter in the order given. ``line``/``column`` locate the cell in the source (1-based; for
    JSON-stat ``line`` is ``None`` and ``column`` is the flat index in ``value``).
    """

    dataset: str
    series: Mapping[str, str]
    geo: str
    time: str
    value: float | None
    flags: tuple[str, ...]
    line: int | None
    column: int | None

    @property
    def dimensions(self) -> dict[str, str]:
        """All dimension values, including the geography and ``time``."""
        merged = dict(self.series)
        merged[TIME_KEY] = self.time
        return merged

    @property
    def year(self) -> int | None:
        """The calendar year of the time period (``2019``, ``2019-Q1``, ``2019-01`` all give 2019)."""
        head = self.time[:4]
        return int(head) if head.isdigit() else None

    @property
    def missing(self) -> bool:
        return self.value is None
