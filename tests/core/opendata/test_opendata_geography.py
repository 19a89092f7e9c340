"""Geography: Urban Audit and NUTS codes, chains, the authority's match, the most local value."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from saferspaces.core.opendata import GeographyError
from saferspaces.core.opendata.geography import (
    GeoLevel,
    MatchStatus,
    authority_geography,
    geo_classify,
    geography_choose,
    geography_suggest,
    name_normalise,
    nuts_chain,
    nuts_parse,
    urban_audit_parse,
)


@pytest.mark.parametrize(
    ("code", "level", "city"),
    [
        ("BE001C", GeoLevel.CITY, "BE001C"),
        ("be001k", GeoLevel.GREATER_CITY, "BE001C"),
        ("BE001F", GeoLevel.FUA, "BE001C"),
        ("DE001L", GeoLevel.FUA, "DE001C"),
        ("DE001C1", GeoLevel.CITY, "DE001C1"),
    ],
)
def test_urban_audit_codes(code: str, level: GeoLevel, city: str) -> None:
    parsed = urban_audit_parse(code=code)
    assert parsed.level is level and parsed.city == city and parsed.country == code[:2].upper()


@pytest.mark.parametrize("code", ["BE01C", "BE001X", "B1001C", "DE212", ""])
def test_urban_audit_rejects(code: str) -> None:
    with pytest.raises(GeographyError, match="not an Urban Audit code"):
        urban_audit_parse(code=code)


def test_nuts_chain_to_country() -> None:
    chain = nuts_chain(code="DE212")
    assert [(n.code, n.level) for n in chain] == [
        ("DE212", GeoLevel.NUTS3),
        ("DE21", GeoLevel.NUTS2),
        ("DE2", GeoLevel.NUTS1),
        ("DE", GeoLevel.COUNTRY),
    ]
    assert nuts_parse(code="DEZZZ").extra_regio
    assert not nuts_parse(code="FRY10").extra_regio


@given(st.from_regex(r"[A-Z]{2}[0-9A-Y]{0,3}", fullmatch=True))
def test_chain_is_prefixes(code: str) -> None:
    if code.startswith(("EU", "EA")):
        return
    chain = nuts_chain(code=code)
    assert [n.code for n in chain] == [code[:i] for i in range(len(code), 1, -1)]
    assert [n.depth for n in chain] == list(range(len(code) - 2, -1, -1))


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("AT001C", GeoLevel.CITY),
        ("AT", GeoLevel.COUNTRY),
        ("AT130", GeoLevel.NUTS3),
        ("EU27_2020", GeoLevel.AGGREGATE),
        ("EA20", GeoLevel.AGGREGATE),
    ],
)
def test_geo_classify(code: str, level: GeoLevel) -> None:
    assert geo_classify(code=code).level is level


def test_geo_classify_rejects_extra_regio_and_junk() -> None:
    with pytest.raises(GeographyError, match="extra-regio"):
        geo_classify(code="ATZZZ")
    with pytest.raises(GeographyError):
        geo_classify(code="not-a-code")


def test_authority_geography_builds_the_chain() -> None:
    vienna = authority_geography(country="AT", city="AT001C", greater_city="AT001K", nuts3="AT130")
    assert vienna.chain == (
        (GeoLevel.CITY, "AT001C"),
        (GeoLevel.GREATER_CITY, "AT001K"),
        (GeoLevel.NUTS3, "AT130"),
        (GeoLevel.NUTS2, "AT13"),
        (GeoLevel.NUTS1, "AT1"),
        (GeoLevel.COUNTRY, "AT"),
    )
    assert vienna.status is MatchStatus.SUGGESTED


def test_authority_geography_reports_every_problem_at_once() -> None:
    with pytest.raises(GeographyError) as caught:
        authority_geography(country="AT", city="DE001K", nuts3="DE21", fua="nonsense")
    messages = [str(p) for p in caught.value.problems]
    assert len(messages) == 5
    assert any("DE001K" in m and "greater city" in m for m in messages)
    assert any("DE001K" in m and "country DE" in m for m in messages)
    assert any("nonsense" in m for m in messages)
    assert any("DE21" in m and "NUTS 2 region, expected a NUTS 3" in m for m in messages)
    assert any("DE21" in m and "country DE, not AT" in m for m in messages)


def test_most_local_value_says_where_it_comes_from() -> None:
    town = authority_geography(
        country="DE", city="DE040C", nuts3="DE212", status=MatchStatus.CONFIRMED
    )
    crime_rates = {"DE212": 41.0, "DE21": 38.5, "DE": 55.0}
    choice = geography_choose(authority=town, available=crime_rates)
    assert choice is not None
    assert (choice.code, choice.level, choice.value, choice.own_area) == (
        "DE212",
        GeoLevel.NUTS3,
        41.0,
        False,
    )
    assert "not for the authority itself" in choice.note
    own = geography_choose(authority=town, available={"DE040C": 80.1, "DE212": 41.0})
    assert own is not None and own.own_area and own.level is GeoLevel.CITY
    national = geography_choose(authority=town, available={"DE": 12.0, "FR": 1.0})
    assert national is not None and national.level is GeoLevel.COUNTRY
    assert geography_choose(authority=town, available={"FR": 1.0}) is None


def test_name_matching_suggestions() -> None:
    labels = {
        "BE001C": "Bruxelles/Brussel",
        "BE001K": "Bruxelles/Brussel (greater city)",
        "AT001C": "Wien",
        "DE040C": "Münster",
        "DE041C": "Münsterland Nord",
    }
    exact = geography_suggest(name="Brussel", country="BE", labels=labels)
    assert [c.code for c in exact] == ["BE001C", "BE001K"] and all(c.exact for c in exact)
    muenster = geography_suggest(name="MUNSTER", country="DE", labels=labels)
    assert [(c.code, c.exact) for c in muenster] == [("DE040C", True), ("DE041C", False)]
    assert geography_suggest(name="Wien", country="DE", labels=labels) == []
    assert name_normalise(text="  Saint-Étienne (greater city)") == "saint etienne"
