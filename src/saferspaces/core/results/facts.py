"""What every result model returns: a long-form list of facts, an explanation per unit, and
warnings (:class:`ResultSet`).

A fact is one number about one unit (an assessment): ``(unit, node, measure, value)`` plus what
it needs to be read and explained: the ``category`` it counts or places (a choice, a band, a
level), the repeat ``instance`` it is about (``SITES[2]/SCENARIOS[1]``), its ``parent`` node and
``depth`` (1 = a top-level dimension; items below their holder), its ``coverage`` (share of what
it needs that was available), ``n`` (how many answers it rests on) and, when ``value`` is None,
the ``reason``. No fact is a position among units: no model ranks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

EXPLANATION_FORMAT = "saferspaces-result-explanation/1"


class Fact(NamedTuple):
    """One fact (immutable). A named tuple rather than a frozen dataclass: a round of 10,000
    assessments of the first edition makes 1.41 million of them, and a frozen dataclass takes
    about seven times as long to build (4 s of the round's computation)."""

    unit: str
    node: str
    measure: str
    value: float | None
    category: str = ""
    instance: str = ""
    parent: str | None = None
    depth: int = 0
    coverage: float | None = None
    n: int | None = None
    reason: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """A JSON-able row (the shape of the long-form index)."""
        return {k: getattr(self, k) for k in FACT_FIELDS}


FACT_FIELDS = Fact._fields


class LazyExplanations(Mapping[str, Mapping[str, Any]]):
    """Explanations made when a unit's is read, not kept: a round of 10,000 units can be
    written unit by unit without holding every explanation in memory."""

    def __init__(self, units: Sequence[str], make: Callable[[str], Mapping[str, Any]]) -> None:
        self._units = tuple(units)
        self._known = frozenset(self._units)
        self._make = make

    def __getitem__(self, unit: str) -> Mapping[str, Any]:
        if unit not in self._known:
            raise KeyError(unit)
        return self._make(unit)

    def __iter__(self) -> Iterator[str]:
        return iter(self._units)

    def __len__(self) -> int:
        return len(self._units)


@dataclass(frozen=True)
class ResultWarning:
    """Something a reader of the results should know (never a failure)."""

    code: str
    message: str
    unit: str | None = None
    node: str | None = None


@dataclass(frozen=True)
class ResultSet:
    """The results of one computation over the units given, by one result model."""

    model: str
    edition_id: str
    family: str
    facts: tuple[Fact, ...]
    explanations: Mapping[str, Mapping[str, Any]]
    warnings: tuple[ResultWarning, ...] = ()
    meta: Mapping[str, Any] = field(default_factory=dict)  # JSON-able: what produced them

    def facts_of(self, unit: str) -> tuple[Fact, ...]:
        return tuple(f for f in self.facts if f.unit == unit)

    def value(
        self, *, unit: str, node: str, measure: str, category: str = "", instance: str = ""
    ) -> float | None:
        """The value of one fact (None when absent or without a value)."""
        for f in self.facts:
            if (f.unit, f.node, f.measure, f.category, f.instance) == (
                unit,
                node,
                measure,
                category,
                instance,
            ):
                return f.value
        return None
