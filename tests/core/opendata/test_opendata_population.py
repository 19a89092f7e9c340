"""Suggesting Urban Audit city codes from population (urb_cpop1 DE1001V rows)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from saferspaces.core.opendata import tsv_read
from saferspaces.core.opendata.geography import (
    CityPopulation,
    city_population_latest,
    city_population_suggest,
)

from .helpers import FIXTURES


def _rows() -> list[tuple[str, int | None, float | None, tuple[str, ...]]]:
    """The DE1001V cells of an urb_cpop1 file in Eurostat's SDMX TSV layout."""
    with (FIXTURES / "urb_cpop1_sdmx.tsv").open("rb") as stream:
        return [
            (o.geo, int(o.time), o.value, o.flags)
            for o in tsv_read(stream=stream, dataset="urb_cpop1")
            if o.series["indic_ur"] == "DE1001V"
        ]


@pytest.fixture(scope="module")
def cities() -> dict[str, CityPopulation]:
    return city_population_latest(rows=_rows())


def test_latest_population_per_city_code_only(cities: dict[str, CityPopulation]) -> None:
    # the country row (DE) and the functional urban area (DE001F) are not cities
    assert "DE" not in cities and "DE001F" not in cities
    assert len(cities) == 17
    assert cities["DE001C"] == CityPopulation("DE001C", 3755251.0, 2022, ())
    # 2022 is ':' for Stuttgart: the latest year with a value, with its flag
    assert cities["DE007C"] == CityPopulation("DE007C", 626275.0, 2021, ("b",))
    assert cities["DE011C"].flags == ("p",)


def test_closest_populations_of_the_country_first(cities: dict[str, CityPopulation]) -> None:
    found = city_population_suggest(population=626_000, country="DE", cities=cities)
    assert [c.code for c in found] == ["DE007C", "DE011C", "DE008C"]
    stuttgart = found[0]
    assert (stuttgart.population, stuttgart.year, stuttgart.same_nuts3) == (626275.0, 2021, None)
    assert stuttgart.difference_percent == pytest.approx(0.0439, abs=1e-3)
    # Vienna's 1.98 million is never offered for a German authority
    assert all(c.code.startswith("DE") for c in found)


def test_the_authoritys_nuts3_region_comes_first_when_the_code_list_gives_it(
    cities: dict[str, CityPopulation],
) -> None:
    regions = {"DE007C": "DE111", "DE011C": "DEA11", "DE008C": "DED51", "DE009C": "DED21"}
    found = city_population_suggest(
        population=600_000, country="DE", cities=cities, nuts3="DE111", nuts3_of=regions
    )
    assert [c.code for c in found] == ["DE007C", "DE008C", "DE011C"]
    assert [c.same_nuts3 for c in found] == [True, False, False]


def test_nothing_when_the_population_is_unknown_or_nothing_is_close(
    cities: dict[str, CityPopulation],
) -> None:
    assert city_population_suggest(population=None, country="DE", cities=cities) == ()
    assert city_population_suggest(population=0, country="DE", cities=cities) == ()
    # a town of 40 000: no German city of the file is within a factor of two
    assert city_population_suggest(population=40_000, country="DE", cities=cities) == ()
    assert city_population_suggest(population=300_000, country="IT", cities=cities) == ()
    # Graz (298 479) for an Austrian authority of 280 000, alone within a factor of two
    graz = city_population_suggest(population=280_000, country="at", cities=cities)
    assert [c.code for c in graz] == ["AT002C"]


def test_limit_and_factor(cities: dict[str, CityPopulation]) -> None:
    wide = city_population_suggest(
        population=1_000_000, country="DE", cities=cities, limit=10, max_factor=4.0
    )
    # on a ratio scale 773 068 (x0.77) is closer to a million than 1 512 491 (x1.51)
    assert [c.code for c in wide][:3] == ["DE004C", "DE005C", "DE003C"]
    assert "DE002C" in {c.code for c in wide}
    assert "DE001C" in {c.code for c in wide}  # 3.76 million is within a factor of four
    with pytest.raises(ValueError, match="at least 1"):
        city_population_suggest(population=1, country="DE", cities=cities, max_factor=0.5)


@given(
    population=st.integers(min_value=1_000, max_value=5_000_000),
    sizes=st.lists(st.integers(min_value=1_000, max_value=5_000_000), min_size=1, max_size=30),
)
def test_suggestions_are_within_the_factor_and_ordered_by_closeness(
    population: int, sizes: list[int]
) -> None:
    table = {
        f"XX{i:03d}C": CityPopulation(f"XX{i:03d}C", float(size), 2020)
        for i, size in enumerate(sizes)
    }
    found = city_population_suggest(population=population, country="XX", cities=table, limit=5)
    distances = [abs(math.log(c.ratio)) for c in found]
    assert all(d <= math.log(2.0) + 1e-9 for d in distances)
    assert distances == sorted(distances)
    within = [s for s in sizes if abs(math.log(s / population)) <= math.log(2.0)]
    assert len(found) == min(5, len(within))
