"""How answers become 0-100 indicator scores."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from saferspaces.core.framework import AnswerError, AnswerSpec, Indicator, Scoring, edition_load
from saferspaces.core.framework.scoring import answer_score

MINI = edition_load(path=Path(__file__).parent / "fixtures" / "mini.yaml").indicator_map()


def test_scale_maps_linearly() -> None:
    ind = MINI["SAF_P01"]  # likert 1..4, higher is better
    assert [answer_score(indicator=ind, answer=v) for v in (1, 2, 3, 4)] == pytest.approx(
        [0, 100 / 3, 200 / 3, 100]
    )
    assert answer_score(indicator=ind, answer="4") == 100


def test_goalposts_truncate() -> None:
    ind = MINI["SAF_P02"]  # percentage, goalposts 20..90
    assert answer_score(indicator=ind, answer=20) == 0
    assert answer_score(indicator=ind, answer=55) == pytest.approx(50)
    assert answer_score(indicator=ind, answer=95) == 100
    assert answer_score(indicator=ind, answer=5) == 0


def test_goalposts_higher_is_worse() -> None:
    ind = Indicator(
        "X_S01",
        "status",
        {"en": "x"},
        AnswerSpec("number", unit={"en": "u"}),
        Scoring("goalposts", low=0, high=10),
        direction="higher_is_worse",
        weight=100,
    )
    assert answer_score(indicator=ind, answer=0) == 100
    assert answer_score(indicator=ind, answer=10) == 0
    assert answer_score(indicator=ind, answer=2.5) == 75


def test_target_distance() -> None:
    ind = MINI["SAF_S01"]  # rate, higher is worse, target 50 worst 1000
    assert answer_score(indicator=ind, answer=10) == 100
    assert answer_score(indicator=ind, answer=50) == 100
    assert answer_score(indicator=ind, answer=1000) == 0
    assert answer_score(indicator=ind, answer=5000) == 0
    assert answer_score(indicator=ind, answer=525) == pytest.approx(50)


def test_choice_scores() -> None:
    assert answer_score(indicator=MINI["SAF_S02"], answer="yes") == 100
    assert answer_score(indicator=MINI["SAF_S02"], answer="partly") == 40  # overridden
    assert answer_score(indicator=MINI["SAF_S02"], answer="no") == 0
    assert answer_score(indicator=MINI["QOL_P01"], answer="neutral") == 50
    assert answer_score(indicator=MINI["SAF_S03"], answer=["cctv", "lighting"]) == 75


def test_unscored_and_unanswered_give_none() -> None:
    assert answer_score(indicator=MINI["QOL_S01"], answer=12) is None  # data_driven
    assert answer_score(indicator=MINI["BGC_POP"], answer=12000) is None  # not scored
    assert answer_score(indicator=MINI["SAF_P01"], answer=None) is None
    assert answer_score(indicator=MINI["SAF_S03"], answer=[]) is None


@pytest.mark.parametrize(
    ("code", "answer", "message"),
    [
        ("SAF_P01", 7, "not a point of the scale"),
        ("SAF_P02", 120, "above the maximum 100"),
        ("SAF_S01", -1, "below the minimum 0"),
        ("SAF_S02", "maybe", "not one of"),
        ("QOL_P01", ["satisfied", "neutral"], "exactly one choice"),
        ("SAF_P02", "lots", "expected a number"),
        ("SAF_P02", float("nan"), "finite"),
        ("BGC_YEAR", 2020.5, "whole number"),
    ],
)
def test_bad_answers_raise_answer_error(code: str, answer: object, message: str) -> None:
    with pytest.raises(AnswerError) as info:
        answer_score(indicator=MINI[code], answer=answer)
    assert info.value.code == code
    assert message in info.value.message


@given(st.floats(min_value=0, max_value=100, allow_nan=False))
def test_scores_stay_in_range(x: float) -> None:
    for code in ("SAF_P02", "SAF_S01"):
        score = answer_score(indicator=MINI[code], answer=x)
        assert score is not None and 0 <= score <= 100


@given(
    st.floats(min_value=0, max_value=5000, allow_nan=False),
    st.floats(min_value=0, max_value=5000, allow_nan=False),
)
def test_higher_is_worse_is_monotone_decreasing(a: float, b: float) -> None:
    ind = MINI["SAF_S01"]
    lo, hi = sorted((a, b))
    s_lo = answer_score(indicator=ind, answer=lo)
    s_hi = answer_score(indicator=ind, answer=hi)
    assert s_lo is not None and s_hi is not None and s_lo >= s_hi
