"""Answer states: explicit statuses and canonical values shared by forms, imports and scoring."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from saferspaces.core.framework import AnswerError, edition_load
from saferspaces.core.framework.answers import (
    ANSWERED,
    DONT_KNOW,
    NOT_APPLICABLE,
    AnswerState,
    answer_display,
    answer_parse,
    answer_state_build,
    answers_for_relevance,
)

EDITION = edition_load(
    path=Path(__file__).resolve().parents[3] / "src/saferspaces/frameworks/editions/ssf-2026.1.yaml"
)
Q = EDITION.questions()


def _first(atype: str) -> object:
    return next(q for q in Q.values() if q.answer.type == atype)


def test_numbers_accept_decimal_comma_and_percent_sign() -> None:
    q = _first("percentage")
    assert answer_parse(question=q, raw="12,5") == 12.5  # type: ignore[arg-type]
    assert answer_parse(question=q, raw=" 40 % ") == 40.0  # type: ignore[arg-type]
    assert answer_parse(question=q, raw=7) == 7.0  # type: ignore[arg-type]


@pytest.mark.parametrize("raw", ["abc", "1.2.3", "nan", "inf", "101", "-1"])
def test_bad_percentages_are_refused_with_the_question_code(raw: str) -> None:
    q = _first("percentage")
    with pytest.raises(AnswerError) as info:
        answer_parse(question=q, raw=raw)  # type: ignore[arg-type]
    assert info.value.code == q.code  # type: ignore[attr-defined]


@pytest.mark.parametrize("raw", ["\uff11\uff12", "\u0661\u0662", "1_000", "\u00b2", "12\u0663"])
def test_numbers_are_written_with_ascii_digits_only(raw: str) -> None:
    """Python's float() reads fullwidth and Arabic-Indic digits and underscores; an answer that
    shows as one number to a person and is stored as another is refused instead."""
    q = _first("number")
    with pytest.raises(AnswerError) as info:
        answer_parse(question=q, raw=raw)  # type: ignore[arg-type]
    assert info.value.kind == "not_a_number"  # type: ignore[attr-defined]


def test_year_and_likert_are_whole_numbers() -> None:
    year = _first("year")
    assert answer_parse(question=year, raw="2024") == 2024  # type: ignore[arg-type]
    with pytest.raises(AnswerError):
        answer_parse(question=year, raw="2024.5")  # type: ignore[arg-type]


def test_multiple_choice_keeps_the_order_of_the_choices() -> None:
    q = Q["CL_SCOPE_SPACES"]
    assert answer_parse(question=q, raw="parks streets") == ["streets", "parks"]
    assert answer_parse(question=q, raw=["parks", "streets", "parks"]) == ["streets", "parks"]
    with pytest.raises(AnswerError, match="'moon' not among the choices"):
        answer_parse(question=q, raw="parks moon")


def test_status_and_value_must_agree() -> None:
    q = _first("percentage")
    assert answer_state_build(question=q, status=DONT_KNOW) == AnswerState(DONT_KNOW)  # type: ignore[arg-type]
    with pytest.raises(AnswerError, match="a value was given"):
        answer_state_build(question=q, status=NOT_APPLICABLE, raw="4")  # type: ignore[arg-type]
    with pytest.raises(AnswerError, match="an answer is needed"):
        answer_state_build(question=q, status=ANSWERED, raw="")  # type: ignore[arg-type]
    with pytest.raises(AnswerError, match="unknown status"):
        answer_state_build(question=q, status="maybe", raw="")  # type: ignore[arg-type]


def test_display_in_each_language() -> None:
    q = Q["CL_SCOPE_ROUND"]
    state = answer_state_build(question=q, status=ANSWERED, raw="repeat_round")
    assert answer_display(question=q, state=state, language="en") == "Repeat round"
    assert answer_display(question=q, state=state, language="fr") == "Cycle suivant"
    assert answer_display(question=q, state=None, language="fr") == "Pas encore de réponse"
    assert answer_display(question=q, state=AnswerState(DONT_KNOW), language="en") == "Don't know"


def test_only_answered_values_feed_skip_logic() -> None:
    states = {"A": AnswerState(ANSWERED, "yes"), "B": AnswerState(DONT_KNOW)}
    assert answers_for_relevance(states) == {"A": "yes"}


@given(st.floats(min_value=0, max_value=100, allow_nan=False))
def test_any_percentage_in_range_round_trips_through_text(x: float) -> None:
    q = _first("percentage")
    assert answer_parse(question=q, raw=repr(x)) == pytest.approx(x)  # type: ignore[arg-type]
