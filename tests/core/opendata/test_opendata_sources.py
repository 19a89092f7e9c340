"""Declared sources and the transforms that derive framework indicators."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from saferspaces.core.opendata import (
    FLAG_MEANINGS,
    SOURCES,
    Direct,
    LikertTopShare,
    Ratio,
    SourceError,
    flags_describe,
    flags_parse,
    source_get,
)
from saferspaces.core.opendata.sources import GeographyKind


def test_required_sources_are_declared_consistently() -> None:
    assert set(SOURCES) >= {
        "urb_percep",
        "crim_gen_reg",
        "demo_r_pjanaggr3",
        "urb_cpop1",
        "ilc_mddw03",
    }
    for cls in SOURCES.values():
        assert cls.definition_check() == [], cls.__name__
        assert "2011/833/EU" in cls.licence
        assert cls.cadence and cls.caveats and cls.title


def test_source_facts() -> None:
    crime = source_get(name="crim_gen_reg")
    assert crime.filters["unit"] == ("NR", "P_HTHAB")
    assert crime.geography is GeographyKind.NUTS
    assert source_get(name="urb_percep").geography is GeographyKind.URBAN_AUDIT
    assert source_get(name="ilc_mddw03").geography is GeographyKind.COUNTRY
    survey = source_get(name="urb_percep")
    night = survey.derived_get(code="urb_percep.safe_night_city")
    assert night.inputs == ("PS3514V", "PS3515V", "PS3516V", "PS3517V", "PS3518V")
    assert survey.keep_series({"unit": "PC", "indic_ur": "PS1012V"})
    assert not survey.keep_series({"unit": "NR"})
    with pytest.raises(SourceError, match="declares no indicator"):
        survey.derived_get(code="urb_percep.nope")


def test_unknown_source_lists_the_known_ones() -> None:
    with pytest.raises(SourceError, match="known sources: crim_gen_reg, demo_r_pjanaggr3"):
        source_get(name="urb_percepp")


def test_likert_top_share() -> None:
    block = ("A1", "A2", "A3", "A4", "DK")
    cells = {
        "A1": (49.2, ()),
        "A2": (32.1, ("e",)),
        "A3": (14.0, ()),
        "A4": (3.6, ()),
        "DK": (1.1, ()),
    }
    assert LikertTopShare(block=block).apply(cells) == (pytest.approx(81.3), ("e",))
    rebased, flags = LikertTopShare(block=block, rebase=True).apply(cells)
    assert rebased == pytest.approx(81.3 / 98.9 * 100)
    assert flags == ("e",)
    missing_top = dict(cells, A2=(None, ("c",)))
    assert LikertTopShare(block=block).apply(missing_top) == (None, ("c",))
    assert "don't know excluded" in LikertTopShare(block=block, rebase=True).describe()
    with pytest.raises(SourceError):
        LikertTopShare(block=("A", "B", "DK"), top=2)


@given(st.lists(st.floats(min_value=0, max_value=100), min_size=5, max_size=5))
def test_top_share_is_between_zero_and_hundred_when_rebased(shares: list[float]) -> None:
    block = ("A1", "A2", "A3", "A4", "DK")
    cells = {code: (share, ()) for code, share in zip(block, shares, strict=True)}
    value, _ = LikertTopShare(block=block, rebase=True).apply(cells)
    if sum(shares[:4]) > 0:
        assert value is not None and -1e-6 <= value <= 100 + 1e-6
    else:
        assert value is None


def test_direct_and_ratio() -> None:
    assert Direct("X").apply({"X": (3.0, ("p",))}) == (3.0, ("p",))
    assert Direct("X").apply({}) == (None, ())
    assert Ratio("A", "B", scale=100_000).apply({"A": (5.0, ()), "B": (250_000.0, ("e",))}) == (
        2.0,
        ("e",),
    )
    assert Ratio("A", "B").apply({"A": (5.0, ()), "B": (0.0, ())}) == (None, ())


def test_flags_table_and_parse() -> None:
    for letter in "bcdefnpuz":
        assert letter in FLAG_MEANINGS
    assert FLAG_MEANINGS["e"] == "estimated"
    assert flags_parse(text="bep") == (("b", "e", "p"), ())
    assert flags_parse(text="e x e") == (("e",), ("x",))
    assert flags_describe(flags=("e", "q")) == "e (estimated), q (unknown flag)"
