"""Pre-fill in the pure core: reading an edition's source entry, and choosing the most local
level, then the latest period up to a year, with the transform applied."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from saferspaces.core.opendata import SourceError
from saferspaces.core.opendata.derive import Direct, LikertTopShare
from saferspaces.core.opendata.geography import GeoLevel, MatchStatus, authority_geography
from saferspaces.core.opendata.prefill import StoredCell, prefill_choose, prefill_spec_parse

WHEN = datetime(2026, 3, 1, tzinfo=UTC)
BLOCK = ("PS3514V", "PS3515V", "PS3516V", "PS3517V", "PS3518V")
GEO = authority_geography(country="AT", city="AT001C", nuts3="AT130")


def _cell(code: str, geo: str, period: str, value: float | None, flags: str = "") -> StoredCell:
    return StoredCell(code, geo, period, int(period[:4]), value, tuple(flags), "PC", 7, WHEN)


def _block(geo: str, period: str, values: list[float | None], flags: str = "") -> list[StoredCell]:
    return [_cell(c, geo, period, v, flags) for c, v in zip(BLOCK, values, strict=True)]


@pytest.mark.parametrize(
    ("code", "transform", "codes", "kind"),
    [
        ("PS3514V-PS3518V", "top_two_box", BLOCK, LikertTopShare),
        ("ps3514v, PS3515V,PS3516V,PS3517V,PS3518V", "top_two_box", BLOCK, LikertTopShare),
        ("PS3514V", "top_two_box", BLOCK, LikertTopShare),  # the declared block
        ("urb_percep.safe_night_city", None, BLOCK, LikertTopShare),
        ("safe_night_city", "top_box", BLOCK, LikertTopShare),
        ("PS3514V", None, ("PS3514V",), Direct),
    ],
)
def test_source_entries(
    code: str, transform: str | None, codes: tuple[str, ...], kind: type
) -> None:
    spec = prefill_spec_parse(
        indicator="X",
        dataset="urb_percep",
        code=code,
        transform=transform,
        answer_type="percentage",
    )
    assert spec.codes == codes and isinstance(spec.transform, kind) and spec.units == ("PC",)


@pytest.mark.parametrize(
    ("code", "transform", "message"),
    [
        ("PS3514V-PS3518V", "median", "unknown transform 'median'"),
        ("PS3514V-PS3518V", None, "5 codes need a transform"),
        ("PS3518V-PS3514V", "top_two_box", "must run upwards"),
        ("PS3514V-PX3518V", "top_two_box", "differ in more than their number"),
        ("PS9999V", "top_two_box", "needs the whole answer block"),
        ("PS3514V-PS3516V", "top_two_box", "must leave at least one answer below"),
        ("urb_percep.trust_people_city", "top_two_box", "not verified against Eurostat"),
    ],
)
def test_unusable_entries_name_the_indicator_and_field(
    code: str, transform: str | None, message: str
) -> None:
    with pytest.raises(SourceError) as caught:
        prefill_spec_parse(indicator="SAF_X", dataset="urb_percep", code=code, transform=transform)
    assert message in caught.value.message
    assert caught.value.location.source == "SAF_X"
    assert caught.value.location.path.startswith("guidance.sources.")


SPEC = prefill_spec_parse(
    indicator="SAF_NIGHT", dataset="urb_percep", code="PS3514V-PS3518V", transform="top_two_box"
)


def test_city_then_latest_period_then_transform() -> None:
    cells = [
        *_block("AT", "2023", [30, 30, 20, 10, 10]),
        *_block("AT130", "2023", [40, 30, 20, 5, 5]),
        *_block("AT001C", "2015", [50, 30, 10, 5, 5]),
        *_block("AT001C", "2019", [45, 30.5, 10, 5, 9.5], flags="e"),
    ]
    got = prefill_choose(spec=SPEC, geography=GEO, cells=cells)
    assert got is not None
    assert (got.value, got.geo, got.geo_level, got.period, got.flags) == (
        75.5,
        "AT001C",
        GeoLevel.CITY,
        "2019",
        ("e",),
    )
    assert got.own_area and not got.match_confirmed and "e (estimated)" in got.provenance
    older = prefill_choose(spec=SPEC, geography=GEO, cells=cells, year=2018)
    assert older is not None and (older.value, older.period) == (80, "2015")
    # nothing for the city up to 2014: the region's value is not taken for an earlier year
    assert prefill_choose(spec=SPEC, geography=GEO, cells=cells, year=2014) is None


def test_a_period_whose_top_answers_are_missing_is_passed_over() -> None:
    cells = [
        *_block("AT130", "2019", [None, 30, 20, 5, 5]),
        *_block("AT130", "2015", [40, 30, 20, 5, 5]),
    ]
    got = prefill_choose(spec=SPEC, geography=GEO, cells=cells)
    assert got is not None and (got.value, got.period, got.geo_level) == (
        70,
        "2015",
        GeoLevel.NUTS3,
    )
    assert not got.own_area and "not the authority itself" in got.provenance


def test_confirmed_match_and_units() -> None:
    geo = authority_geography(country="DE", nuts3="DE111", status=MatchStatus.CONFIRMED)
    spec = prefill_spec_parse(
        indicator="R", dataset="crim_gen_reg", code="ICCS0401", answer_type="rate_per_100k"
    )
    cells = [
        StoredCell("ICCS0401", "DE111", "2022", 2022, 101.0, ("p",), "NR", 3, WHEN),
        StoredCell("ICCS0401", "DE111", "2022", 2022, 16.1, ("p",), "P_HTHAB", 3, WHEN),
    ]
    got = prefill_choose(spec=spec, geography=geo, cells=cells)
    assert got is not None and (got.value, got.unit, got.match_confirmed) == (16.1, "P_HTHAB", True)
    assert "geography match not yet confirmed" not in got.provenance


_LEVELS = [(GeoLevel.CITY, "AT001C"), (GeoLevel.NUTS3, "AT130"), (GeoLevel.NUTS2, "AT13"), (GeoLevel.NUTS1, "AT1"), (GeoLevel.COUNTRY, "AT")]  # fmt: skip


@given(
    st.lists(
        st.tuples(
            st.sampled_from([code for _level, code in _LEVELS]),
            st.sampled_from(["2009", "2012", "2015", "2019", "2023"]),
            st.one_of(st.none(), st.floats(0, 100, allow_nan=False)),
        ),
        max_size=30,
    ),
    st.one_of(st.none(), st.integers(2008, 2024)),
)
def test_the_choice_is_the_most_local_level_then_the_latest_period(
    raw: list[tuple[str, str, float | None]], year: int | None
) -> None:
    spec = prefill_spec_parse(indicator="D", dataset="urb_percep", code="PS3514V")
    cells = [_cell("PS3514V", geo, period, value) for geo, period, value in raw]
    got = prefill_choose(spec=spec, geography=GEO, cells=cells, year=year)
    last = {(geo, period): value for geo, period, value in raw}  # a later cell replaces one
    usable = [
        (geo, period)
        for (geo, period), value in last.items()
        if value is not None and (year is None or int(period) <= year)
    ]
    if not usable:
        assert got is None
        return
    order = [code for _level, code in _LEVELS]
    best_geo = min((geo for geo, _ in usable), key=order.index)
    assert got is not None and got.geo == best_geo
    assert got.period == max(period for geo, period in usable if geo == best_geo)
