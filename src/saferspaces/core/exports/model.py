"""Plain rows the export builders take, and the tables they produce.

The Django side reads the database into these rows; the builders here never see a model. A
:class:`Table` holds its rows as an iterable that is consumed once (a generator for the big
tables), so a whole round never has to sit in memory.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from saferspaces.core.framework.model import Edition, Text

COLUMN_TYPES = ("string", "integer", "number", "boolean")
# how the whole export is anonymised
RULE_PUBLISHED_NAMED = "published_named"
RULE_ALL_CODED = "all_coded"
RULES = (RULE_PUBLISHED_NAMED, RULE_ALL_CODED)


@dataclass(frozen=True)
class Column:
    """One column of an exported table, described in the codebook."""

    name: str
    type: str  # one of COLUMN_TYPES
    label: Text
    allowed: str = ""  # allowed values, "a; b; c" (empty: any of the type)
    unit: str = ""


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    rows: Iterable[tuple[Any, ...]]

    @property
    def header(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


@dataclass(frozen=True)
class Unit:
    """An authority's assessment in the round, as the database holds it."""

    assessment: int
    authority: int
    name: str
    country: str
    nuts: str
    published: bool  # the authority agreed to be named with its results
    state: str = ""


@dataclass(frozen=True)
class CodedUnit:
    """A unit with its stable export code and whether the export names it."""

    code: str
    unit: Unit
    named: bool


@dataclass(frozen=True, slots=True)
class AnswerRow:
    code: str
    status: str  # answered | dont_know | not_applicable | not_collected
    value: Any = None
    comment: str = ""
    prefill: Mapping[str, Any] | None = None  # provenance of an accepted open-data value


@dataclass(frozen=True, slots=True)
class ScoreRow:
    node: str
    depth: int
    score: float | None
    perception: float | None
    status: float | None
    gap: float | None
    coverage: float | None


@dataclass(frozen=True)
class ProfileRow:
    kind: str
    nuts_level: int | None
    urbanisation: str
    population: float | None
    density: float | None
    income: float | None


@dataclass(frozen=True, slots=True)
class IndicatorValue:
    """What the scoring engine held for an indicator: the raw value and its 0-100 score."""

    value: Any
    score: float | None


@dataclass(frozen=True)
class ExportContext:
    """What the export is about and how it was made (shown in the codebook)."""

    round_id: int
    round_title: str
    edition: Edition
    edition_sha256: str
    pipeline_name: str
    pipeline_sha256: str
    data_as_of: (
        dt.datetime
    )  # the latest change in the round's data (never "now"): same data, same files
    year: int | None = None
    rule: str = RULE_PUBLISHED_NAMED
    overall: bool = False  # the round's pipeline adds an overall composite
