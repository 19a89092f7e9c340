"""Suggest Urban Audit city codes for an authority from population figures.

Eurostat's TSV files carry codes, not names, so a city code cannot be matched by name. What
the files do carry is each city's population (``urb_cpop1``, ``DE1001V``): the city codes of
the authority's country whose latest population is closest to the authority's registered
population are likely candidates. When a table of the NUTS 3 region of each city code is
available, codes in the authority's own NUTS 3 region come first.

The result is a short list of *suggestions* a person confirms; it is ordered internally by
closeness and never shown as a ranking.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from saferspaces.core.opendata.errors import GeographyError
from saferspaces.core.opendata.geography.codes import GeoLevel, urban_audit_parse

#: Candidates further than this factor from the registered population are not suggested.
DEFAULT_MAX_FACTOR = 2.0
DEFAULT_LIMIT = 3


@dataclass(frozen=True, slots=True)
class CityPopulation:
    """The latest published population of one Urban Audit city code."""

    code: str
    population: float
    year: int
    flags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PopulationCandidate:
    """A city code suggested for an authority, with the figures that justify it."""

    code: str
    population: float
    year: int
    flags: tuple[str, ...]
    #: the city's population divided by the authority's registered population
    ratio: float
    #: True/False when the NUTS 3 region of the code is known, None when it is not
    same_nuts3: bool | None

    @property
    def difference_percent(self) -> float:
        """How far the city's population is from the registered one, in percent (signed)."""
        return (self.ratio - 1.0) * 100.0


def city_population_latest(
    *, rows: Iterable[tuple[str, int | None, float | None, tuple[str, ...]]]
) -> dict[str, CityPopulation]:
    """The latest year with a value for each Urban Audit *city* code (``C``).

    ``rows`` are ``(geo, year, value, flags)`` of the population code; greater cities,
    functional urban areas, countries and rows without a year or value are skipped.
    """
    latest: dict[str, CityPopulation] = {}
    for geo, year, value, flags in rows:
        if year is None or value is None or not math.isfinite(value) or value <= 0:
            continue
        try:
            code = urban_audit_parse(code=geo)
        except GeographyError:
            continue
        if code.level is not GeoLevel.CITY:
            continue
        known = latest.get(code.code)
        if known is None or year > known.year:
            latest[code.code] = CityPopulation(code.code, float(value), year, tuple(flags))
    return latest


def city_population_suggest(
    *,
    population: int | None,
    country: str,
    cities: Mapping[str, CityPopulation],
    nuts3: str | None = None,
    nuts3_of: Mapping[str, str] | None = None,
    limit: int = DEFAULT_LIMIT,
    max_factor: float = DEFAULT_MAX_FACTOR,
) -> tuple[PopulationCandidate, ...]:
    """Up to ``limit`` city codes of ``country`` whose population is within ``max_factor`` of
    the registered ``population``: codes in the authority's NUTS 3 region first (when
    ``nuts3_of`` maps codes to regions), then the closest population (on a ratio scale, so
    90 000 and 110 000 are equally close to 100 000's neighbours), then the code.

    Empty when the registered population is unknown or no city is close enough.
    """
    if not population or population <= 0 or limit <= 0:
        return ()
    if max_factor < 1.0:
        raise ValueError("max_factor must be at least 1")
    country = country.upper()
    bound = math.log(max_factor)
    scored: list[tuple[int, float, str, PopulationCandidate]] = []
    for code, city in cities.items():
        if not code.upper().startswith(country):
            continue
        distance = abs(math.log(city.population / population))
        if distance > bound + 1e-12:
            continue
        same: bool | None = None
        if nuts3_of is not None and nuts3 and code in nuts3_of:
            same = nuts3_of[code].upper() == nuts3.upper()
        candidate = PopulationCandidate(
            code=code,
            population=city.population,
            year=city.year,
            flags=city.flags,
            ratio=city.population / population,
            same_nuts3=same,
        )
        scored.append((0 if same else 1, distance, code, candidate))
    scored.sort(key=lambda item: item[:3])
    return tuple(item[3] for item in scored[:limit])
