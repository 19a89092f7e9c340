"""Reading scores without ranking: gap words, peer bands, peer criteria, progress."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from saferspaces.core.assessment import EditionPipelineError, edition_pipeline_load
from saferspaces.core.dashboard import (
    PeerCriteria,
    PeerFacts,
    change_read,
    distribution_summary,
    gap_read,
    nodes_comparable,
    peer_band,
    peer_filter_build,
    peer_filter_match,
)
from saferspaces.core.framework.loader import edition_load
from saferspaces.core.framework.model import Edition

EDITIONS = Path(__file__).resolve().parents[3] / "src" / "saferspaces" / "frameworks" / "editions"


@pytest.fixture(scope="module")
def real() -> Edition:
    return edition_load(path=EDITIONS / "ssf-2026.1.yaml")


# --- gap -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (-25.0, "feel_less_safe"),
        (-10.0, "feel_less_safe"),
        (-9.9, "aligned"),
        (0.0, "aligned"),
        (9.9, "aligned"),
        (10.0, "feel_safer"),
        (40.0, "feel_safer"),
    ],
)
def test_gap_words_follow_the_threshold(value: float, code: str) -> None:
    assert gap_read(value=value, threshold=10).code == code


def test_a_gap_whose_interval_crosses_the_threshold_is_uncertain() -> None:
    assert gap_read(value=-12, threshold=10, interval=(-20, -4)).code == "uncertain"
    assert gap_read(value=-15, threshold=10, interval=(-20, -11)).code == "feel_less_safe"


def test_a_missing_gap_is_unknown_with_its_reason() -> None:
    r = gap_read(value=None, threshold=10, reason="status_missing")
    assert (r.code, r.reason) == ("unknown", "status_missing")
    with pytest.raises(ValueError):
        gap_read(value=1, threshold=0)


# --- bands ---------------------------------------------------------------------------------


def test_quartiles_are_type_7_and_small_groups_get_nothing() -> None:
    values = [10.0, 20.0, 30.0, 40.0, 50.0, None]
    d = distribution_summary(values=values, minimum=5)
    assert d is not None
    assert (d.n, d.q1, d.median, d.q3, d.missing) == (5, 20.0, 30.0, 40.0, 1)
    assert distribution_summary(values=values[:4], minimum=5) is None


def test_band_is_below_within_or_above_the_interquartile_range() -> None:
    peers = [10.0, 20.0, 30.0, 40.0, 50.0]
    assert peer_band(score=15, peers=peers, minimum=5).band == "below"  # type: ignore[union-attr]
    assert peer_band(score=20, peers=peers, minimum=5).band == "within"  # type: ignore[union-attr]
    assert peer_band(score=40, peers=peers, minimum=5).band == "within"  # type: ignore[union-attr]
    assert peer_band(score=41, peers=peers, minimum=5).band == "above"  # type: ignore[union-attr]
    assert peer_band(score=None, peers=peers, minimum=5) is None
    assert peer_band(score=30, peers=peers[:4], minimum=5) is None


def test_a_band_reached_by_the_interval_is_not_stable() -> None:
    peers = [10.0, 20.0, 30.0, 40.0, 50.0]
    b = peer_band(score=38, peers=peers, minimum=5, interval=(35, 44))
    assert b is not None and b.band == "within" and not b.stable
    b = peer_band(score=30, peers=peers, minimum=5, interval=(25, 35))
    assert b is not None and b.stable


@given(st.lists(st.floats(0, 100), min_size=5, max_size=60), st.floats(0, 100))
def test_band_agrees_with_numpy_quartiles(peers: list[float], score: float) -> None:
    b = peer_band(score=score, peers=peers, minimum=5)
    assert b is not None
    q1, q3 = np.percentile(peers, [25, 75])
    expected = "below" if score < q1 else "above" if score > q3 else "within"
    assert b.band == expected
    # nothing in the result is an ordinal position
    assert not {f.name for f in dataclasses.fields(b)} & {"rank", "position", "order"}


# --- peer criteria -------------------------------------------------------------------------

TARGET = PeerFacts(
    kind="city",
    nuts_level=3,
    country="FR",
    urbanisation="cities",
    population=200_000,
    density=2000,
    income=20_000,
)


def test_filter_builds_ranges_and_equalities_from_the_target() -> None:
    f = peer_filter_build(
        target=TARGET,
        criteria=PeerCriteria(
            same_kind=True, same_country=True, population_factor=2, income_range=0.25
        ),
    )
    assert f.equal == {"kind": "city", "country": "FR"}
    assert f.ranges == {"population": (100_000, 400_000), "income": (15_000, 25_000)}
    assert f.unusable == ()


def test_a_candidate_must_meet_every_criterion_and_have_the_value() -> None:
    f = peer_filter_build(target=TARGET, criteria=PeerCriteria(population_factor=2))
    ok = dataclasses.replace(TARGET, population=390_000)
    assert peer_filter_match(peer_filter=f, facts=ok)
    assert not peer_filter_match(peer_filter=f, facts=dataclasses.replace(ok, population=410_000))
    assert not peer_filter_match(peer_filter=f, facts=dataclasses.replace(ok, kind="region"))
    assert not peer_filter_match(peer_filter=f, facts=dataclasses.replace(ok, population=None))


def test_criteria_the_target_cannot_use_are_reported() -> None:
    f = peer_filter_build(
        target=dataclasses.replace(TARGET, income=None, urbanisation=None),
        criteria=PeerCriteria(same_urbanisation=True, income_range=0.1),
    )
    assert set(f.unusable) == {"same_urbanisation", "income_range"}
    assert "income" not in f.ranges and "urbanisation" not in f.equal


def test_nonsense_settings_are_refused() -> None:
    with pytest.raises(ValueError):
        peer_filter_build(target=TARGET, criteria=PeerCriteria(population_factor=0.5))
    with pytest.raises(ValueError):
        peer_filter_build(target=TARGET, criteria=PeerCriteria(income_range=2))


# --- progress ------------------------------------------------------------------------------


def test_changes_within_the_tolerance_and_intervals_are_not_marked() -> None:
    assert change_read(before=50, after=54, tolerance=5).direction == "within"
    assert change_read(before=50, after=56, tolerance=5).direction == "up"
    assert change_read(before=50, after=40, tolerance=5).direction == "down"
    wide = change_read(
        before=50, after=60, tolerance=5, before_interval=(45, 55), after_interval=(58, 62)
    )
    assert wide.uncertainty == pytest.approx(12) and wide.direction == "within"
    missing = change_read(before=None, after=60, tolerance=5)
    assert missing.direction is None and missing.delta is None


def test_the_same_edition_is_comparable_everywhere(real: Edition) -> None:
    nodes = nodes_comparable(old=real, new=real)
    assert nodes and all(n.comparable for n in nodes.values())


def test_a_changed_indicator_breaks_comparability_of_its_dimensions_only(real: Edition) -> None:
    dim = real.dimensions[0]
    ind = dim.indicators[0]
    changed_ind = dataclasses.replace(
        ind,
        direction="higher_is_worse" if ind.direction != "higher_is_worse" else "higher_is_better",
    )
    new_dim = dataclasses.replace(dim, indicators=(changed_ind, *dim.indicators[1:]))
    new = dataclasses.replace(
        real, id="ssf-next", previous=real.id, dimensions=(new_dim, *real.dimensions[1:])
    )
    nodes = nodes_comparable(old=real, new=new)
    assert nodes[dim.code].comparable is False
    assert nodes[dim.code].reason == "indicators_changed"
    assert nodes[real.dimensions[1].code].comparable


def test_a_new_dimension_has_no_past(real: Edition) -> None:
    dim = dataclasses.replace(real.dimensions[0], code="NEW")
    new = dataclasses.replace(real, id="ssf-next", dimensions=(*real.dimensions[1:], dim))
    nodes = nodes_comparable(old=real, new=new)
    assert nodes["NEW"].reason in ("missing_before", "indicators_changed")
    assert not nodes["NEW"].comparable


# --- the edition's pipeline carries the reading parameters ----------------------------------


def test_bundled_pipeline_names_the_background_indicators(real: Edition) -> None:
    text = (EDITIONS / "ssf-2026.1.pipeline.yml").read_text(encoding="utf-8")
    p = edition_pipeline_load(text=text, edition=real, source="bundled")
    assert p.options.gap_threshold == 10 and p.options.change_tolerance == 5
    assert p.options.background == {
        "population": "BG_C01",
        "density": "BG_C03",
        "urbanisation": "BG_C04",
        "income": "BG_C09",
    }


def test_a_wrong_background_mapping_names_where(real: Edition) -> None:
    text = (EDITIONS / "ssf-2026.1.pipeline.yml").read_text(encoding="utf-8")
    bad = text.replace("population: BG_C01", "population: QOL_P01").replace(
        "gap_threshold: 10", "gap_threshold: -3"
    )
    with pytest.raises(EditionPipelineError) as err:
        edition_pipeline_load(text=bad, edition=real, source="bad.yml")
    message = str(err.value)
    assert "platform.background.population" in message and "QOL_P01" in message
    assert "gap_threshold" in message
