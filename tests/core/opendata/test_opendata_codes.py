"""The urb_percep codes each declared indicator uses, checked against the real Eurostat file.

A verified indicator is offered as a pre-fill, so its codes must occur in the file for every
survey wave it declares, and a 2019 answer block must be complete (its shares add up to 100).
Indicators whose labels could not be checked against Eurostat's code list stay unverified and
are refused by the pre-fill, with the reason.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from saferspaces.core.opendata import SourceError, source_get, tsv_read
from saferspaces.core.opendata.derive import LikertTopShare
from saferspaces.core.opendata.prefill import prefill_spec_parse

SURVEY = source_get(name="urb_percep")


@pytest.fixture(scope="module")
def waves_by_code(shared_data: Path) -> dict[str, dict[str, dict[str, float]]]:
    """code -> wave -> city -> value, for every non-missing cell of the real file."""
    found: dict[str, dict[str, dict[str, float]]] = defaultdict(lambda: defaultdict(dict))
    with (shared_data / "eurostat" / "urb_percep.tsv").open("rb") as stream:
        for obs in tsv_read(stream=stream, dataset="urb_percep"):
            if obs.value is not None:
                found[obs.series["indic_ur"]][obs.time][obs.geo] = obs.value
    return found


def test_every_verified_code_occurs_in_the_real_file_for_its_waves(
    waves_by_code: dict[str, dict[str, dict[str, float]]],
) -> None:
    missing: list[str] = []
    for indicator in SURVEY.derived:
        if not indicator.verified:
            continue
        assert indicator.years, f"{indicator.code}: a verified survey item names its waves"
        transform = indicator.transform
        assert isinstance(transform, LikertTopShare)
        # the top-two answers must be there in every wave; the whole block somewhere
        for code in transform.block[:2]:
            for year in indicator.years:
                if not waves_by_code.get(code, {}).get(str(year)):
                    missing.append(f"{indicator.code}: {code} has no value in {year}")
        missing += [
            f"{indicator.code}: {code} never occurs"
            for code in transform.block
            if code not in waves_by_code
        ]
    assert missing == []


def test_every_declared_code_occurs_even_when_unverified(
    waves_by_code: dict[str, dict[str, dict[str, float]]],
) -> None:
    for indicator in SURVEY.derived:
        for code in indicator.inputs:
            assert code in waves_by_code, f"{indicator.code}: {code}"
        for year in indicator.years:
            assert waves_by_code[indicator.inputs[0]].get(str(year)), (indicator.code, year)


@pytest.mark.parametrize(
    "code",
    [
        "urb_percep.safe_night_city",
        "urb_percep.safe_night_neighbourhood",
        "urb_percep.trust_people_city",
        "urb_percep.satisfied_with_life",
        "urb_percep.satisfied_living_in_city",
        "urb_percep.satisfied_public_spaces",
    ],
)
def test_2019_blocks_are_complete_answer_scales(
    code: str, waves_by_code: dict[str, dict[str, dict[str, float]]]
) -> None:
    transform = SURVEY.derived_get(code=code).transform
    assert isinstance(transform, LikertTopShare) and len(transform.block) == 5
    cities = waves_by_code[transform.block[0]]["2019"]
    assert len(cities) == 100
    for city in cities:
        total = sum(waves_by_code[c]["2019"].get(city, 0.0) for c in transform.block)
        assert 98.5 <= total <= 101.5, (code, city, total)


def test_a_known_2019_value_for_the_public_spaces_block(
    waves_by_code: dict[str, dict[str, dict[str, float]]],
) -> None:
    # Vienna, 2019: the first two answers of PS1062V-PS1066V
    indicator = SURVEY.derived_get(code="urb_percep.satisfied_public_spaces")
    cells = {c: (waves_by_code[c]["2019"]["AT001C"], ()) for c in indicator.inputs}
    value, _flags = indicator.transform.apply(cells)
    assert value == pytest.approx(
        waves_by_code["PS1062V"]["2019"]["AT001C"] + waves_by_code["PS1063V"]["2019"]["AT001C"]
    )


def test_verification_state_of_the_survey_items() -> None:
    verified = {d.code for d in SURVEY.derived if d.verified}
    assert verified == {
        "urb_percep.safe_night_city",
        "urb_percep.safe_night_neighbourhood",
        "urb_percep.safe_city",
        "urb_percep.safe_neighbourhood",
    }
    for indicator in SURVEY.derived:
        if not indicator.verified:
            assert "not offered as a pre-fill" in indicator.note


def test_an_unverified_indicator_is_refused_by_the_prefill_with_its_reason() -> None:
    with pytest.raises(SourceError, match="not verified") as caught:
        prefill_spec_parse(
            indicator="PSL_P01",
            dataset="urb_percep",
            code="urb_percep.satisfied_public_spaces",
            transform="top_two_box",
        )
    assert caught.value.location.source == "PSL_P01"
    assert "PS1062V-PS1066V" in caught.value.message
    # its first code alone does not reach the block either
    with pytest.raises(SourceError, match="whole answer block"):
        prefill_spec_parse(
            indicator="PSL_P01", dataset="urb_percep", code="PS1062V", transform="top_two_box"
        )
