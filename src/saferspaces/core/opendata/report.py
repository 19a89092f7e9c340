"""What an import run records: the run report, progress events and derived values."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import NamedTuple

from saferspaces.core.opendata.errors import Problem
from saferspaces.core.opendata.geography.codes import GeoLevel


class RunStatus(StrEnum):
    SUCCEEDED = "succeeded"
    SUCCEEDED_WITH_WARNINGS = "succeeded-with-warnings"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class RunCounts:
    """``read``: cells read; ``kept``: loaded; ``skipped``: dropped by filters or ``--since``;
    ``missing``: loaded cells without a value (``:``); ``flagged``: loaded cells with a flag;
    ``malformed``: rows or cells that could not be read; ``derived``: derived values made."""

    read: int = 0
    kept: int = 0
    skipped: int = 0
    missing: int = 0
    flagged: int = 0
    malformed: int = 0
    derived: int = 0


@dataclass(frozen=True, slots=True)
class RunReport:
    """One import run, as recorded and shown to coordinators."""

    source: str
    dataset: str
    location: str
    retrieved_at: datetime
    finished_at: datetime
    status: RunStatus
    fmt: str = ""
    since: int | None = None
    counts: RunCounts = field(default_factory=RunCounts)
    flag_counts: Mapping[str, int] = field(default_factory=dict)
    time_periods: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not RunStatus.FAILED

    def summary(self) -> str:
        c = self.counts
        text = (
            f"{self.source} ({self.dataset}) from {self.location}: {self.status.value}; "
            f"read {c.read}, kept {c.kept}, skipped {c.skipped}, missing {c.missing}, "
            f"flagged {c.flagged}, malformed {c.malformed}, derived {c.derived}"
        )
        if self.error:
            text += f"\n{self.error}"
        return text


@dataclass(frozen=True, slots=True)
class Progress:
    """A progress event: ``step`` is fetch, parse, derive or report."""

    step: str
    bytes_read: int
    bytes_total: int | None
    observations: int

    @property
    def fraction(self) -> float | None:
        if not self.bytes_total:
            return None
        return min(1.0, self.bytes_read / self.bytes_total)


class DerivedValue(NamedTuple):
    """A framework indicator value computed from a dataset, with its provenance.

    A ``NamedTuple`` for the same reason as :class:`Observation`: imports make many of them.
    """

    source: str
    dataset: str
    indicator: str
    label: str
    geo: str
    geo_level: GeoLevel | None
    time: str
    value: float | None
    flags: tuple[str, ...]
    context: Mapping[str, str]
    inputs: tuple[str, ...]
    method: str
    verified: bool
