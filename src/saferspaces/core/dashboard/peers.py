"""Similar authorities, chosen on background conditions by criteria a person can see and change.

The method is a set of calipers, not a distance score: an authority is a peer when it meets
every criterion switched on, each against the target authority's own value:

- ``same_kind``: the same kind of authority (city, municipality, region...);
- ``same_level``: the same NUTS level of the region it sits in;
- ``same_country``;
- ``same_urbanisation``: the same degree of urbanisation (DEGURBA);
- ``population_factor`` f: population within [p / f, p x f];
- ``density_factor`` f: population density within [d / f, d x f];
- ``income_range`` r: income within [i x (1 - r), i x (1 + r)].

A criterion the target has no value for cannot be applied and is reported as ``unusable``;
a candidate without a value for an applied criterion is not a peer. The filter is plain data
(equalities and closed ranges) so that a database can apply it with indexes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# criterion -> the fact it reads
CRITERIA: Mapping[str, str] = {
    "same_kind": "kind",
    "same_level": "nuts_level",
    "same_country": "country",
    "same_urbanisation": "urbanisation",
    "population_factor": "population",
    "density_factor": "density",
    "income_range": "income",
}
FACTOR_CHOICES = (1.5, 2.0, 3.0, 5.0, 10.0)
INCOME_CHOICES = (0.1, 0.25, 0.5)


@dataclass(frozen=True)
class PeerFacts:
    """The background conditions of one authority in one round."""

    kind: str | None = None
    nuts_level: int | None = None
    country: str | None = None
    urbanisation: str | None = None
    population: float | None = None
    density: float | None = None
    income: float | None = None


@dataclass(frozen=True)
class PeerCriteria:
    same_kind: bool = True
    same_level: bool = False
    same_country: bool = False
    same_urbanisation: bool = False
    population_factor: float | None = 3.0
    density_factor: float | None = None
    income_range: float | None = None

    def active(self) -> tuple[str, ...]:
        return tuple(k for k in CRITERIA if getattr(self, k) not in (False, None))


@dataclass(frozen=True)
class PeerFilter:
    equal: Mapping[str, Any] = field(default_factory=dict)
    ranges: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    unusable: tuple[str, ...] = ()  # criteria switched on that the target has no value for


def peer_filter_build(*, target: PeerFacts, criteria: PeerCriteria) -> PeerFilter:
    """Equalities and ranges that a candidate's facts must meet to be a peer of ``target``."""
    equal: dict[str, Any] = {}
    ranges: dict[str, tuple[float, float]] = {}
    unusable: list[str] = []
    for key in criteria.active():
        fact = CRITERIA[key]
        mine = getattr(target, fact)
        setting = getattr(criteria, key)
        if mine is None:
            unusable.append(key)
        elif key.startswith("same_"):
            equal[fact] = mine
        elif key == "income_range":
            if not 0 < setting < 1:
                raise ValueError("income_range must be between 0 and 1")
            ranges[fact] = (mine * (1 - setting), mine * (1 + setting))
        else:
            if setting <= 1:
                raise ValueError(f"{key} must be greater than 1")
            ranges[fact] = (mine / setting, mine * setting)
    return PeerFilter(equal=equal, ranges=ranges, unusable=tuple(unusable))


def peer_filter_match(*, peer_filter: PeerFilter, facts: PeerFacts) -> bool:
    """Whether ``facts`` meet every equality and range of the filter."""
    for fact, want in peer_filter.equal.items():
        if getattr(facts, fact) != want:
            return False
    for fact, (lo, hi) in peer_filter.ranges.items():
        value = getattr(facts, fact)
        if value is None or not lo <= value <= hi:
            return False
    return True
