"""Pre-fill suggestions: the most local level, the latest period up to a year, the transform,
and the provenance shown to respondents; the geography match behind them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from saferspaces.core.framework import edition_load
from saferspaces.core.opendata.geography import GeoLevel
from saferspaces.errors import DomainError
from saferspaces.opendata.models import (
    GeographyMatch,
    ImportRun,
    MatchMethod,
    Observation,
    TransportKind,
)
from saferspaces.opendata.selectors import (
    geography_match_suggest,
    prefill_specs,
    prefill_suggestions,
)
from saferspaces.opendata.services import geography_match_confirm, opendata_import

from .conftest import CORE_FIXTURES, FIXTURES, StepClock

pytestmark = pytest.mark.django_db

EDITION = edition_load(path=FIXTURES / "prefill-edition.yaml")


@pytest.fixture
def imported(db: Any) -> tuple[ImportRun, ImportRun]:
    crime = opendata_import(
        source="crim_gen_reg", file=CORE_FIXTURES / "crim_gen_reg_sdmx.tsv", clock=StepClock()
    )
    survey = opendata_import(
        source="urb_percep", file=CORE_FIXTURES / "urb_percep_jsonstat.json", clock=StepClock()
    )
    return crime, survey


@pytest.fixture
def stuttgart(make_authority: Callable[..., Any]) -> Any:
    return make_authority(
        name="Stuttgart",
        country="DE",
        nuts3="DE111",
        labels=("Baden-Württemberg", "Stuttgart (region)", "Stuttgart, Stadtkreis"),
    )


@pytest.fixture
def wien(make_authority: Callable[..., Any]) -> Any:
    return make_authority(
        name="Wien", country="AT", nuts3="AT130", labels=("Ostösterreich", "Wien", "Wien")
    )


def test_the_feeds_of_an_edition_are_worked_out_once_per_parsed_edition() -> None:
    """Every fill-in page with open-data questions asks for the edition's feeds: they are
    parsed once per parsed edition (an edition does not change once parsed) and shared as
    tuples, which no caller can change."""
    specs, problems = prefill_specs(edition=EDITION)
    assert prefill_specs(edition=EDITION) == (specs, problems)
    assert prefill_specs(edition=EDITION)[0] is specs
    assert isinstance(specs, tuple) and isinstance(problems, tuple)


def test_the_edition_declares_its_eurostat_feeds_and_reports_unusable_ones() -> None:
    specs, problems = prefill_specs(edition=EDITION)
    by_code = {spec.indicator: spec for spec in specs}
    assert set(by_code) == {"SAF_NIGHT_CITY", "SAF_NIGHT_HOOD", "SAF_ROBBERY", "BGC_POP"}
    assert by_code["SAF_NIGHT_CITY"].codes == (
        "PS3514V",
        "PS3515V",
        "PS3516V",
        "PS3517V",
        "PS3518V",
    )
    # one first code and top_two_box: the block the source declares
    assert (
        by_code["SAF_NIGHT_HOOD"].codes[0] == "PS3519V"
        and len(by_code["SAF_NIGHT_HOOD"].codes) == 5
    )
    assert by_code["SAF_ROBBERY"].units == ("P_HTHAB",)
    assert len(problems) == 1 and "SAF_BROKEN" in problems[0] and "median" in problems[0]


def test_a_nuts3_value_for_a_city_without_city_data(
    imported: tuple[ImportRun, ImportRun], stuttgart: Any
) -> None:
    crime, _survey = imported
    got = prefill_suggestions(authority=stuttgart, edition=EDITION, year=None)
    assert set(got) == {"SAF_ROBBERY"}
    s = got["SAF_ROBBERY"]
    assert (s.value, s.geo, s.geo_level, s.period) == (16.1, "DE111", GeoLevel.NUTS3, "2022")
    assert (s.flags, s.unit, s.dataset, s.codes) == (
        ("p",),
        "P_HTHAB",
        "crim_gen_reg",
        ("ICCS0401",),
    )
    assert s.run_id == crime.pk and s.retrieved_at == crime.retrieved_at
    assert not s.own_area and not s.match_confirmed
    assert "NUTS 3 region DE111, not the authority itself" in s.provenance
    assert "p (provisional)" in s.provenance and f"run {crime.pk}" in s.provenance
    assert "not yet confirmed" in s.provenance


def test_the_latest_period_up_to_the_year_with_a_value(
    imported: tuple[ImportRun, ImportRun], stuttgart: Any
) -> None:
    def robbery(year: int) -> tuple[float, str, tuple[str, ...]]:
        s = prefill_suggestions(authority=stuttgart, edition=EDITION, year=year)["SAF_ROBBERY"]
        return s.value, s.period, s.flags

    assert robbery(2021) == (15.7, "2021", ("e", "p"))
    # 2020 is published as ': c' (confidential, no value): the year before is offered
    assert robbery(2020) == (19.21, "2019", ())
    assert prefill_suggestions(authority=stuttgart, edition=EDITION, year=2018) == {}


def test_the_next_level_up_when_the_region_has_no_data(
    imported: tuple[ImportRun, ImportRun], make_authority: Callable[..., Any]
) -> None:
    esslingen = make_authority(
        name="Esslingen",
        country="DE",
        nuts3="DE113",
        labels=("Baden-Württemberg", "Stuttgart (region)", "Esslingen"),
    )
    s = prefill_suggestions(authority=esslingen, edition=EDITION, year=None)["SAF_ROBBERY"]
    assert (s.value, s.geo, s.geo_level, s.period) == (27.8, "DE11", GeoLevel.NUTS2, "2022")


def test_top_two_box_for_the_confirmed_city(
    imported: tuple[ImportRun, ImportRun], wien: Any, personas_free_user: Any
) -> None:
    _crime, survey = imported
    assert prefill_suggestions(authority=wien, edition=EDITION, year=None) == {}
    geography_match_confirm(
        authority=wien, user=personas_free_user, city_code="at001c", nuts_code="AT130"
    )
    got = prefill_suggestions(authority=wien, edition=EDITION, year=None)
    assert set(got) == {"SAF_NIGHT_CITY"}
    latest = got["SAF_NIGHT_CITY"]
    # 2023: 51.0 (p) strongly agree + 30.5 somewhat agree
    assert latest.value == pytest.approx(81.5)
    assert (latest.period, latest.flags, latest.geo, latest.geo_level) == (
        "2023",
        ("p",),
        "AT001C",
        GeoLevel.CITY,
    )
    assert latest.own_area and latest.match_confirmed and latest.run_id == survey.pk
    assert "top-2-box share: PS3514V + PS3515V" in latest.provenance
    assert "the city itself (AT001C)" in latest.provenance
    older = prefill_suggestions(authority=wien, edition=EDITION, year=2022)["SAF_NIGHT_CITY"]
    assert (older.value, older.period, older.flags) == (pytest.approx(81.3), "2019", ())


def _rows(run: ImportRun, geo: str, level: str, values: list[float]) -> None:
    for code, value in zip(
        ("PS3514V", "PS3515V", "PS3516V", "PS3517V", "PS3518V"), values, strict=True
    ):
        Observation.objects.create(
            dataset="urb_percep",
            code=code,
            unit="PC",
            geo=geo,
            geo_level=level,
            period="2019",
            year=2019,
            value=value,
            run=run,
        )


def test_the_city_wins_over_its_region_and_the_region_over_the_country(
    wien: Any, personas_free_user: Any
) -> None:
    now = timezone.now()
    run = ImportRun.objects.create(
        source="urb_percep",
        dataset="urb_percep",
        transport=TransportKind.FILE,
        started_at=now,
        retrieved_at=now,
    )
    _rows(run, "AT", "country", [30, 30, 20, 10, 10])
    _rows(run, "AT13", "nuts2", [40, 30, 20, 5, 5])
    s = prefill_suggestions(authority=wien, edition=EDITION, year=2019)["SAF_NIGHT_CITY"]
    assert (s.value, s.geo_level) == (70, GeoLevel.NUTS2)
    _rows(run, "AT001C", "city", [50, 30, 10, 5, 5])
    geography_match_confirm(
        authority=wien, user=personas_free_user, city_code="AT001C", nuts_code="AT130"
    )
    s = prefill_suggestions(authority=wien, edition=EDITION, year=2019)["SAF_NIGHT_CITY"]
    assert (s.value, s.geo, s.geo_level, s.own_area) == (80, "AT001C", GeoLevel.CITY, True)


# --- geography match --------------------------------------------------------------------------


@pytest.fixture
def personas_free_user(db: Any) -> Any:
    from saferspaces.accounts.models import User

    return User.objects.create_user("geo@example.org", "a-long-password-123")


def test_suggestion_from_the_registered_nuts_region_and_the_city_name(
    imported: tuple[ImportRun, ImportRun], wien: Any
) -> None:
    suggestion = geography_match_suggest(authority=wien)
    assert suggestion.suggested_nuts == "AT130" and suggestion.method == MatchMethod.AUTO
    assert [(lvl.level, lvl.code) for lvl in suggestion.levels] == [
        (GeoLevel.NUTS3, "AT130"),
        (GeoLevel.NUTS2, "AT13"),
        (GeoLevel.NUTS1, "AT1"),
        (GeoLevel.COUNTRY, "AT"),
    ]
    assert suggestion.levels[1].label == "Wien"
    # no names in Eurostat's TSV files: the cities with data in the country are listed
    assert [c.code for c in suggestion.city_candidates] == ["AT001C"]
    labelled = geography_match_suggest(
        authority=wien, city_labels={"AT001C": "Wien", "AT002C": "Graz", "BE001C": "Bruxelles"}
    )
    assert labelled.suggested_city == "AT001C" and labelled.city_code == "AT001C"
    assert labelled.levels[0].level is GeoLevel.CITY
    assert labelled.levels[0].datasets == (("urb_percep", 10, "2023"),)


def test_confirm_and_correct(wien: Any, personas_free_user: Any) -> None:
    match = geography_match_confirm(
        authority=wien, user=personas_free_user, city_code="", nuts_code="AT130"
    )
    assert match.method == MatchMethod.CONFIRMED and match.confirmed_by == personas_free_user
    assert match.confirmed_at is not None
    match = geography_match_confirm(
        authority=wien, user=personas_free_user, city_code="AT001C", nuts_code="AT13"
    )
    assert (match.method, match.city_code, match.nuts_code) == (
        MatchMethod.CORRECTED,
        "AT001C",
        "AT13",
    )
    assert GeographyMatch.objects.count() == 1
    suggestion = geography_match_suggest(authority=wien)
    assert suggestion.confirmed and suggestion.city_code == "AT001C"
    assert [lvl.code for lvl in suggestion.levels] == ["AT001C", "AT13", "AT1", "AT"]


@pytest.mark.parametrize(
    ("city", "nuts", "field", "message"),
    [
        ("", "", "nuts_code", "NUTS 3"),
        ("", "AT1", "nuts_code", "NUTS 3 code"),
        ("", "DE111", "nuts_code", "belongs to country DE"),
        ("BE001C", "AT130", "city_code", "belongs to country BE"),
        ("AT001K", "AT130", "city_code", "expected a city"),
        ("Vienna", "AT130", "city_code", "not an Urban Audit code"),
    ],
)
def test_a_wrong_match_is_refused_with_its_field(
    wien: Any, personas_free_user: Any, city: str, nuts: str, field: str, message: str
) -> None:
    with pytest.raises(DomainError) as caught:
        geography_match_confirm(
            authority=wien, user=personas_free_user, city_code=city, nuts_code=nuts
        )
    assert caught.value.field == field and message in caught.value.message
    assert not GeographyMatch.objects.exists()
