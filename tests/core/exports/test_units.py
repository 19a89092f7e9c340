"""Unit codes: stable, keyed, revealing nothing; who is named; coarsened background values."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from saferspaces.core.exports import (
    RULE_ALL_CODED,
    ExportError,
    Unit,
    units_code,
    value_coarsen,
)


def _units(n: int, published: set[int] = frozenset()) -> list[Unit]:  # type: ignore[assignment]
    return [
        Unit(
            assessment=i + 1,
            authority=i + 1,
            name=f"City {i}",
            country="BE",
            nuts="BE100",
            published=i in published,
        )
        for i in range(n)
    ]


def test_codes_are_stable_keyed_and_reveal_nothing() -> None:
    units = _units(20)
    a = units_code(units=units, round_id=3, key=b"k1")
    b = units_code(units=list(reversed(units)), round_id=3, key=b"k1")
    assert a == b  # same codes whatever the order they come in
    assert [c.code for c in a] == sorted(c.code for c in a)
    for c in a:
        assert re.fullmatch(r"U-[0-9A-F]{6}", c.code)
        assert c.unit.name not in c.code
    other_round = {c.unit.authority: c.code for c in units_code(units=units, round_id=4, key=b"k1")}
    other_key = {c.unit.authority: c.code for c in units_code(units=units, round_id=3, key=b"k2")}
    for c in a:
        assert other_round[c.unit.authority] != c.code
        assert other_key[c.unit.authority] != c.code


def test_only_published_units_are_named_and_all_coded_names_none() -> None:
    units = _units(5, published={1, 3})
    coded = units_code(units=units, round_id=1, key=b"k")
    assert {c.unit.authority for c in coded if c.named} == {2, 4}
    coded = units_code(units=units, round_id=1, key=b"k", rule=RULE_ALL_CODED)
    assert not any(c.named for c in coded)


def test_clashing_codes_get_longer() -> None:
    # 20 000 units: by the birthday bound about a dozen 6-digit prefixes clash
    coded = units_code(units=_units(20_000), round_id=1, key=b"clash")
    codes = [c.code for c in coded]
    assert len(set(codes)) == len(codes)
    longer = [c for c in codes if len(c) > 8]
    assert longer and len(longer) < 100
    short = {c for c in codes if len(c) == 8}
    assert not any(c[:8] in short for c in longer)


def test_bad_inputs_are_refused_with_a_message() -> None:
    with pytest.raises(ExportError, match="unknown anonymisation rule"):
        units_code(units=_units(1), round_id=1, key=b"k", rule="names")
    with pytest.raises(ExportError, match="empty key"):
        units_code(units=_units(1), round_id=1, key=b"")
    twice = [*_units(1), Unit(9, 1, "again", "BE", "", False)]
    with pytest.raises(ExportError, match="authority 1 has two assessments"):
        units_code(units=twice, round_id=1, key=b"k")


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False))
def test_coarsened_values_keep_two_significant_digits(x: float) -> None:
    y = value_coarsen(x)
    assert y is not None
    if x == 0 or abs(x) < 1e-300:
        return
    assert abs(y - x) <= 0.05 * abs(x) + 1e-9
    assert float(f"{y:.2g}") == pytest.approx(y, rel=1e-12)


def test_coarsen_keeps_missing() -> None:
    assert value_coarsen(None) is None
    assert math.isnan(value_coarsen(math.nan) or 0.0) or value_coarsen(math.nan) != 0
    assert value_coarsen(123_456.0) == 120_000.0


@pytest.mark.parametrize("sign", [1.0, -1.0])
@pytest.mark.parametrize("value", [1.75e308, 1.79e308, 1.7976931348623157e308])
def test_a_value_whose_coarse_value_is_past_the_largest_float_is_coarsened_below_it(
    value: float, sign: float
) -> None:
    """Two significant digits of 1.79e308 would be 1.8e308, past the largest float: the coarse
    value is the nearest one below it, never an overflow (the export of a coded unit would fail)
    nor an infinity."""
    assert value_coarsen(sign * value) == sign * 1.7e308
